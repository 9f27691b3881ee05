/**
 * The `transform` processor: changes telemetry with OTTL statements (`@denocol/ottl`), as the
 * Go collector's contrib `transform` processor does, with the same configuration:
 *
 * ```yaml
 * processors:
 *   transform:
 *     error_mode: ignore            # or silent, propagate
 *     trace_statements:
 *       - set(span.attributes["env"], "prod") where span.kind == SPAN_KIND_SERVER
 *     log_statements:
 *       - context: log              # optional; inferred from the paths when left out
 *         conditions: [IsMap(log.body)]
 *         error_mode: propagate
 *         statements:
 *           - merge_maps(log.attributes, log.body, "upsert")
 * ```
 *
 * Each signal's list is either statements (one group, its context inferred from the paths) or
 * groups with `context`, `conditions`, `statements` and `error_mode`. Statements are compiled
 * when the configuration is validated; an unknown function, path or enum is refused there with
 * its place in the file and the list of what exists. Groups run in order, each over the items
 * of its context. A failing statement is logged and skipped (`ignore`), skipped (`silent`), or
 * fails the request (`propagate`, a permanent error: the data is dropped). `flatten_data` and
 * `shared_cache` are refused.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 * import { AttributeMap, type Logs, logs } from "@denocol/pdata";
 * import { factory } from "@denocol/transformprocessor";
 *
 * const config = {
 *   ...factory.createDefaultConfig(),
 *   log_statements: ['set(log.attributes["seen"], true) where log.severity_number >= SEVERITY_NUMBER_WARN'],
 * };
 * factory.validateConfig?.(config);
 * const sink = new SinkConsumer<Logs>();
 * const processor = factory.createLogs(nopSettings("processor", "transform"), config, sink);
 * await processor.start(nopHost());
 * await processor.consume(logs.decodeJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":13}]}]}]}'));
 * const record = sink.all[0].resourceLogs[0].scopeLogs[0].logRecords[0];
 * assert.equal(new AttributeMap(record.attributes).get("seen"), true);
 * await processor.shutdown();
 * ```
 *
 * @module
 */

import { type Settings, withValidateConfig } from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import { PermanentError } from "@denocol/consumer";
import {
  type CacheHolder,
  type CompiledGroup,
  compileGroup,
  logContexts,
  metricContexts,
  newTransformContext,
  OttlGroupError,
  OttlRuntimeError,
  type SignalContexts,
  standardFunctions,
  traceContexts,
  walkLogs,
  walkMetrics,
  walkTraces,
} from "@denocol/ottl";
import { profileContexts, walkProfiles } from "@denocol/ottl-experimental";
import type { Logs, Metrics, Traces } from "@denocol/pdata";
import type { Profiles } from "@denocol/pdata-experimental";
import {
  newLogsProcessor,
  newMetricsProcessor,
  newTracesProcessor,
  type Processor,
  withLogs,
  withMetrics,
  withTraces,
} from "@denocol/processor";
import {
  newFactory,
  newProfilesProcessor,
  type ProfilesFactory,
  withProfiles,
} from "@denocol/processor-experimental";
import {
  type Config,
  createDefaultConfig,
  groupsOf,
  STATEMENT_KEYS,
  TransformConfigError,
} from "./config.ts";

export {
  type Config,
  type ContextStatements,
  createDefaultConfig,
  TransformConfigError,
} from "./config.ts";

/** The component type. */
export const TYPE = "transform";

/**
 * Compiles the groups of one signal's statements.
 *
 * @throws {TransformConfigError} naming the statement (its config path) that does not compile.
 */
export function compileStatements<T extends CacheHolder>(
  config: Config,
  key: string,
  contexts: SignalContexts<T>,
  settings?: Settings,
): CompiledGroup<T>[] {
  return groupsOf(config, key).map((placed) => {
    try {
      return compileGroup(contexts, placed.group, {
        errorMode: placed.errorMode,
        logger: settings?.telemetry.logger,
      });
    } catch (error) {
      if (!(error instanceof OttlGroupError)) throw error;
      const path = error.list === undefined
        ? placed.path
        : placed.flat
        ? [...placed.path, error.index!]
        : [...placed.path, error.list, error.index!];
      throw new TransformConfigError(path, error.message, { cause: error });
    }
  });
}

/** Checks `config`: error modes, the form of each list, and that every statement compiles. */
export function validateConfig(config: Config): void {
  if (config.flatten_data) {
    throw new TransformConfigError(
      ["flatten_data"],
      "flattening log records is not supported by denocol; remove flatten_data",
    );
  }
  compileStatements(config, STATEMENT_KEYS.traces, traceContexts(standardFunctions()));
  compileStatements(config, STATEMENT_KEYS.metrics, metricContexts(standardFunctions()));
  compileStatements(config, STATEMENT_KEYS.logs, logContexts(standardFunctions()));
  compileStatements(config, STATEMENT_KEYS.profiles, profileContexts(standardFunctions()));
}

/** Runs `run`, turning a propagated statement failure into a permanent error. */
function failing<T>(run: (data: T) => void): (data: T) => T {
  return (data) => {
    try {
      run(data);
    } catch (error) {
      if (error instanceof OttlRuntimeError) {
        throw new PermanentError(error.message, { cause: error });
      }
      throw error;
    }
    return data;
  };
}

const mutates = { capabilities: { mutatesData: true } };

function createTraces(
  settings: Settings,
  config: Config,
  next: Consumer<Traces>,
): Processor<Traces> {
  const groups = compileStatements(
    config,
    STATEMENT_KEYS.traces,
    traceContexts(standardFunctions()),
    settings,
  );
  const t = newTransformContext();
  return newTracesProcessor(
    next,
    failing((data) => {
      for (const group of groups) walkTraces(data, group.context, t, (c) => group.execute(c));
    }),
    mutates,
  );
}

function createMetrics(
  settings: Settings,
  config: Config,
  next: Consumer<Metrics>,
): Processor<Metrics> {
  const groups = compileStatements(
    config,
    STATEMENT_KEYS.metrics,
    metricContexts(standardFunctions()),
    settings,
  );
  const t = newTransformContext();
  return newMetricsProcessor(
    next,
    failing((data) => {
      for (const group of groups) walkMetrics(data, group.context, t, (c) => group.execute(c));
    }),
    mutates,
  );
}

function createLogs(settings: Settings, config: Config, next: Consumer<Logs>): Processor<Logs> {
  const groups = compileStatements(
    config,
    STATEMENT_KEYS.logs,
    logContexts(standardFunctions()),
    settings,
  );
  const t = newTransformContext();
  return newLogsProcessor(
    next,
    failing((data) => {
      for (const group of groups) walkLogs(data, group.context, t, (c) => group.execute(c));
    }),
    mutates,
  );
}

function createProfiles(
  settings: Settings,
  config: Config,
  next: Consumer<Profiles>,
): Processor<Profiles> {
  const groups = compileStatements(
    config,
    STATEMENT_KEYS.profiles,
    profileContexts(standardFunctions()),
    settings,
  );
  return newProfilesProcessor(
    next,
    failing((data) => {
      for (const group of groups) walkProfiles(data, group.context, (c) => group.execute(c));
    }),
    mutates,
  );
}

/**
 * The factory of the `transform` processor: traces, metrics and logs beta, profiles
 * development (as in the Go collector).
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<Config> = newFactory<Config>(
  TYPE,
  createDefaultConfig,
  withTraces(createTraces, "beta"),
  withMetrics(createMetrics, "beta"),
  withLogs(createLogs, "beta"),
  withProfiles(createProfiles, "development"),
  withValidateConfig(validateConfig),
);
