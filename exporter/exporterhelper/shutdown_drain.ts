import type { Host } from "@denocol/component";
import { drainDeadlineOf } from "../drain.ts";

/** Why sending stops when the collector's service ends the drain. */
const SERVICE_DEADLINE =
  "the collector's shutdown drain time (service::shutdown::drain_timeout) is over";

/**
 * When an exporter's shutdown stops sending: the host's drain deadline when the host announces
 * one (the collector's service does, from `service::shutdown::drain_timeout`; see
 * `DrainDeadlineHost`), else `timeoutMs` after the shutdown began. From then on nothing is
 * sent: attempts in flight are cut off and waits for a next attempt end.
 */
export class ShutdownDrain {
  readonly #timeoutMs: number;
  readonly #over = new AbortController();
  #host: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #onHostDeadline = () => this.end(SERVICE_DEADLINE);

  /** @param timeoutMs The drain time when the host announces no deadline, in milliseconds. */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Aborted when the drain time is over, with an `Error` saying why. */
  get deadline(): AbortSignal {
    return this.#over.signal;
  }

  /** Why sending stopped for good, once the drain time is over; `undefined` before. */
  get over(): string | undefined {
    const signal = this.#over.signal;
    return signal.aborted ? (signal.reason as Error).message : undefined;
  }

  /** Follows `host`'s drain deadline, if it announces one (at start). */
  watch(host: Host): void {
    this.#host = drainDeadlineOf(host);
    if (this.#host?.aborted) this.#onHostDeadline();
    else this.#host?.addEventListener("abort", this.#onHostDeadline, { once: true });
  }

  /** The shutdown began: without a host deadline, the drain time starts now. */
  begin(): void {
    if (this.#host !== undefined || this.#over.signal.aborted || this.#timer !== undefined) return;
    const ms = this.#timeoutMs;
    this.#timer = setTimeout(() => this.end(`not sent within the ${ms}ms drain time`), ms);
  }

  /** Everything was sent in time: the drain time of {@linkcode begin} no longer runs. */
  settle(): void {
    clearTimeout(this.#timer);
  }

  /** Ends the drain now, for the reason `why` (once; later calls change nothing). */
  end(why: string): void {
    if (!this.#over.signal.aborted) this.#over.abort(new Error(why));
  }

  /** The shutdown is done: the host's deadline no longer matters. */
  dispose(): void {
    this.settle();
    this.#host?.removeEventListener("abort", this.#onHostDeadline);
  }
}
