// Splitting a request into one request per backend. The data is read (which decodes a request
// still in its encoded form) and regrouped: resource and scope groups are shallow copies holding
// only the items of one backend, and items are shared, not copied, since nothing downstream
// changes them.

import { create } from "@bufbuild/protobuf";
import {
  type AnyValue,
  type KeyValue,
  type LogRecord,
  type Logs,
  LogsDataSchema,
  type Metric,
  type Metrics,
  MetricsDataSchema,
  type NestedLayout,
  type Resource,
  type ResourceLogs,
  type ResourceMetrics,
  type ResourceSpans,
  type ScopeLogs,
  type ScopeMetrics,
  type ScopeSpans,
  type Span,
  type Traces,
  TracesDataSchema,
} from "@denocol/pdata";
import {
  type Profiles,
  profiles,
  ProfilesDataSchema,
  resolveKeyValues,
  type ResourceProfiles,
} from "@denocol/pdata-experimental";
import type { RoutingKey } from "./config.ts";

/** The backend endpoint owning a routing key (raw bytes such as a trace ID, or text). */
export type EndpointOf = (key: Uint8Array | string) => string;

/** Splits `data` into the part of each backend, by endpoint. */
export type Split<T> = (data: T, endpointOf: EndpointOf) => Map<string, T>;

/** Where items go: `emit` the item (or a part of it) for the backend `endpoint`. */
type Place<R, S, I> = (
  resource: R,
  scope: S,
  item: I,
  emit: (endpoint: string, item: I) => void,
) => void;

interface Output<R, S> {
  resources: R[];
  source?: R;
  resource?: R;
  sourceScope?: S;
  scope?: S;
}

/** Regroups the items of `data` by the backend `place` gives each. */
function splitItems<T, R, S, I>(
  levels: NestedLayout<T, R, S, I>,
  data: T,
  place: Place<R, S, I>,
): Map<string, T> {
  const outputs = new Map<string, Output<R, S>>();
  for (const resource of levels.resources(data)) {
    for (const scope of levels.scopes(resource)) {
      for (const item of levels.items(scope)) {
        place(resource, scope, item, (endpoint, piece) => {
          let out = outputs.get(endpoint);
          if (out === undefined) outputs.set(endpoint, out = { resources: [] });
          if (out.source !== resource) {
            out.source = resource;
            out.resource = levels.copyResource(resource);
            out.resources.push(out.resource);
            out.sourceScope = undefined;
          }
          if (out.sourceScope !== scope) {
            out.sourceScope = scope;
            out.scope = levels.copyScope(scope);
            levels.scopes(out.resource!).push(out.scope);
          }
          levels.items(out.scope!).push(piece);
        });
      }
    }
  }
  const parts = new Map<string, T>();
  for (const [endpoint, out] of outputs) {
    parts.set(endpoint, levels.newData(out.resources));
  }
  return parts;
}

/**
 * Regroups whole resource groups of `data` by the backend of each group's key; `newData` makes
 * a part of some groups and what else `data` carries at the top (a dictionary).
 */
function splitResources<T, R>(
  levels: { resources(data: T): R[]; newData(resources: R[], from: T): T },
  data: T,
  endpointOf: EndpointOf,
  keyOf: (resource: R) => Uint8Array | string,
): Map<string, T> {
  const groups = new Map<string, R[]>();
  for (const resource of levels.resources(data)) {
    const endpoint = endpointOf(keyOf(resource));
    const group = groups.get(endpoint);
    if (group === undefined) groups.set(endpoint, [resource]);
    else group.push(resource);
  }
  const parts = new Map<string, T>();
  for (const [endpoint, group] of groups) {
    parts.set(endpoint, levels.newData(group, data));
  }
  return parts;
}

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** A text that equal values, and only they, share. */
function valueKey(value: AnyValue | undefined): string {
  const v = value?.value;
  if (v === undefined || v.case === undefined) return "null";
  switch (v.case) {
    case "stringValue":
      return JSON.stringify(v.value);
    case "intValue":
      return `${v.value}i`;
    case "bytesValue":
      return `0x${hex(v.value)}`;
    case "arrayValue":
      return `[${v.value.values.map(valueKey).join(",")}]`;
    case "kvlistValue":
      return `{${attributesKey(v.value.values)}}`;
    default:
      return `${v.case}:${String(v.value)}`;
  }
}

/** A text that equal attribute sets share, whatever the order of their keys. */
function attributesKey(attributes: readonly KeyValue[]): string {
  return attributes.map((kv) => `${JSON.stringify(kv.key)}=${valueKey(kv.value)}`).sort().join(
    ",",
  );
}

/** The `service.name` of a resource, `""` without one (such resources share one backend). */
function serviceKey(attributes: readonly KeyValue[] | undefined): string {
  const service = attributes?.find((kv) => kv.key === "service.name")?.value
    ?.value;
  if (service === undefined) return "";
  return service.case === "stringValue" ? service.value : valueKey({ value: service } as AnyValue);
}

/** The identity of a resource: its attributes. */
const resourceKey = (resource: Resource | undefined) => attributesKey(resource?.attributes ?? []);

const isEmptyId = (id: Uint8Array) => id.every((byte) => byte === 0);

const traceLevels: NestedLayout<Traces, ResourceSpans, ScopeSpans, Span> = {
  resources: (data) => data.resourceSpans,
  scopes: (resource) => resource.scopeSpans,
  items: (scope) => scope.spans,
  newData: (resourceSpans) => create(TracesDataSchema, { resourceSpans }),
  copyResource: (resource) => ({ ...resource, scopeSpans: [] }),
  copyScope: (scope) => ({ ...scope, spans: [] }),
};

const logLevels: NestedLayout<Logs, ResourceLogs, ScopeLogs, LogRecord> = {
  resources: (data) => data.resourceLogs,
  scopes: (resource) => resource.scopeLogs,
  items: (scope) => scope.logRecords,
  newData: (resourceLogs) => create(LogsDataSchema, { resourceLogs }),
  copyResource: (resource) => ({ ...resource, scopeLogs: [] }),
  copyScope: (scope) => ({ ...scope, logRecords: [] }),
};

const metricLevels: NestedLayout<Metrics, ResourceMetrics, ScopeMetrics, Metric> = {
  resources: (data) => data.resourceMetrics,
  scopes: (resource) => resource.scopeMetrics,
  items: (scope) => scope.metrics,
  newData: (resourceMetrics) => create(MetricsDataSchema, { resourceMetrics }),
  copyResource: (resource) => ({ ...resource, scopeMetrics: [] }),
  copyScope: (scope) => ({ ...scope, metrics: [] }),
};

const profileLevels: {
  resources(data: Profiles): ResourceProfiles[];
  newData(resources: ResourceProfiles[], from: Profiles): Profiles;
} = {
  resources: (data) => data.resourceProfiles,
  // Every part gets a dictionary of its own, rebuilt from what it references: a backend sees no
  // other service's entries, and no two parts share tables that a consumer could change. (Merge
  // with an empty request rebuilds; merge of one part alone would return that part as it is.)
  newData: (resourceProfiles, from) =>
    profiles.merge([
      create(ProfilesDataSchema, { resourceProfiles, dictionary: from.dictionary }),
      profiles.empty(),
    ]),
};

/** Traces by trace ID: every span of a trace goes to the same backend. */
const tracesByTraceId: Split<Traces> = (data, endpointOf) =>
  splitItems(
    traceLevels,
    data,
    (_r, _s, span, emit) => emit(endpointOf(span.traceId), span),
  );

/** Traces by the `service.name` of their resource. */
const tracesByService: Split<Traces> = (data, endpointOf) =>
  splitResources(
    traceLevels,
    data,
    endpointOf,
    (r) => serviceKey(r.resource?.attributes),
  );

/**
 * Logs by trace ID. Records without one are kept together with one key drawn per request, so
 * that they spread over the backends, as in the Go exporter.
 */
const logsByTraceId: Split<Logs> = (data, endpointOf) => {
  let untraced: string | undefined;
  return splitItems(logLevels, data, (_r, _s, record, emit) => {
    if (record.traceId.length === 0 || isEmptyId(record.traceId)) {
      untraced ??= endpointOf(crypto.getRandomValues(new Uint8Array(16)));
      emit(untraced, record);
    } else {
      emit(endpointOf(record.traceId), record);
    }
  });
};

/** Logs by the `service.name` of their resource. */
const logsByService: Split<Logs> = (data, endpointOf) =>
  splitResources(
    logLevels,
    data,
    endpointOf,
    (r) => serviceKey(r.resource?.attributes),
  );

/** Metrics by the `service.name` of their resource. */
const metricsByService: Split<Metrics> = (data, endpointOf) =>
  splitResources(
    metricLevels,
    data,
    endpointOf,
    (r) => serviceKey(r.resource?.attributes),
  );

/** Metrics by their resource (all its attributes). */
const metricsByResource: Split<Metrics> = (data, endpointOf) =>
  splitResources(
    metricLevels,
    data,
    endpointOf,
    (r) => resourceKey(r.resource),
  );

/** Metrics by metric name. */
const metricsByName: Split<Metrics> = (data, endpointOf) =>
  splitItems(
    metricLevels,
    data,
    (_r, _s, metric, emit) => emit(endpointOf(metric.name), metric),
  );

/** What tells a metric's streams apart besides their data point attributes. */
function metricIdentity(metric: Metric): string {
  const data = metric.data;
  const value = data.value as {
    aggregationTemporality?: number;
    isMonotonic?: boolean;
  } | undefined;
  return [
    JSON.stringify(metric.name),
    JSON.stringify(metric.unit),
    data.case ?? "none",
    value?.aggregationTemporality ?? "",
    value?.isMonotonic ?? "",
  ].join(";");
}

type DataPoint = { attributes: KeyValue[] };

/**
 * Metrics by stream: resource, scope, metric identity and the data point's attributes, so the
 * data points of one metric may go to several backends.
 */
const metricsByStream: Split<Metrics> = (data, endpointOf) => {
  // The resource and scope part of the keys, once per scope group.
  const scopeKeys = new Map<unknown, string>();
  return splitItems(metricLevels, data, (resource, scope, metric, emit) => {
    let scopeKey = scopeKeys.get(scope);
    if (scopeKey === undefined) {
      const s = scope.scope;
      scopeKey = `${resourceKey(resource.resource)}|${
        JSON.stringify([s?.name ?? "", s?.version ?? ""])
      }${attributesKey(s?.attributes ?? [])}`;
      scopeKeys.set(scope, scopeKey);
    }
    const metricPrefix = `${scopeKey}|${metricIdentity(metric)}|`;
    const value = metric.data.value as { dataPoints: DataPoint[] } | undefined;
    if (value === undefined) {
      emit(endpointOf(metricPrefix), metric);
      return;
    }
    const groups = new Map<string, DataPoint[]>();
    for (const point of value.dataPoints) {
      const endpoint = endpointOf(
        metricPrefix + attributesKey(point.attributes),
      );
      const group = groups.get(endpoint);
      if (group === undefined) groups.set(endpoint, [point]);
      else group.push(point);
    }
    if (groups.size <= 1) {
      emit(groups.keys().next().value ?? endpointOf(metricPrefix), metric);
      return;
    }
    for (const [endpoint, dataPoints] of groups) {
      emit(endpoint, {
        ...metric,
        data: { case: metric.data.case, value: { ...value, dataPoints } },
      } as Metric);
    }
  });
};

/** Profiles by the `service.name` of their resource (keys may be dictionary strings). */
const profilesByService: Split<Profiles> = (data, endpointOf) =>
  splitResources(
    profileLevels,
    data,
    endpointOf,
    (r) =>
      serviceKey(
        resolveKeyValues(data.dictionary, r.resource?.attributes ?? []),
      ),
  );

/** Profiles by their resource (all its attributes, dictionary strings resolved). */
const profilesByResource: Split<Profiles> = (data, endpointOf) =>
  splitResources(
    profileLevels,
    data,
    endpointOf,
    (r) =>
      attributesKey(
        resolveKeyValues(data.dictionary, r.resource?.attributes ?? []),
      ),
  );

const SPLITS: Readonly<Record<string, Partial<Record<RoutingKey, unknown>>>> = {
  traces: { traceID: tracesByTraceId, service: tracesByService },
  metrics: {
    service: metricsByService,
    resource: metricsByResource,
    metric: metricsByName,
    streamID: metricsByStream,
  },
  logs: { traceID: logsByTraceId, service: logsByService },
  profiles: { service: profilesByService, resource: profilesByResource },
};

/**
 * How data of the signal `signal` is split by `key` (one of the keys `ROUTING_KEYS` allows for
 * it).
 *
 * @throws {TypeError} when the signal cannot be routed by `key`.
 */
export function splitFor<T>(signal: string, key: RoutingKey): Split<T> {
  const split = SPLITS[signal]?.[key];
  if (split === undefined) {
    throw new TypeError(`${signal} cannot be routed by ${key}`);
  }
  return split as Split<T>;
}
