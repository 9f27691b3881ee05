import { type Request, type Sender, SendInterrupted } from "./sender.ts";
import type { PartialSuccess, PushFunc } from "./types.ts";

/** Rejected by an attempt that outlived its timeout. */
class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`export attempt timed out after ${ms}ms`);
    this.name = "AttemptTimeoutError";
  }
}

/**
 * The last step of the chain: one attempt of the exporter's push, cut off after `timeout`
 * (0: no limit) or as soon as sending stops (the drain time is over). Either way the push's
 * own signal is aborted so that the transport lets go. An attempt cut off because sending
 * stopped rejects with {@linkcode SendInterrupted}; any other failure is the push's error, or
 * the timeout's.
 */
export class TimeoutSender<T> implements Sender<T, PartialSuccess | void> {
  readonly #push: PushFunc<T>;
  readonly #timeoutMs: number;
  readonly #stop: AbortSignal;

  /**
   * @param push Sends one request to the backend.
   * @param timeoutMs Longest attempt in milliseconds; 0 for no limit.
   * @param stop Aborted when nothing may be sent any more; attempts in flight are cut off.
   */
  constructor(push: PushFunc<T>, timeoutMs: number, stop: AbortSignal) {
    this.#push = push;
    this.#timeoutMs = timeoutMs;
    this.#stop = stop;
  }

  /** Runs one attempt for `request`. */
  async send(request: Request<T>): Promise<PartialSuccess | void> {
    try {
      return await this.#attempt(request);
    } catch (error) {
      if (this.#stop.aborted) throw new SendInterrupted(error);
      throw error;
    }
  }

  async #attempt(request: Request<T>): Promise<PartialSuccess | void> {
    const stop = this.#stop;
    const timeoutMs = this.#timeoutMs;
    const controller = new AbortController();
    const onStop = () => controller.abort(stop.reason);
    if (stop.aborted) onStop();
    else stop.addEventListener("abort", onStop, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = timeoutMs > 0
      ? new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new AttemptTimeoutError(timeoutMs);
          controller.abort(error);
          reject(error);
        }, timeoutMs);
      })
      : undefined;
    const stopped = new Promise<never>((_, reject) => {
      if (controller.signal.aborted) return reject(controller.signal.reason);
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), {
        once: true,
      });
    });
    try {
      const pushed = this.#push(request.data, {
        signal: controller.signal,
        client: request.client,
      });
      return await Promise.race(
        timedOut === undefined ? [pushed, stopped] : [pushed, timedOut, stopped],
      );
    } finally {
      clearTimeout(timer);
      stop.removeEventListener("abort", onStop);
      // Settle the losers of the race quietly.
      if (!controller.signal.aborted) controller.abort(new Error("attempt finished"));
    }
  }
}
