import { type Request, type Sender, SendFailure } from "./sender.ts";
import type { ExporterTelemetry } from "./telemetry.ts";
import type { PartialSuccess } from "./types.ts";

/**
 * Counts the outcome of each request that went through the retries: its items as sent (less
 * those a partial success rejected, which are counted and logged as dropped), or, when it was
 * given up, as failed (`otelcol_exporter_send_failed_*`). The step in front decides what a
 * failure means, and counts the drop if it is one: the queue drops the request, while without
 * a queue it goes back to the caller. An interrupted request is not counted here: it is
 * counted when dropped at the end of the drain, and not at all when a persistent queue keeps it.
 */
export class TelemetrySender<T> implements Sender<T> {
  readonly #telemetry: ExporterTelemetry;
  readonly #next: Sender<T, PartialSuccess | void>;

  /**
   * @param telemetry The exporter's instruments.
   * @param next The retry step.
   */
  constructor(telemetry: ExporterTelemetry, next: Sender<T, PartialSuccess | void>) {
    this.#telemetry = telemetry;
    this.#next = next;
  }

  /** Sends `request` through the next step and counts the outcome. */
  async send(request: Request<T>): Promise<void> {
    let partial: PartialSuccess | void;
    try {
      partial = await this.#next.send(request);
    } catch (error) {
      if (error instanceof SendFailure) this.#telemetry.failed(request.items);
      throw error;
    }
    this.#telemetry.sent(request.items, partial);
  }
}
