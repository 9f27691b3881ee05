/**
 * The collector configuration: loading YAML sources with positions, merging and `--set`,
 * `${...}` expansion, the typed model, component config decoding, whole-config validation
 * and feature gates.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   type ComponentCatalog,
 *   ConfigErrors,
 *   loadConfig,
 *   newFeatureGateRegistry,
 *   resolveConfig,
 * } from "./mod.ts";
 *
 * // What the factories say about themselves; the collector builds this from its factories.
 * const catalog: ComponentCatalog = {
 *   kinds: {
 *     receiver: new Map([["otlp", { signals: new Set(["traces"]) }]]),
 *     exporter: new Map([["debug", { signals: new Set(["traces"]) }]]),
 *   },
 * };
 * const yaml = "receivers: {otlp: {}}\nexporters: {debug: {}}\n" +
 *   "service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}";
 * const gates = newFeatureGateRegistry();
 * gates.applyFlag("service.profilesSupport");
 * const { root } = await loadConfig({
 *   configs: [`yaml:${yaml}`], // or file paths, env:NAME, …
 *   sets: ["exporters.debug.verbosity=basic"],
 * });
 * const { config } = resolveConfig(root, catalog, { featureGates: gates });
 * assert.deepEqual([...config.service.pipelines.keys()], ["traces"]);
 *
 * // Every problem is listed as `source:line:column: path: what is wrong`.
 * const broken = await loadConfig({ configs: [`yaml:${yaml.replace("[debug]", "[stdout]")}`] });
 * assert.throws(
 *   () => resolveConfig(broken.root, catalog),
 *   (error) =>
 *     error instanceof ConfigErrors && /exporters\[0\]: exporter "stdout"/.test(error.message),
 * );
 * ```
 *
 * @module
 */

export {
  ConfigError,
  ConfigErrors,
  type ConfigProblemOptions,
  ConfigWarning,
  formatPath,
  formatPosition,
  type PathSegment,
  type Position,
  ProblemCollector,
  sortProblems,
} from "./errors.ts";
export {
  type ConfigNode,
  describeNode,
  fromPlain,
  isConfigNode,
  isNullNode,
  type ListNode,
  listNode,
  type MapEntry,
  type MapNode,
  mapNode,
  nodeAt,
  type PlainValue,
  positionAt,
  type ScalarNode,
  scalarNode,
  type ScalarValue,
  toPlain,
} from "./node.ts";
export { KEY_DELIMITER, parseYaml } from "./yaml.ts";
export { mergeNodes } from "./merge.ts";
export { expandNode, type ExpandOptions, type ExpandResult, EXPANSION_SCHEMES } from "./expand.ts";
export {
  CONFIG_SOURCE_SCHEMES,
  loadConfig,
  type LoadConfigOptions,
  type LoadedConfig,
  parseSetFlag,
  readConfigSource,
  type SourceOptions,
} from "./load.ts";
export { DurationError, formatDuration, parseDuration } from "@denocol/config";
export { closest, decodeComponentConfig } from "./component_config.ts";
export {
  type ComponentEntry,
  type ComponentReference,
  type Config,
  CONFIG_SECTIONS,
  parseConfig,
  PIPELINE_SIGNALS,
  type PipelineConfig,
  readConfig,
  SECTION_OF_KIND,
  type ServiceConfig,
} from "./model.ts";
export {
  type TelemetryConfig,
  type TelemetryLogLevel,
  type TelemetryLogsConfig,
  type TelemetryMetricsConfig,
  type TelemetryMetricsLevel,
} from "./telemetry.ts";
export type {
  LogProcessorConfig,
  OtlpProtocol,
  PeriodicReaderConfig,
  TelemetryExporter,
  TelemetryOtlpExporter,
} from "./telemetry_otlp.ts";
export {
  type CatalogEntry,
  type ComponentCatalog,
  type FeatureGateReader,
  resolveConfig,
  validateConfig,
  type ValidatedConfig,
  type ValidateOptions,
} from "./validate.ts";
export {
  type FeatureGate,
  FeatureGateError,
  type FeatureGateOptions,
  FeatureGateRegistry,
  type FeatureGateStage,
  newFeatureGateRegistry,
  PROFILES_SUPPORT_GATE,
  registerServiceFeatureGates,
} from "./featuregate.ts";
export { DEFAULT_DRAIN_TIMEOUT_MS, type ShutdownConfig } from "./shutdown.ts";
export { ID, type Kind } from "@denocol/component";
