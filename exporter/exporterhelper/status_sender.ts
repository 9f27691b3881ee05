import { type Host, reportStatus } from "@denocol/component";
import { isPermanent } from "@denocol/consumer";
import { type Request, type Sender, SendInterrupted } from "./sender.ts";
import type { PartialSuccess } from "./types.ts";

/**
 * Reports the outcome of each attempt as the exporter's status (`ok`, `recoverable_error`,
 * `permanent_error`) through the host, so that a health check sees a failing backend at the
 * first failed attempt rather than when the retries give up minutes later. Every failure is
 * reported (a watcher counts them); a success only when the last report was not `ok`, which
 * keeps the path of a healthy exporter to one comparison.
 */
export class StatusSender<T> implements Sender<T, PartialSuccess | void> {
  readonly #next: Sender<T, PartialSuccess | void>;
  #host: Host | undefined;
  #healthy = false;

  /** @param next One attempt (the timeout step). */
  constructor(next: Sender<T, PartialSuccess | void>) {
    this.#next = next;
  }

  /** The host to report to, once the exporter has started. */
  watch(host: Host): void {
    this.#host = host;
  }

  /** Runs one attempt and reports its outcome. */
  async send(request: Request<T>): Promise<PartialSuccess | void> {
    let result: PartialSuccess | void;
    try {
      result = await this.#next.send(request);
    } catch (error) {
      // Cut off by the end of the drain time: the backend did not fail.
      if (!(error instanceof SendInterrupted)) {
        this.#healthy = false;
        reportStatus(this.#host, {
          status: isPermanent(error) ? "permanent_error" : "recoverable_error",
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
      throw error;
    }
    if (!this.#healthy) {
      this.#healthy = true;
      reportStatus(this.#host, { status: "ok" });
    }
    return result;
  }
}
