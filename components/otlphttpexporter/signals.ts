import type { DescMessage, DescService, Message } from "@bufbuild/protobuf";
import { LOGS, METRICS, type SignalSpec, TRACES } from "@denocol/exporter/exporterhelper";
import {
  type ExportLogsServiceResponse,
  ExportLogsServiceResponseSchema,
  type ExportMetricsServiceResponse,
  ExportMetricsServiceResponseSchema,
  type ExportTraceServiceResponse,
  ExportTraceServiceResponseSchema,
  type Logs,
  logs,
  LogsService,
  logsToRequest,
  type Metrics,
  metrics,
  MetricsService,
  metricsToRequest,
  type Traces,
  traces,
  TraceService,
  tracesToRequest,
} from "@denocol/pdata";

/** What an OTLP backend said about the items it did not accept in a successful response. */
export interface Rejection {
  /** Number of rejected items (in the unit the backend counts: spans, points, records, profiles). */
  rejected: number;
  /** The backend's message, possibly empty. */
  message: string;
}

/** Everything the OTLP exporters need to send one signal. */
export interface OtlpSignal<T> {
  /** The exporter helper's description of the signal. */
  spec: SignalSpec<T>;
  /** Path appended to `endpoint` by the otlphttp exporter, such as `/v1/traces`. */
  urlPath: string;
  /** Config key of the per-signal URL, such as `traces_endpoint`. */
  endpointKey: string;
  /** Binary request body (`Export*ServiceRequest`, same layout as the data). */
  encodeProto(data: T): Uint8Array;
  /** OTLP/JSON request body. */
  encodeJson(data: T): string;
  /** The `Export*ServiceResponse` message type. */
  responseSchema: DescMessage;
  /** Partial success in a decoded response, if any items were rejected or a message given. */
  rejection(response: Message): Rejection | undefined;
  /** The gRPC service with its single `Export` method. */
  service: DescService;
  /** The gRPC request message for `data`. */
  toRequest(data: T): Message;
}

function rejectionOf(
  partial: { errorMessage: string } | undefined,
  rejected: bigint | undefined,
): Rejection | undefined {
  if (partial === undefined) return undefined;
  const count = Number(rejected ?? 0n);
  if (count === 0 && partial.errorMessage === "") return undefined;
  return { rejected: count, message: partial.errorMessage };
}

/** Traces over OTLP. */
export const OTLP_TRACES: OtlpSignal<Traces> = {
  spec: TRACES,
  urlPath: "/v1/traces",
  endpointKey: "traces_endpoint",
  encodeProto: (data) => traces.encodeProto(data),
  encodeJson: (data) => traces.encodeJson(data),
  responseSchema: ExportTraceServiceResponseSchema,
  rejection: (response) => {
    const partial = (response as ExportTraceServiceResponse).partialSuccess;
    return rejectionOf(partial, partial?.rejectedSpans);
  },
  service: TraceService,
  toRequest: tracesToRequest,
};

/** Metrics over OTLP. */
export const OTLP_METRICS: OtlpSignal<Metrics> = {
  spec: METRICS,
  urlPath: "/v1/metrics",
  endpointKey: "metrics_endpoint",
  encodeProto: (data) => metrics.encodeProto(data),
  encodeJson: (data) => metrics.encodeJson(data),
  responseSchema: ExportMetricsServiceResponseSchema,
  rejection: (response) => {
    const partial = (response as ExportMetricsServiceResponse).partialSuccess;
    return rejectionOf(partial, partial?.rejectedDataPoints);
  },
  service: MetricsService,
  toRequest: metricsToRequest,
};

/** Logs over OTLP. */
export const OTLP_LOGS: OtlpSignal<Logs> = {
  spec: LOGS,
  urlPath: "/v1/logs",
  endpointKey: "logs_endpoint",
  encodeProto: (data) => logs.encodeProto(data),
  encodeJson: (data) => logs.encodeJson(data),
  responseSchema: ExportLogsServiceResponseSchema,
  rejection: (response) => {
    const partial = (response as ExportLogsServiceResponse).partialSuccess;
    return rejectionOf(partial, partial?.rejectedLogRecords);
  },
  service: LogsService,
  toRequest: logsToRequest,
};
