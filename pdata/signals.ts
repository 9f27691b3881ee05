import { type DataOf, signalTable } from "./signal.ts";
import { logs } from "./logs.ts";
import { metrics } from "./metrics.ts";
import { traces } from "./traces.ts";

/**
 * The stable signals by name: the one table of them. A stable signal is added here, with a
 * descriptor made by {@link defineSignal}; the factories of every component kind derive their
 * signal members from this table's types.
 */
export const SIGNALS: {
  readonly traces: typeof traces;
  readonly metrics: typeof metrics;
  readonly logs: typeof logs;
} = signalTable({ traces, metrics, logs });

/** The name of a stable signal: `traces`, `metrics` or `logs`. */
export type SignalName = keyof typeof SIGNALS;

/** The data type of each stable signal, by name: `SignalData["traces"]` is {@link Traces}. */
export type SignalData = { [S in SignalName]: DataOf<(typeof SIGNALS)[S]> };
