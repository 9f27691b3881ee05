import { clone, create } from "@bufbuild/protobuf";
import { ResourceSchema } from "./gen/opentelemetry/proto/resource/v1/resource_pb.ts";
import {
  type ResourceSpans,
  type ScopeSpans,
  type Span,
  type TracesData,
  TracesDataSchema,
} from "./gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { InstrumentationScopeSchema } from "./gen/opentelemetry/proto/common/v1/common_pb.ts";
import {
  type ExportTraceServiceRequest,
  ExportTraceServiceRequestSchema,
  ExportTraceServiceResponseSchema,
  TraceService,
} from "./gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { defineSignal, type SignalDescriptor } from "./signal.ts";
import { countNested, mergeNested, type NestedLayout, splitNested } from "./nested.ts";
import { createWireCodec, createWireScan } from "./wire/codec.ts";
import { createJsonTranscoder } from "./wire/json_transcode.ts";
import { jsonTracesData } from "./wire/gen/otlp_json.ts";
import {
  decodeTracesData,
  scanTracesData,
  sizeTracesData,
  writeTracesData,
} from "./wire/gen/otlp_wire.ts";

/** Trace data: resource groups of scope groups of spans (the OTLP `TracesData` message). */
export type Traces = TracesData;

const layout: NestedLayout<TracesData, ResourceSpans, ScopeSpans, Span> = {
  resources: (data) => data.resourceSpans,
  scopes: (resource) => resource.scopeSpans,
  items: (scope) => scope.spans,
  newData: (resourceSpans) => create(TracesDataSchema, { resourceSpans }),
  copyResource: (resource) => ({
    ...resource,
    resource: resource.resource && clone(ResourceSchema, resource.resource),
    scopeSpans: [],
  }),
  copyScope: (scope) => ({
    ...scope,
    scope: scope.scope && clone(InstrumentationScopeSchema, scope.scope),
    spans: [],
  }),
};

/**
 * The traces signal: OTLP over `/v1/traces` and `TraceService`, its codecs, and the pipeline
 * helpers; {@link SignalDescriptor.count} counts spans.
 */
export const traces: SignalDescriptor<Traces, "traces"> = defineSignal({
  name: "traces",
  itemName: "spans",
  schema: TracesDataSchema,
  otlp: {
    httpPath: "/v1/traces",
    service: TraceService,
    requestSchema: ExportTraceServiceRequestSchema,
    responseSchema: ExportTraceServiceResponseSchema,
    toRequest: tracesToRequest,
    fromRequest: tracesFromRequest,
    rejectedField: "rejectedSpans",
  },
  proto: createWireCodec({
    typeName: TracesDataSchema.typeName,
    decode: decodeTracesData,
    size: sizeTracesData,
    write: writeTracesData,
  }),
  mergesByConcatenation: true,
  scan: createWireScan(scanTracesData),
  jsonFromProto: createJsonTranscoder(TracesDataSchema.typeName, jsonTracesData),
  wireLayout: { resourceField: 1, scopeField: 2, itemField: 2 },
  count: (data) => countNested(layout, data),
  split: (data, maxItems) => splitNested(layout, data, maxItems),
  merge: (parts) => mergeNested(layout, parts),
});

/**
 * The export request carrying these traces (the same wire layout), sharing their resource groups.
 *
 * @param data the traces to send
 */
export function tracesToRequest(data: Traces): ExportTraceServiceRequest {
  return create(ExportTraceServiceRequestSchema, { resourceSpans: data.resourceSpans });
}

/**
 * The traces of a received export request, sharing its resource groups.
 *
 * @param request the request a gRPC server received
 */
export function tracesFromRequest(request: ExportTraceServiceRequest): Traces {
  return create(TracesDataSchema, { resourceSpans: request.resourceSpans });
}
