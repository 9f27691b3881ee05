/** Per-signal operations the pipeline graph needs: copying, counting and fanning out data. */

import { type Consumer, fanOutLogs, fanOutMetrics, fanOutTraces } from "@denocol/consumer";
import * as pdata from "@denocol/pdata";
import { PROFILES_OPS } from "./profiles.ts";

/** What the graph does with data of one signal without knowing its type. */
export interface SignalOps {
  /** The signal. */
  readonly signal: string;
  /** A deep copy of `data`. */
  clone(data: unknown): unknown;
  /** The number of items (spans, data points, log records, samples) in `data`. */
  count(data: unknown): number;
  /** A consumer handing each item to every consumer, copying for mutating ones. */
  fanOut(consumers: readonly Consumer<unknown>[]): Consumer<unknown>;
}

const STABLE_OPS: Readonly<Record<string, SignalOps>> = {
  traces: {
    signal: "traces",
    clone: (data) => pdata.traces.clone(data as pdata.Traces),
    count: (data) => pdata.traces.count(data as pdata.Traces),
    fanOut: (consumers) => fanOutTraces(consumers as Consumer<pdata.Traces>[]) as Consumer<unknown>,
  },
  metrics: {
    signal: "metrics",
    clone: (data) => pdata.metrics.clone(data as pdata.Metrics),
    count: (data) => pdata.metrics.count(data as pdata.Metrics),
    fanOut: (consumers) =>
      fanOutMetrics(consumers as Consumer<pdata.Metrics>[]) as Consumer<unknown>,
  },
  logs: {
    signal: "logs",
    clone: (data) => pdata.logs.clone(data as pdata.Logs),
    count: (data) => pdata.logs.count(data as pdata.Logs),
    fanOut: (consumers) => fanOutLogs(consumers as Consumer<pdata.Logs>[]) as Consumer<unknown>,
  },
};

/** The operations of `signal`; throws `RangeError` for a signal the service does not know. */
export function signalOps(signal: string): SignalOps {
  if (signal === "profiles") return PROFILES_OPS;
  const ops = STABLE_OPS[signal];
  if (ops === undefined) throw new RangeError(`unknown signal ${JSON.stringify(signal)}`);
  return ops;
}
