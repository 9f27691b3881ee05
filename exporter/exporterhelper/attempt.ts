import type { ClientInfo } from "@denocol/consumer";
import type { PartialSuccess, PushFunc } from "./types.ts";

/** Rejected by an attempt that outlived its timeout. */
class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`export attempt timed out after ${ms}ms`);
    this.name = "AttemptTimeoutError";
  }
}

/** Waits `ms`; resolves `false` at once when `signal` is (or gets) aborted. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
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

/**
 * Runs one attempt of `push`, cut off after `timeoutMs` (0: no limit) or as soon as `stop` is
 * aborted; either way the push's own signal is aborted so that the transport lets go.
 */
export async function attemptPush<T>(
  push: PushFunc<T>,
  data: T,
  client: ClientInfo | undefined,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<PartialSuccess | void> {
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
    const pushed = push(data, { signal: controller.signal, client });
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
