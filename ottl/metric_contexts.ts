/**
 * The OTTL contexts of metrics: `metric` and `datapoint`.
 *
 * @module
 */

import {
  AttributeList,
  AttributeMap,
  type ExponentialHistogramDataPoint,
  type ExponentialHistogramDataPoint_Buckets,
  ExponentialHistogramDataPoint_BucketsSchema,
  type HistogramDataPoint,
  type Metric,
  type NumberDataPoint,
  type SummaryDataPoint,
} from "@denocol/pdata";
import { create } from "@bufbuild/protobuf";
import type { ContextLevel, OttlContext } from "./compile.ts";
import { resourceLevel, scopeLevel, type TransformContext } from "./contexts.ts";
import {
  bigintField,
  expect,
  field,
  intField,
  mapPath,
  messagesField,
  stringField,
  timeField,
  withSubfields,
} from "./paths.ts";
import { expected } from "./values.ts";

/** A data point of any metric type. */
export type DataPoint =
  | NumberDataPoint
  | HistogramDataPoint
  | ExponentialHistogramDataPoint
  | SummaryDataPoint;

/** The transform context of metrics: a metric and, in the `datapoint` context, a data point. */
export interface MetricTransformContext extends TransformContext {
  /** The metric. */
  metric?: Metric;
  /** The data point, in the `datapoint` context. */
  dataPoint?: DataPoint;
}

const METRIC_TYPES = ["", "gauge", "sum", "histogram", "exponentialHistogram", "summary"];

const metric = (t: MetricTransformContext): Metric => t.metric!;

/** The data points of `m`, whatever its type. */
export function dataPointsOf(m: Metric): DataPoint[] | undefined {
  return m.data.case === undefined ? undefined : m.data.value.dataPoints;
}

/** The `metric` level. */
export const metricLevel: ContextLevel<MetricTransformContext> = {
  name: "metric",
  paths: {
    name: stringField((t) => metric(t).name, (t, v) => (metric(t).name = v)),
    description: stringField(
      (t) => metric(t).description,
      (t, v) => (metric(t).description = v),
    ),
    unit: stringField((t) => metric(t).unit, (t, v) => (metric(t).unit = v)),
    // Changing the type takes a function of its own; setting it does nothing, as in Go.
    type: intField((t) => METRIC_TYPES.indexOf(metric(t).data.case ?? ""), () => {}),
    aggregation_temporality: intField(
      (t) => {
        const d = metric(t).data;
        return d.case === "sum" || d.case === "histogram" || d.case === "exponentialHistogram"
          ? d.value.aggregationTemporality
          : 0;
      },
      (t, v) => {
        const d = metric(t).data;
        if (d.case === "sum" || d.case === "histogram" || d.case === "exponentialHistogram") {
          d.value.aggregationTemporality = v;
        }
      },
    ),
    is_monotonic: field(
      "bool",
      (t) => {
        const d = metric(t).data;
        return d.case === "sum" ? d.value.isMonotonic : false;
      },
      (t, v) => {
        const d = metric(t).data;
        if (d.case === "sum") d.value.isMonotonic = expect<boolean>("boolean", v);
      },
    ),
    data_points: messagesField(
      "pmetric.NumberDataPointSlice",
      (t) => dataPointsOf(metric(t)) ?? [],
    ),
    metadata: mapPath((t) => new AttributeMap(metric(t).metadata)),
  },
  enums: {
    METRIC_DATA_TYPE_NONE: 0n,
    METRIC_DATA_TYPE_GAUGE: 1n,
    METRIC_DATA_TYPE_SUM: 2n,
    METRIC_DATA_TYPE_HISTOGRAM: 3n,
    METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM: 4n,
    METRIC_DATA_TYPE_SUMMARY: 5n,
    AGGREGATION_TEMPORALITY_UNSPECIFIED: 0n,
    AGGREGATION_TEMPORALITY_DELTA: 1n,
    AGGREGATION_TEMPORALITY_CUMULATIVE: 2n,
    FLAG_NONE: 0n,
    FLAG_NO_RECORDED_VALUE: 1n,
  },
};

const point = (t: MetricTransformContext): DataPoint => t.dataPoint!;

function kindOf(dp: DataPoint): string {
  return dp.$typeName.slice("opentelemetry.proto.metrics.v1.".length);
}

/** A field present on some data point types; `null` (and no change) on the others. */
function pointField<D extends DataPoint>(
  type: string,
  kinds: readonly string[],
  get: (dp: D) => unknown,
  set?: (dp: D, value: unknown) => void,
) {
  return field<MetricTransformContext>(
    type,
    (t) => (kinds.includes(kindOf(point(t))) ? get(point(t) as D) : null),
    set && ((t, v) => {
      if (kinds.includes(kindOf(point(t)))) set(point(t) as D, v);
    }),
  );
}

const COUNTED = ["HistogramDataPoint", "ExponentialHistogramDataPoint", "SummaryDataPoint"];

function intList(value: unknown): bigint[] {
  const items = value instanceof AttributeList ? [...value] : Array.isArray(value) ? value : null;
  if (items === null || items.some((i) => typeof i !== "bigint")) throw expected("[]int64", value);
  return items.map((i) => BigInt.asUintN(64, i as bigint));
}

function floatList(value: unknown): number[] {
  const items = value instanceof AttributeList ? [...value] : Array.isArray(value) ? value : null;
  if (items === null || items.some((i) => typeof i !== "number")) {
    throw expected("[]float64", value);
  }
  return items as number[];
}

function buckets(side: "positive" | "negative") {
  const get = (
    dp: ExponentialHistogramDataPoint,
  ): ExponentialHistogramDataPoint_Buckets => (dp[side] ??= create(
    ExponentialHistogramDataPoint_BucketsSchema,
  ));
  return withSubfields<MetricTransformContext>(
    pointField(
      "pmetric.ExponentialHistogramDataPointBuckets",
      ["ExponentialHistogramDataPoint"],
      (dp: ExponentialHistogramDataPoint) => dp[side] ?? null,
    ),
    {
      offset: pointField(
        "int64",
        ["ExponentialHistogramDataPoint"],
        (dp: ExponentialHistogramDataPoint) => BigInt(dp[side]?.offset ?? 0),
        (
          dp: ExponentialHistogramDataPoint,
          v,
        ) => (get(dp).offset = Number(expect<bigint>("bigint", v))),
      ),
      bucket_counts: pointField(
        "[]uint64",
        ["ExponentialHistogramDataPoint"],
        (dp: ExponentialHistogramDataPoint) => [...(dp[side]?.bucketCounts ?? [])],
        (dp: ExponentialHistogramDataPoint, v) => (get(dp).bucketCounts = intList(v)),
      ),
    },
  );
}

/** The `datapoint` level. */
export const dataPointLevel: ContextLevel<MetricTransformContext> = {
  name: "datapoint",
  paths: {
    attributes: mapPath((t) => new AttributeMap(point(t).attributes)),
    start_time_unix_nano: bigintField(
      (t) => point(t).startTimeUnixNano,
      (t, v) => (point(t).startTimeUnixNano = v),
    ),
    time_unix_nano: bigintField(
      (t) => point(t).timeUnixNano,
      (t, v) => (point(t).timeUnixNano = v),
    ),
    start_time: timeField(
      (t) => point(t).startTimeUnixNano,
      (t, v) => (point(t).startTimeUnixNano = v),
    ),
    time: timeField((t) => point(t).timeUnixNano, (t, v) => (point(t).timeUnixNano = v)),
    value_double: pointField(
      "float64",
      ["NumberDataPoint"],
      (dp: NumberDataPoint) => (dp.value.case === "asDouble" ? dp.value.value : 0),
      (
        dp: NumberDataPoint,
        v,
      ) => (dp.value = { case: "asDouble", value: expect<number>("number", v) }),
    ),
    value_int: pointField(
      "int64",
      ["NumberDataPoint"],
      (dp: NumberDataPoint) => (dp.value.case === "asInt" ? dp.value.value : 0n),
      (
        dp: NumberDataPoint,
        v,
      ) => (dp.value = { case: "asInt", value: expect<bigint>("bigint", v) }),
    ),
    exemplars: messagesField(
      "pmetric.ExemplarSlice",
      (t) => "exemplars" in point(t) ? (point(t) as NumberDataPoint).exemplars : [],
    ),
    flags: intField((t) => point(t).flags, (t, v) => (point(t).flags = v)),
    count: pointField(
      "int64",
      COUNTED,
      (dp: HistogramDataPoint) => BigInt.asIntN(64, dp.count),
      (dp: HistogramDataPoint, v) => (dp.count = BigInt.asUintN(64, expect<bigint>("bigint", v))),
    ),
    sum: pointField(
      "float64",
      COUNTED,
      (dp: HistogramDataPoint) => dp.sum ?? 0,
      (dp: HistogramDataPoint, v) => (dp.sum = expect<number>("number", v)),
    ),
    bucket_counts: pointField(
      "[]uint64",
      ["HistogramDataPoint"],
      (dp: HistogramDataPoint) => dp.bucketCounts.map((c) => BigInt.asIntN(64, c)),
      (dp: HistogramDataPoint, v) => (dp.bucketCounts = intList(v)),
    ),
    explicit_bounds: pointField(
      "[]float64",
      ["HistogramDataPoint"],
      (dp: HistogramDataPoint) => [...dp.explicitBounds],
      (dp: HistogramDataPoint, v) => (dp.explicitBounds = floatList(v)),
    ),
    scale: pointField(
      "int64",
      ["ExponentialHistogramDataPoint"],
      (dp: ExponentialHistogramDataPoint) => BigInt(dp.scale),
      (dp: ExponentialHistogramDataPoint, v) => (dp.scale = Number(expect<bigint>("bigint", v))),
    ),
    zero_count: pointField(
      "int64",
      ["ExponentialHistogramDataPoint"],
      (dp: ExponentialHistogramDataPoint) => BigInt.asIntN(64, dp.zeroCount),
      (
        dp: ExponentialHistogramDataPoint,
        v,
      ) => (dp.zeroCount = BigInt.asUintN(64, expect<bigint>("bigint", v))),
    ),
    positive: buckets("positive"),
    negative: buckets("negative"),
    quantile_values: pointField(
      "pmetric.SummaryDataPointValueAtQuantileSlice",
      ["SummaryDataPoint"],
      (dp: SummaryDataPoint) => [...dp.quantileValues],
    ),
  },
};

/** The `metric` context. */
export const metricContext: OttlContext<MetricTransformContext> = {
  levels: [resourceLevel, scopeLevel, metricLevel],
};

/** The `datapoint` context. */
export const dataPointContext: OttlContext<MetricTransformContext> = {
  levels: [resourceLevel, scopeLevel, metricLevel, dataPointLevel],
};
