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
import {
  countNested,
  defineSignal,
  mergeNested,
  type NestedLayout,
  type SignalDescriptor,
  splitNested,
} from "./signal.ts";
import { createWireCodec, createWireScan } from "./wire/codec.ts";
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
