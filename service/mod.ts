/**
 * The service that turns configuration and factories into a running collector: the
 * configuration layer, the pipeline graph, the collector lifecycle and its internal telemetry.
 *
 * ```ts ignore
 * import { Collector } from "@denocol/service";
 *
 * const collector = new Collector({
 *   factories: { receivers: [otlpFactory], exporters: [debugFactory] },
 *   config: {
 *     receivers: { otlp: { protocols: { grpc: null } } },
 *     exporters: { debug: null },
 *     service: { pipelines: { traces: { receivers: ["otlp"], exporters: ["debug"] } } },
 *   },
 * });
 * await collector.start();
 * await collector.shutdown(5000);
 * ```
 *
 * # Experimental
 *
 * Profiles pipelines (gated by `service.profilesSupport`) and the APIs marked experimental are
 * EXPERIMENTAL: this API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

export * from "./config/mod.ts";
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
export { ComponentStartError, type FailedComponent, GraphBuildError } from "./errors.ts";
export {
  loggerFromConfig,
  type LoggerOptions,
  logWriterFor,
  type MetricsServer,
  newLogger,
  registerProcessMetrics,
  serveMetrics,
  splitHostPort,
  writeStderr,
} from "./telemetry.ts";
export {
  Collector,
  type CollectorExit,
  type CollectorOptions,
  type CollectorState,
  type ConfigSourceOptions,
  DEFAULT_BUILD_INFO,
  featureGatesFrom,
  loadCollectorConfig,
  SHUTDOWN_ACCOUNTING_MS,
  type ShutdownTiming,
  shutdownTiming,
  validateCollectorConfig,
} from "./service.ts";
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
