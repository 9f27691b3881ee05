import type { Counter, Settings } from "@denocol/component";
import { type SignalName, SIGNALS } from "@denocol/pdata";

/** What each stable signal is counted in, from its descriptor. */
const STABLE_ITEM_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(SIGNALS).map((signal) => [signal.name, signal.itemName]),
);

/** Options of {@linkcode ObsReport}. */
export interface ObsReportOptions<S extends string> {
  /** Settings of the receiver; its ID becomes the `receiver` attribute. */
  settings: Settings;
  /** How data arrives, such as `grpc` or `http`; the `transport` attribute. */
  transport: string;
  /**
   * What each signal is counted in; default the `itemName` of each stable signal's descriptor.
   * Twins pass their table to count experimental signals.
   */
  itemNames?: Readonly<Record<S, string>>;
}

/**
 * Counts what one receiver accepted into its pipeline and what the pipeline refused, as the
 * counters `otelcol_receiver_accepted_<items>` and `otelcol_receiver_refused_<items>` (items:
 * `spans`, `metric_points`, `log_records`) with attributes `receiver` and `transport`.
 */
export class ObsReport<S extends string = SignalName> {
  readonly #accepted = new Map<string, Counter>();
  readonly #refused = new Map<string, Counter>();
  readonly #attributes: Readonly<Record<string, string>>;

  /** Creates the counters on the receiver's meter. */
  constructor(options: ObsReportOptions<S>) {
    const itemNames: Readonly<Record<string, string>> = options.itemNames ?? STABLE_ITEM_NAMES;
    const meter = options.settings.telemetry.meter;
    for (const [signal, items] of Object.entries(itemNames)) {
      this.#accepted.set(
        signal,
        meter.counter(`otelcol_receiver_accepted_${items}`, {
          description: `Number of ${
            items.replaceAll("_", " ")
          } successfully pushed into the pipeline.`,
          unit: `{${items}}`,
        }),
      );
      this.#refused.set(
        signal,
        meter.counter(`otelcol_receiver_refused_${items}`, {
          description: `Number of ${
            items.replaceAll("_", " ")
          } that could not be pushed into the pipeline.`,
          unit: `{${items}}`,
        }),
      );
    }
    this.#attributes = {
      receiver: options.settings.id.toString(),
      transport: options.transport,
    };
  }

  #counter(counters: Map<string, Counter>, signal: S): Counter {
    const counter = counters.get(signal);
    if (counter === undefined) {
      throw new RangeError(
        `receiver ${this.#attributes.receiver}: no item name for signal ${signal}`,
      );
    }
    return counter;
  }

  /** Records `count` items of `signal` accepted by the pipeline. */
  accepted(signal: S, count: number): void {
    this.#counter(this.#accepted, signal).add(count, this.#attributes);
  }

  /** Records `count` items of `signal` refused by the pipeline. */
  refused(signal: S, count: number): void {
    this.#counter(this.#refused, signal).add(count, this.#attributes);
  }

  /**
   * Runs `push` (the call of the next consumer) and records its `count` items as accepted when
   * it resolves or refused when it rejects; the outcome of `push` is passed on.
   */
  async observe(signal: S, count: number, push: () => Promise<void>): Promise<void> {
    try {
      await push();
    } catch (error) {
      this.refused(signal, count);
      throw error;
    }
    this.accepted(signal, count);
  }
}
