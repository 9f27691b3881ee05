/**
 * The OTLP data model for traces, metrics and logs: the messages generated from the OTLP protobuf
 * schemas, binary and OTLP/JSON codecs, and the helpers pipelines need (count, split, merge,
 * clone).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodedForm, traces } from "@denocol/pdata";
 *
 * const data = traces.decodeJson(
 *   '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a"},{"name":"b"}]}]}]}',
 * );
 * const bytes = traces.encodeProto(data);
 * assert.equal(traces.count(traces.decodeProto(bytes)), 2);
 * assert.equal(traces.httpPath, "/v1/traces");
 * assert.equal(traces.itemName, "spans");
 *
 * // Kept in its encoded form until a field is read: counted and sent as the same bytes.
 * const kept = traces.fromProto(bytes);
 * assert.equal(traces.count(kept), 2);
 * assert.equal(traces.encodeProto(kept), bytes);
 * assert.equal(kept.resourceSpans[0].scopeSpans[0].spans[1].name, "b");
 * assert.equal(encodedForm(kept), undefined); // read, so possibly changed: encoded again
 * ```
 *
 * Data received as protobuf keeps its bytes until a component reads it
 * ({@link SignalDescriptor.fromProto}): a pipeline that only forwards, batches and counts never
 * builds the objects.
 *
 * Each signal is one {@link SignalDescriptor} ({@link traces}, {@link metrics}, {@link logs}, by
 * name in {@link SIGNALS}): its name and item name, how OTLP carries it (HTTP path, gRPC service,
 * request and response messages, partial success), its codecs and the pipeline helpers. Receivers,
 * exporters, test servers and the service all work from it, taking a `Pick` of it when they need
 * less.
 *
 * Attributes are read and written through {@link AttributeMap} (and {@link AttributeList} for
 * list values), live views of the messages' `KeyValue[]` that take and give plain JavaScript
 * values, as Go's `pcommon.Map` does:
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { AttributeMap, idToHex, traces } from "@denocol/pdata";
 *
 * const data = traces.decodeJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{
 *   traceId: "5b8efff798038103d269b633813fc60c", name: "checkout",
 * }] }] }] }));
 * const span = data.resourceSpans[0].scopeSpans[0].spans[0];
 * new AttributeMap(span.attributes).put("tenant", "acme").put("retries", 2n);
 * assert.equal(idToHex(span.traceId), "5b8efff798038103d269b633813fc60c");
 * assert.equal(span.attributes.length, 2);
 * ```
 *
 * The generic pieces ({@link defineSignal}, {@link createJsonCodec}, {@link createProtoCodec},
 * {@link splitNested}) let other OTLP signals, such as the profiles of
 * `@denocol/pdata-experimental`, get the same descriptor.
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
  AttributeList,
  AttributeMap,
  type AttributeValue,
  copyAnyValue,
  idFromHex,
  idToHex,
  type PlainValue,
  readValue,
  toAnyValue,
  toPlain,
  type ValueType,
  valueType,
  writeValue,
} from "./attributes.ts";
export { encodedForm, encodedValue } from "./encoded.ts";
export { type WireLayout, WireSplitUnsupported } from "./encoded_split.ts";
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
export { countNested, mergeNested, type NestedLayout, splitNested } from "./nested.ts";
export {
  type DataOf,
  defineSignal,
  type SignalDefinition,
  type SignalDescriptor,
  type SignalTable,
  signalTable,
} from "./signal.ts";
export { type SignalData, type SignalName, SIGNALS } from "./signals.ts";
export { type Traces, traces, tracesFromRequest, tracesToRequest } from "./traces.ts";
export {
  dataPointCount,
  type Metrics,
  metrics,
  metricsFromRequest,
  metricsToRequest,
} from "./metrics.ts";
export { type Logs, logs, logsFromRequest, logsToRequest } from "./logs.ts";
export { type OtlpDefinition, type OtlpRejection, type RejectedField } from "./otlp.ts";

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
