/**
 * The OTLP data model for traces, metrics and logs: the messages generated from the OTLP protobuf
 * schemas, binary and OTLP/JSON codecs, and the helpers pipelines need (count, split, merge,
 * clone).
 *
 * ```ts
 * import { traces } from "@denocol/pdata";
 *
 * const data = traces.decodeJson('{"resourceSpans":[]}');
 * const bytes = traces.encodeProto(data);
 * console.log(traces.count(traces.decodeProto(bytes)));
 * ```
 *
 * {@link OTLP_TRACES}, {@link OTLP_METRICS} and {@link OTLP_LOGS} describe each signal as OTLP
 * carries it (HTTP path, gRPC service, request and response messages, partial success), for
 * exporters, receivers and test servers.
 *
 * The generic pieces ({@link createSignalHelpers}, {@link createJsonCodec},
 * {@link createProtoCodec}, {@link splitNested}) let other OTLP signals, such as the profiles of
 * `@denocol/pdata-experimental`, get the same helpers.
 *
 * The binary codecs of `traces`, `metrics` and `logs` are generated per message
 * (`@denocol/pdata/wire`, from `tools/gen_wire.ts`) and build exactly the objects protobuf-es's
 * `fromBinary` builds, several times faster. Decoded `bytes` fields (ids) are views of the input
 * buffer, as with protobuf-es, so a kept message keeps its request buffer alive; unknown fields are
 * kept (`$unknown`) and written back. Beyond protobuf-es, the decoder rejects a known field sent
 * with another wire type and a value running past the end of its message (as Go's does).
 *
 * @module
 */

export {
  DecodeBudgetError,
  type DecodeCost,
  DecodeError,
  type DecodeFormat,
  type DecodeOptions,
  EncodeError,
} from "./errors.ts";
export {
  bytesToHex,
  createJsonCodec,
  hexToBytes,
  type IdFields,
  type JsonCodec,
  MAX_NESTING_DEPTH,
  OTLP_ID_FIELDS,
} from "./json.ts";
export { createProtoCodec, type ProtoCodec } from "./proto.ts";
export {
  countNested,
  createSignalHelpers,
  mergeNested,
  type NestedLayout,
  type SignalHelpers,
  type SignalSpec,
  splitNested,
} from "./signal.ts";
export { type Traces, traces, tracesFromRequest, tracesToRequest } from "./traces.ts";
export {
  dataPointCount,
  type Metrics,
  metrics,
  metricsFromRequest,
  metricsToRequest,
} from "./metrics.ts";
export { type Logs, logs, logsFromRequest, logsToRequest } from "./logs.ts";
export {
  OTLP_LOGS,
  OTLP_METRICS,
  OTLP_TRACES,
  type OtlpRejection,
  otlpRejection,
  type OtlpSignal,
} from "./otlp.ts";

export * from "./gen/opentelemetry/proto/common/v1/common_pb.ts";
export * from "./gen/opentelemetry/proto/resource/v1/resource_pb.ts";
export {
  file_opentelemetry_proto_trace_v1_trace,
  type ResourceSpans,
  ResourceSpansSchema,
  type ScopeSpans,
  ScopeSpansSchema,
  type Span,
  type Span_Event,
  Span_EventSchema,
  type Span_Link,
  Span_LinkSchema,
  Span_SpanKind,
  Span_SpanKindSchema,
  SpanFlags,
  SpanFlagsSchema,
  SpanSchema,
  /** The status of a span (not to be confused with {@link Status}, a `google.rpc.Status`). */
  type Status as SpanStatus,
  Status_StatusCode,
  Status_StatusCodeSchema,
  /** The message type of {@link SpanStatus}. */
  StatusSchema as SpanStatusSchema,
  type TracesData,
  TracesDataSchema,
} from "./gen/opentelemetry/proto/trace/v1/trace_pb.ts";
export * from "./gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
export * from "./gen/opentelemetry/proto/logs/v1/logs_pb.ts";
export * from "./gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
export * from "./gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
export * from "./gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
export * from "./gen/google/rpc/status_pb.ts";
export * from "./gen/google/rpc/error_details_pb.ts";

export type { DescMessage, DescService, Message } from "@bufbuild/protobuf";
export type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
export type { Any, Duration } from "@bufbuild/protobuf/wkt";
