/**
 * The `attributes` processor: inserts, updates, upserts, deletes, hashes, extracts and converts
 * the attributes of spans, log records, metric data points and profiles, as the Go collector's
 * contrib `attributes` processor does, with the same configuration:
 *
 * ```yaml
 * processors:
 *   attributes:
 *     include:                       # optional: only items that match
 *       match_type: regexp           # or strict
 *       services: ["auth.*"]
 *     exclude:                       # optional: not items that match (checked after include)
 *       match_type: strict
 *       attributes: [{ key: redact_trace, value: false }]
 *     actions:                       # applied in order
 *       - { key: db.table, action: delete }
 *       - { key: redacted_span, value: true, action: upsert }
 *       - { key: copy_key, from_attribute: key_original, action: update }
 *       - { key: origin, from_context: metadata.origin, action: insert }
 *       - { key: account_email, action: hash }          # SHA-256, hex
 *       - { key: "http.url", pattern: '^(?P<scheme>\w+)://(?P<host>[^/]+)', action: extract }
 *       - { key: http.status_code, action: convert, converted_type: int }
 *       - { pattern: "^secret\\.", action: delete }      # every key matching
 * ```
 *
 * Actions behave as Go's: `insert` only adds a missing key, `update` only changes an existing
 * one, `upsert` does either; the value comes from `value` (a whole YAML number is an int, as Go
 * decodes it), `from_attribute` (no change when that attribute is missing) or `from_context`
 * (`metadata.<header>` of the request, needing `include_metadata` on the receiver;
 * `auth.<attribute>` from the authenticator; `client.address`; several values are joined with
 * `;`). `hash` replaces a value by the hex SHA-256 of its bytes (a string's UTF-8, an int's or
 * double's 8 little-endian bytes, a bool's one byte; other types become `""`). `extract` writes
 * each named group of `pattern` (RE2) matched on a string attribute. `convert` changes the type
 * to `int`, `double` or `string`, leaving values that do not convert.
 *
 * `include`/`exclude` (Go's match properties, `match_type` `strict` or `regexp`, patterns
 * unanchored): spans by `services`, `span_names`, `span_kinds`, `attributes`, `resources`,
 * `libraries`; log records by `log_bodies`, `log_severity_texts`, `log_severity_number`,
 * `attributes`, `resources`, `libraries`; metrics by `metric_names` only (as Go's code does:
 * other properties of a metric match every metric), the actions then changing every data point;
 * profiles by `services`, `attributes`, `resources`, `libraries`. A property a signal does not
 * use is refused when the processor is created for that signal, as in Go. Profile attributes are
 * read and written through the request's dictionary (`ProfileAttributes`), so a changed value
 * gets its own entry and other profiles keep theirs.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 * import { AttributeMap, type Traces, traces } from "@denocol/pdata";
 * import { factory } from "@denocol/attributesprocessor";
 *
 * const config = {
 *   ...factory.createDefaultConfig(),
 *   actions: [
 *     { key: "password", action: "delete" },
 *     { key: "env", value: "prod", action: "insert" },
 *   ],
 * };
 * factory.validateConfig?.(config);
 * const sink = new SinkConsumer<Traces>();
 * const processor = factory.createTraces(nopSettings("processor", "attributes"), config, sink);
 * await processor.start(nopHost());
 * await processor.consume(traces.decodeJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{
 *   spans: [{ name: "login", attributes: [{ key: "password", value: { stringValue: "x" } }] }],
 * }] }] })));
 * const span = sink.all[0].resourceSpans[0].scopeSpans[0].spans[0];
 * assert.deepEqual(new AttributeMap(span.attributes).toObject(), { env: "prod" });
 * await processor.shutdown();
 * ```
 *
 * @module
 */

import { type Settings, withValidateConfig } from "@denocol/component";
import type { ConsumeContext, Consumer } from "@denocol/consumer";
import {
  dataPointsOf,
  newTransformContext,
  walkLogs,
  walkMetrics,
  walkTraces,
} from "@denocol/ottl";
import { walkProfiles } from "@denocol/ottl-experimental";
import { AttributeMap, type KeyValue, type Logs, type Metrics, type Traces } from "@denocol/pdata";
import { ProfileAttributes, type Profiles, resolveKeyValues } from "@denocol/pdata-experimental";
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
  type ActionConfig,
  ActionConfigError,
  type AttributeActions,
  compileActions,
} from "./actions.ts";
import {
  compileMatcher,
  compileSkip,
  type ItemMatcher,
  type MatchProperties,
  type MatchSignal,
} from "./matching.ts";

export {
  type ActionConfig,
  ActionConfigError,
  asString,
  AttributeActions,
  compileActions,
} from "./actions.ts";
export {
  type AttributeMatch,
  compileSkip,
  type ItemMatcher,
  type MatchProperties,
  type MatchSignal,
} from "./matching.ts";

/** The component type. */
export const TYPE = "attributes";

const COMPONENT = "attributes processor";

/** Configuration of the `attributes` processor; keys as in the Go collector. */
export interface Config {
  /** The actions, applied in order (required). */
  actions: ActionConfig[] | null;
  /** Only items matching these properties are changed. */
  include: MatchProperties | null;
  /** Items matching these properties are not changed (checked after `include`). */
  exclude: MatchProperties | null;
}

/** A fresh default configuration: no actions (not valid by itself, as in Go). */
export function createDefaultConfig(): Config {
  return { actions: null, include: null, exclude: null };
}

/** Checks `config`: at least one action, each well formed, and the match properties' form. */
export function validateConfig(config: Config): void {
  if (!Array.isArray(config.actions) || config.actions.length === 0) {
    throw new ActionConfigError(COMPONENT, ["actions"], `missing required field "actions"`);
  }
  compileActions(COMPONENT, ["actions"], config.actions);
  for (const key of ["include", "exclude"] as const) {
    if (config[key] != null) compileMatcher(COMPONENT, [key], config[key]!, undefined);
  }
}

interface Compiled {
  actions: AttributeActions;
  skip: ItemMatcher | undefined;
}

function compile(config: Config, signal: MatchSignal): Compiled {
  return {
    actions: compileActions(COMPONENT, ["actions"], config.actions),
    skip: compileSkip(COMPONENT, config.include, config.exclude, signal),
  };
}

const mutates = { capabilities: { mutatesData: true } };

function createTraces(
  settings: Settings,
  config: Config,
  next: Consumer<Traces>,
): Processor<Traces> {
  const { actions, skip } = compile(config, "traces");
  const logger = settings.telemetry.logger;
  const t = newTransformContext();
  return newTracesProcessor(next, (data, context: ConsumeContext) => {
    walkTraces(data, "span", t, (t) => {
      const attributes = new AttributeMap(t.span!.attributes);
      if (skip === undefined || !skip(t, () => attributes)) {
        actions.apply(attributes, context, logger);
      }
    });
    return data;
  }, mutates);
}

function createLogs(settings: Settings, config: Config, next: Consumer<Logs>): Processor<Logs> {
  const { actions, skip } = compile(config, "logs");
  const logger = settings.telemetry.logger;
  const t = newTransformContext();
  return newLogsProcessor(next, (data, context: ConsumeContext) => {
    walkLogs(data, "log", t, (t) => {
      const attributes = new AttributeMap(t.log!.attributes);
      if (skip === undefined || !skip(t, () => attributes)) {
        actions.apply(attributes, context, logger);
      }
    });
    return data;
  }, mutates);
}

function createMetrics(
  settings: Settings,
  config: Config,
  next: Consumer<Metrics>,
): Processor<Metrics> {
  const { actions, skip } = compile(config, "metrics");
  const logger = settings.telemetry.logger;
  const t = newTransformContext();
  const none = () => new AttributeMap();
  return newMetricsProcessor(next, (data, context: ConsumeContext) => {
    walkMetrics(data, "metric", t, (t) => {
      if (skip !== undefined && skip(t, none)) return;
      for (const point of dataPointsOf(t.metric!) ?? []) {
        actions.apply(new AttributeMap(point.attributes), context, logger);
      }
    });
    return data;
  }, mutates);
}

function createProfiles(
  settings: Settings,
  config: Config,
  next: Consumer<Profiles>,
): Processor<Profiles> {
  const { actions, skip } = compile(config, "profiles");
  const logger = settings.telemetry.logger;
  return newProfilesProcessor(next, (data, context: ConsumeContext) => {
    if (skip !== undefined) resolveProfileResources(data);
    walkProfiles(data, "profile", (t) => {
      const view = new ProfileAttributes(t.dictionary!, t.profile!);
      const attributes = view.toAttributeMap();
      if (skip !== undefined && skip(t, () => attributes)) return;
      actions.apply(attributes, context, logger);
      view.replaceWith(attributes);
    });
    return data;
  }, mutates);
}

/**
 * Turns the resource and scope attributes of `data` that point into the dictionary's string
 * table (`key_strindex`, `string_value_strindex`) into plain keys and strings, so that they can
 * be read and written as attribute maps; attributes already plain are left as they are.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function resolveProfileResources(data: Profiles): void {
  const indexed = (kvs: KeyValue[]) =>
    kvs.some((kv) => kv.keyStrindex !== 0 || kv.value?.value.case === "stringValueStrindex");
  for (const rp of data.resourceProfiles) {
    if (rp.resource !== undefined && indexed(rp.resource.attributes)) {
      rp.resource.attributes = resolveKeyValues(data.dictionary, rp.resource.attributes);
    }
    for (const sp of rp.scopeProfiles) {
      if (sp.scope !== undefined && indexed(sp.scope.attributes)) {
        sp.scope.attributes = resolveKeyValues(data.dictionary, sp.scope.attributes);
      }
    }
  }
}

/**
 * The factory of the `attributes` processor: traces, metrics and logs beta (as in the Go
 * collector), profiles development.
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
