import * as pdata from "@denocol/pdata";
import { type ConsumeFunc, type Consumer, type ConsumerOptions, newConsumer } from "./consumer.ts";
import { fanOut } from "./fanout.ts";

/** A consumer of traces. */
export type Traces = Consumer<pdata.Traces>;
/** A consumer of metrics. */
export type Metrics = Consumer<pdata.Metrics>;
/** A consumer of logs. */
export type Logs = Consumer<pdata.Logs>;

/** A traces consumer backed by `consume`; see {@linkcode newConsumer}. */
export function newTraces(consume: ConsumeFunc<pdata.Traces>, options?: ConsumerOptions): Traces {
  return newConsumer(consume, options);
}

/** A metrics consumer backed by `consume`; see {@linkcode newConsumer}. */
export function newMetrics(
  consume: ConsumeFunc<pdata.Metrics>,
  options?: ConsumerOptions,
): Metrics {
  return newConsumer(consume, options);
}

/** A logs consumer backed by `consume`; see {@linkcode newConsumer}. */
export function newLogs(consume: ConsumeFunc<pdata.Logs>, options?: ConsumerOptions): Logs {
  return newConsumer(consume, options);
}

/** {@linkcode fanOut} for traces, cloning with `pdata.traces.clone`. */
export function fanOutTraces(consumers: readonly Traces[]): Traces {
  return fanOut(consumers, (data) => pdata.traces.clone(data));
}

/** {@linkcode fanOut} for metrics, cloning with `pdata.metrics.clone`. */
export function fanOutMetrics(consumers: readonly Metrics[]): Metrics {
  return fanOut(consumers, (data) => pdata.metrics.clone(data));
}

/** {@linkcode fanOut} for logs, cloning with `pdata.logs.clone`. */
export function fanOutLogs(consumers: readonly Logs[]): Logs {
  return fanOut(consumers, (data) => pdata.logs.clone(data));
}
