import { create, type DescMessage, type DescService, type Message } from "@bufbuild/protobuf";
import {
  ExportLogsServiceRequestSchema,
  type ExportLogsServiceResponse,
  ExportLogsServiceResponseSchema,
  LogsService,
} from "./gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import {
  ExportMetricsServiceRequestSchema,
  type ExportMetricsServiceResponse,
  ExportMetricsServiceResponseSchema,
  MetricsService,
} from "./gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import {
  ExportTraceServiceRequestSchema,
  type ExportTraceServiceResponse,
  ExportTraceServiceResponseSchema,
  TraceService,
} from "./gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { type Logs, logs, logsFromRequest, logsToRequest } from "./logs.ts";
import { type Metrics, metrics, metricsFromRequest, metricsToRequest } from "./metrics.ts";
import type { SignalHelpers } from "./signal.ts";
import { type Traces, traces, tracesFromRequest, tracesToRequest } from "./traces.ts";

/**
 * The items a server did not accept in an otherwise successful export (OTLP `partial_success`).
 */
export interface OtlpRejection {
  /** Number of rejected items, in the signal's unit (spans, data points, log records, samples). */
  rejected: number;
  /** The server's explanation; may be empty. */
  message: string;
}

/**
 * One OTLP signal as the protocol carries it, for exporters, receivers and test servers alike:
 * the OTLP/HTTP path, the gRPC service, the export request/response messages, and the data's
 * helpers (codecs, item count).
 */
export interface OtlpSignal<T> {
  /** Signal name: `traces`, `metrics`, `logs` (or `profiles` from `@denocol/pdata-experimental`). */
  readonly signal: string;
  /** The OTLP/HTTP path, such as `/v1/traces`. */
  readonly httpPath: string;
  /** Codecs (an HTTP body has the request's layout, which equals the data's), count, split… */
  readonly helpers: SignalHelpers<T>;
  /** The gRPC service with its single `Export` method. */
  readonly service: DescService;
  /** The `Export*ServiceRequest` message type. */
  readonly requestSchema: DescMessage;
  /** The `Export*ServiceResponse` message type. */
  readonly responseSchema: DescMessage;
  /** The export request carrying `data` (sharing its resource groups). */
  toRequest(data: T): Message;
  /** The data of a decoded export request (sharing its resource groups). */
  fromRequest(request: Message): T;
  /**
   * What a decoded response says was rejected, or `undefined` for a full success (no
   * `partial_success`, or one with zero items and no message).
   */
  rejection(response: Message): OtlpRejection | undefined;
  /** A response reporting `rejection` as partial success, or full success without one. */
  response(rejection?: OtlpRejection): Message;
}

function rejectionOf(
  partial: { errorMessage: string } | undefined,
  rejected: bigint | undefined,
): OtlpRejection | undefined {
  if (partial === undefined) return undefined;
  const count = Number(rejected ?? 0n);
  if (count === 0 && partial.errorMessage === "") return undefined;
  return { rejected: count, message: partial.errorMessage };
}

/** Traces over OTLP (`/v1/traces`, `TraceService`), counted in spans. */
export const OTLP_TRACES: OtlpSignal<Traces> = {
  signal: "traces",
  httpPath: "/v1/traces",
  helpers: traces,
  service: TraceService,
  requestSchema: ExportTraceServiceRequestSchema,
  responseSchema: ExportTraceServiceResponseSchema,
  toRequest: tracesToRequest,
  fromRequest: (request) => tracesFromRequest(request as Parameters<typeof tracesFromRequest>[0]),
  rejection: (response) => {
    const partial = (response as ExportTraceServiceResponse).partialSuccess;
    return rejectionOf(partial, partial?.rejectedSpans);
  },
  response: (rejection) =>
    create(
      ExportTraceServiceResponseSchema,
      rejection && {
        partialSuccess: {
          rejectedSpans: BigInt(rejection.rejected),
          errorMessage: rejection.message,
        },
      },
    ),
};

/** Metrics over OTLP (`/v1/metrics`, `MetricsService`), counted in data points. */
export const OTLP_METRICS: OtlpSignal<Metrics> = {
  signal: "metrics",
  httpPath: "/v1/metrics",
  helpers: metrics,
  service: MetricsService,
  requestSchema: ExportMetricsServiceRequestSchema,
  responseSchema: ExportMetricsServiceResponseSchema,
  toRequest: metricsToRequest,
  fromRequest: (request) => metricsFromRequest(request as Parameters<typeof metricsFromRequest>[0]),
  rejection: (response) => {
    const partial = (response as ExportMetricsServiceResponse).partialSuccess;
    return rejectionOf(partial, partial?.rejectedDataPoints);
  },
  response: (rejection) =>
    create(
      ExportMetricsServiceResponseSchema,
      rejection && {
        partialSuccess: {
          rejectedDataPoints: BigInt(rejection.rejected),
          errorMessage: rejection.message,
        },
      },
    ),
};

/** Logs over OTLP (`/v1/logs`, `LogsService`), counted in log records. */
export const OTLP_LOGS: OtlpSignal<Logs> = {
  signal: "logs",
  httpPath: "/v1/logs",
  helpers: logs,
  service: LogsService,
  requestSchema: ExportLogsServiceRequestSchema,
  responseSchema: ExportLogsServiceResponseSchema,
  toRequest: logsToRequest,
  fromRequest: (request) => logsFromRequest(request as Parameters<typeof logsFromRequest>[0]),
  rejection: (response) => {
    const partial = (response as ExportLogsServiceResponse).partialSuccess;
    return rejectionOf(partial, partial?.rejectedLogRecords);
  },
  response: (rejection) =>
    create(
      ExportLogsServiceResponseSchema,
      rejection && {
        partialSuccess: {
          rejectedLogRecords: BigInt(rejection.rejected),
          errorMessage: rejection.message,
        },
      },
    ),
};

/**
 * A partial success as the OTLP messages spell it, for signals defined elsewhere (profiles): the
 * rejection it reports, or `undefined` for a full success.
 */
export function otlpRejection(
  partial: { errorMessage: string } | undefined,
  rejected: bigint | undefined,
): OtlpRejection | undefined {
  return rejectionOf(partial, rejected);
}
