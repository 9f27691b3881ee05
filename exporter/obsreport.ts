import { type Counter, ITEM_NAMES, type Settings, type Signal } from "@denocol/component";

/** Options of {@linkcode ObsReport}. */
export interface ObsReportOptions<S extends string> {
  /** Settings of the exporter; its ID becomes the `exporter` attribute. */
  settings: Settings;
  /**
   * What each signal is counted in; default the stable `ITEM_NAMES`. Twins pass their table to
   * count experimental signals.
   */
  itemNames?: Readonly<Record<S, string>>;
}

type Outcome = "sent" | "send_failed" | "enqueue_failed";

const DESCRIPTIONS: Record<Outcome, string> = {
  sent: "successfully sent to the destination",
  send_failed: "that failed to be sent to the destination",
  enqueue_failed: "that failed to be added to the sending queue",
};

/**
 * Counts what one exporter sent and failed to send, as the counters
 * `otelcol_exporter_sent_<items>`, `otelcol_exporter_send_failed_<items>` and
 * `otelcol_exporter_enqueue_failed_<items>` (items: `spans`, `metric_points`, `log_records`)
 * with the attribute `exporter`.
 */
export class ObsReport<S extends string = Signal> {
  readonly #counters = new Map<string, Counter>();
  readonly #attributes: Readonly<Record<string, string>>;

  /** Creates the counters on the exporter's meter. */
  constructor(options: ObsReportOptions<S>) {
    const itemNames: Readonly<Record<string, string>> = options.itemNames ?? ITEM_NAMES;
    const meter = options.settings.telemetry.meter;
    for (const [signal, items] of Object.entries(itemNames)) {
      for (const outcome of Object.keys(DESCRIPTIONS) as Outcome[]) {
        this.#counters.set(
          `${outcome}/${signal}`,
          meter.counter(`otelcol_exporter_${outcome}_${items}`, {
            description: `Number of ${items.replaceAll("_", " ")} ${DESCRIPTIONS[outcome]}.`,
            unit: `{${items}}`,
          }),
        );
      }
    }
    this.#attributes = { exporter: options.settings.id.toString() };
  }

  #add(outcome: Outcome, signal: S, count: number): void {
    const counter = this.#counters.get(`${outcome}/${signal}`);
    if (counter === undefined) {
      throw new RangeError(
        `exporter ${this.#attributes.exporter}: no item name for signal ${signal}`,
      );
    }
    counter.add(count, this.#attributes);
  }

  /** Records `count` items of `signal` delivered to the destination. */
  sent(signal: S, count: number): void {
    this.#add("sent", signal, count);
  }

  /** Records `count` items of `signal` that could not be delivered (after any retries). */
  sendFailed(signal: S, count: number): void {
    this.#add("send_failed", signal, count);
  }

  /** Records `count` items of `signal` dropped because the sending queue was full. */
  enqueueFailed(signal: S, count: number): void {
    this.#add("enqueue_failed", signal, count);
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
