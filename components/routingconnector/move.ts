// Moving what a route matches out of a request into a request of its own, at the level of the
// route's context: whole resource groups, or items (spans, metrics, data points, log records,
// profiles) with copies of their resource and scope. What stays is what later routes, and in the
// end the default pipelines, get.

import { clone, create } from "@bufbuild/protobuf";
import { enterResource, enterScope, type MetricTransformContext } from "@denocol/ottl";
import {
  type InstrumentationScope,
  InstrumentationScopeSchema,
  type Logs,
  LogsDataSchema,
  type Metric,
  type Metrics,
  MetricSchema,
  MetricsDataSchema,
  type Resource,
  ResourceSchema,
  type Traces,
  TracesDataSchema,
} from "@denocol/pdata";
import { type Profiles, ProfilesDataSchema } from "@denocol/pdata-experimental";
import type { ProfileTransformContext } from "@denocol/ottl-experimental";

/** A resource group of any signal. */
interface ResourceGroup {
  resource?: Resource;
  schemaUrl: string;
}

/** A scope group of any signal. */
interface ScopeGroup {
  scope?: InstrumentationScope;
  schemaUrl: string;
}

/** How to reach and rebuild the levels of one signal's data. */
export interface Levels<T, R extends ResourceGroup, S extends ScopeGroup, I> {
  /** The resource groups, read and replaced. */
  resources(data: T): R[];
  setResources(data: T, groups: R[]): void;
  /** The scope groups of a resource group, read and replaced. */
  scopes(group: R): S[];
  setScopes(group: R, scopes: S[]): void;
  /** The items of a scope group, read and replaced. */
  items(scope: S): I[];
  setItems(scope: S, items: I[]): void;
  /** New data holding `groups`, taking what it needs from `from` (the dictionary). */
  newData(groups: R[], from: T): T;
  /** A copy of a resource group's own fields with `scopes`. */
  copyResource(group: R, scopes: S[]): R;
  /** A copy of a scope group's own fields with `items`. */
  copyScope(scope: S, items: I[]): S;
  /** Points the transform context at an item. */
  enterItem(t: MetricTransformContext, item: I): void;
}

const copyOf = <G extends ResourceGroup>(group: G): G => ({
  ...group,
  resource: group.resource && clone(ResourceSchema, group.resource),
});
const copyScopeOf = <G extends ScopeGroup>(group: G): G => ({
  ...group,
  scope: group.scope && clone(InstrumentationScopeSchema, group.scope),
});

/**
 * Moves the resource groups for which `matches` holds out of `data`: `data` itself, unchanged,
 * when all match; a new request of them otherwise; `undefined` when none.
 */
export function moveResources<T, R extends ResourceGroup, S extends ScopeGroup, I>(
  levels: Levels<T, R, S, I>,
  data: T,
  t: MetricTransformContext,
  matches: (t: MetricTransformContext) => boolean,
): T | undefined {
  const moved: R[] = [];
  const kept: R[] = [];
  for (const group of levels.resources(data)) {
    enterResource(t, group);
    (matches(t) ? moved : kept).push(group);
  }
  if (moved.length === 0) return undefined;
  if (kept.length === 0) return data;
  levels.setResources(data, kept);
  return levels.newData(moved, data);
}

/**
 * Moves the items for which `matches` holds out of `data` into a new request, their resource
 * and scope copied; groups left without items are removed. `data` itself, unchanged, when every
 * item matches; `undefined` when none does.
 */
export function moveItems<T, R extends ResourceGroup, S extends ScopeGroup, I>(
  levels: Levels<T, R, S, I>,
  data: T,
  t: MetricTransformContext,
  matches: (t: MetricTransformContext) => boolean,
): T | undefined {
  const movedGroups: R[] = [];
  const keptGroups: R[] = [];
  for (const group of levels.resources(data)) {
    enterResource(t, group);
    const movedScopes: S[] = [];
    const keptScopes: S[] = [];
    for (const scope of levels.scopes(group)) {
      enterScope(t, scope);
      const moved: I[] = [];
      const kept: I[] = [];
      for (const item of levels.items(scope)) {
        levels.enterItem(t, item);
        t.cache = undefined;
        (matches(t) ? moved : kept).push(item);
      }
      if (moved.length > 0) movedScopes.push(levels.copyScope(scope, moved));
      if (kept.length > 0 || moved.length === 0) {
        levels.setItems(scope, kept);
        keptScopes.push(scope);
      }
    }
    if (movedScopes.length > 0) movedGroups.push(levels.copyResource(group, movedScopes));
    if (keptScopes.length > 0 || movedScopes.length === 0) {
      levels.setScopes(group, keptScopes);
      keptGroups.push(group);
    }
  }
  if (movedGroups.length === 0) return undefined;
  // Nothing was changed in `data` when nothing stays in it.
  if (keptGroups.length === 0) return data;
  levels.setResources(data, keptGroups);
  return levels.newData(movedGroups, data);
}

/** The levels of traces (items: spans). */
export const traceLevels: Levels<
  Traces,
  Traces["resourceSpans"][number],
  Traces["resourceSpans"][number]["scopeSpans"][number],
  Traces["resourceSpans"][number]["scopeSpans"][number]["spans"][number]
> = {
  resources: (d) => d.resourceSpans,
  setResources: (d, g) => (d.resourceSpans = g),
  scopes: (g) => g.scopeSpans,
  setScopes: (g, s) => (g.scopeSpans = s),
  items: (s) => s.spans,
  setItems: (s, i) => (s.spans = i),
  newData: (resourceSpans) => create(TracesDataSchema, { resourceSpans }),
  copyResource: (g, scopeSpans) => ({ ...copyOf(g), scopeSpans }),
  copyScope: (s, spans) => ({ ...copyScopeOf(s), spans }),
  enterItem: (t, span) => (t.span = span),
};

/** The levels of logs (items: log records). */
export const logLevels: Levels<
  Logs,
  Logs["resourceLogs"][number],
  Logs["resourceLogs"][number]["scopeLogs"][number],
  Logs["resourceLogs"][number]["scopeLogs"][number]["logRecords"][number]
> = {
  resources: (d) => d.resourceLogs,
  setResources: (d, g) => (d.resourceLogs = g),
  scopes: (g) => g.scopeLogs,
  setScopes: (g, s) => (g.scopeLogs = s),
  items: (s) => s.logRecords,
  setItems: (s, i) => (s.logRecords = i),
  newData: (resourceLogs) => create(LogsDataSchema, { resourceLogs }),
  copyResource: (g, scopeLogs) => ({ ...copyOf(g), scopeLogs }),
  copyScope: (s, logRecords) => ({ ...copyScopeOf(s), logRecords }),
  enterItem: (t, log) => (t.log = log),
};

/** The levels of metrics (items: metrics). */
export const metricLevels: Levels<
  Metrics,
  Metrics["resourceMetrics"][number],
  Metrics["resourceMetrics"][number]["scopeMetrics"][number],
  Metric
> = {
  resources: (d) => d.resourceMetrics,
  setResources: (d, g) => (d.resourceMetrics = g),
  scopes: (g) => g.scopeMetrics,
  setScopes: (g, s) => (g.scopeMetrics = s),
  items: (s) => s.metrics,
  setItems: (s, i) => (s.metrics = i),
  newData: (resourceMetrics) => create(MetricsDataSchema, { resourceMetrics }),
  copyResource: (g, scopeMetrics) => ({ ...copyOf(g), scopeMetrics }),
  copyScope: (s, metrics) => ({ ...copyScopeOf(s), metrics }),
  enterItem: (t, metric) => (t.metric = metric),
};

/**
 * Moves the data points for which `matches` holds out of `data` into a new request: each metric
 * with matching points is copied (without its points) to hold them, and keeps the others;
 * metrics, scopes and resources left empty by the move are removed. `undefined` when none match.
 */
export function moveDataPoints(
  data: Metrics,
  t: MetricTransformContext,
  matches: (t: MetricTransformContext) => boolean,
): Metrics | undefined {
  type Points = { dataPoints: unknown[] };
  const movedGroups: Metrics["resourceMetrics"] = [];
  const keptGroups: Metrics["resourceMetrics"] = [];
  for (const group of data.resourceMetrics) {
    enterResource(t, group);
    const movedScopes: Metrics["resourceMetrics"][number]["scopeMetrics"] = [];
    const keptScopes: typeof movedScopes = [];
    for (const scope of group.scopeMetrics) {
      enterScope(t, scope);
      const movedMetrics: Metric[] = [];
      const keptMetrics: Metric[] = [];
      for (const metric of scope.metrics) {
        if (metric.data.case === undefined) {
          keptMetrics.push(metric);
          continue;
        }
        t.metric = metric;
        const holder = metric.data.value as Points;
        const moved: unknown[] = [];
        const kept: unknown[] = [];
        for (const point of holder.dataPoints) {
          t.dataPoint = point as MetricTransformContext["dataPoint"];
          t.cache = undefined;
          (matches(t) ? moved : kept).push(point);
        }
        if (moved.length === 0) {
          keptMetrics.push(metric);
          continue;
        }
        // The copy is made without the points, which move rather than being copied.
        holder.dataPoints = [];
        const part = clone(MetricSchema, metric);
        (part.data.value as Points).dataPoints = moved;
        movedMetrics.push(part);
        holder.dataPoints = kept;
        if (kept.length > 0) keptMetrics.push(metric);
      }
      if (movedMetrics.length > 0) movedScopes.push(metricLevels.copyScope(scope, movedMetrics));
      if (keptMetrics.length > 0 || movedMetrics.length === 0) {
        scope.metrics = keptMetrics;
        keptScopes.push(scope);
      }
    }
    if (movedScopes.length > 0) movedGroups.push(metricLevels.copyResource(group, movedScopes));
    if (keptScopes.length > 0 || movedScopes.length === 0) {
      group.scopeMetrics = keptScopes;
      keptGroups.push(group);
    }
  }
  if (movedGroups.length === 0) return undefined;
  data.resourceMetrics = keptGroups;
  return create(MetricsDataSchema, { resourceMetrics: movedGroups });
}

/** The levels of profiles (items: profiles); every new request shares the dictionary until pruned. */
export const profileLevels: Levels<
  Profiles,
  Profiles["resourceProfiles"][number],
  Profiles["resourceProfiles"][number]["scopeProfiles"][number],
  Profiles["resourceProfiles"][number]["scopeProfiles"][number]["profiles"][number]
> = {
  resources: (d) => d.resourceProfiles,
  setResources: (d, g) => (d.resourceProfiles = g),
  scopes: (g) => g.scopeProfiles,
  setScopes: (g, s) => (g.scopeProfiles = s),
  items: (s) => s.profiles,
  setItems: (s, i) => (s.profiles = i),
  newData: (resourceProfiles, from) =>
    create(ProfilesDataSchema, { resourceProfiles, dictionary: from.dictionary }),
  copyResource: (g, scopeProfiles) => ({ ...copyOf(g), scopeProfiles }),
  copyScope: (s, profiles) => ({ ...copyScopeOf(s), profiles }),
  enterItem: (t, profile) => ((t as ProfileTransformContext).profile = profile),
};
