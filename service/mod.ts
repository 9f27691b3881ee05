/**
 * What a collector runs: configuration loading and validation, and the {@linkcode Service} one
 * validated configuration becomes, with the collector's own telemetry, its extensions and
 * pipelines, and a shutdown that drains within a deadline. The factory types every distribution
 * lists its components with are here too.
 *
 * The `Collector` of `@denocol/otelcol` is built on this package, as the Go collector's
 * `otelcol.Collector` wraps `service.Service`: the collector takes configuration sources and
 * owns the lifecycle (fatal errors, signals, the command line); the service runs what one
 * configuration describes. A program with its own way of running things can do what the
 * collector does:
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { factory as nopExporter } from "@denocol/nopexporter";
 * import { factory as nopReceiver } from "@denocol/nopreceiver";
 * import { Service, validateCollectorConfig } from "@denocol/service";
 *
 * const factories = { receivers: [nopReceiver], exporters: [nopExporter] };
 * const config = await validateCollectorConfig({
 *   factories,
 *   config: {
 *     receivers: { nop: null },
 *     exporters: { nop: null },
 *     service: {
 *       telemetry: { metrics: { level: "none" } },
 *       pipelines: { logs: { receivers: ["nop"], exporters: ["nop"] } },
 *     },
 *   },
 * });
 * const service = new Service({
 *   factories,
 *   config,
 *   buildInfo: { command: "example", description: "an example", version: "1.0.0" },
 *   reportFatalError: () => void service.shutdown(),
 *   writeLog: () => {},
 * });
 * await service.start();
 * assert.equal(service.metricsAddress, undefined, "metrics level none serves nothing");
 * assert.deepEqual(await service.shutdown(5000), []);
 * ```
 *
 * # Experimental
 *
 * Profiles pipelines (gated by `service.profilesSupport`) and the APIs marked experimental are
 * EXPERIMENTAL: this API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

export {
  type CollectorConfigOptions,
  type ConfigSourceOptions,
  featureGatesFrom,
  loadCollectorConfig,
  type LoadedCollectorConfig,
  validateCollectorConfig,
} from "./collector_config.ts";
export {
  Service,
  type ServiceOptions,
  SHUTDOWN_ACCOUNTING_MS,
  type ShutdownTiming,
  shutdownTiming,
} from "./service.ts";
export { ComponentStartError, type FailedComponent, GraphBuildError } from "./errors.ts";
export {
  loggerFromConfig,
  type LoggerOptions,
  logWriterFor,
  type MetricsServer,
  newLogger,
  NON_ADDITIVE_METRICS,
  registerProcessMetrics,
  servePrometheusText,
  sumMetrics,
} from "./telemetry.ts";
export {
  type AnyFactory,
  type ConnectorFactory,
  type ExporterFactory,
  type ExtensionFactory,
  type Factories,
  FactoryIndex,
  type FactoryOfKind,
  type ProcessorFactory,
  type ReceiverFactory,
} from "./factories.ts";
export {
  isSignalName,
  SIGNAL_NAMES,
  type SignalData,
  type SignalName,
  SIGNALS,
} from "./signals.ts";
export {
  CONFIG_SOURCE_SCHEMES,
  ConfigError,
  ConfigErrors,
  type ConfigNode,
  ConfigWarning,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DurationError,
  expandNode,
  type ExpandOptions,
  type ExpandResult,
  EXPANSION_SCHEMES,
  type FeatureGate,
  FeatureGateError,
  type FeatureGateOptions,
  FeatureGateRegistry,
  type FeatureGateStage,
  formatDuration,
  formatPath,
  formatPosition,
  fromPlain,
  ID,
  isConfigNode,
  isNullNode,
  type Kind,
  type ListNode,
  loadConfig,
  type LoadConfigOptions,
  type LoadedConfig,
  type MapEntry,
  type MapNode,
  mergeNodes,
  newFeatureGateRegistry,
  nodeAt,
  parseDuration,
  parseSetFlag,
  parseYaml,
  type PathSegment,
  type PlainValue,
  type Position,
  positionAt,
  PROFILES_SUPPORT_GATE,
  readConfigSource,
  registerServiceFeatureGates,
  type ScalarNode,
  type ScalarValue,
  type SourceOptions,
  toPlain,
} from "./config/mod.ts";
export {
  type CatalogEntry,
  type ComponentCatalog,
  type ComponentEntry,
  type ComponentReference,
  type Config,
  CONFIG_SECTIONS,
  type FeatureGateReader,
  type LogProcessorConfig,
  type OtlpProtocol,
  parseConfig,
  type PeriodicReaderConfig,
  PIPELINE_SIGNALS,
  type PipelineConfig,
  resolveConfig,
  SECTION_OF_KIND,
  type ServiceConfig,
  type ShutdownConfig,
  type TelemetryConfig,
  type TelemetryExporter,
  type TelemetryLogLevel,
  type TelemetryLogsConfig,
  type TelemetryMetricsConfig,
  type TelemetryMetricsLevel,
  type TelemetryOtlpExporter,
  validateConfig,
  type ValidatedConfig,
  type ValidateOptions,
} from "./config/mod.ts";
export {
  type Attributes,
  type AttributeValue,
  type BuildInfo,
  type Component,
  type Counter,
  type Gauge,
  type Host,
  type InstrumentKind,
  type InstrumentOptions,
  type InstrumentSnapshot,
  type Logger,
  type LogLevel,
  type Meter,
  MetricsRegistry,
  type SeriesSnapshot,
  type Settings,
  type StabilityLevel,
  type TelemetrySettings,
  type UpDownCounter,
} from "@denocol/component";
export type { Capabilities, ClientInfo, ConsumeContext, Consumer } from "@denocol/consumer";
