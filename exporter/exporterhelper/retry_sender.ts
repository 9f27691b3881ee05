import type { Logger } from "@denocol/component";
import { isPermanent, retryAfterOf } from "@denocol/consumer";
import { ExponentialBackoff } from "./backoff.ts";
import type { RetrySettings } from "./config.ts";
import { errorText, type Request, type Sender, SendFailure, SendInterrupted } from "./sender.ts";
import type { PartialSuccess } from "./types.ts";

/** Waits `ms`; resolves `false` at once when `signal` is (or gets) aborted. */
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

/** Options of {@linkcode RetrySender}. */
export interface RetrySenderOptions {
  /** Where each retry is announced. */
  logger: Logger;
  /** Aborted when nothing may be sent any more: waits for the next attempt end at once. */
  stop: AbortSignal;
  /** Uniform random source for jitter (tests); default `Math.random`. */
  random?: () => number;
}

/**
 * `retry_on_failure`: sends a request through the next step (the timeout sender) again after
 * a failure, with exponential backoff (a longer retry-after hint of the backend wins), until
 * it is sent. Gives up with a {@linkcode SendFailure} naming why: the error is permanent, the
 * retries are disabled, or the next wait would end after `max_elapsed_time`. A wait cut off
 * by {@linkcode RetrySender.shutdown} or by the `stop` signal rejects with
 * {@linkcode SendInterrupted}, as does an interrupted attempt.
 */
export class RetrySender<T> implements Sender<T, PartialSuccess | void> {
  readonly #settings: RetrySettings;
  readonly #next: Sender<T, PartialSuccess | void>;
  readonly #logger: Logger;
  readonly #random: (() => number) | undefined;
  readonly #stopped = new AbortController();
  readonly #stop: AbortSignal;

  /**
   * @param settings The resolved `retry_on_failure` section.
   * @param next Runs one attempt.
   */
  constructor(
    settings: RetrySettings,
    next: Sender<T, PartialSuccess | void>,
    options: RetrySenderOptions,
  ) {
    this.#settings = settings;
    this.#next = next;
    this.#logger = options.logger;
    this.#random = options.random;
    this.#stop = AbortSignal.any([options.stop, this.#stopped.signal]);
  }

  /** Ends every wait for a next attempt, now and later: such requests are interrupted. */
  shutdown(): void {
    this.#stopped.abort(new Error("exporter stopped"));
  }

  /** Sends `request`, retrying as configured. */
  async send(request: Request<T>): Promise<PartialSuccess | void> {
    const settings = this.#settings;
    const backoff = new ExponentialBackoff(settings, this.#random);
    const deadline = settings.maxElapsedMs > 0
      ? performance.now() + settings.maxElapsedMs
      : Infinity;
    for (let attempt = 0;; attempt++) {
      let error: unknown;
      try {
        return await this.#next.send(request);
      } catch (caught) {
        if (caught instanceof SendInterrupted) throw caught;
        error = caught;
      }
      if (isPermanent(error)) throw new SendFailure("permanent_error", error);
      if (!settings.enabled) throw new SendFailure("retry_disabled", error);
      let wait = backoff.next();
      const hint = retryAfterOf(error);
      if (hint !== undefined && hint > wait) wait = hint;
      if (performance.now() + wait > deadline) {
        throw new SendFailure("retries_exhausted", error, attempt + 1);
      }
      this.#logger.info("Exporting failed. Will retry the request after interval.", {
        error: errorText(error),
        interval_ms: Math.round(wait),
        attempt: attempt + 1,
      });
      if (!(await sleep(wait, this.#stop))) throw new SendInterrupted(error);
    }
  }
}
