/**
 * The contexts each signal offers OTTL, with the function tables processors give them.
 *
 * @module
 */

import type { CacheHolder, OttlContext } from "./compile.ts";
import {
  logContext,
  resourceContext,
  scopeContext,
  spanContext,
  spanEventContext,
  type TransformContext,
} from "./contexts.ts";
import { standardConverters } from "./converters.ts";
import { standardEditors } from "./editors.ts";
import { type FunctionTable, functionTable } from "./functions.ts";
import type { SignalContexts } from "./groups.ts";
import { dataPointContext, metricContext, type MetricTransformContext } from "./metric_contexts.ts";

/** Every standard editor and converter (what `transform` offers). */
export function standardFunctions<T>(): FunctionTable<T> {
  return functionTable<T>(standardEditors<T>(), standardConverters<T>());
}

/** The standard converters only (what conditions of `filter` and `routing` may call). */
export function converterFunctions<T>(): FunctionTable<T> {
  return functionTable<T>(standardConverters<T>());
}

/** The contexts `contexts` (innermost first) with `functions` in each, or per context. */
export function signalContexts<T extends CacheHolder>(
  contexts: readonly (readonly [string, OttlContext<T>])[],
  functions: FunctionTable<T> | ((context: string) => FunctionTable<T>),
): SignalContexts<T> {
  return {
    contexts: new Map(contexts),
    priority: contexts.map(([name]) => name),
    functions: typeof functions === "function" ? functions : () => functions,
  };
}

/** The contexts of traces: `spanevent`, `span`, `scope`, `resource`. */
export function traceContexts(
  functions:
    | FunctionTable<TransformContext>
    | ((context: string) => FunctionTable<TransformContext>),
): SignalContexts<TransformContext> {
  return signalContexts<TransformContext>([
    ["spanevent", spanEventContext],
    ["span", spanContext],
    ["scope", scopeContext],
    ["resource", resourceContext],
  ], functions);
}

/** The contexts of metrics: `datapoint`, `metric`, `scope`, `resource`. */
export function metricContexts(
  functions:
    | FunctionTable<MetricTransformContext>
    | ((context: string) => FunctionTable<MetricTransformContext>),
): SignalContexts<MetricTransformContext> {
  return signalContexts<MetricTransformContext>([
    ["datapoint", dataPointContext],
    ["metric", metricContext],
    ["scope", scopeContext as OttlContext<MetricTransformContext>],
    ["resource", resourceContext as OttlContext<MetricTransformContext>],
  ], functions);
}

/** The contexts of logs: `log`, `scope`, `resource`. */
export function logContexts(
  functions:
    | FunctionTable<TransformContext>
    | ((context: string) => FunctionTable<TransformContext>),
): SignalContexts<TransformContext> {
  return signalContexts<TransformContext>([
    ["log", logContext],
    ["scope", scopeContext],
    ["resource", resourceContext],
  ], functions);
}
