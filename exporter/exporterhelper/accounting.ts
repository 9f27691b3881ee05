import type { Attributes, Counter, Gauge, Logger, Settings } from "@denocol/component";

/** Why items were dropped, as in the `reason` attribute of `otelcol_exporter_dropped_items`. */
export type DropReason =
  | "permanent_error"
  | "retries_exhausted"
  | "retry_disabled"
  | "shutdown"
  | "partial_success"
  | "unreadable_stored_request";

/** The signal facts the accounting needs: its name and how its items are named. */
export interface AccountedSignal {
  /** Signal name, such as `traces`; the `data_type` attribute. */
  readonly signal: string;
  /** Metric name suffix for items, such as `spans`. */
  readonly itemName: string;
}

/** Text of an error or of anything thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The instruments of one exporter and the logging of what it drops. Drops at the end of the
 * shutdown drain are gathered into one log line per exporter (a queue of thousands of requests
 * would otherwise log thousands of lines while the collector is trying to exit).
 */
export class ExporterAccounting {
  /** `otelcol_exporter_sent_<items>`. */
  readonly sent: Counter;
  /** `otelcol_exporter_send_failed_<items>`. */
  readonly sendFailed: Counter;
  /** `otelcol_exporter_enqueue_failed_<items>`. */
  readonly enqueueFailed: Counter;
  /** `otelcol_exporter_dropped_items{data_type, reason}`. */
  readonly dropped: Counter;
  /** `otelcol_exporter_queue_size`. */
  readonly queueSize: Gauge;
  /** `otelcol_exporter_queue_capacity`. */
  readonly queueCapacity: Gauge;
  /** `{exporter}`: the attributes of the per-exporter counters. */
  readonly attributes: Attributes;
  /** `{exporter, data_type}`: the attributes of the queue gauges. */
  readonly queueAttributes: Attributes;
  readonly #logger: Logger;
  readonly #spec: AccountedSignal;
  #shutdownItems = 0;
  #shutdownRequests = 0;
  #shutdownReason = "";
  #shutdownLogged = false;

  /** Creates the instruments of the exporter `settings.id` for `spec`'s signal. */
  constructor(settings: Settings, spec: AccountedSignal) {
    const meter = settings.telemetry.meter;
    const item = spec.itemName;
    const unit = `{${item}}`;
    this.#logger = settings.telemetry.logger;
    this.#spec = spec;
    this.sent = meter.counter(`otelcol_exporter_sent_${item}`, {
      description: `Number of ${item} successfully sent to destination.`,
      unit,
    });
    this.sendFailed = meter.counter(`otelcol_exporter_send_failed_${item}`, {
      description: `Number of ${item} in failed attempts to send to destination.`,
      unit,
    });
    this.enqueueFailed = meter.counter(`otelcol_exporter_enqueue_failed_${item}`, {
      description: `Number of ${item} failed to be added to the sending queue.`,
      unit,
    });
    this.dropped = meter.counter("otelcol_exporter_dropped_items", {
      description: "Number of items an exporter dropped for good, by signal and reason.",
      unit: "{items}",
    });
    this.queueSize = meter.gauge("otelcol_exporter_queue_size", {
      description: "Current size of the retry queue (in batches or items, as configured).",
    });
    this.queueCapacity = meter.gauge("otelcol_exporter_queue_capacity", {
      description: "Fixed capacity of the retry queue (in batches or items, as configured).",
    });
    this.attributes = { exporter: settings.id.toString() };
    this.queueAttributes = { exporter: settings.id.toString(), data_type: spec.signal };
  }

  #count(items: number, reason: DropReason): void {
    this.sendFailed.add(items, this.attributes);
    this.dropped.add(items, { ...this.attributes, data_type: this.#spec.signal, reason });
  }

  /** Counts and logs items that will never reach the backend. */
  drop(
    items: number,
    reason: DropReason,
    error: unknown,
    extra: Attributes = {},
    asError = true,
  ): void {
    this.#count(items, reason);
    const message = reason === "partial_success"
      ? "Partial success response: the backend rejected some items"
      : "Exporting failed. Dropping data.";
    const attributes = {
      reason,
      error: errorText(error),
      [`dropped_${this.#spec.itemName}`]: items,
      ...extra,
    };
    if (asError) this.#logger.error(message, attributes);
    else this.#logger.warn(message, attributes);
  }

  /**
   * Counts `items` (in `requests` requests) dropped because the shutdown drain time is over
   * (`why` says which); they are logged together by {@linkcode logShutdownDrops}, or at once
   * when that line was already written.
   */
  shutdownDrop(items: number, requests: number, why: string): void {
    if (this.#shutdownLogged) {
      this.drop(items, "shutdown", why, { requests, ...this.#identity() });
      return;
    }
    this.#count(items, "shutdown");
    this.#shutdownItems += items;
    this.#shutdownRequests += requests;
    this.#shutdownReason = why;
  }

  /** Writes the one line for everything {@linkcode shutdownDrop} gathered, if anything. */
  logShutdownDrops(): void {
    if (this.#shutdownLogged) return;
    this.#shutdownLogged = true;
    if (this.#shutdownItems === 0 && this.#shutdownRequests === 0) return;
    this.#logger.error("Exporting failed. Dropping data.", {
      reason: "shutdown",
      error: this.#shutdownReason,
      [`dropped_${this.#spec.itemName}`]: this.#shutdownItems,
      requests: this.#shutdownRequests,
      ...this.#identity(),
    });
  }

  /** The exporter and signal, named in the line itself so it reads alone (and outside a service). */
  #identity(): Attributes {
    return { exporter: this.attributes.exporter, data_type: this.#spec.signal };
  }
}
