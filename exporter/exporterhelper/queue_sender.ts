import type { Attributes, Host, ID, Logger } from "@denocol/component";
import { PermanentError, RetryableError } from "@denocol/consumer";
import type { QueueSettings } from "./config.ts";
import {
  MemoryQueue,
  QueueClosedError,
  type QueueEntry,
  QueueFullError,
  RequestTooLargeError,
  type SendingQueue,
} from "./queue.ts";
import {
  callerError,
  dropLate,
  errorText,
  type FirstSender,
  type Request,
  type Sender,
  SendFailure,
  SendInterrupted,
} from "./sender.ts";
import type { ShutdownDrain } from "./shutdown_drain.ts";
import { openPersistentQueue } from "./storage.ts";
import type { ExporterTelemetry } from "./telemetry.ts";
import type { SignalSpec } from "./types.ts";

/** What a {@linkcode QueueSender} works with. */
export interface QueueSenderOptions<T> {
  /** The resolved `sending_queue` section (enabled). */
  settings: QueueSettings;
  /** The exporter, named in errors and in its storage client. */
  exporter: ID;
  /** The signal: item name, storage client name and encoding of stored requests. */
  spec: SignalSpec<T>;
  /** Config path of the exporter, such as `exporters::otlp`, named in storage errors. */
  configPath: string;
  /** The exporter's instruments. */
  telemetry: ExporterTelemetry;
  /** When the shutdown stops sending. */
  drain: ShutdownDrain;
  /** The exporter's logger. */
  logger: Logger;
  /**
   * Ends every wait for a next attempt (the retry step's shutdown). Called when the drain
   * begins if the queue keeps what it does not send: such requests wait in storage for the
   * next start rather than in memory for a retry.
   */
  stopRetrying: () => void;
}

/** How a taken entry left the chain. */
type Outcome = "sent" | "dropped" | "kept";

/**
 * `sending_queue`: a caller's request is put in the queue (memory, or the storage extension
 * named by `storage`) and `num_consumers` consumers send it through the next step. A full
 * queue refuses with a `RetryableError` (or waits when `blocking`), so backpressure reaches
 * the receiver. A request that the next step gives up is dropped here, counted and logged;
 * with `wait_for_result` its caller waits for the outcome and hears of a drop. At shutdown
 * the queue is drained until the drain time is over; then an in-memory queue drops what it
 * still holds and a persistent one keeps it for the next start.
 */
export class QueueSender<T> implements FirstSender<T> {
  readonly #next: Sender<T>;
  readonly #options: QueueSenderOptions<T>;
  readonly #exporter: string;
  /** Callers waiting for the outcome of their entry (`wait_for_result`). */
  readonly #waiters = new Map<QueueEntry<T>, (error?: unknown) => void>();
  #queue: SendingQueue<T> | undefined;
  #consumers: Promise<void>[] = [];

  /** @param next The step that sends a taken request (the telemetry step). */
  constructor(next: Sender<T>, options: QueueSenderOptions<T>) {
    this.#next = next;
    this.#options = options;
    this.#exporter = options.exporter.toString();
  }

  get storesAfterDrain(): boolean {
    return this.#queue?.keepsUnsent ?? false;
  }

  get waitsForResult(): boolean {
    return this.#options.settings.waitForResult;
  }

  async start(host: Host): Promise<void> {
    const { settings, telemetry } = this.#options;
    const queue = await this.#open(host);
    this.#queue = queue;
    telemetry.queueCapacity(settings.capacity);
    this.#recordSize();
    for (let i = 0; i < settings.numConsumers; i++) this.#consumers.push(this.#consume(queue));
    this.#options.drain.deadline.addEventListener("abort", () => this.#stop(queue), {
      once: true,
    });
  }

  #open(host: Host): Promise<SendingQueue<T>> {
    const { settings, telemetry } = this.#options;
    if (settings.storage === undefined) {
      return Promise.resolve(
        new MemoryQueue<T>(settings.capacity, settings.sizer, settings.blocking),
      );
    }
    return openPersistentQueue(host, {
      storage: settings.storage,
      path: `${this.#options.configPath}::sending_queue::storage`,
      exporter: this.#options.exporter,
      spec: this.#options.spec,
      capacity: settings.capacity,
      sizer: settings.sizer,
      blocking: settings.blocking,
      onCorrupt: (key, items, error) =>
        telemetry.drop(items, "unreadable_stored_request", error, { stored_key: key }),
      logger: this.#options.logger,
    });
  }

  #recordSize(): void {
    if (this.#queue !== undefined) this.#options.telemetry.queueSize(this.#queue.size());
  }

  async send(request: Request<T>, signal?: AbortSignal): Promise<void> {
    const queue = this.#queue!;
    const entry: QueueEntry<T> = { data: request.data, items: request.items };
    let result: Promise<void> | undefined;
    if (this.waitsForResult) {
      result = new Promise((resolve, reject) => {
        this.#waiters.set(entry, (error) => (error === undefined ? resolve() : reject(error)));
      });
    }
    try {
      await queue.offer(entry, signal);
    } catch (error) {
      this.#waiters.delete(entry);
      return this.#refused(queue, request.items, error);
    }
    this.#recordSize();
    if (this.#options.drain.over !== undefined) {
      // Stored after the drain time: nothing will send it before the next start.
      this.#waiters.delete(entry);
      return;
    }
    if (result !== undefined) await result;
  }

  /** Answers a caller whose request the queue did not take. */
  #refused(queue: SendingQueue<T>, items: number, error: unknown): Promise<void> {
    const { telemetry, logger, drain, spec, settings } = this.#options;
    // A caller still waiting for room when the drain time ran out.
    if (error instanceof QueueClosedError && drain.over !== undefined) {
      return dropLate(telemetry, this.#exporter, items, drain.over, this.waitsForResult);
    }
    telemetry.refused(items);
    if (error instanceof RequestTooLargeError) {
      logger.error("Sending queue refused a request larger than its capacity", {
        reason: error.message,
        [spec.itemName]: items,
      });
      throw new PermanentError(`exporter ${this.#exporter}: ${error.message}`, { cause: error });
    }
    if (error instanceof QueueFullError || error instanceof QueueClosedError) {
      logger.warn("Sending queue refused the request; the sender should retry", {
        reason: error.message,
        [spec.itemName]: items,
        queue_size: queue.size(),
        queue_capacity: queue.capacity,
      });
      throw new RetryableError(
        `exporter ${this.#exporter}: ${error.message} (capacity ${queue.capacity} ` +
          `${settings.sizer})`,
        { cause: error },
      );
    }
    logger.error("Could not add the request to the sending queue", {
      error: errorText(error),
      [spec.itemName]: items,
    });
    throw callerError(this.#exporter, error);
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
    const { telemetry, drain, logger } = this.#options;
    let outcome: Outcome = "sent";
    let failure: unknown;
    try {
      await this.#next.send(entry);
    } catch (error) {
      outcome = "dropped";
      failure = error;
      if (error instanceof SendInterrupted) {
        failure = error.cause;
        if (queue.keepsUnsent) outcome = "kept";
        else telemetry.shutdownDrop(entry.items, 1, drain.over ?? errorText(failure));
      } else if (error instanceof SendFailure) {
        failure = error.cause;
        const extra: Attributes = error.attempts === undefined ? {} : { attempts: error.attempts };
        telemetry.dropFailed(entry.items, error.reason, failure, extra);
      } else {
        // A helper bug must not stop the consumer; treat it as a drop.
        telemetry.drop(entry.items, "permanent_error", error);
      }
    }
    try {
      await (outcome === "kept" ? queue.retain(entry) : queue.complete(entry));
    } catch (error) {
      logger.error("Could not update the persistent queue", { error: errorText(error) });
    }
    this.#recordSize();
    // A request kept in the persistent queue is safe: it is sent on the next start.
    this.#settle(
      entry,
      outcome === "dropped"
        ? callerError(this.#exporter, failure ?? new Error("request dropped"))
        : undefined,
    );
    return true;
  }

  #settle(entry: QueueEntry<T>, error?: unknown): void {
    const waiter = this.#waiters.get(entry);
    if (waiter === undefined) return;
    this.#waiters.delete(entry);
    waiter(error);
  }

  /**
   * The drain time is over: consumers take nothing more. What waits in an in-memory queue is
   * dropped, and its callers hear why; a persistent queue keeps it, and its callers hear that
   * it is safe: it is sent on the next start.
   */
  #stop(queue: SendingQueue<T>): void {
    const { telemetry, drain } = this.#options;
    const why = drain.over!;
    for (const entry of queue.stop()) {
      if (queue.keepsUnsent) {
        this.#settle(entry);
      } else {
        telemetry.shutdownDrop(entry.items, 1, why);
        this.#settle(entry, callerError(this.#exporter, new Error(why)));
      }
    }
    this.#recordSize();
  }

  async drain(): Promise<void> {
    const queue = this.#queue;
    if (queue === undefined) return;
    const { drain, logger, settings } = this.#options;
    if (queue.keepsUnsent) this.#options.stopRetrying();
    drain.begin();
    await queue.drain(drain.deadline);
    drain.settle();
    await Promise.all(this.#consumers);
    const left = await queue.close();
    if (left > 0) {
      logger.info("Unsent requests stay in the persistent queue for the next start", {
        queue_size: left,
        sizer: settings.sizer,
      });
    }
    this.#recordSize();
  }
}
