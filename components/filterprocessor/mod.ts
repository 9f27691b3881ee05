/**
 * The `filter` processor: drops telemetry for which an OTTL condition (`@denocol/ottl`) holds,
 * as the Go collector's contrib `filter` processor does, with the same configuration:
 *
 * ```yaml
 * processors:
 *   filter:
 *     error_mode: ignore            # or silent, propagate
 *     traces:
 *       span: ['attributes["container.name"] == "app_container_1"']
 *       spanevent: ['IsMatch(name, ".*grpc.*")']
 *     metrics:
 *       metric: ['name == "my.metric" and resource.attributes["my_label"] == "abc123"']
 *       datapoint: ['metric.type == METRIC_DATA_TYPE_SUMMARY']
 *     logs:
 *       log_record: ['IsMatch(body, ".*password.*")']
 *     profiles:
 *       profile: ['attributes["env"] == "test"']
 * ```
 *
 * Conditions of one list are ORed; an item for which any holds is dropped, and so are the
 * scope and resource groups it leaves empty (a metric whose data points were all dropped goes
 * too; a span whose events were all dropped stays). When a span or metric is dropped, its
 * events or data points are not looked at. Dropped spans, data points, log records and profile
 * samples are counted in `otelcol_processor_filter_spans_filtered`, `…_datapoints_filtered`,
 * `…_logs_filtered` and `…_profiles_filtered`; a request left empty goes no further. Conditions
 * may call the standard converters, and on metrics `HasAttrKeyOnDatapoint` and
 * `HasAttrOnDatapoint`. A failing condition counts as false (`ignore` logs it, `silent` does
 * not) or fails the request (`propagate`). The older `include`/`exclude` match properties are
 * refused with a message saying so.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 * import { type Logs, logs } from "@denocol/pdata";
 * import { factory } from "@denocol/filterprocessor";
 *
 * const config = { ...factory.createDefaultConfig(), logs: { log_record: ['IsMatch(body, "password")'] } };
 * factory.validateConfig?.(config);
 * const sink = new SinkConsumer<Logs>();
 * const processor = factory.createLogs(nopSettings("processor", "filter"), config, sink);
 * await processor.start(nopHost());
 * await processor.consume(logs.decodeJson(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [
 *   { body: { stringValue: "password=1" } }, { body: { stringValue: "fine" } },
 * ] }] }] })));
 * assert.equal(logs.count(sink.all[0]), 1);
 * await processor.shutdown();
 * ```
 *
 * @module
 */

import { type Settings, withValidateConfig } from "@denocol/component";
import { type Consumer, PermanentError } from "@denocol/consumer";
import {
  type CacheHolder,
  type CompiledGroup,
  compileGroup,
  converterFunctions,
  ERROR_MODES,
  type ErrorMode,
  filterLogs,
  filterMetrics,
  filterTraces,
  logContexts,
  metricContexts,
  newTransformContext,
  OttlGroupError,
  OttlRuntimeError,
  type SignalContexts,
  traceContexts,
} from "@denocol/ottl";
import { filterProfiles, profileContexts } from "@denocol/ottl-experimental";
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
import { metricFunctions } from "./functions.ts";

/** The component type. */
export const TYPE = "filter";

/** Configuration of the `filter` processor; keys as in the Go collector. */
export interface Config {
  /** What a failing condition does: `ignore` (default), `silent` or `propagate`. */
  error_mode: ErrorMode;
  /** Conditions on spans (`span`) and span events (`spanevent`). */
  traces: { span: string[] | null; spanevent: string[] | null };
  /** Conditions on metrics (`metric`) and data points (`datapoint`). */
  metrics: {
    metric: string[] | null;
    datapoint: string[] | null;
    include?: unknown;
    exclude?: unknown;
  };
  /** Conditions on log records (`log_record`). */
  logs: { log_record: string[] | null; include?: unknown; exclude?: unknown };
  /** Conditions on profiles (`profile`); experimental. */
  profiles: { profile: string[] | null };
  /** The older span match properties, refused. */
  spans: unknown;
}

/** A fresh default configuration: no conditions, `error_mode: ignore`. */
export function createDefaultConfig(): Config {
  return {
    error_mode: "ignore",
    traces: { span: null, spanevent: null },
    metrics: { metric: null, datapoint: null, include: null, exclude: null },
    logs: { log_record: null, include: null, exclude: null },
    profiles: { profile: null },
    spans: null,
  };
}

/** A configuration error, with the config path the service points at in the YAML. */
export class FilterConfigError extends Error {
  /** Path below the processor's configuration. */
  readonly configPath: (string | number)[];

  /** Creates the error. */
  constructor(configPath: (string | number)[], detail: string, options?: ErrorOptions) {
    super(`filter processor: ${detail}`, options);
    this.name = "FilterConfigError";
    this.configPath = configPath;
  }
}

function compile<T extends CacheHolder>(
  config: Config,
  path: [string, string],
  context: string,
  contexts: SignalContexts<T>,
  settings?: Settings,
): CompiledGroup<T> | undefined {
  const section = (config as unknown as Record<string, Record<string, unknown> | null>)[path[0]];
  const conditions = section?.[path[1]];
  if (conditions === null || conditions === undefined) return undefined;
  if (!Array.isArray(conditions) || conditions.some((c) => typeof c !== "string")) {
    throw new FilterConfigError(path, "expected a list of OTTL conditions");
  }
  try {
    return compileGroup(contexts, { context, conditions }, {
      errorMode: config.error_mode,
      logger: settings?.telemetry.logger,
    });
  } catch (error) {
    if (!(error instanceof OttlGroupError)) throw error;
    throw new FilterConfigError(
      error.index === undefined ? path : [...path, error.index],
      error.message,
      { cause: error },
    );
  }
}

const traceSignal = () => traceContexts(converterFunctions());
const metricSignal = () =>
  metricContexts((context) => context === "metric" ? metricFunctions() : converterFunctions());
const logSignal = () => logContexts(converterFunctions());
const profileSignal = () => profileContexts(converterFunctions());

/** Checks `config`: the error mode, that no older match property is used, every condition. */
export function validateConfig(config: Config): void {
  if (!ERROR_MODES.includes(config.error_mode)) {
    throw new FilterConfigError(
      ["error_mode"],
      `unknown error mode ${JSON.stringify(config.error_mode)}; expected one of ${
        ERROR_MODES.join(", ")
      }`,
    );
  }
  const legacy: [string[], unknown][] = [
    [["spans"], config.spans],
    [["metrics", "include"], config.metrics.include],
    [["metrics", "exclude"], config.metrics.exclude],
    [["logs", "include"], config.logs.include],
    [["logs", "exclude"], config.logs.exclude],
  ];
  for (const [path, value] of legacy) {
    if (value !== null && value !== undefined) {
      throw new FilterConfigError(
        path,
        "include/exclude match properties are not supported by denocol; write OTTL conditions " +
          "instead (traces.span, metrics.metric, logs.log_record, …)",
      );
    }
  }
  compile(config, ["traces", "span"], "span", traceSignal());
  compile(config, ["traces", "spanevent"], "spanevent", traceSignal());
  compile(config, ["metrics", "metric"], "metric", metricSignal());
  compile(config, ["metrics", "datapoint"], "datapoint", metricSignal());
  compile(config, ["logs", "log_record"], "log", logSignal());
  compile(config, ["profiles", "profile"], "profile", profileSignal());
}

/** Drops with `filter`, counting what it dropped; a request left empty goes no further. */
function dropping<T>(
  settings: Settings,
  counter: string,
  description: string,
  count: (data: T) => number,
  filter: (data: T) => number,
): (data: T) => T | undefined {
  const attributes = { filter: settings.id.toString() };
  const dropped = settings.telemetry.meter.counter(counter, { description, unit: "1" });
  return (data) => {
    let removed: number;
    try {
      removed = filter(data);
    } catch (error) {
      if (error instanceof OttlRuntimeError) {
        throw new PermanentError(error.message, { cause: error });
      }
      throw error;
    }
    if (removed > 0) dropped.add(removed, attributes);
    return count(data) === 0 ? undefined : data;
  };
}

const mutates = { capabilities: { mutatesData: true } };

function createTraces(
  settings: Settings,
  config: Config,
  next: Consumer<Traces>,
): Processor<Traces> {
  const spans = compile(config, ["traces", "span"], "span", traceSignal(), settings);
  const events = compile(config, ["traces", "spanevent"], "spanevent", traceSignal(), settings);
  const t = newTransformContext();
  return newTracesProcessor(
    next,
    dropping(
      settings,
      "otelcol_processor_filter_spans_filtered",
      "Number of spans dropped by the filter processor",
      (data) => data.resourceSpans.length,
      (data) => {
        const removed = spans ? filterTraces(data, "span", t, (c) => spans.matches(c)) : 0;
        if (events) filterTraces(data, "spanevent", t, (c) => events.matches(c));
        return removed;
      },
    ),
    mutates,
  );
}

function createMetrics(
  settings: Settings,
  config: Config,
  next: Consumer<Metrics>,
): Processor<Metrics> {
  const metricGroup = compile(config, ["metrics", "metric"], "metric", metricSignal(), settings);
  const pointGroup = compile(
    config,
    ["metrics", "datapoint"],
    "datapoint",
    metricSignal(),
    settings,
  );
  const t = newTransformContext();
  return newMetricsProcessor(
    next,
    dropping(
      settings,
      "otelcol_processor_filter_datapoints_filtered",
      "Number of metric data points dropped by the filter processor",
      (data) => data.resourceMetrics.length,
      (data) =>
        (metricGroup ? filterMetrics(data, "metric", t, (c) => metricGroup.matches(c)) : 0) +
        (pointGroup ? filterMetrics(data, "datapoint", t, (c) => pointGroup.matches(c)) : 0),
    ),
    mutates,
  );
}

function createLogs(settings: Settings, config: Config, next: Consumer<Logs>): Processor<Logs> {
  const group = compile(config, ["logs", "log_record"], "log", logSignal(), settings);
  const t = newTransformContext();
  return newLogsProcessor(
    next,
    dropping(
      settings,
      "otelcol_processor_filter_logs_filtered",
      "Number of logs dropped by the filter processor",
      (data) => data.resourceLogs.length,
      (data) => (group ? filterLogs(data, t, (c) => group.matches(c)) : 0),
    ),
    mutates,
  );
}

function createProfiles(
  settings: Settings,
  config: Config,
  next: Consumer<Profiles>,
): Processor<Profiles> {
  const group = compile(config, ["profiles", "profile"], "profile", profileSignal(), settings);
  return newProfilesProcessor(
    next,
    dropping(
      settings,
      "otelcol_processor_filter_profiles_filtered",
      "Number of profile samples dropped with their profiles by the filter processor",
      (data) => data.resourceProfiles.length,
      (data) => (group ? filterProfiles(data, (c) => group.matches(c)) : 0),
    ),
    mutates,
  );
}

/**
 * The factory of the `filter` processor: traces, metrics and logs alpha, profiles development
 * (as in the Go collector).
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<Config> = newFactory<Config>(
  TYPE,
  createDefaultConfig,
  withTraces(createTraces, "alpha"),
  withMetrics(createMetrics, "alpha"),
  withLogs(createLogs, "alpha"),
  withProfiles(createProfiles, "development"),
  withValidateConfig(validateConfig),
);
