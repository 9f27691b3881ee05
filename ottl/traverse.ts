/**
 * Walking traces, metrics and logs at the level of an OTTL context: each item gets a
 * {@link TransformContext} pointing at it (one object reused for every item, its cache cleared
 * for each), and the filter walks remove the items a predicate selects, with the groups left
 * empty.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import {
  type InstrumentationScope,
  InstrumentationScopeSchema,
  type Logs,
  type Metrics,
  type Resource,
  ResourceSchema,
  type Traces,
} from "@denocol/pdata";
import type { TransformContext } from "./contexts.ts";
import { type DataPoint, dataPointsOf, type MetricTransformContext } from "./metric_contexts.ts";

/** A resource group of any signal (`ResourceSpans`, `ResourceLogs`…). */
export interface ResourceGroup {
  /** The resource, absent when the sender left it out. */
  resource?: Resource;
  /** The schema URL of the resource. */
  schemaUrl: string;
}

/** A scope group of any signal (`ScopeSpans`, `ScopeLogs`…). */
export interface ScopeGroup {
  /** The instrumentation scope, absent when the sender left it out. */
  scope?: InstrumentationScope;
  /** The schema URL of the scope's data. */
  schemaUrl: string;
}

/** A transform context for the first item of a walk. */
export function newTransformContext(): MetricTransformContext {
  return {
    resource: create(ResourceSchema),
    resourceGroup: { schemaUrl: "" },
    scope: create(InstrumentationScopeSchema),
    scopeGroup: { schemaUrl: "" },
  };
}

/** Points `t` at a resource group (creating its resource when absent, so it can be written). */
export function enterResource(t: TransformContext, group: ResourceGroup): void {
  t.resource = group.resource ??= create(ResourceSchema);
  t.resourceGroup = group;
  t.cache = undefined;
}

/** Points `t` at a scope group (creating its scope when absent). */
export function enterScope(t: TransformContext, group: ScopeGroup): void {
  t.scope = group.scope ??= create(InstrumentationScopeSchema);
  t.scopeGroup = group;
  t.cache = undefined;
}

/** Calls `visit` for each item of `data` at the level of `context`. */
export function walkTraces(
  data: Traces,
  context: string,
  t: TransformContext,
  visit: (t: TransformContext) => void,
): void {
  for (const rs of data.resourceSpans) {
    enterResource(t, rs);
    if (context === "resource") {
      visit(t);
      continue;
    }
    for (const ss of rs.scopeSpans) {
      enterScope(t, ss);
      if (context === "scope") {
        visit(t);
        continue;
      }
      for (const span of ss.spans) {
        t.span = span;
        t.cache = undefined;
        if (context === "span") {
          visit(t);
          continue;
        }
        span.events.forEach((event, index) => {
          t.spanEvent = event;
          t.eventIndex = index;
          t.cache = undefined;
          visit(t);
        });
      }
    }
  }
}

/**
 * Removes the spans (`span`) or span events (`spanevent`) for which `drop` is true, and the
 * scope and resource groups left without spans. Returns the number of spans removed.
 */
export function filterTraces(
  data: Traces,
  context: "span" | "spanevent",
  t: TransformContext,
  drop: (t: TransformContext) => boolean,
): number {
  let removed = 0;
  data.resourceSpans = data.resourceSpans.filter((rs) => {
    enterResource(t, rs);
    rs.scopeSpans = rs.scopeSpans.filter((ss) => {
      enterScope(t, ss);
      if (context === "spanevent") {
        for (const span of ss.spans) {
          t.span = span;
          span.events = span.events.filter((event, index) => {
            t.spanEvent = event;
            t.eventIndex = index;
            t.cache = undefined;
            return !drop(t);
          });
        }
        return true;
      }
      const before = ss.spans.length;
      ss.spans = ss.spans.filter((span) => {
        t.span = span;
        t.cache = undefined;
        return !drop(t);
      });
      removed += before - ss.spans.length;
      return ss.spans.length > 0;
    });
    return rs.scopeSpans.length > 0;
  });
  return removed;
}

/** Calls `visit` for each item of `data` at the level of `context`. */
export function walkMetrics(
  data: Metrics,
  context: string,
  t: MetricTransformContext,
  visit: (t: MetricTransformContext) => void,
): void {
  for (const rm of data.resourceMetrics) {
    enterResource(t, rm);
    if (context === "resource") {
      visit(t);
      continue;
    }
    for (const sm of rm.scopeMetrics) {
      enterScope(t, sm);
      if (context === "scope") {
        visit(t);
        continue;
      }
      for (const metric of sm.metrics) {
        t.metric = metric;
        t.cache = undefined;
        if (context === "metric") {
          visit(t);
          continue;
        }
        for (const point of dataPointsOf(metric) ?? []) {
          t.dataPoint = point;
          t.cache = undefined;
          visit(t);
        }
      }
    }
  }
}

/**
 * Removes the metrics (`metric`) or data points (`datapoint`) for which `drop` is true, metrics
 * whose data points were all removed, and the groups left without metrics. Returns the number
 * of data points removed.
 */
export function filterMetrics(
  data: Metrics,
  context: "metric" | "datapoint",
  t: MetricTransformContext,
  drop: (t: MetricTransformContext) => boolean,
): number {
  let removed = 0;
  data.resourceMetrics = data.resourceMetrics.filter((rm) => {
    enterResource(t, rm);
    rm.scopeMetrics = rm.scopeMetrics.filter((sm) => {
      enterScope(t, sm);
      sm.metrics = sm.metrics.filter((metric) => {
        t.metric = metric;
        t.cache = undefined;
        const points = dataPointsOf(metric);
        if (context === "metric") {
          if (!drop(t)) return true;
          removed += points?.length ?? 0;
          return false;
        }
        if (points === undefined || points.length === 0) return true;
        const kept = points.filter((point) => {
          t.dataPoint = point;
          t.cache = undefined;
          return !drop(t);
        });
        removed += points.length - kept.length;
        (metric.data.value as { dataPoints: DataPoint[] }).dataPoints = kept;
        return kept.length > 0;
      });
      return sm.metrics.length > 0;
    });
    return rm.scopeMetrics.length > 0;
  });
  return removed;
}

/** Calls `visit` for each item of `data` at the level of `context`. */
export function walkLogs(
  data: Logs,
  context: string,
  t: TransformContext,
  visit: (t: TransformContext) => void,
): void {
  for (const rl of data.resourceLogs) {
    enterResource(t, rl);
    if (context === "resource") {
      visit(t);
      continue;
    }
    for (const sl of rl.scopeLogs) {
      enterScope(t, sl);
      if (context === "scope") {
        visit(t);
        continue;
      }
      for (const log of sl.logRecords) {
        t.log = log;
        t.cache = undefined;
        visit(t);
      }
    }
  }
}

/**
 * Removes the log records for which `drop` is true and the groups left without any. Returns
 * the number of log records removed.
 */
export function filterLogs(
  data: Logs,
  t: TransformContext,
  drop: (t: TransformContext) => boolean,
): number {
  let removed = 0;
  data.resourceLogs = data.resourceLogs.filter((rl) => {
    enterResource(t, rl);
    rl.scopeLogs = rl.scopeLogs.filter((sl) => {
      enterScope(t, sl);
      const before = sl.logRecords.length;
      sl.logRecords = sl.logRecords.filter((log) => {
        t.log = log;
        t.cache = undefined;
        return !drop(t);
      });
      removed += before - sl.logRecords.length;
      return sl.logRecords.length > 0;
    });
    return rl.scopeLogs.length > 0;
  });
  return removed;
}
