import * as pdata from "@denocol/pdata";
import { SinkConsumer, type SinkOptions } from "./sink.ts";

/** A sink of traces whose `count` is the number of spans received. */
export function newTracesSink(
  options: Omit<SinkOptions<pdata.Traces>, "countItems"> = {},
): SinkConsumer<pdata.Traces> {
  return new SinkConsumer({ ...options, countItems: (data) => pdata.traces.count(data) });
}

/** A sink of metrics whose `count` is the number of data points received. */
export function newMetricsSink(
  options: Omit<SinkOptions<pdata.Metrics>, "countItems"> = {},
): SinkConsumer<pdata.Metrics> {
  return new SinkConsumer({ ...options, countItems: (data) => pdata.metrics.count(data) });
}

/** A sink of logs whose `count` is the number of log records received. */
export function newLogsSink(
  options: Omit<SinkOptions<pdata.Logs>, "countItems"> = {},
): SinkConsumer<pdata.Logs> {
  return new SinkConsumer({ ...options, countItems: (data) => pdata.logs.count(data) });
}
