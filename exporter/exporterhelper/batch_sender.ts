import type { Host } from "@denocol/component";
import type { FirstSender, Request } from "./sender.ts";

/** `sending_queue.batch`, resolved: how requests are merged before they are queued. */
export interface BatchSettings {
  /** A batch waiting this long is sent even if small, ms. */
  readonly flushMs: number;
  /** A batch of this size is sent at once (in units of `sizer`). */
  readonly minSize: number;
  /** Batches larger than this are split (0: no limit). */
  readonly maxSize: number;
  /** What the sizes count. */
  readonly sizer: "items" | "requests" | "bytes";
  /**
   * The largest merged request in encoded bytes (0: no limit), whatever the sizer: the `otlp`
   * exporter keeps merged requests under a gRPC backend's 4 MiB message limit.
   */
  readonly maxBytes: number;
}

/** What the batch step needs of a signal. */
export interface BatchSpec<T> {
  /** Counts items. */
  count(data: T): number;
  /** Encoded size, for the `bytes` sizer and `maxBytes`. */
  encodeProto(data: T): Uint8Array;
  /** Concatenates requests. */
  merge(parts: readonly T[]): T;
  /** Splits into chunks of at most `maxItems` items. */
  split(data: T, maxItems: number): T[];
}

interface Waiting<T> {
  readonly request: Request<T>;
  readonly bytes: number;
  readonly done: PromiseWithResolvers<void>;
}

/**
 * Exporter-side batching (`sending_queue.batch`, as in the Go exporter helper): requests are
 * merged until the batch reaches `min_size` or has waited `flush_timeout`, split at `max_size`,
 * and then handed to the queue. A caller waits until its batch was handed over and hears the
 * queue's answer, so a full queue still pushes back on the receiver and nothing is lost
 * silently.
 */
export class BatchSender<T> implements FirstSender<T> {
  readonly #next: FirstSender<T>;
  readonly #spec: BatchSpec<T>;
  readonly #settings: BatchSettings;
  #waiting: Waiting<T>[] = [];
  #size = 0;
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param next The queue (or the direct sender) the merged requests go to.
   * @param spec The signal's merge, split, count and encoding.
   * @param settings The batch settings.
   */
  constructor(next: FirstSender<T>, spec: BatchSpec<T>, settings: BatchSettings) {
    this.#next = next;
    this.#spec = spec;
    this.#settings = settings;
  }

  /** Whether the step after it keeps requests past the drain time. */
  get storesAfterDrain(): boolean {
    return this.#next.storesAfterDrain;
  }

  /** Whether callers learn the outcome of their request. */
  get waitsForResult(): boolean {
    return this.#next.waitsForResult;
  }

  /** Starts the step after it. */
  start(host: Host): Promise<void> {
    return this.#next.start(host);
  }

  /** Adds `request` to the batch; resolves once its batch was handed on. */
  send(request: Request<T>): Promise<void> {
    const { maxBytes, sizer } = this.#settings;
    const bytes = maxBytes > 0 || sizer === "bytes"
      ? this.#spec.encodeProto(request.data).length
      : 0;
    // A request that would take the merged one past the byte limit goes into the next batch.
    if (maxBytes > 0 && this.#waiting.length > 0 && this.#bytes + bytes > maxBytes) {
      void this.#flush();
    }
    const waiting: Waiting<T> = { request, bytes, done: Promise.withResolvers<void>() };
    this.#waiting.push(waiting);
    this.#bytes += bytes;
    this.#size += sizer === "items" ? request.items : sizer === "bytes" ? bytes : 1;
    if (this.#size >= this.#settings.minSize) void this.#flush();
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.#flush(), this.#settings.flushMs);
    }
    return waiting.done.promise;
  }

  /** Hands on what is waiting, then drains the step after it. */
  async drain(): Promise<void> {
    await this.#flush();
    await this.#next.drain();
  }

  async #flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#waiting;
    if (batch.length === 0) return;
    this.#waiting = [];
    this.#size = 0;
    this.#bytes = 0;
    const merged = batch.length === 1 ? batch[0].request.data : this.#spec.merge(
      batch.map((w) => w.request.data),
    );
    const { maxSize, sizer } = this.#settings;
    const parts = maxSize > 0 && sizer === "items" ? this.#spec.split(merged, maxSize) : [merged];
    // Client information means nothing once requests of several clients are merged.
    const client = batch.length === 1 ? batch[0].request.client : undefined;
    try {
      for (const data of parts) {
        await this.#next.send({
          data,
          items: this.#spec.count(data),
          ...(client ? { client } : {}),
        });
      }
      for (const w of batch) w.done.resolve();
    } catch (error) {
      for (const w of batch) w.done.reject(error);
    }
  }
}
