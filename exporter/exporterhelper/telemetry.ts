import type {
  Attributes,
  Counter,
  Gauge,
  Logger,
  Meter,
  Settings,
  Signal,
} from "@denocol/component";
import { type SignalDescriptor, SIGNALS } from "@denocol/pdata";
import { errorText } from "./sender.ts";
import type { PartialSuccess } from "./types.ts";

/** Why items were dropped, as in the `reason` attribute of `otelcol_exporter_dropped_items`. */
export type DropReason =
  | "permanent_error"
  | "retries_exhausted"
  | "retry_disabled"
  | "shutdown"
  | "partial_success"
  | "unreadable_stored_request";

/**
 * The signal facts the telemetry needs: its name (the `data_type` attribute) and what its items
 * are called (`spans` in `otelcol_exporter_sent_spans`).
 */
export type CountedSignal = Pick<SignalDescriptor, "name" | "itemName">;

/** The three per-exporter item counters of one signal. */
interface ItemCounters {
  /** `otelcol_exporter_sent_<items>`. */
  readonly sent: Counter;
  /** `otelcol_exporter_send_failed_<items>`. */
  readonly sendFailed: Counter;
  /** `otelcol_exporter_enqueue_failed_<items>`. */
  readonly enqueueFailed: Counter;
}

/** The one definition of the item counters, shared by the helper and {@linkcode ObsReport}. */
function itemCounters(meter: Meter, item: string): ItemCounters {
  const unit = `{${item}}`;
  return {
    sent: meter.counter(`otelcol_exporter_sent_${item}`, {
      description: `Number of ${item} successfully sent to destination.`,
      unit,
    }),
    sendFailed: meter.counter(`otelcol_exporter_send_failed_${item}`, {
      description: `Number of ${item} in failed attempts to send to destination.`,
      unit,
    }),
    enqueueFailed: meter.counter(`otelcol_exporter_enqueue_failed_${item}`, {
      description: `Number of ${item} failed to be added to the sending queue.`,
      unit,
    }),
  };
}

/**
 * The telemetry of one exporter built on the helper: the `otelcol_exporter_*` instruments and
 * the log lines of what it drops. Every count the helper makes goes through here. Drops at the
 * end of the shutdown drain are gathered into one log line per exporter (a queue of thousands
 * of requests would otherwise log thousands of lines while the collector is trying to exit).
 */
export class ExporterTelemetry {
  readonly #items: ItemCounters;
  readonly #dropped: Counter;
  readonly #queueSize: Gauge;
  readonly #queueCapacity: Gauge;
  /** `{exporter}`: the attributes of the per-exporter counters. */
  readonly #attributes: Attributes;
  /** `{exporter, data_type}`: the attributes of the queue gauges and of a drop line. */
  readonly #queueAttributes: Attributes;
  readonly #logger: Logger;
  readonly #spec: CountedSignal;
  #shutdownItems = 0;
  #shutdownRequests = 0;
  #shutdownReason = "";
  #shutdownLogged = false;

  /** Creates the instruments of the exporter `settings.id` for `spec`'s signal. */
  constructor(settings: Settings, spec: CountedSignal) {
    const meter = settings.telemetry.meter;
    this.#logger = settings.telemetry.logger;
    this.#spec = spec;
    this.#items = itemCounters(meter, spec.itemName);
    this.#dropped = meter.counter("otelcol_exporter_dropped_items", {
      description: "Number of items an exporter dropped for good, by signal and reason.",
      unit: "{items}",
    });
    this.#queueSize = meter.gauge("otelcol_exporter_queue_size", {
      description: "Current size of the retry queue (in batches or items, as configured).",
    });
    this.#queueCapacity = meter.gauge("otelcol_exporter_queue_capacity", {
      description: "Fixed capacity of the retry queue (in batches or items, as configured).",
    });
    this.#attributes = { exporter: settings.id.toString() };
    this.#queueAttributes = { exporter: settings.id.toString(), data_type: spec.name };
  }

  /**
   * Counts a request the backend accepted: its items as sent, except those a partial success
   * rejected, which are counted as failed, dropped and logged as a warning (not retried).
   */
  sent(items: number, partial: PartialSuccess | void): void {
    if (partial === undefined || partial.rejectedItems <= 0) {
      this.#items.sent.add(items, this.#attributes);
      return;
    }
    const rejected = Math.min(partial.rejectedItems, items);
    this.#items.sent.add(items - rejected, this.#attributes);
    this.#items.sendFailed.add(rejected, this.#attributes);
    this.#countDrop(rejected, "partial_success");
    this.#logger.warn(
      "Partial success response: the backend rejected some items",
      this.#dropAttributes(rejected, "partial_success", partial.errorMessage),
    );
  }

  /** Counts the items of a request whose sending failed (`otelcol_exporter_send_failed_*`). */
  failed(items: number): void {
    this.#items.sendFailed.add(items, this.#attributes);
  }

  /** Counts items the sending queue refused (`otelcol_exporter_enqueue_failed_*`). */
  refused(items: number): void {
    this.#items.enqueueFailed.add(items, this.#attributes);
  }

  /**
   * Items already counted by {@linkcode failed} will never reach the backend: counts them in
   * `otelcol_exporter_dropped_items{reason}` and logs the drop.
   */
  dropFailed(items: number, reason: DropReason, error: unknown, extra: Attributes = {}): void {
    this.#countDrop(items, reason);
    this.#logger.error("Exporting failed. Dropping data.", {
      ...this.#dropAttributes(items, reason, errorText(error)),
      ...extra,
    });
  }

  /** Counts (as failed and dropped) and logs items that will never reach the backend. */
  drop(items: number, reason: DropReason, error: unknown, extra: Attributes = {}): void {
    this.failed(items);
    this.dropFailed(items, reason, error, extra);
  }

  /**
   * Counts `items` (in `requests` requests) dropped because the shutdown drain time is over
   * (`why` says which); they are logged together by {@linkcode logShutdownDrops}, or at once
   * when that line was already written.
   */
  shutdownDrop(items: number, requests: number, why: string): void {
    if (this.#shutdownLogged) {
      this.drop(items, "shutdown", why, { requests, ...this.#queueAttributes });
      return;
    }
    this.failed(items);
    this.#countDrop(items, "shutdown");
    this.#shutdownItems += items;
    this.#shutdownRequests += requests;
    this.#shutdownReason = why;
  }

  /** Writes the one line for everything {@linkcode shutdownDrop} gathered, if anything. */
  logShutdownDrops(): void {
    if (this.#shutdownLogged) return;
    this.#shutdownLogged = true;
    if (this.#shutdownItems === 0 && this.#shutdownRequests === 0) return;
    // The exporter and signal are named in the line itself, so that it reads alone.
    this.#logger.error("Exporting failed. Dropping data.", {
      ...this.#dropAttributes(this.#shutdownItems, "shutdown", this.#shutdownReason),
      requests: this.#shutdownRequests,
      ...this.#queueAttributes,
    });
  }

  /** Records `otelcol_exporter_queue_capacity`. */
  queueCapacity(capacity: number): void {
    this.#queueCapacity.record(capacity, this.#queueAttributes);
  }

  /** Records `otelcol_exporter_queue_size`. */
  queueSize(size: number): void {
    this.#queueSize.record(size, this.#queueAttributes);
  }

  #countDrop(items: number, reason: DropReason): void {
    this.#dropped.add(items, { ...this.#attributes, data_type: this.#spec.name, reason });
  }

  #dropAttributes(items: number, reason: DropReason, error: string): Attributes {
    return { reason, error, [`dropped_${this.#spec.itemName}`]: items };
  }
}

/** What each stable signal is counted in, from its descriptor. */
const STABLE_ITEM_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(SIGNALS).map((signal) => [signal.name, signal.itemName]),
);

/** Options of {@linkcode ObsReport}. */
export interface ObsReportOptions<S extends string> {
  /** Settings of the exporter; its ID becomes the `exporter` attribute. */
  settings: Settings;
  /**
   * What each signal is counted in; default the `itemName` of each stable signal's descriptor.
   * Twins pass their table to count experimental signals.
   */
  itemNames?: Readonly<Record<S, string>>;
}

/**
 * The item counters of an exporter that does not use the helper's senders, for every signal it
 * may handle: `otelcol_exporter_sent_<items>`, `otelcol_exporter_send_failed_<items>` and
 * `otelcol_exporter_enqueue_failed_<items>` (items: `spans`, `metric_points`, `log_records`)
 * with the attribute `exporter` — the same instruments the helper counts in.
 */
export class ObsReport<S extends string = Signal> {
  readonly #counters = new Map<string, ItemCounters>();
  readonly #attributes: Attributes;

  /** Creates the counters on the exporter's meter. */
  constructor(options: ObsReportOptions<S>) {
    const itemNames: Readonly<Record<string, string>> = options.itemNames ?? STABLE_ITEM_NAMES;
    const meter = options.settings.telemetry.meter;
    for (const [signal, item] of Object.entries(itemNames)) {
      this.#counters.set(signal, itemCounters(meter, item));
    }
    this.#attributes = { exporter: options.settings.id.toString() };
  }

  #of(signal: S): ItemCounters {
    const counters = this.#counters.get(signal);
    if (counters === undefined) {
      throw new RangeError(
        `exporter ${this.#attributes.exporter}: no item name for signal ${signal}`,
      );
    }
    return counters;
  }

  /** Records `count` items of `signal` delivered to the destination. */
  sent(signal: S, count: number): void {
    this.#of(signal).sent.add(count, this.#attributes);
  }

  /** Records `count` items of `signal` that could not be delivered (after any retries). */
  sendFailed(signal: S, count: number): void {
    this.#of(signal).sendFailed.add(count, this.#attributes);
  }

  /** Records `count` items of `signal` dropped because the sending queue was full. */
  enqueueFailed(signal: S, count: number): void {
    this.#of(signal).enqueueFailed.add(count, this.#attributes);
  }

  /**
   * Runs `send` and records its `count` items as sent when it resolves or failed when it
   * rejects; the outcome of `send` is passed on.
   */
  async observe(signal: S, count: number, send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.sendFailed(signal, count);
      throw error;
    }
    this.sent(signal, count);
  }
}
