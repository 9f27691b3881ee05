/**
 * OTTL, the OpenTelemetry Transformation Language, as the Go collector's `pkg/ottl` defines it:
 * statements (`set(span.attributes["env"], "prod") where span.kind == SPAN_KIND_SERVER`) and
 * conditions (`IsMatch(log.body, "password")`), compiled once against a context into closures
 * that run on each item of `@denocol/pdata` data.
 *
 * - Grammar: paths with keys, string/int/float/bool/nil/bytes literals, lists and maps, enums,
 *   converter calls with keys (`Split(x, ",")[0]`), named arguments, math (`+ - * /`),
 *   comparisons, `and`/`or`/`not` and parentheses ({@link parseStatement},
 *   {@link parseCondition}).
 * - Contexts `resource`, `scope`, `span`, `spanevent`, `metric`, `datapoint`, `log` (profiles
 *   are in `@denocol/ottl-experimental`), each reaching the levels above it, and the per-item
 *   `cache` map.
 * - Functions: the editors of {@link standardEditors} and the converters of
 *   {@link standardConverters}; a processor passes the table it offers.
 * - Groups ({@link compileGroup}): statements and conditions with a named or inferred context
 *   and an error mode, and walks over each signal ({@link walkTraces}, {@link filterLogs}…).
 *
 * Every unknown function, path or enum is an {@link OttlCompileError} naming what exists, with
 * the column of the problem.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { AttributeMap, traces } from "@denocol/pdata";
 * import {
 *   compileGroup,
 *   newTransformContext,
 *   standardFunctions,
 *   traceContexts,
 *   walkTraces,
 * } from "@denocol/ottl";
 *
 * const group = compileGroup(traceContexts(standardFunctions()), {
 *   statements: [
 *     'set(span.attributes["env"], "prod") where span.kind == SPAN_KIND_SERVER',
 *     'set(span.name, Concat([resource.attributes["service.name"], span.name], ": "))',
 *   ],
 * }, { errorMode: "propagate" });
 * assert.equal(group.context, "span");
 *
 * const data = traces.decodeJson(JSON.stringify({ resourceSpans: [{
 *   resource: { attributes: [{ key: "service.name", value: { stringValue: "cart" } }] },
 *   scopeSpans: [{ spans: [{ name: "GET /", kind: 2 }] }],
 * }] }));
 * walkTraces(data, group.context, newTransformContext(), (t) => group.execute(t));
 * const span = data.resourceSpans[0].scopeSpans[0].spans[0];
 * assert.equal(span.name, "cart: GET /");
 * assert.equal(new AttributeMap(span.attributes).get("env"), "prod");
 * ```
 *
 * @module
 */

export {
  type CacheHolder,
  compileCondition,
  type CompileOptions,
  compileStatement,
  type Condition,
  contextEnums,
  type ContextLevel,
  contextName,
  describePaths,
  type OttlContext,
  type Statement,
} from "./compile.ts";
export {
  context,
  logContext,
  logLevel,
  resourceContext,
  resourceLevel,
  scopeContext,
  scopeLevel,
  spanContext,
  spanEventContext,
  spanEventLevel,
  spanLevel,
  type TransformContext,
} from "./contexts.ts";
export { standardConverters } from "./converters.ts";
export { standardEditors } from "./editors.ts";
export { OttlCompileError, OttlRuntimeError, OttlSyntaxError } from "./errors.ts";
export {
  type Argument,
  type FunctionArgument,
  type FunctionDefinition,
  type FunctionEnv,
  type FunctionTable,
  functionTable,
  optional,
  type Param,
  param,
  type ParamKind,
} from "./functions.ts";
export {
  type ArgNode,
  type BoolNode,
  type CompareOp,
  type FieldNode,
  type KeyNode,
  parseCondition,
  parseStatement,
  parseValueExpression,
  type StatementNode,
  type ValueNode,
} from "./grammar.ts";
export {
  CompiledGroup,
  compileGroup,
  type CompileGroupOptions,
  ERROR_MODES,
  type ErrorMode,
  type GroupConfig,
  inferContext,
  OttlGroupError,
  type OttlLogger,
  type SignalContexts,
} from "./groups.ts";
export {
  type DataPoint,
  dataPointContext,
  dataPointLevel,
  dataPointsOf,
  metricContext,
  metricLevel,
  type MetricTransformContext,
} from "./metric_contexts.ts";
export {
  bigintField,
  doubleField,
  expect,
  field,
  getIndexed,
  type GetSetter,
  type Getter,
  idField,
  intField,
  type KeyGetter,
  mapPath,
  messagesField,
  type PathEnv,
  type PathSpec,
  setIndexed,
  stringField,
  timeField,
  valuePath,
  withSubfields,
} from "./paths.ts";
export {
  converterFunctions,
  logContexts,
  metricContexts,
  signalContexts,
  standardFunctions,
  traceContexts,
} from "./signals.ts";
export {
  enterResource,
  enterScope,
  filterLogs,
  filterMetrics,
  filterTraces,
  newTransformContext,
  type ResourceGroup,
  type ScopeGroup,
  walkLogs,
  walkMetrics,
  walkTraces,
} from "./traverse.ts";
export { compileRegex } from "./patterns.ts";
export {
  applyMath,
  compareValues,
  expected,
  floatLike,
  formatFloat,
  goJson,
  intLike,
  OttlDuration,
  OttlTime,
  parseGoFloat,
  parseGoInt,
  stringLike,
  typeName,
} from "./values.ts";
