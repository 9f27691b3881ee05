import {
  type Attributes,
  type Component,
  guardLifecycle,
  type Host,
  type TelemetrySettings,
} from "@denocol/component";
import {
  type Capabilities,
  type ConsumeContext,
  type Consumer,
  PermanentError,
} from "@denocol/consumer";
import type { BatchSettings } from "./config.ts";

/**
 * What the batcher needs to know about one signal's data: how many items a request holds, and
 * how to cut and join requests. The pdata descriptor of every signal fits.
 */
export interface BatchOperations<T> {
  /** Items (spans, data points, log records, profile samples) in `data`. */
  count(data: T): number;
  /** Chunks of at most `maxItems` items each, in order, keeping resource and scope. */
  split(data: T, maxItems: number): T[];
  /** One request holding every item of `parts`, in order. */
  merge(parts: readonly T[]): T;
  /**
   * `data` in the form cheapest to hold until its batch is sent (the pdata descriptors' encoded
   * form); without it requests are held as they come.
   */
  encoded?(data: T): T;
}

/** Why a batch was sent, as counted in the internal telemetry. */
export type SendTrigger = "size" | "timeout" | "shutdown";

/** Thrown to the caller when `metadata_keys` would need more batchers than allowed. */
export class TooManyBatchersError extends PermanentError {
  /**
   * Creates the error.
   *
   * @param processor ID of the batch processor, as text.
   * @param limit The configured `metadata_cardinality_limit`.
   */
  constructor(processor: string, limit: number) {
    super(
      `batch processor "${processor}": too many batcher metadata-value combinations ` +
        `(metadata_cardinality_limit is ${limit})`,
    );
    this.name = "TooManyBatchersError";
  }
}

/** Thrown to a caller that hands data to a batch processor after its shutdown. */
export class BatcherStoppedError extends Error {
  /**
   * Creates the error.
   *
   * @param processor ID of the batch processor, as text.
   */
  constructor(processor: string) {
    super(
      `batch processor "${processor}" is shut down and accepts no more data`,
    );
    this.name = "BatcherStoppedError";
  }
}

/** Items collected for one combination of metadata values, waiting to be sent. */
class Shard<T> {
  pending: T[] = [];
  pendingItems = 0;
  timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly exportContext: ConsumeContext) {}
}

/**
 * The batch processor for one signal: collects requests per metadata combination and hands them
 * on as batches of `send_batch_size` items (at most `send_batch_max_size`), or whatever it holds
 * after `timeout`.
 *
 * A batch sent because a caller's request filled it is sent inside that caller's `consume`, and
 * a failure is returned to that caller (delivery is at least once: the caller's retry may repeat
 * items that other batches already delivered). A batch sent by the timer or at shutdown has no
 * caller: a failure is logged and counted in `otelcol_processor_batch_send_failed_items`.
 */
export class Batcher<T> implements Consumer<T>, Component {
  readonly #operations: BatchOperations<T>;
  readonly #settings: BatchSettings;
  readonly #next: Consumer<T>;
  readonly #telemetry: TelemetrySettings;
  readonly #processor: string;
  readonly #attributes: Attributes;
  readonly #shards = new Map<string, Shard<T>>();
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = false;

  /**
   * Creates a batcher; it starts working on the first `consume` (timers are armed only while it
   * holds data).
   *
   * @param operations Counting, splitting and merging of the signal's data.
   * @param settings Resolved configuration.
   * @param next The consumer batches go to.
   * @param telemetry Logger and meter of the processor.
   * @param processor The processor's ID as text, used in errors and as the `processor` attribute.
   * @param signal Signal name, added to the telemetry attributes.
   */
  constructor(
    operations: BatchOperations<T>,
    settings: BatchSettings,
    next: Consumer<T>,
    telemetry: TelemetrySettings,
    processor: string,
    signal: string,
  ) {
    this.#operations = operations;
    this.#settings = settings;
    this.#next = next;
    this.#telemetry = telemetry;
    this.#processor = processor;
    this.#attributes = { processor, otel_signal: signal };
    guardLifecycle(this);
  }

  /** The batcher holds on to requests and merges them, so a fan-out must give it its own copy. */
  capabilities(): Capabilities {
    return { mutatesData: true };
  }

  /** Nothing to acquire: timers are armed while data is held. */
  start(_host: Host): Promise<void> {
    return Promise.resolve();
  }

  /** Items held and not yet sent, over all metadata combinations. */
  get pendingItems(): number {
    let total = 0;
    for (const shard of this.#shards.values()) total += shard.pendingItems;
    return total;
  }

  /** Number of distinct metadata combinations seen (1 without `metadata_keys`, once used). */
  get metadataCardinality(): number {
    return this.#shards.size;
  }

  /**
   * Adds `data` to the batch of its metadata combination, and sends the batches it fills before
   * resolving. Rejects with the downstream error if such a send fails, with
   * {@linkcode TooManyBatchersError} past `metadata_cardinality_limit`, and with
   * {@linkcode BatcherStoppedError} after shutdown.
   */
  async consume(data: T, context: ConsumeContext = {}): Promise<void> {
    if (this.#stopped) throw new BatcherStoppedError(this.#processor);
    const items = this.#operations.count(data);
    if (items === 0) return;
    const shard = this.#shardFor(context);
    // Held decoded, a processor's output would outlive minor collections and be marked by every
    // full one until the batch leaves (transform + batch: 20-24 CPU s per million spans decoded,
    // 13 encoded here, where the exporter would have encoded it anyway).
    shard.pending.push(this.#operations.encoded?.(data) ?? data);
    shard.pendingItems += items;

    const { timeoutMs, sendBatchSize } = this.#settings;
    const immediate = timeoutMs === 0 || sendBatchSize === 0;
    const batches: Array<{ batch: T; items: number }> = [];
    while (
      shard.pendingItems > 0 &&
      (immediate || shard.pendingItems >= sendBatchSize)
    ) {
      batches.push(this.#take(shard));
    }
    if (batches.length > 0) this.#clearTimer(shard);
    if (!immediate && shard.pendingItems > 0 && shard.timer === undefined) {
      this.#armTimer(shard);
    }
    if (batches.length === 0) return;

    const errors: unknown[] = [];
    for (const { batch, items } of batches) {
      try {
        await this.#track(this.#send(shard, batch, items, "size"));
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }

  /**
   * Stops accepting data, sends everything held (failures are logged and counted), and waits for
   * every send in progress, so that the next consumer can be shut down after this resolves.
   */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    for (const shard of this.#shards.values()) {
      this.#clearTimer(shard);
      this.#flushInBackground(shard, "shutdown");
    }
    while (this.#inFlight.size > 0) {
      await Promise.allSettled([...this.#inFlight]);
    }
  }

  #shardFor(context: ConsumeContext): Shard<T> {
    const keys = this.#settings.metadataKeys;
    if (keys.length === 0) {
      let shard = this.#shards.get("");
      if (shard === undefined) {
        shard = new Shard<T>({});
        this.#shards.set("", shard);
        this.#recordCardinality();
      }
      return shard;
    }
    const metadata = context.client?.metadata;
    // A key that is absent and a key present with an empty value select different batchers.
    const values = keys.map((key) => metadata?.get(key) ?? null);
    const identity = JSON.stringify(values);
    let shard = this.#shards.get(identity);
    if (shard !== undefined) return shard;
    const limit = this.#settings.metadataCardinalityLimit;
    if (limit !== 0 && this.#shards.size >= limit) {
      throw new TooManyBatchersError(this.#processor, limit);
    }
    const exported = new Map<string, readonly string[]>();
    keys.forEach((key, index) => {
      const value = values[index];
      if (value !== null) exported.set(key, [...value]);
    });
    shard = new Shard<T>({ client: { metadata: exported } });
    this.#shards.set(identity, shard);
    this.#recordCardinality();
    return shard;
  }

  #recordCardinality(): void {
    this.#telemetry.meter.gauge(
      "otelcol_processor_batch_metadata_cardinality",
      {
        description: "Number of distinct metadata value combinations being processed",
        unit: "{combination}",
      },
    ).record(this.#shards.size, { processor: this.#processor });
  }

  /** Removes the next batch (at most `send_batch_max_size` items) from `shard`. */
  #take(shard: Shard<T>): { batch: T; items: number } {
    const max = this.#settings.sendBatchMaxSize;
    const operations = this.#operations;
    if (max === 0 || shard.pendingItems <= max) {
      const batch = shard.pending.length === 1 ? shard.pending[0] : operations.merge(shard.pending);
      const items = shard.pendingItems;
      shard.pending = [];
      shard.pendingItems = 0;
      return { batch, items };
    }
    const first = shard.pending[0];
    const firstItems = operations.count(first);
    if (firstItems === max) {
      shard.pending.shift();
      shard.pendingItems -= max;
      return { batch: first, items: max };
    }
    // Merge once and keep the remaining chunks: later takes then find a full chunk in front.
    const chunks = operations.split(operations.merge(shard.pending), max);
    const batch = chunks[0];
    const items = operations.count(batch);
    shard.pending = chunks.slice(1);
    shard.pendingItems -= items;
    return { batch, items };
  }

  #armTimer(shard: Shard<T>): void {
    shard.timer = setTimeout(() => {
      shard.timer = undefined;
      this.#flushInBackground(shard, "timeout");
    }, this.#settings.timeoutMs);
  }

  #clearTimer(shard: Shard<T>): void {
    if (shard.timer !== undefined) {
      clearTimeout(shard.timer);
      shard.timer = undefined;
    }
  }

  /** Sends all `shard` holds with no caller to report to: failures are logged and counted. */
  #flushInBackground(shard: Shard<T>, trigger: SendTrigger): void {
    while (shard.pendingItems > 0) {
      const { batch, items } = this.#take(shard);
      this.#track(
        this.#send(shard, batch, items, trigger).catch((error) => {
          this.#telemetry.meter.counter(
            "otelcol_processor_batch_send_failed_items",
            {
              description: "Items in batches sent by the timer or at shutdown that the next " +
                "consumer rejected; they are lost",
              unit: "{item}",
            },
          ).add(items, this.#attributes);
          this.#telemetry.logger.warn(
            "batch processor: sending a batch failed; it is dropped",
            {
              ...this.#attributes,
              trigger,
              items,
              error: error instanceof Error ? error.message : String(error),
            },
          );
        }),
      );
    }
  }

  #track(send: Promise<void>): Promise<void> {
    this.#inFlight.add(send);
    return send.finally(() => this.#inFlight.delete(send));
  }

  async #send(
    shard: Shard<T>,
    batch: T,
    items: number,
    trigger: SendTrigger,
  ): Promise<void> {
    const meter = this.#telemetry.meter;
    if (trigger === "size") {
      meter.counter("otelcol_processor_batch_batch_size_trigger_send", {
        description: "Number of times a batch was sent because it reached send_batch_size",
        unit: "{time}",
      }).add(1, this.#attributes);
    } else {
      meter.counter("otelcol_processor_batch_timeout_trigger_send", {
        description: "Number of times a batch was sent because of the timeout or shutdown",
        unit: "{time}",
      }).add(1, this.#attributes);
    }
    meter.counter("otelcol_processor_batch_batch_send_size_sum", {
      description: "Items in the batches sent",
      unit: "{item}",
    }).add(items, this.#attributes);
    await this.#next.consume(batch, shard.exportContext);
  }
}
