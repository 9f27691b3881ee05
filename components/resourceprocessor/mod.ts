/**
 * The `resource` processor: applies attribute actions to the resource of every group of spans,
 * metrics, logs and profiles, as the Go collector's contrib `resource` processor does, with the
 * same configuration:
 *
 * ```yaml
 * processors:
 *   resource:
 *     attributes:
 *       - { key: cloud.availability_zone, value: zone-1, action: upsert }
 *       - { key: k8s.cluster.name, from_attribute: k8s-cluster, action: insert }
 *       - { key: redundant-attribute, action: delete }
 * ```
 *
 * The actions are those of the `attributes` processor (`@denocol/attributesprocessor`):
 * `insert`, `update`, `upsert`, `delete`, `hash`, `extract`, `convert`, with `value`,
 * `from_attribute` or `from_context`, applied in order. `attributes` is required. On profiles,
 * resource attributes that point into the request's dictionary are first written as plain keys
 * and values, which mean the same.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 * import { AttributeMap, type Logs, logs } from "@denocol/pdata";
 * import { factory } from "@denocol/resourceprocessor";
 *
 * const config = { attributes: [{ key: "deployment.environment", value: "prod", action: "upsert" }] };
 * factory.validateConfig?.(config);
 * const sink = new SinkConsumer<Logs>();
 * const processor = factory.createLogs(nopSettings("processor", "resource"), config, sink);
 * await processor.start(nopHost());
 * await processor.consume(logs.decodeJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}'));
 * const resource = sink.all[0].resourceLogs[0].resource!;
 * assert.equal(new AttributeMap(resource.attributes).get("deployment.environment"), "prod");
 * await processor.shutdown();
 * ```
 *
 * @module
 */

import { type Settings, withValidateConfig } from "@denocol/component";
import type { ConsumeContext, Consumer } from "@denocol/consumer";
import {
  type ActionConfig,
  ActionConfigError,
  compileActions,
  resolveProfileResources,
} from "@denocol/attributesprocessor";
import { AttributeMap, type Resource, ResourceSchema } from "@denocol/pdata";
import type { Profiles } from "@denocol/pdata-experimental";
import {
  newProcessor,
  type Processor,
  withLogs,
  withMetrics,
  withTraces,
} from "@denocol/processor";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/processor-experimental";
import { create } from "@bufbuild/protobuf";

/** The component type. */
export const TYPE = "resource";

const COMPONENT = "resource processor";

/** Configuration of the `resource` processor; keys as in the Go collector. */
export interface Config {
  /** The actions applied to resource attributes, in order (required). */
  attributes: ActionConfig[] | null;
}

/** A fresh default configuration: no actions (not valid by itself, as in Go). */
export function createDefaultConfig(): Config {
  return { attributes: null };
}

/** Checks `config`: at least one action, each well formed. */
export function validateConfig(config: Config): void {
  if (!Array.isArray(config.attributes) || config.attributes.length === 0) {
    throw new ActionConfigError(COMPONENT, ["attributes"], `missing required field "attributes"`);
  }
  compileActions(COMPONENT, ["attributes"], config.attributes);
}

/** The resource groups of any signal's data. */
type Grouped = { resource?: Resource }[];

const mutates = { capabilities: { mutatesData: true } };

/** A processor applying the actions to each resource `groups` finds in the data. */
function resourceProcessor<T>(
  groups: (data: T) => Grouped,
  before?: (data: T) => void,
) {
  return (settings: Settings, config: Config, next: Consumer<T>): Processor<T> => {
    const actions = compileActions(COMPONENT, ["attributes"], config.attributes);
    const logger = settings.telemetry.logger;
    return newProcessor<T>(next, (data, context: ConsumeContext) => {
      before?.(data);
      for (const group of groups(data)) {
        group.resource ??= create(ResourceSchema);
        actions.apply(new AttributeMap(group.resource.attributes), context, logger);
      }
      return data;
    }, mutates);
  };
}

/**
 * The factory of the `resource` processor: traces, metrics and logs beta (as in the Go
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
  withTraces(resourceProcessor((data) => data.resourceSpans), "beta"),
  withMetrics(resourceProcessor((data) => data.resourceMetrics), "beta"),
  withLogs(resourceProcessor((data) => data.resourceLogs), "beta"),
  withProfiles(
    resourceProcessor<Profiles>((data) => data.resourceProfiles, resolveProfileResources),
    "development",
  ),
  withValidateConfig(validateConfig),
);
