import type { Logger } from "@denocol/component";
import {
  callerError,
  errorText,
  type FirstSender,
  type Request,
  type Sender,
  SendFailure,
  SendInterrupted,
} from "./sender.ts";
import type { ShutdownDrain } from "./shutdown_drain.ts";
import type { ExporterTelemetry } from "./telemetry.ts";

/** What a {@linkcode DirectSender} works with. */
export interface DirectSenderOptions {
  /** The exporter's ID, named in the errors callers get. */
  exporter: string;
  /** Metric name suffix for items, such as `spans`, named in the log line. */
  itemName: string;
  /** The exporter's instruments. */
  telemetry: ExporterTelemetry;
  /** When the shutdown stops sending. */
  drain: ShutdownDrain;
  /** The exporter's logger. */
  logger: Logger;
}

/**
 * The first step when `sending_queue` is disabled: the request is sent (and retried) within
 * its caller's call, and the caller gets the outcome. A request that was not sent is not
 * dropped here: its error goes back to the caller, named after the exporter, for the caller
 * to retry or report. Only a request cut off by the end of the drain time counts as dropped.
 */
export class DirectSender<T> implements FirstSender<T> {
  readonly storesAfterDrain = false;
  readonly waitsForResult = true;
  readonly #next: Sender<T>;
  readonly #options: DirectSenderOptions;

  /** @param next The telemetry step. */
  constructor(next: Sender<T>, options: DirectSenderOptions) {
    this.#next = next;
    this.#options = options;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  async send(request: Request<T>): Promise<void> {
    try {
      await this.#next.send(request);
    } catch (error) {
      const { exporter, telemetry, drain, logger, itemName } = this.#options;
      if (error instanceof SendInterrupted) {
        telemetry.shutdownDrop(request.items, 1, drain.over ?? "the exporter stopped");
        throw callerError(exporter, error.cause);
      }
      if (!(error instanceof SendFailure)) throw error;
      logger.error("Exporting failed. The error is returned to the caller.", {
        reason: error.reason,
        error: errorText(error.cause),
        [itemName]: request.items,
      });
      throw callerError(exporter, error.cause);
    }
  }

  /** Nothing is held between calls: calls in flight end with their callers. */
  drain(): Promise<void> {
    return Promise.resolve();
  }
}
