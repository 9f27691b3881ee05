// The configuration of the `routing` connector, as Go contrib's (v0.120 and later): a table of
// routes, each a context and an OTTL condition or statement with the pipelines it feeds, the
// default pipelines and the error mode; and the compiled route of one signal.

import {
  type CacheHolder,
  type CompiledGroup,
  compileGroup,
  ERROR_MODES,
  type ErrorMode,
  type FunctionDefinition,
  type FunctionTable,
  functionTable,
  logContexts,
  metricContexts,
  OttlGroupError,
  type OttlLogger,
  type SignalContexts,
  standardConverters,
  standardEditors,
  traceContexts,
} from "@denocol/ottl";
import { profileContexts } from "@denocol/ottl-experimental";

/** One route of the table; keys as in the Go collector. */
export interface RouteConfig {
  /** `resource` (default), `span`, `metric`, `datapoint`, `log`, `profile` or `request`. */
  context?: string | null;
  /** An OTTL condition; a route has a condition or a statement. */
  condition?: string | null;
  /** An OTTL statement (`route() where …`, `delete_key(…) where …`). */
  statement?: string | null;
  /** The pipelines that get what matches (required). */
  pipelines?: string[] | null;
}

/** Configuration of the `routing` connector. */
export interface Config {
  /** Where what matches no route goes; dropped when empty. */
  default_pipelines: string[] | null;
  /** A failing condition: `propagate` (default) fails the request; `ignore`, `silent` skip it. */
  error_mode: ErrorMode;
  /** The routes, tried in order; each item goes to the first that matches (required). */
  table: RouteConfig[] | null;
  /** Removed from Go in v0.120.0, where every route matches once: only `true` is accepted. */
  match_once?: boolean | null;
}

/** A fresh default configuration (an empty table: not valid by itself, as in Go). */
export function createDefaultConfig(): Config {
  return { default_pipelines: null, error_mode: "propagate", table: null };
}

/** A configuration error, with the path below the connector's configuration it concerns. */
export class RoutingConfigError extends Error {
  /** Path below the connector's configuration. */
  readonly configPath: (string | number)[];

  /** Creates the error. */
  constructor(configPath: (string | number)[], detail: string, options?: ErrorOptions) {
    super(`routing connector: ${detail}`, options);
    this.name = "RoutingConfigError";
    this.configPath = configPath;
  }
}

/** The signals and the contexts each offers routes (`request` is every signal's). */
export const ROUTE_CONTEXTS: Readonly<Record<string, readonly string[]>> = {
  traces: ["resource", "span", "request"],
  metrics: ["resource", "metric", "datapoint", "request"],
  logs: ["resource", "log", "request"],
  profiles: ["resource", "profile", "request"],
};

const ALL_CONTEXTS = [...new Set(Object.values(ROUTE_CONTEXTS).flat())];

/** The functions routes may call: the converters, `route`, `delete_key`, `delete_matching_keys`. */
export function routingFunctions<T>(): FunctionTable<T> {
  const route: FunctionDefinition<T> = { name: "route", params: [], create: () => () => undefined };
  const editors = standardEditors<T>().filter((f) =>
    f.name === "delete_key" || f.name === "delete_matching_keys"
  );
  return functionTable<T>(standardConverters<T>(), editors, [route]);
}

/** The OTTL contexts of `signal`, with the routing functions. */
export function contextsOf(signal: string): SignalContexts<CacheHolder> {
  const functions = routingFunctions();
  const contexts = signal === "traces"
    ? traceContexts(functions as never)
    : signal === "metrics"
    ? metricContexts(functions as never)
    : signal === "logs"
    ? logContexts(functions as never)
    : profileContexts(functions as never);
  return contexts as unknown as SignalContexts<CacheHolder>;
}

/** A route compiled for one signal. */
export interface CompiledRoute {
  /** Its context. */
  readonly context: string;
  /** The pipelines it feeds. */
  readonly pipelines: readonly string[];
  /** `request["name"] == "value"` (or `!=`), for the `request` context. */
  readonly request?: { readonly name: string; readonly equal: boolean; readonly value: string };
  /** The condition or statement, for the other contexts. */
  readonly group?: CompiledGroup<CacheHolder>;
  /** Whether `group` holds a statement (run, and matched when its `where` held). */
  readonly statement: boolean;
}

const REQUEST = /^request\["(.*)"\]$/;

/** Go's small grammar of request conditions: `request["name"] == "value"` or `!=`. */
function parseRequest(path: (string | number)[], condition: string): CompiledRoute["request"] {
  const operators = condition.match(/==|!=/g) ?? [];
  const shape = `expected the form request["<name>"] == "<value>" (or !=)`;
  if (operators.length !== 1) {
    throw new RoutingConfigError(path, `request condition ${JSON.stringify(condition)}: ${shape}`);
  }
  const [left, right] = condition.split(operators[0]).map((part) => part.trim());
  const name = REQUEST.exec(left)?.[1];
  if (name === undefined || !/^".*"$/.test(right)) {
    throw new RoutingConfigError(path, `request condition ${JSON.stringify(condition)}: ${shape}`);
  }
  return { name: name.toLowerCase(), equal: operators[0] === "==", value: right.slice(1, -1) };
}

function stringList(value: unknown, path: (string | number)[], what: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new RoutingConfigError(path, `expected a list of ${what}`);
  }
  return value;
}

/**
 * The routes of `config` compiled for `signal` (or, without one, each for a signal that has its
 * context, which is what validation checks).
 *
 * @throws {RoutingConfigError} naming the route (its config path) and what was expected.
 */
export function compileRoutes(
  config: Config,
  signal?: string,
  logger?: OttlLogger,
): CompiledRoute[] {
  if (!ERROR_MODES.includes(config.error_mode)) {
    throw new RoutingConfigError(
      ["error_mode"],
      `unknown error mode ${JSON.stringify(config.error_mode)}; expected one of ${
        ERROR_MODES.join(", ")
      }`,
    );
  }
  if (config.match_once === false) {
    throw new RoutingConfigError(
      ["match_once"],
      "match_once: false was removed from the Go collector in v0.120.0 (every item goes to the " +
        "first route it matches); split the table into several routing connectors instead",
    );
  }
  stringList(config.default_pipelines, ["default_pipelines"], "pipeline IDs");
  const table = config.table;
  if (!Array.isArray(table) || table.length === 0) {
    throw new RoutingConfigError(["table"], "invalid routing table: the routing table is empty");
  }
  return table.map((route, i) => {
    const path = ["table", i];
    if (route === null || typeof route !== "object") {
      throw new RoutingConfigError(
        path,
        "expected a route: context, condition or statement, pipelines",
      );
    }
    const context = (route.context ?? "resource").toLowerCase();
    if (!ALL_CONTEXTS.includes(context)) {
      throw new RoutingConfigError(
        [...path, "context"],
        `unsupported context ${JSON.stringify(route.context)}; expected one of ${
          ALL_CONTEXTS.join(", ")
        }`,
      );
    }
    const hasCondition = typeof route.condition === "string" && route.condition !== "";
    const hasStatement = typeof route.statement === "string" && route.statement !== "";
    if (hasCondition && hasStatement) {
      throw new RoutingConfigError(path, "invalid route: both condition and statement provided");
    }
    if (!hasCondition && !hasStatement) {
      throw new RoutingConfigError(path, "invalid route: no condition or statement provided");
    }
    const pipelines = stringList(route.pipelines, [...path, "pipelines"], "pipeline IDs");
    if (pipelines.length === 0) {
      throw new RoutingConfigError([...path, "pipelines"], "invalid route: no pipelines defined");
    }
    if (context === "request") {
      if (hasStatement) {
        throw new RoutingConfigError(
          [...path, "statement"],
          "the request context takes a condition, not a statement",
        );
      }
      return {
        context,
        pipelines,
        statement: false,
        request: parseRequest([...path, "condition"], route.condition!),
      };
    }
    const forSignal = signal ??
      Object.keys(ROUTE_CONTEXTS).find((s) => ROUTE_CONTEXTS[s].includes(context))!;
    if (!ROUTE_CONTEXTS[forSignal].includes(context)) {
      throw new RoutingConfigError(
        [...path, "context"],
        `context ${
          JSON.stringify(context)
        } does not apply to ${forSignal}; ${forSignal} routes by ${
          ROUTE_CONTEXTS[forSignal].join(", ")
        }`,
      );
    }
    const key = hasStatement ? "statement" : "condition";
    try {
      const group = compileGroup(
        contextsOf(forSignal),
        { context, [hasStatement ? "statements" : "conditions"]: [route[key]!] },
        { errorMode: config.error_mode, logger },
      );
      return { context, pipelines, statement: hasStatement, group };
    } catch (error) {
      if (!(error instanceof OttlGroupError)) throw error;
      throw new RoutingConfigError([...path, key], error.message, { cause: error });
    }
  });
}
