/**
 * EXPERIMENTAL: profiles support for processor factories, and the processor helper for profiles.
 * May change or be removed in a later release.
 *
 * `newFactory` here takes every option of `@denocol/processor`'s `newFactory` plus
 * `withProfiles`, and builds a stable processor factory with `createProfiles` and
 * `profilesStability` added; `isProfilesFactory` tells such factories apart.
 *
 * A complete processor for all four signals, adding `deployment.environment` to every resource
 * (this file is `examples/envtag.ts`, type-checked and run by `example_test.ts`):
 *
 * ```ts
 * import { create } from "@bufbuild/protobuf";
 * import { withValidateConfig } from "@denocol/component";
 * import { KeyValueSchema, type Resource, ResourceSchema } from "@denocol/pdata";
 * import {
 *   newLogsProcessor,
 *   newMetricsProcessor,
 *   newTracesProcessor,
 *   withLogs,
 *   withMetrics,
 *   withTraces,
 * } from "@denocol/processor";
 * import { newFactory, newProfilesProcessor, withProfiles } from "@denocol/processor-experimental";
 *
 * // Config of the `envtag` processor.
 * export interface EnvTagConfig {
 *   environment: string;
 * }
 *
 * // Adds `deployment.environment` to the resource of every group.
 * function tag(groups: { resource?: Resource }[], environment: string): void {
 *   for (const group of groups) {
 *     group.resource ??= create(ResourceSchema);
 *     group.resource.attributes.push(create(KeyValueSchema, {
 *       key: "deployment.environment",
 *       value: { value: { case: "stringValue", value: environment } },
 *     }));
 *   }
 * }
 *
 * const mutates = { capabilities: { mutatesData: true } };
 *
 * // Tags traces, metrics, logs and profiles with the deployment environment.
 * export const envTagFactory = newFactory<EnvTagConfig>(
 *   "envtag",
 *   () => ({ environment: "production" }),
 *   withTraces((_settings, config, next) =>
 *     newTracesProcessor(next, (data) => {
 *       tag(data.resourceSpans, config.environment);
 *       return data;
 *     }, mutates), "development"),
 *   withMetrics((_settings, config, next) =>
 *     newMetricsProcessor(next, (data) => {
 *       tag(data.resourceMetrics, config.environment);
 *       return data;
 *     }, mutates), "development"),
 *   withLogs((_settings, config, next) =>
 *     newLogsProcessor(next, (data) => {
 *       tag(data.resourceLogs, config.environment);
 *       return data;
 *     }, mutates), "development"),
 *   withProfiles((_settings, config, next) =>
 *     newProfilesProcessor(next, (data) => {
 *       tag(data.resourceProfiles, config.environment);
 *       return data;
 *     }, mutates), "development"),
 *   withValidateConfig((config) => {
 *     if (config.environment.trim() === "") {
 *       throw new Error("processors::envtag::environment: expected a non-empty string");
 *     }
 *   }),
 * );
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

export {
  isProfilesFactory,
  newFactory,
  newProfilesProcessor,
  type ProfilesFactory,
  type ProfilesOption,
  type ProfilesSignatures,
  withProfiles,
} from "./factory.ts";
