import { create } from "@bufbuild/protobuf";
import { newComponent, type Settings } from "@denocol/component";
import type { Connector } from "@denocol/connector";
import type { ConsumeContext, Consumer } from "@denocol/consumer";
import {
  AggregationTemporality,
  InstrumentationScopeSchema,
  type KeyValue,
  KeyValueSchema,
  type Metric,
  type Metrics,
  MetricSchema,
  MetricsDataSchema,
  NumberDataPointSchema,
  type Resource,
  ResourceMetricsSchema,
  ResourceSchema,
  ScopeMetricsSchema,
  SumSchema,
} from "@denocol/pdata";
import {
  type Profiles,
  type ProfilesDictionary,
  resolveAnyValue,
  resolveValueType,
} from "@denocol/pdata-experimental";
import { profileTop } from "@denocol/pdata-experimental/pprof";
import { type MetricConfig, metricDefaults, type ProfilesToMetricsConfig } from "./config.ts";

/** UCUM units for pprof's unit names. */
const UNITS: Readonly<Record<string, string>> = {
  nanoseconds: "ns",
  microseconds: "us",
  milliseconds: "ms",
  seconds: "s",
  bytes: "By",
  kilobytes: "kBy",
  megabytes: "MBy",
};

/** The metric of one sample type: configured, or `profile.<type>` (`profile.cpu.time` for cpu). */
export function metricFor(
  type: string,
  unit: string,
  configured: readonly MetricConfig[],
): { name: string; unit: string; description: string } {
  const entry = configured.find((m) => m.sample_type === type && m.sample_unit === unit) ??
    configured.find((m) => m.sample_type === type && m.sample_unit === null);
  const name = entry?.name ?? (type === "cpu" ? "profile.cpu.time" : `profile.${type || "value"}`);
  return {
    name,
    unit: entry?.unit ?? UNITS[unit] ?? (unit === "count" || unit === "" ? `{${type}}` : unit),
    description: entry?.description ??
      `Sum of the ${type}${
        unit ? ` (${unit})` : ""
      } profile samples per function, taken where each sample was (flat).`,
  };
}

function keyValues(dictionary: ProfilesDictionary | undefined, attributes: readonly KeyValue[]) {
  // Profiles may keep strings in the dictionary; metrics have none, so values are resolved.
  return attributes.map((kv) =>
    create(KeyValueSchema, {
      key: kv.key,
      value: kv.value === undefined ? undefined : resolveAnyValue(dictionary, kv.value),
    })
  );
}

function stringAttribute(key: string, value: string): KeyValue {
  return create(KeyValueSchema, { key, value: { value: { case: "stringValue", value } } });
}

/**
 * Turns profiles into metrics: for each resource and each profile, one delta sum per sample type
 * with a data point per function (the `top_functions` largest flat values, and the rest summed
 * under `other_function_name`), over the profile's time window. The data points of a profile
 * add up to its total.
 */
export function profilesToMetrics(data: Profiles, config: ProfilesToMetricsConfig): Metrics {
  const dictionary = data.dictionary;
  const configured = config.metrics.map(metricDefaults);
  const include = config.include_resource_attributes;
  const result = create(MetricsDataSchema);
  for (const rp of data.resourceProfiles) {
    const attributes = keyValues(dictionary, rp.resource?.attributes ?? []).filter((kv) =>
      include === null || include.includes(kv.key)
    );
    const resource: Resource = create(ResourceSchema, { attributes });
    const metrics = new Map<string, Metric>();
    for (const sp of rp.scopeProfiles) {
      for (const profile of sp.profiles) {
        const type = resolveValueType(dictionary, profile.sampleType);
        const described = metricFor(type.type, type.unit, configured);
        const key = `${described.name}|${described.unit}`;
        let metric = metrics.get(key);
        if (metric === undefined) {
          metric = create(MetricSchema, {
            name: described.name,
            unit: described.unit,
            description: described.description,
            data: {
              case: "sum",
              // In-use amounts are snapshots, not increments; the other types only grow.
              value: create(SumSchema, {
                aggregationTemporality: AggregationTemporality.DELTA,
                isMonotonic: !type.type.startsWith("inuse"),
              }),
            },
          });
          metrics.set(key, metric);
        }
        const sum = metric.data.value as { dataPoints: unknown[] };
        const top = profileTop(dictionary, profile);
        const limit = config.top_functions === 0 ? Infinity : config.top_functions;
        const named = top.functions.filter((f) => f.flat !== 0n).slice(0, limit);
        let rest = top.total;
        const points = named.map((f) => {
          rest -= f.flat;
          return [f.name, f.flat] as const;
        });
        if (rest !== 0n) points.push([config.other_function_name, rest]);
        const start = profile.timeUnixNano;
        const end = start + profile.durationNano;
        if (points.some(([, value]) => value < 0n) && metric.data.case === "sum") {
          metric.data.value.isMonotonic = false;
        }
        for (const [name, value] of points) {
          sum.dataPoints.push(create(NumberDataPointSchema, {
            attributes: [
              stringAttribute("function.name", name),
              stringAttribute("profile.sample_type", `${type.type}/${type.unit}`),
            ],
            startTimeUnixNano: start,
            timeUnixNano: end,
            value: { case: "asInt", value },
          }));
        }
      }
    }
    if (metrics.size === 0) continue;
    result.resourceMetrics.push(create(ResourceMetricsSchema, {
      resource,
      schemaUrl: rp.schemaUrl,
      scopeMetrics: [create(ScopeMetricsSchema, {
        scope: create(InstrumentationScopeSchema, { name: "denocol/profilestometrics" }),
        metrics: [...metrics.values()],
      })],
    }));
  }
  return result;
}

/** The connector: each profiles batch becomes one metrics batch for `next`. */
export function createProfilesToMetrics(
  _settings: Settings,
  config: ProfilesToMetricsConfig,
  next: Consumer<Metrics>,
): Connector<Profiles> {
  return {
    ...newComponent(),
    capabilities: () => ({ mutatesData: false }),
    consume: (data: Profiles, context?: ConsumeContext) => {
      const metrics = profilesToMetrics(data, config);
      return metrics.resourceMetrics.length === 0
        ? Promise.resolve()
        : next.consume(metrics, context);
    },
  };
}
