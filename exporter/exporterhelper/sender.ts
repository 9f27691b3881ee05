import type { Host } from "@denocol/component";
import {
  type ClientInfo,
  isPermanent,
  PermanentError,
  RetryableError,
  retryAfterOf,
} from "@denocol/consumer";
import type { DropReason, ExporterTelemetry } from "./telemetry.ts";

/** One request on its way through the chain of senders. */
export interface Request<T> {
  /** The data to send. */
  readonly data: T;
  /** Number of items (spans, points, records, samples) in `data`, counted once on entry. */
  readonly items: number;
  /** The client that sent the data, when known and the request was not queued. */
  readonly client?: ClientInfo;
}

/**
 * One step of the chain: takes a request and hands it on to the next step. A step resolves
 * when the request was sent and rejects otherwise; see {@linkcode SendFailure} and
 * {@linkcode SendInterrupted} for the two rejections the steps agree on.
 */
export interface Sender<T, R = void> {
  /** Sends `request` through this step and the ones after it. */
  send(request: Request<T>): Promise<R>;
}

/**
 * The first step of the chain, which `consume` calls: it decides what a caller is told and
 * what happens to requests that cannot be sent (`queue_sender.ts` with a sending queue,
 * `direct_sender.ts` without).
 */
export interface FirstSender<T> {
  /** Whether requests handed over after the drain time are still kept (a persistent queue). */
  readonly storesAfterDrain: boolean;
  /** Whether a caller learns the outcome of its request, not only that it was accepted. */
  readonly waitsForResult: boolean;
  /** Prepares the step (opens the queue); runs after the exporter's own start. */
  start(host: Host): Promise<void>;
  /** Accepts `request` from a caller; `signal` ends a wait for room in a blocking queue. */
  send(request: Request<T>, signal?: AbortSignal): Promise<void>;
  /** Shutdown: sends what must still be sent, within the drain time, and closes the step. */
  drain(): Promise<void>;
}

/**
 * Rejected by the retry step when it gave a request up: the backend refused it for good, or
 * the retries are disabled or exhausted. `cause` is the last error of the backend.
 */
export class SendFailure extends Error {
  /** Why the request was given up, as in `otelcol_exporter_dropped_items{reason}`. */
  readonly reason: DropReason;
  /** Number of attempts made, when the retries ran out. */
  readonly attempts: number | undefined;

  /**
   * @param reason Why the request was given up.
   * @param cause The backend's last error.
   * @param attempts Number of attempts, when the retries ran out.
   */
  constructor(reason: DropReason, cause: unknown, attempts?: number) {
    super(errorText(cause), { cause });
    this.name = "SendFailure";
    this.reason = reason;
    this.attempts = attempts;
  }
}

/**
 * Rejected when sending was cut off before an outcome: the drain time of the shutdown is
 * over, or the exporter stopped while the request waited for its next attempt. `cause` is the
 * error of the interrupted attempt, or of the last one before the wait.
 */
export class SendInterrupted extends Error {
  /** @param cause The error of the interrupted or last attempt. */
  constructor(cause: unknown) {
    super(errorText(cause), { cause });
    this.name = "SendInterrupted";
  }
}

/** Text of an error or of anything thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The error a caller gets for a request that was not delivered: permanent when `error` is, and
 * otherwise retryable with its retry-after hint, in both cases naming the exporter, so that a
 * client can tell which backend refused its data.
 *
 * @param exporter The exporter's ID, such as `otlp/backend`.
 */
export function callerError(exporter: string, error: unknown): PermanentError | RetryableError {
  const prefix = `exporter ${exporter}: `;
  const text = errorText(error);
  const message = text.startsWith(prefix) ? text : prefix + text;
  if (isPermanent(error)) return new PermanentError(message, { cause: error });
  return new RetryableError(message, { cause: error, retryAfterMs: retryAfterOf(error) });
}

/**
 * Drops a request handed over after the drain time ran out (such as a batch processor's last
 * flush): it would only join the requests being dropped, so it is dropped now, counted and
 * logged with them. A caller waiting for the outcome is told why.
 *
 * @param exporter The exporter's ID, named in the caller's error.
 * @param why Why the drain ended.
 * @param tellCaller Whether the caller waits for the outcome (no queue, or `wait_for_result`).
 */
export function dropLate(
  telemetry: ExporterTelemetry,
  exporter: string,
  items: number,
  why: string,
  tellCaller: boolean,
): Promise<void> {
  telemetry.shutdownDrop(items, 1, why);
  if (tellCaller) return Promise.reject(callerError(exporter, new Error(why)));
  return Promise.resolve();
}
