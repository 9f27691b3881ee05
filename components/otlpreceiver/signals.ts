// The stable signals as transport endpoints: pdata's codecs plus a next consumer, counted by
// the receiver's ObsReport.

import type { Consumer } from "@denocol/consumer";
import {
  ExportLogsServiceResponseSchema,
  ExportMetricsServiceResponseSchema,
  ExportTraceServiceResponseSchema,
  type Logs,
  logs,
  logsFromRequest,
  LogsService,
  type Metrics,
  metrics,
  metricsFromRequest,
  MetricsService,
  type SignalHelpers,
  type Traces,
  traces,
  TraceService,
  tracesFromRequest,
} from "@denocol/pdata";
import type { DescMessage, DescService } from "@bufbuild/protobuf";
import type { GrpcSignalEndpoint } from "./grpc.ts";

/** Counts items into the receiver's accepted/refused counters around a push. */
export interface SignalObserver {
  /** Runs `push`, recording `count` items as accepted or refused by its outcome. */
  observe(signal: string, count: number, push: () => Promise<void>): Promise<void>;
}

/** The static description of one signal for both transports. */
export interface SignalSpec<T> {
  /** Signal name. */
  signal: string;
  /** pdata helpers of the signal. */
  helpers: SignalHelpers<T>;
  /** Generated service descriptor. */
  service: DescService;
  /** Generated `Export*ServiceResponse`. */
  responseSchema: DescMessage;
  /** Local name of the partial success's rejected count. */
  rejectedField: string;
  /** Turns a decoded export request into the signal's data. */
  fromRequest(message: unknown): T;
}

/** Traces: `TraceService`, counted in spans. */
export const TRACES_SPEC: SignalSpec<Traces> = {
  signal: "traces",
  helpers: traces,
  service: TraceService,
  responseSchema: ExportTraceServiceResponseSchema,
  rejectedField: "rejectedSpans",
  fromRequest: (message) => tracesFromRequest(message as Parameters<typeof tracesFromRequest>[0]),
};

/** Metrics: `MetricsService`, counted in data points. */
export const METRICS_SPEC: SignalSpec<Metrics> = {
  signal: "metrics",
  helpers: metrics,
  service: MetricsService,
  responseSchema: ExportMetricsServiceResponseSchema,
  rejectedField: "rejectedDataPoints",
  fromRequest: (message) => metricsFromRequest(message as Parameters<typeof metricsFromRequest>[0]),
};

/** Logs: `LogsService`, counted in log records. */
export const LOGS_SPEC: SignalSpec<Logs> = {
  signal: "logs",
  helpers: logs,
  service: LogsService,
  responseSchema: ExportLogsServiceResponseSchema,
  rejectedField: "rejectedLogRecords",
  fromRequest: (message) => logsFromRequest(message as Parameters<typeof logsFromRequest>[0]),
};

/**
 * Joins a signal's description with its next consumer. `validate` runs after decoding, for
 * checks the codec does not make (a failure answers as malformed data).
 */
export function signalEndpoint<T>(
  spec: SignalSpec<T>,
  next: Consumer<T>,
  observer: SignalObserver,
  validate?: (data: T) => void,
): GrpcSignalEndpoint<T> {
  const { helpers } = spec;
  return {
    signal: spec.signal,
    service: spec.service,
    responseSchema: spec.responseSchema,
    rejectedField: spec.rejectedField,
    decodeProto: (bytes) => {
      const data = helpers.decodeProto(bytes);
      validate?.(data);
      return data;
    },
    decodeJson: (bytes) => {
      const data = helpers.decodeJson(bytes);
      validate?.(data);
      return data;
    },
    fromRequest: (message) => {
      const data = spec.fromRequest(message);
      validate?.(data);
      return data;
    },
    count: (data) => helpers.count(data),
    consume: async (data, context) => {
      await observer.observe(spec.signal, helpers.count(data), () => next.consume(data, context));
      return undefined;
    },
  };
}
