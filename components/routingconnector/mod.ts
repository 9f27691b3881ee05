/**
 * The `routing` connector: sends each part of a request to the pipelines of the first route it
 * matches, as the Go collector's contrib `routing` connector does (v0.120 and later), with the
 * same configuration:
 *
 * ```yaml
 * connectors:
 *   routing:
 *     default_pipelines: [logs/other]   # what matches no route; dropped when absent
 *     error_mode: propagate             # default; or ignore, silent
 *     table:
 *       - context: request             # request["<header>"] == "<value>" (or !=)
 *         condition: request["X-Tenant"] == "acme"
 *         pipelines: [logs/acme]
 *       - context: log                 # resource (default), span, metric, datapoint, log, profile
 *         condition: severity_number < SEVERITY_NUMBER_ERROR
 *         pipelines: [logs/cheap]
 *       - statement: route() where attributes["service.name"] == "cart"
 *         pipelines: [logs/cart]
 * service:
 *   pipelines:
 *     logs/in: { receivers: [otlp], exporters: [routing] }
 *     logs/acme: { receivers: [routing], exporters: [otlp/acme] }
 *     # …
 * ```
 *
 * Routes are tried in order, and each item (a resource group in the `resource` context, a span,
 * metric, data point, log record or profile in theirs, the whole request in `request`) goes to
 * the first route that matches; what is left goes to `default_pipelines`. Conditions are OTTL
 * (`@denocol/ottl`) with the standard converters; a `statement` may also call `route()`,
 * `delete_key` and `delete_matching_keys`, and matches when its `where` clause holds. Paths are
 * written without the context name (`attributes["env"]`), as in Go. A `request` condition reads
 * the request's metadata (HTTP headers or gRPC metadata; set `include_metadata` on the
 * receiver). A failing condition is a non-match with `ignore` (logged) or `silent`, and fails the
 * request with `propagate`.
 *
 * `match_once` was removed from the Go connector in v0.120.0; denocol follows that version:
 * `match_once: true` (what every route does now) is accepted for older configurations, and
 * `match_once: false` is refused with a note on how to migrate.
 *
 * Items moved out of a request travel with copies of their resource and scope, so that
 * pipelines never share what they may change; all parts for the same pipelines are merged into
 * one request. A request sent to one route as a whole is passed on as it is. A profiles request
 * that is split gets, for each part, a dictionary holding only what that part references.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { nopSettings } from "@denocol/component/componenttest";
 * import { newPipelineRouter } from "@denocol/connector";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 * import { type Logs, logs } from "@denocol/pdata";
 * import { factory } from "@denocol/routingconnector";
 *
 * const [east, other] = [new SinkConsumer<Logs>(), new SinkConsumer<Logs>()];
 * // The service gives a connector a router over the pipelines it feeds.
 * const next = newPipelineRouter(new Map([["logs/east", east], ["logs/other", other]]), logs.clone);
 * const config = {
 *   ...factory.createDefaultConfig(),
 *   default_pipelines: ["logs/other"],
 *   table: [{ context: "log", condition: 'attributes["region"] == "east"', pipelines: ["logs/east"] }],
 * };
 * factory.validateConfig?.(config);
 * const connector = factory.createLogsToLogs(nopSettings("connector", "routing"), config, next);
 * await connector.consume(logs.decodeJson(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [
 *   { attributes: [{ key: "region", value: { stringValue: "east" } }] }, { body: { stringValue: "x" } },
 * ] }] }] })));
 * assert.equal(logs.count(east.all[0]), 1);
 * assert.equal(logs.count(other.all[0]), 1);
 * ```
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { newComponent, type Settings, withValidateConfig } from "@denocol/component";
import {
  type Connector,
  isPipelineRouter,
  withLogsToLogs,
  withMetricsToMetrics,
  withTracesToTraces,
} from "@denocol/connector";
import {
  newFactory,
  type ProfilesFactory,
  withProfilesToProfiles,
} from "@denocol/connector-experimental";
import { type ConsumeContext, type Consumer, FanOutError, PermanentError } from "@denocol/consumer";
import { type MetricTransformContext, newTransformContext, OttlRuntimeError } from "@denocol/ottl";
import type { ProfileTransformContext } from "@denocol/ottl-experimental";
import {
  type Logs,
  type Metrics,
  type SignalDescriptor,
  SIGNALS,
  type Traces,
} from "@denocol/pdata";
import { type Profiles, profiles, ProfilesDictionarySchema } from "@denocol/pdata-experimental";
import {
  type CompiledRoute,
  compileRoutes,
  type Config,
  createDefaultConfig,
  RoutingConfigError,
} from "./config.ts";
import {
  type Levels,
  logLevels,
  metricLevels,
  moveDataPoints,
  moveItems,
  moveResources,
  profileLevels,
  traceLevels,
} from "./move.ts";

export {
  type CompiledRoute,
  compileRoutes,
  type Config,
  createDefaultConfig,
  ROUTE_CONTEXTS,
  type RouteConfig,
  RoutingConfigError,
  routingFunctions,
} from "./config.ts";

/** The component type. */
export const TYPE = "routing";

/** Checks `config`: the table, each route's form, and that every condition compiles. */
export function validateConfig(config: Config): void {
  compileRoutes(config);
}

/** What the connector of one signal needs to know about it. */
interface SignalRouting<T> {
  readonly descriptor: SignalDescriptor<T>;
  // deno-lint-ignore no-explicit-any
  readonly levels: Levels<T, any, any, any>;
  /** Moves what matches in `context` (other than resource and request), if the signal has it. */
  readonly moveItems: Readonly<
    Record<
      string,
      (
        data: T,
        t: MetricTransformContext,
        m: (t: MetricTransformContext) => boolean,
      ) => T | undefined
    >
  >;
  /** Prepares the transform context for `data` (the dictionary of profiles). */
  readonly start?: (data: T, t: MetricTransformContext) => void;
  /** Makes a part of `data` fit to send on its own (profiles prune their dictionary). */
  readonly finish?: (part: T) => T;
}

function routeMatches(route: CompiledRoute, t: MetricTransformContext): boolean {
  const group = route.group!;
  if (!route.statement) return group.matches(t);
  try {
    return group.statements[0].execute(t);
  } catch (error) {
    if (!(error instanceof OttlRuntimeError) && !(error instanceof RangeError)) throw error;
    // The group's error handling, for a statement: propagate throws, the others do not match.
    if (group.errorMode === "propagate") throw error;
    return false;
  }
}

function requestMatches(request: NonNullable<CompiledRoute["request"]>, context: ConsumeContext) {
  const values = context.client?.metadata.get(request.name) ?? [];
  return values.some((value) => (value === request.value) === request.equal);
}

function createRouter<T>(signal: string, routing: SignalRouting<T>) {
  return (settings: Settings, config: Config, next: Consumer<T>): Connector<T> => {
    if (!isPipelineRouter(next)) {
      throw new Error(
        "routing connector: its next consumer names no pipelines; it must be used as the " +
          "exporter of one pipeline and the receiver of the pipelines it routes to",
      );
    }
    const routes = compileRoutes(config, signal, settings.telemetry.logger);
    const consumerFor = (pipelines: readonly string[], path: (string | number)[]) => {
      try {
        return next.consumerFor(pipelines);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new RoutingConfigError(path, error.message, { cause: error });
      }
    };
    const targets = routes.map((route, i) => ({
      key: route.pipelines.join(","),
      consumer: consumerFor(route.pipelines, ["table", i, "pipelines"]),
    }));
    const defaults = config.default_pipelines ?? [];
    const fallback = defaults.length === 0 ? undefined : {
      key: defaults.join(","),
      consumer: consumerFor(defaults, ["default_pipelines"]),
    };
    const empty = (data: T) => routing.levels.resources(data).length === 0;

    return {
      ...newComponent(),
      // Items are moved out of the request given, so it is changed.
      capabilities: () => ({ mutatesData: true }),
      async consume(data: T, context: ConsumeContext = {}): Promise<void> {
        const parts = new Map<string, { consumer: Consumer<T>; items: T[] }>();
        const add = (target: { key: string; consumer: Consumer<T> }, part: T) => {
          const entry = parts.get(target.key) ?? { consumer: target.consumer, items: [] };
          entry.items.push(part);
          parts.set(target.key, entry);
        };
        const t = newTransformContext();
        routing.start?.(data, t);
        let rest: T | undefined = data;
        // Whether items were moved out of `data`, which then holds only what stayed.
        let split = false;
        try {
          for (const [i, route] of routes.entries()) {
            if (rest === undefined || empty(rest)) break;
            let moved: T | undefined;
            if (route.request !== undefined) {
              moved = requestMatches(route.request, context) ? rest : undefined;
            } else if (route.context === "resource") {
              moved = moveResources(routing.levels, rest, t, (c) => routeMatches(route, c));
            } else {
              moved = routing.moveItems[route.context](rest, t, (c) => routeMatches(route, c));
            }
            if (moved === undefined) continue;
            if (moved === rest) rest = undefined;
            else split = true;
            add(targets[i], moved);
          }
        } catch (error) {
          if (error instanceof OttlRuntimeError) {
            throw new PermanentError(`routing connector: ${error.message}`, { cause: error });
          }
          throw error;
        }
        if (rest !== undefined && !empty(rest) && fallback !== undefined) add(fallback, rest);
        const results = await Promise.allSettled(
          [...parts.values()].map(({ consumer, items }) => {
            let part = items.length === 1 ? items[0] : routing.descriptor.merge(items);
            if (routing.finish !== undefined && (split || part !== data)) {
              part = routing.finish(part);
            }
            return consumer.consume(part, context);
          }),
        );
        const errors = results.flatMap((r) => r.status === "rejected" ? [r.reason] : []);
        if (errors.length === 1) throw errors[0];
        if (errors.length > 1) throw new FanOutError(errors);
      },
    };
  };
}

const tracesRouting: SignalRouting<Traces> = {
  descriptor: SIGNALS.traces,
  levels: traceLevels,
  moveItems: { span: (d, t, m) => moveItems(traceLevels, d, t, m) },
};

const metricsRouting: SignalRouting<Metrics> = {
  descriptor: SIGNALS.metrics,
  levels: metricLevels,
  moveItems: {
    metric: (d, t, m) => moveItems(metricLevels, d, t, m),
    datapoint: moveDataPoints,
  },
};

const logsRouting: SignalRouting<Logs> = {
  descriptor: SIGNALS.logs,
  levels: logLevels,
  moveItems: { log: (d, t, m) => moveItems(logLevels, d, t, m) },
};

const profilesRouting: SignalRouting<Profiles> = {
  descriptor: profiles,
  levels: profileLevels,
  moveItems: { profile: (d, t, m) => moveItems(profileLevels, d, t, m) },
  start: (data, t) => {
    (t as ProfileTransformContext).dictionary = data.dictionary ??= create(
      ProfilesDictionarySchema,
    );
  },
  // A part shares the request's dictionary: merging it with nothing rebuilds a dictionary of
  // what the part references (merging one part alone would return it as it is).
  finish: (part) => profiles.merge([part, profiles.empty()]),
};

/**
 * The factory of the `routing` connector: traces, metrics and logs to the same signal alpha (as
 * in the Go collector), profiles to profiles development.
 *
 * # Experimental
 *
 * `createProfilesToProfiles` and its stability are EXPERIMENTAL and may be changed or removed in
 * a later release.
 */
export const factory: ProfilesFactory<Config> = newFactory<Config>(
  TYPE,
  createDefaultConfig,
  withTracesToTraces(createRouter("traces", tracesRouting), "alpha"),
  withMetricsToMetrics(createRouter("metrics", metricsRouting), "alpha"),
  withLogsToLogs(createRouter("logs", logsRouting), "alpha"),
  withProfilesToProfiles(createRouter("profiles", profilesRouting), "development"),
  withValidateConfig(validateConfig),
);
