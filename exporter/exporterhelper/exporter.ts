import type { Component, Host, Logger, Settings } from "@denocol/component";
import { newComponent } from "@denocol/component";
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
  type QueueSettings,
  resolveQueue,
  resolveRetry,
  resolveTimeout,
  type RetrySettings,
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
import { drainDeadlineOf } from "../drain.ts";
import type { Exporter } from "../factory.ts";
import { type DropReason, errorText, ExporterAccounting } from "./accounting.ts";
import { attemptPush, sleep } from "./attempt.ts";
import { openPersistentQueue } from "./storage.ts";
import type { ExporterOptions, PushFunc, SignalSpec } from "./types.ts";

export type {
  ExporterOptions,
  PartialSuccess,
  PushContext,
  PushFunc,
  RequestHelpers,
  SignalSpec,
} from "./types.ts";

export type { DropReason };

type Outcome = "sent" | "dropped" | "interrupted";

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
  readonly #accounting: ExporterAccounting;
  readonly #lifecycle: Component;
  /** Aborted at shutdown: no further backoff waits. */
  readonly #stopRetries = new AbortController();
  /** Aborted when the drain deadline passes: in-flight attempts are cancelled. */
  readonly #stopAttempts = new AbortController();
  #queue: SendingQueue<T> | undefined;
  #consumers: Promise<void>[] = [];
  #accepting = false;
  #stopping = false;
  /** The host's drain deadline, if it announces one. */
  #hostDeadline: AbortSignal | undefined;
  readonly #onHostDeadline = () =>
    this.#endDrain(
      "the collector's shutdown drain time (service::shutdown::drain_timeout) is over",
    );
  /** Why sending stopped for good, once the drain time is over; nothing is sent after that. */
  #drainOver: string | undefined;

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
    this.#accounting = new ExporterAccounting(settings, spec);
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
        this.#queue = await openPersistentQueue(host, {
          storage: q.storage,
          path: `${this.#options.configPath ?? `exporters::${this.#settings.id}`}` +
            "::sending_queue::storage",
          exporter: this.#settings.id,
          spec: this.#spec,
          capacity: q.capacity,
          sizer,
          blocking: q.blocking,
          onCorrupt: (key, items, error) =>
            this.#accounting.drop(items, "unreadable_stored_request", error, { stored_key: key }),
          logger: this.#logger,
        });
      }
      this.#accounting.queueCapacity.record(q.capacity, this.#accounting.queueAttributes);
      this.#recordQueueSize();
      for (let i = 0; i < q.numConsumers; i++) this.#consumers.push(this.#consume(this.#queue));
    }
    this.#accepting = true;
    this.#hostDeadline = drainDeadlineOf(host);
    if (this.#hostDeadline?.aborted) this.#onHostDeadline();
    else this.#hostDeadline?.addEventListener("abort", this.#onHostDeadline, { once: true });
  }

  #recordQueueSize(): void {
    if (this.#queue !== undefined) {
      this.#accounting.queueSize.record(this.#queue.size(), this.#accounting.queueAttributes);
    }
  }

  async consume(data: T, context: ConsumeContext = {}): Promise<void> {
    const items = this.#spec.helpers.count(data);
    if (this.#drainOver !== undefined && !(this.#queue instanceof PersistentQueue)) {
      return this.#dropLate(items);
    }
    if (!this.#accepting) {
      this.#accounting.enqueueFailed.add(items, this.#accounting.attributes);
      throw new RetryableError(
        `exporter ${this.#settings.id} is ${this.#stopping ? "shutting down" : "not started"}`,
      );
    }
    const queue = this.#queue;
    if (queue === undefined) {
      const outcome = await this.#send(data, items, context.client, true);
      if (outcome.outcome === "interrupted") {
        this.#accounting.shutdownDrop(items, 1, this.#drainOver ?? "the exporter stopped");
        throw this.#callerError(outcome.error);
      }
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
      // A caller still waiting for room when the drain time ran out.
      if (error instanceof QueueClosedError && this.#drainOver !== undefined) {
        return this.#dropLate(items);
      }
      this.#accounting.enqueueFailed.add(items, this.#accounting.attributes);
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
    // Stored after the drain time: nothing will send it before the next start.
    if (this.#drainOver !== undefined) return;
    if (result !== undefined) await result;
  }

  /**
   * Data handed over after the drain time ran out (such as a batch processor's last flush): it
   * would only join the requests being dropped, so it is dropped now, counted and logged with
   * them. A caller waiting for the outcome (no queue, or `wait_for_result`) is told.
   */
  #dropLate(items: number): Promise<void> {
    const why = this.#drainOver ?? "the exporter stopped";
    this.#accounting.shutdownDrop(items, 1, why);
    if (this.#queue === undefined || this.#queueSettings.waitForResult) {
      return Promise.reject(this.#callerError(new Error(why)));
    }
    return Promise.resolve();
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
      this.#accounting.drop(entry.items, "permanent_error", error);
      outcome = "dropped";
      failure = error;
    }
    if (outcome === "interrupted" && queue instanceof MemoryQueue) {
      this.#accounting.shutdownDrop(entry.items, 1, this.#drainOver ?? errorText(failure));
      outcome = "dropped";
    }
    try {
      await queue.complete(entry, outcome !== "interrupted");
    } catch (error) {
      this.#logger.error("Could not update the persistent queue", { error: errorText(error) });
    }
    this.#recordQueueSize();
    // An interrupted request stays in the persistent queue for the next start: it is safe.
    entry.settle?.(
      outcome === "sent" || outcome === "interrupted"
        ? undefined
        : this.#callerError(failure ?? new Error("request dropped")),
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
        const partial = await attemptPush(
          this.#push,
          data,
          client,
          this.#timeoutMs,
          this.#stopAttempts.signal,
        );
        if (partial !== undefined && partial.rejectedItems > 0) {
          const rejected = Math.min(partial.rejectedItems, items);
          this.#accounting.sent.add(items - rejected, this.#accounting.attributes);
          this.#accounting.drop(rejected, "partial_success", partial.errorMessage, {}, false);
        } else {
          this.#accounting.sent.add(items, this.#accounting.attributes);
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
      if (!(await sleep(wait, this.#stopRetries.signal))) return { outcome: "interrupted", error };
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
      this.#accounting.sendFailed.add(items, this.#accounting.attributes);
      this.#logger.error("Exporting failed. The error is returned to the caller.", {
        reason,
        error: errorText(error),
        [this.#spec.itemName]: items,
      });
      return { outcome: "dropped", error: this.#callerError(error) };
    }
    this.#accounting.drop(items, reason, error, attempts === undefined ? {} : { attempts });
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

  /**
   * The drain time is over: nothing more is sent. Attempts in flight are cancelled and backoff
   * waits end; an in-memory queue drops what it still holds. A persistent queue keeps it, and
   * the interrupted requests, for the next start, and goes on storing what it is handed until
   * the exporter shuts down (storing is quick, and a batch processor may still be flushing).
   */
  #endDrain(why: string): void {
    if (this.#drainOver !== undefined) return;
    this.#drainOver = why;
    this.#stopRetries.abort(new Error(why));
    this.#stopAttempts.abort(new Error(why));
    const queue = this.#queue;
    if (queue instanceof PersistentQueue) {
      queue.stopTaking();
      // A caller waiting for the outcome of a stored request hears that it is safe: it is sent
      // on the next start.
      for (const entry of queue.waitingEntries()) {
        entry.settle?.();
        entry.settle = undefined;
      }
      return;
    }
    this.#accepting = false;
    if (queue === undefined) return;
    queue.close();
    if (queue instanceof MemoryQueue) {
      for (const entry of queue.discardWaiting()) {
        this.#accounting.shutdownDrop(entry.items, 1, why);
        entry.settle?.(this.#callerError(new Error(why)));
      }
      this.#recordQueueSize();
    }
  }

  /** Resolves when the drain time is over: the host's deadline, else `drainTimeoutMs` from now. */
  #drainDeadline(): { over: Promise<string>; cancel: () => void } {
    const host = this.#hostDeadline;
    if (host !== undefined) {
      const over = Promise.withResolvers<string>();
      const onAbort = () => over.resolve("");
      host.addEventListener("abort", onAbort, { once: true });
      return { over: over.promise, cancel: () => host.removeEventListener("abort", onAbort) };
    }
    const drainMs = this.#options.drainTimeoutMs ?? 10_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const over = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`not sent within the ${drainMs}ms drain time`), drainMs);
    });
    return { over, cancel: () => clearTimeout(timer) };
  }

  async #shutdown(): Promise<void> {
    this.#stopping = true;
    this.#accepting = false;
    const queue = this.#queue;
    if (queue !== undefined) {
      queue.close();
      // A persistent queue keeps requests waiting for a retry for the next start instead of
      // retrying them now; an in-memory queue goes on retrying until the drain time is over.
      if (queue instanceof PersistentQueue) {
        this.#stopRetries.abort(new Error("exporter is shutting down"));
      }
      const drained = Promise.all(this.#consumers).then(() => undefined);
      if (this.#drainOver === undefined) {
        const deadline = this.#drainDeadline();
        const why = await Promise.race([drained, deadline.over]);
        deadline.cancel();
        if (why !== undefined) {
          this.#endDrain(why || "the collector's shutdown drain time is over");
        }
      }
      await drained;
      if (queue instanceof PersistentQueue) {
        const left = queue.size();
        if (left > 0) {
          this.#logger.info("Unsent requests stay in the persistent queue for the next start", {
            queue_size: left,
            sizer: this.#queueSettings.sizer,
          });
        }
        await queue.closeStorage();
      }
      this.#recordQueueSize();
    }
    this.#stopRetries.abort(new Error("exporter stopped"));
    this.#hostDeadline?.removeEventListener("abort", this.#onHostDeadline);
    this.#accounting.logShutdownDrops();
    await this.#options.shutdown?.();
  }
}
