import type {
  Attributes,
  Component,
  Counter,
  Gauge,
  Host,
  Logger,
  Settings,
} from "@denocol/component";
import { ID, newComponent } from "@denocol/component";
import {
  type Capabilities,
  type ClientInfo,
  type ConsumeContext,
  isPermanent,
  PermanentError,
  RetryableError,
  retryAfterOf,
} from "@denocol/consumer";
import { ExponentialBackoff } from "./backoff.ts";
import {
  defaultQueueConfig,
  defaultRetryConfig,
  defaultTimeoutConfig,
  type QueueConfig,
  type QueueSettings,
  resolveQueue,
  resolveRetry,
  resolveTimeout,
  type RetryConfig,
  type RetrySettings,
  type TimeoutConfig,
} from "./config.ts";
import {
  MemoryQueue,
  PersistentQueue,
  QueueClosedError,
  type QueueEntry,
  QueueFullError,
  RequestTooLargeError,
  type SendingQueue,
} from "./queue.ts";
import { isStorageExtension } from "@denocol/extension";
import type { Exporter } from "../factory.ts";

/**
 * What the exporter helper needs to know about a request type: how many items it holds and, for
 * a persistent queue, how to store it. `SignalHelpers<T>` of `@denocol/pdata` fits.
 */
export interface RequestHelpers<T> {
  /** Number of items (spans, data points, log records, profile samples) in `data`. */
  count(data: T): number;
  /** Serialises `data` for the persistent queue. */
  encodeProto(data: T): Uint8Array;
  /** Parses what `encodeProto` produced. */
  decodeProto(bytes: Uint8Array): T;
}

/** The signal an exporter handles and how its items are named in telemetry. */
export interface SignalSpec<T> {
  /** Signal name, such as `traces`; the `data_type` attribute and the storage client name. */
  signal: string;
  /**
   * Metric name suffix for items: `spans`, `metric_points`, `log_records`, `profile_samples`
   * (as in `otelcol_exporter_sent_spans`).
   */
  itemName: string;
  /** Counting and encoding of requests. */
  helpers: RequestHelpers<T>;
}

/** Given to a {@linkcode PushFunc} for one attempt. */
export interface PushContext {
  /** Aborted when the attempt times out or the exporter stops; pass it to the transport. */
  signal: AbortSignal;
  /** The client that sent the data, when known and the request was not persisted. */
  client?: ClientInfo;
}

/**
 * The backend accepted the request but rejected some items (OTLP partial success). They are
 * counted as failed and logged; the request is not retried.
 */
export interface PartialSuccess {
  /** Number of items the backend rejected. */
  rejectedItems: number;
  /** The backend's explanation, possibly empty. */
  errorMessage: string;
}

/**
 * Sends one request to the backend. Resolve on success (optionally with a
 * {@linkcode PartialSuccess}); reject with a `PermanentError` when the data must not be sent
 * again, or with any other error (a `RetryableError` to give a retry-after hint) to retry.
 */
export type PushFunc<T> = (data: T, context: PushContext) => Promise<PartialSuccess | void>;

/** Options of {@linkcode newExporter}. */
export interface ExporterOptions {
  /** `timeout` section; default {@linkcode defaultTimeoutConfig}. */
  timeout?: TimeoutConfig;
  /** `retry_on_failure` section; default {@linkcode defaultRetryConfig}. */
  retry?: RetryConfig;
  /** `sending_queue` section; default {@linkcode defaultQueueConfig}. */
  queue?: QueueConfig;
  /** Runs on start, before the queue opens (create clients here). */
  start?: (host: Host) => void | Promise<void>;
  /** Runs on shutdown, after the queue has stopped (close clients here). */
  shutdown?: () => void | Promise<void>;
  /** Reported capabilities; default `{ mutatesData: false }`. */
  capabilities?: Capabilities;
  /**
   * How long an in-memory queue keeps sending at shutdown before the rest is dropped (counted and
   * logged), in ms. Default 10000.
   */
  drainTimeoutMs?: number;
  /** Config path used in error messages; default `exporters::<id>`. */
  configPath?: string;
  /** Uniform random source for jitter (tests); default `Math.random`. */
  random?: () => number;
}

/** Why items were dropped, as in the `reason` attribute of `otelcol_exporter_dropped_items`. */
export type DropReason =
  | "permanent_error"
  | "retries_exhausted"
  | "retry_disabled"
  | "shutdown"
  | "partial_success"
  | "unreadable_stored_request";

type Outcome = "sent" | "dropped" | "interrupted";

/** Rejected by an attempt that outlived its timeout. */
class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`export attempt timed out after ${ms}ms`);
    this.name = "AttemptTimeoutError";
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The instruments of one exporter. */
class ExporterTelemetry {
  readonly sent: Counter;
  readonly sendFailed: Counter;
  readonly enqueueFailed: Counter;
  readonly dropped: Counter;
  readonly queueSize: Gauge;
  readonly queueCapacity: Gauge;
  readonly attributes: Attributes;
  readonly queueAttributes: Attributes;

  constructor(settings: Settings, spec: SignalSpec<unknown>) {
    const meter = settings.telemetry.meter;
    const item = spec.itemName;
    const unit = `{${item}}`;
    this.sent = meter.counter(`otelcol_exporter_sent_${item}`, {
      description: `Number of ${item} successfully sent to destination.`,
      unit,
    });
    this.sendFailed = meter.counter(`otelcol_exporter_send_failed_${item}`, {
      description: `Number of ${item} in failed attempts to send to destination.`,
      unit,
    });
    this.enqueueFailed = meter.counter(`otelcol_exporter_enqueue_failed_${item}`, {
      description: `Number of ${item} failed to be added to the sending queue.`,
      unit,
    });
    this.dropped = meter.counter("otelcol_exporter_dropped_items", {
      description: "Number of items an exporter dropped for good, by signal and reason.",
      unit: "{items}",
    });
    this.queueSize = meter.gauge("otelcol_exporter_queue_size", {
      description: "Current size of the retry queue (in batches or items, as configured).",
    });
    this.queueCapacity = meter.gauge("otelcol_exporter_queue_capacity", {
      description: "Fixed capacity of the retry queue (in batches or items, as configured).",
    });
    this.attributes = { exporter: settings.id.toString() };
    this.queueAttributes = { exporter: settings.id.toString(), data_type: spec.signal };
  }
}

/**
 * Builds an exporter around `push` with the collector's exporter helper behaviour:
 * `sending_queue` → `retry_on_failure` → `timeout` → `push`.
 *
 * - Without a queue, `consume` runs the retries and rejects with the final error.
 * - With a queue, `consume` resolves once the request is queued (or, with `wait_for_result`,
 *   once it was sent or dropped). A full queue refuses with a `RetryableError` (or waits when
 *   `blocking`), so backpressure reaches the receiver.
 * - With `storage`, the queue lives in that storage extension: a request leaves the store only
 *   after it was sent or dropped for good; requests stored by an earlier run are sent on start;
 *   shutdown leaves unsent requests in the store.
 * - Every drop is logged with its reason and counted in `otelcol_exporter_send_failed_<items>`
 *   and `otelcol_exporter_dropped_items{reason}`; refusals in
 *   `otelcol_exporter_enqueue_failed_<items>`.
 *
 * @throws {TypeError} when a config section is invalid (naming the config path).
 */
export function newExporter<T>(
  settings: Settings,
  spec: SignalSpec<T>,
  push: PushFunc<T>,
  options: ExporterOptions = {},
): Exporter<T> {
  const path = options.configPath ?? `exporters::${settings.id.toString()}`;
  const timeoutMs = resolveTimeout(options.timeout ?? defaultTimeoutConfig(), path);
  const retry = resolveRetry(options.retry ?? defaultRetryConfig(), `${path}::retry_on_failure`);
  const queueSettings = resolveQueue(
    options.queue ?? defaultQueueConfig(),
    `${path}::sending_queue`,
  );
  return new HelperExporter(settings, spec, push, options, timeoutMs, retry, queueSettings);
}

class HelperExporter<T> implements Exporter<T> {
  readonly #settings: Settings;
  readonly #spec: SignalSpec<T>;
  readonly #push: PushFunc<T>;
  readonly #options: ExporterOptions;
  readonly #timeoutMs: number;
  readonly #retry: RetrySettings;
  readonly #queueSettings: QueueSettings;
  readonly #logger: Logger;
  readonly #telemetry: ExporterTelemetry;
  readonly #lifecycle: Component;
  /** Aborted at shutdown: no further backoff waits. */
  readonly #stopRetries = new AbortController();
  /** Aborted when the drain deadline passes: in-flight attempts are cancelled. */
  readonly #stopAttempts = new AbortController();
  #queue: SendingQueue<T> | undefined;
  #consumers: Promise<void>[] = [];
  #accepting = false;
  #stopping = false;

  constructor(
    settings: Settings,
    spec: SignalSpec<T>,
    push: PushFunc<T>,
    options: ExporterOptions,
    timeoutMs: number,
    retry: RetrySettings,
    queueSettings: QueueSettings,
  ) {
    this.#settings = settings;
    this.#spec = spec;
    this.#push = push;
    this.#options = options;
    this.#timeoutMs = timeoutMs;
    this.#retry = retry;
    this.#queueSettings = queueSettings;
    this.#logger = settings.telemetry.logger;
    this.#telemetry = new ExporterTelemetry(settings, spec as SignalSpec<unknown>);
    this.#lifecycle = newComponent({
      start: (host) => this.#start(host),
      shutdown: () => this.#shutdown(),
    });
  }

  capabilities(): Capabilities {
    return { mutatesData: this.#options.capabilities?.mutatesData ?? false };
  }

  start(host: Host): Promise<void> {
    return this.#lifecycle.start(host);
  }

  shutdown(): Promise<void> {
    return this.#lifecycle.shutdown();
  }

  async #start(host: Host): Promise<void> {
    await this.#options.start?.(host);
    const q = this.#queueSettings;
    if (q.enabled) {
      const sizer = q.sizer === "items" ? (e: QueueEntry<T>) => e.items : (_: QueueEntry<T>) => 1;
      if (q.storage === undefined) {
        this.#queue = new MemoryQueue<T>(q.capacity, sizer, q.blocking);
      } else {
        this.#queue = await this.#openPersistentQueue(host, q, sizer);
      }
      this.#telemetry.queueCapacity.record(q.capacity, this.#telemetry.queueAttributes);
      this.#recordQueueSize();
      for (let i = 0; i < q.numConsumers; i++) this.#consumers.push(this.#consume(this.#queue));
    }
    this.#accepting = true;
  }

  async #openPersistentQueue(
    host: Host,
    q: QueueSettings,
    sizer: (e: QueueEntry<T>) => number,
  ): Promise<PersistentQueue<T>> {
    const path = `${this.#options.configPath ?? `exporters::${this.#settings.id}`}` +
      "::sending_queue::storage";
    let storageId: ID;
    try {
      storageId = ID.parse(q.storage!);
    } catch (error) {
      throw new TypeError(`${path}: ${errorText(error)}`);
    }
    const extension = host.getExtension(storageId);
    if (extension === undefined) {
      throw new Error(
        `${path}: extension "${storageId}" is not configured; add it under extensions and ` +
          `service::extensions`,
      );
    }
    if (!isStorageExtension(extension)) {
      throw new Error(`${path}: extension "${storageId}" is not a storage extension`);
    }
    const client = await extension.getClient("exporter", this.#settings.id, this.#spec.signal);
    const helpers = this.#spec.helpers;
    const queue = await PersistentQueue.open<T>(client, {
      encode: (data) => helpers.encodeProto(data),
      decode: (bytes) => helpers.decodeProto(bytes),
    }, {
      capacity: q.capacity,
      sizer,
      blocking: q.blocking,
      onCorrupt: (key, items, error) =>
        this.#drop(items, "unreadable_stored_request", error, { stored_key: key }),
    });
    if (queue.restored > 0) {
      this.#logger.info("Resuming requests left in the persistent queue by an earlier run", {
        requests: queue.restored,
        storage: storageId.toString(),
      });
    }
    return queue;
  }

  #recordQueueSize(): void {
    if (this.#queue !== undefined) {
      this.#telemetry.queueSize.record(this.#queue.size(), this.#telemetry.queueAttributes);
    }
  }

  async consume(data: T, context: ConsumeContext = {}): Promise<void> {
    const items = this.#spec.helpers.count(data);
    if (!this.#accepting) {
      this.#telemetry.enqueueFailed.add(items, this.#telemetry.attributes);
      throw new RetryableError(
        `exporter ${this.#settings.id} is ${this.#stopping ? "shutting down" : "not started"}`,
      );
    }
    const queue = this.#queue;
    if (queue === undefined) {
      const outcome = await this.#send(data, items, context.client, true);
      if (outcome.error !== undefined) throw outcome.error;
      return;
    }
    const entry: QueueEntry<T> = { data, items };
    let result: Promise<void> | undefined;
    if (this.#queueSettings.waitForResult) {
      result = new Promise((resolve, reject) => {
        entry.settle = (error) => (error === undefined ? resolve() : reject(error));
      });
    }
    try {
      await queue.offer(entry, context.signal);
    } catch (error) {
      this.#telemetry.enqueueFailed.add(items, this.#telemetry.attributes);
      if (error instanceof RequestTooLargeError) {
        this.#logger.error("Sending queue refused a request larger than its capacity", {
          reason: error.message,
          [this.#spec.itemName]: items,
        });
        throw new PermanentError(`exporter ${this.#settings.id}: ${error.message}`, {
          cause: error,
        });
      }
      if (error instanceof QueueFullError || error instanceof QueueClosedError) {
        this.#logger.warn("Sending queue refused the request; the sender should retry", {
          reason: error.message,
          [this.#spec.itemName]: items,
          queue_size: queue.size(),
          queue_capacity: queue.capacity,
        });
        throw new RetryableError(
          `exporter ${this.#settings.id}: ${error.message} (capacity ${queue.capacity} ` +
            `${this.#queueSettings.sizer})`,
          { cause: error },
        );
      }
      this.#logger.error("Could not add the request to the sending queue", {
        error: errorText(error),
        [this.#spec.itemName]: items,
      });
      throw this.#callerError(error);
    }
    this.#recordQueueSize();
    if (result !== undefined) await result;
  }

  async #consume(queue: SendingQueue<T>): Promise<void> {
    // A suspended async function keeps every value its frame ever held, dead or not. Were the
    // entry a local of this loop, an idle consumer waiting in `take` would keep its last request
    // (already sent) alive; with several consumers and large batches that is tens of MiB that no
    // garbage collection frees, and a memory_limiter in front keeps refusing data because of it.
    // So the entry lives only in the frame of `#process`, which ends before the next `take`.
    while (
      await queue.take().then((entry) => entry !== undefined && this.#process(queue, entry))
    ) {
      // Next entry.
    }
  }

  /** Sends one entry taken from the queue and settles it; resolves to `true`. */
  async #process(queue: SendingQueue<T>, entry: QueueEntry<T>): Promise<true> {
    let outcome: Outcome;
    let failure: unknown;
    try {
      const result = await this.#send(entry.data, entry.items, undefined, false);
      outcome = result.outcome;
      failure = result.error;
    } catch (error) {
      // A helper bug must not stop the consumer; treat it as a drop.
      this.#drop(entry.items, "permanent_error", error);
      outcome = "dropped";
      failure = error;
    }
    if (outcome === "interrupted" && queue instanceof MemoryQueue) {
      this.#drop(entry.items, "shutdown", failure);
      outcome = "dropped";
    }
    try {
      await queue.complete(entry, outcome !== "interrupted");
    } catch (error) {
      this.#logger.error("Could not update the persistent queue", { error: errorText(error) });
    }
    this.#recordQueueSize();
    entry.settle?.(
      outcome === "sent" ? undefined : this.#callerError(failure ?? new Error("request dropped")),
    );
    return true;
  }

  /**
   * Runs the retry loop for one request. `returnErrors` is for the queue-less path, where
   * failures go back to the caller instead of being dropped here.
   */
  async #send(
    data: T,
    items: number,
    client: ClientInfo | undefined,
    returnErrors: boolean,
  ): Promise<{ outcome: Outcome; error?: unknown }> {
    const backoff = new ExponentialBackoff(this.#retry, this.#options.random);
    const deadline = this.#retry.maxElapsedMs > 0
      ? performance.now() + this.#retry.maxElapsedMs
      : Infinity;
    for (let attempt = 0;; attempt++) {
      let error: unknown;
      try {
        const partial = await this.#attempt(data, client);
        if (partial !== undefined && partial.rejectedItems > 0) {
          const rejected = Math.min(partial.rejectedItems, items);
          this.#telemetry.sent.add(items - rejected, this.#telemetry.attributes);
          this.#drop(rejected, "partial_success", partial.errorMessage, {}, false);
        } else {
          this.#telemetry.sent.add(items, this.#telemetry.attributes);
        }
        return { outcome: "sent" };
      } catch (caught) {
        error = caught;
      }
      if (this.#stopAttempts.signal.aborted) return { outcome: "interrupted", error };
      if (isPermanent(error)) {
        return this.#fail(items, "permanent_error", error, returnErrors);
      }
      if (!this.#retry.enabled) return this.#fail(items, "retry_disabled", error, returnErrors);
      let wait = backoff.next();
      const hint = retryAfterOf(error);
      if (hint !== undefined && hint > wait) wait = hint;
      if (performance.now() + wait > deadline) {
        return this.#fail(items, "retries_exhausted", error, returnErrors, attempt + 1);
      }
      this.#logger.info("Exporting failed. Will retry the request after interval.", {
        error: errorText(error),
        interval_ms: Math.round(wait),
        attempt: attempt + 1,
      });
      if (!(await sleep(wait, this.#stopRetries.signal))) {
        if (returnErrors) return this.#fail(items, "shutdown", error, true);
        return { outcome: "interrupted", error };
      }
    }
  }

  #fail(
    items: number,
    reason: DropReason,
    error: unknown,
    returnErrors: boolean,
    attempts?: number,
  ): { outcome: Outcome; error: unknown } {
    if (returnErrors) {
      this.#telemetry.sendFailed.add(items, this.#telemetry.attributes);
      this.#logger.error("Exporting failed. The error is returned to the caller.", {
        reason,
        error: errorText(error),
        [this.#spec.itemName]: items,
      });
      return { outcome: "dropped", error: this.#callerError(error) };
    }
    this.#drop(items, reason, error, attempts === undefined ? {} : { attempts });
    return { outcome: "dropped", error };
  }

  /**
   * The error a caller gets for a request that was not delivered: permanent when `error` is, and
   * otherwise retryable with its retry-after hint, in both cases naming this exporter, so that a
   * client can tell which backend refused its data.
   */
  #callerError(error: unknown): PermanentError | RetryableError {
    const prefix = `exporter ${this.#settings.id}: `;
    const text = errorText(error);
    const message = text.startsWith(prefix) ? text : prefix + text;
    if (isPermanent(error)) return new PermanentError(message, { cause: error });
    return new RetryableError(message, { cause: error, retryAfterMs: retryAfterOf(error) });
  }

  /** Counts and logs items that will never reach the backend. */
  #drop(
    items: number,
    reason: DropReason,
    error: unknown,
    extra: Attributes = {},
    asError = true,
  ): void {
    this.#telemetry.sendFailed.add(items, this.#telemetry.attributes);
    this.#telemetry.dropped.add(items, {
      ...this.#telemetry.attributes,
      data_type: this.#spec.signal,
      reason,
    });
    const message = reason === "partial_success"
      ? "Partial success response: the backend rejected some items"
      : "Exporting failed. Dropping data.";
    const attributes = {
      reason,
      error: errorText(error),
      [`dropped_${this.#spec.itemName}`]: items,
      ...extra,
    };
    if (asError) this.#logger.error(message, attributes);
    else this.#logger.warn(message, attributes);
  }

  async #attempt(data: T, client: ClientInfo | undefined): Promise<PartialSuccess | void> {
    const controller = new AbortController();
    const onStop = () => controller.abort(this.#stopAttempts.signal.reason);
    this.#stopAttempts.signal.addEventListener("abort", onStop, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = this.#timeoutMs > 0
      ? new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new AttemptTimeoutError(this.#timeoutMs);
          controller.abort(error);
          reject(error);
        }, this.#timeoutMs);
      })
      : undefined;
    const stopped = new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), {
        once: true,
      });
    });
    try {
      const pushed = this.#push(data, { signal: controller.signal, client });
      return await Promise.race(
        timedOut === undefined ? [pushed, stopped] : [pushed, timedOut, stopped],
      );
    } finally {
      clearTimeout(timer);
      this.#stopAttempts.signal.removeEventListener("abort", onStop);
      // Settle the losers of the race quietly.
      if (!controller.signal.aborted) controller.abort(new Error("attempt finished"));
    }
  }

  async #shutdown(): Promise<void> {
    this.#stopping = true;
    this.#accepting = false;
    const queue = this.#queue;
    if (queue !== undefined) {
      queue.close();
      if (queue instanceof PersistentQueue) {
        // Unsent requests stay in the store; only in-flight attempts are allowed to finish.
        this.#stopRetries.abort(new Error("exporter is shutting down"));
        await Promise.all(this.#consumers);
        const left = queue.size();
        if (left > 0) {
          this.#logger.info("Unsent requests stay in the persistent queue for the next start", {
            queue_size: left,
            sizer: this.#queueSettings.sizer,
          });
        }
        await queue.closeStorage();
      } else if (queue instanceof MemoryQueue) {
        const drainMs = this.#options.drainTimeoutMs ?? 10_000;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const deadline = new Promise<"deadline">((resolve) => {
          timer = setTimeout(() => resolve("deadline"), drainMs);
        });
        const drained = Promise.all(this.#consumers).then(() => "drained" as const);
        const first = await Promise.race([drained, deadline]);
        clearTimeout(timer);
        if (first === "deadline") {
          this.#stopRetries.abort(new Error("drain deadline passed"));
          this.#stopAttempts.abort(new Error("drain deadline passed"));
          const discarded = queue.discardWaiting();
          let items = 0;
          for (const entry of discarded) {
            items += entry.items;
            entry.settle?.(new Error("request dropped at shutdown"));
          }
          if (discarded.length > 0) {
            this.#drop(
              items,
              "shutdown",
              `sending queue not drained within ${drainMs}ms`,
              { requests: discarded.length },
            );
          }
          await drained;
        }
      }
      this.#recordQueueSize();
    }
    this.#stopRetries.abort(new Error("exporter stopped"));
    await this.#options.shutdown?.();
  }
}
