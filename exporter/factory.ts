import {
  type BaseFactory,
  type Component,
  type ConfigOption,
  newSignalFactory,
  type Settings,
  type SignalOption,
  signalOption,
  SIGNALS,
  type StabilityLevel,
} from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import type * as pdata from "@denocol/pdata";

/** An exporter of data of type `T`: a component that consumes the end of a pipeline. */
export interface Exporter<T> extends Component, Consumer<T> {}

/** Creates an exporter of data of type `T`. */
export type CreateFunc<C, T> = (settings: Settings, config: C) => Exporter<T>;

/** An option of {@linkcode newFactory}: a supported signal or a config hook. */
export type FactoryOption<C> =
  | SignalOption<"traces", CreateFunc<C, pdata.Traces>>
  | SignalOption<"metrics", CreateFunc<C, pdata.Metrics>>
  | SignalOption<"logs", CreateFunc<C, pdata.Logs>>
  | ConfigOption<C>;

/** Creates exporters of one type. */
export interface Factory<C = unknown> extends BaseFactory<C> {
  /** Creates a traces exporter; throws `SignalNotSupportedError` if traces are not supported. */
  createTraces(settings: Settings, config: C): Exporter<pdata.Traces>;
  /** Stability for traces; `"undefined"` when not supported. */
  readonly tracesStability: StabilityLevel;
  /** Creates a metrics exporter; throws `SignalNotSupportedError` if metrics are not supported. */
  createMetrics(settings: Settings, config: C): Exporter<pdata.Metrics>;
  /** Stability for metrics; `"undefined"` when not supported. */
  readonly metricsStability: StabilityLevel;
  /** Creates a logs exporter; throws `SignalNotSupportedError` if logs are not supported. */
  createLogs(settings: Settings, config: C): Exporter<pdata.Logs>;
  /** Stability for logs; `"undefined"` when not supported. */
  readonly logsStability: StabilityLevel;
}

/** Declares that the exporter type supports traces. */
export function withTraces<C>(
  create: CreateFunc<C, pdata.Traces>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("traces", create, stability);
}

/** Declares that the exporter type supports metrics. */
export function withMetrics<C>(
  create: CreateFunc<C, pdata.Metrics>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("metrics", create, stability);
}

/** Declares that the exporter type supports logs. */
export function withLogs<C>(
  create: CreateFunc<C, pdata.Logs>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("logs", create, stability);
}

/**
 * Builds an exporter factory. Signals without an option are refused with
 * `SignalNotSupportedError`; options of signals this package does not know (a twin's) are
 * ignored, so twins can pass their whole option list through.
 *
 * @param type The component type, such as `otlp`.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options `withTraces`, `withMetrics`, `withLogs`, `withValidateConfig`, ….
 */
export function newFactory<C>(
  type: string,
  createDefaultConfig: () => C,
  ...options: FactoryOption<C>[]
): Factory<C> {
  return newSignalFactory<Factory<C>, C>("exporter", type, createDefaultConfig, options, SIGNALS);
}
