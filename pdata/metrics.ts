import { clone, create } from "@bufbuild/protobuf";
import { ResourceSchema } from "./gen/opentelemetry/proto/resource/v1/resource_pb.ts";
import {
  type Metric,
  type MetricsData,
  MetricsDataSchema,
  type ResourceMetrics,
  type ScopeMetrics,
} from "./gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
import {
  InstrumentationScopeSchema,
  KeyValueSchema,
} from "./gen/opentelemetry/proto/common/v1/common_pb.ts";
import {
  type ExportMetricsServiceRequest,
  ExportMetricsServiceRequestSchema,
  ExportMetricsServiceResponseSchema,
  MetricsService,
} from "./gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import { defineSignal, type SignalDescriptor } from "./signal.ts";
import { countNested, mergeNested, type NestedLayout, splitNested } from "./nested.ts";
import { createWireCodec, createWireScan } from "./wire/codec.ts";
import { concatBytes, fieldsOf, lengthDelimited, WireSplitUnsupported } from "./encoded_split.ts";
import { createJsonTranscoder } from "./wire/json_transcode.ts";
import { jsonMetricsData } from "./wire/gen/otlp_json.ts";
import {
  decodeMetricsData,
  scanMetricsData,
  sizeMetricsData,
  writeMetricsData,
} from "./wire/gen/otlp_wire.ts";

/** Metric data: resource groups of scope groups of metrics (the OTLP `MetricsData` message). */
export type Metrics = MetricsData;

/**
 * How many data points a metric holds, whatever its type; 0 when no type is set.
 *
 * @param metric the metric
 */
export function dataPointCount(metric: Metric): number {
  return metric.data.case === undefined ? 0 : metric.data.value.dataPoints.length;
}

/** The metric with only its data points `[start, end)`; name, unit, type and temporality kept. */
function sliceMetric(metric: Metric, start: number, end: number): Metric {
  const data = metric.data;
  if (data.case === undefined) return metric;
  return {
    ...metric,
    metadata: metric.metadata.map((keyValue) => clone(KeyValueSchema, keyValue)),
    // The spread keeps every field of the aggregation (temporality, monotonicity); the cast is
    // needed because TypeScript cannot relate the case to the value of a spread union.
    data: {
      case: data.case,
      value: { ...data.value, dataPoints: data.value.dataPoints.slice(start, end) },
    } as Metric["data"],
  };
}

/** `Metric.data`'s fields: gauge, sum, histogram, exponential_histogram, summary. */
const METRIC_DATA_FIELDS = new Set([5, 7, 9, 10, 11]);

/**
 * Where an encoded metric's data points are: its aggregation field (`sum`…) and, inside it, the
 * `data_points` fields (1 in every aggregation). A metric whose bytes set the aggregation more
 * than once (decoding keeps the last, or merges two of the same kind) is left to the decoded
 * split.
 */
function encodedPoints(metric: Uint8Array) {
  const fields = fieldsOf(metric);
  const data = fields.filter((f) => METRIC_DATA_FIELDS.has(f.field));
  if (data.length > 1) throw new WireSplitUnsupported("metric sets its aggregation twice");
  if (data.length === 0) return { fields, data: undefined, points: [] };
  const aggregation = metric.subarray(data[0].valueStart, data[0].end);
  const inner = fieldsOf(aggregation);
  return {
    fields,
    data: data[0],
    aggregation,
    inner,
    points: inner.filter((f) => f.field === 1),
  };
}

/** The encoded metric with only its data points `[start, end)`, every other field kept. */
function sliceEncodedMetric(metric: Uint8Array, start: number, end: number): Uint8Array {
  const { fields, data, aggregation, inner } = encodedPoints(metric);
  if (data === undefined) return metric;
  const parts: Uint8Array[] = [];
  for (const field of fields) {
    if (field !== data) {
      parts.push(metric.subarray(field.start, field.end));
      continue;
    }
    const kept: Uint8Array[] = [];
    let point = 0;
    for (const f of inner!) {
      if (f.field !== 1) kept.push(aggregation!.subarray(f.start, f.end));
      else if (point++ >= start && point <= end) kept.push(aggregation!.subarray(f.start, f.end));
    }
    parts.push(lengthDelimited(data.field, kept));
  }
  return concatBytes(parts);
}

const layout: NestedLayout<MetricsData, ResourceMetrics, ScopeMetrics, Metric> = {
  resources: (data) => data.resourceMetrics,
  scopes: (resource) => resource.scopeMetrics,
  items: (scope) => scope.metrics,
  newData: (resourceMetrics) => create(MetricsDataSchema, { resourceMetrics }),
  copyResource: (resource) => ({
    ...resource,
    resource: resource.resource && clone(ResourceSchema, resource.resource),
    scopeMetrics: [],
  }),
  copyScope: (scope) => ({
    ...scope,
    scope: scope.scope && clone(InstrumentationScopeSchema, scope.scope),
    metrics: [],
  }),
  itemSize: dataPointCount,
  sliceItem: sliceMetric,
};

/**
 * The metrics signal: OTLP over `/v1/metrics` and `MetricsService`, its codecs, and the pipeline
 * helpers; {@link SignalDescriptor.count} counts data points, and
 * {@link SignalDescriptor.split} cuts a metric with more points than fit, repeating its name,
 * description, unit, metadata, type, temporality and monotonicity in every chunk.
 */
export const metrics: SignalDescriptor<Metrics, "metrics"> = defineSignal({
  name: "metrics",
  itemName: "metric_points",
  schema: MetricsDataSchema,
  otlp: {
    httpPath: "/v1/metrics",
    service: MetricsService,
    requestSchema: ExportMetricsServiceRequestSchema,
    responseSchema: ExportMetricsServiceResponseSchema,
    toRequest: metricsToRequest,
    fromRequest: metricsFromRequest,
    rejectedField: "rejectedDataPoints",
  },
  proto: createWireCodec({
    typeName: MetricsDataSchema.typeName,
    decode: decodeMetricsData,
    size: sizeMetricsData,
    write: writeMetricsData,
  }),
  mergesByConcatenation: true,
  scan: createWireScan(scanMetricsData),
  jsonFromProto: createJsonTranscoder(MetricsDataSchema.typeName, jsonMetricsData),
  wireLayout: {
    resourceField: 1,
    scopeField: 2,
    itemField: 2,
    itemSize: (metric) => encodedPoints(metric).points.length,
    sliceItem: sliceEncodedMetric,
  },
  count: (data) => countNested(layout, data),
  split: (data, maxItems) => splitNested(layout, data, maxItems),
  merge: (parts) => mergeNested(layout, parts),
});

/**
 * The export request carrying these metrics (the same wire layout), sharing their resource groups.
 *
 * @param data the metrics to send
 */
export function metricsToRequest(data: Metrics): ExportMetricsServiceRequest {
  return create(ExportMetricsServiceRequestSchema, { resourceMetrics: data.resourceMetrics });
}

/**
 * The metrics of a received export request, sharing its resource groups.
 *
 * @param request the request a gRPC server received
 */
export function metricsFromRequest(request: ExportMetricsServiceRequest): Metrics {
  return create(MetricsDataSchema, { resourceMetrics: request.resourceMetrics });
}
