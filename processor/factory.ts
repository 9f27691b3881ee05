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

/** A processor of data of type `T`: consumes it and passes (possibly changed) data on. */
export interface Processor<T> extends Component, Consumer<T> {}

/** Creates a processor of data of type `T` that feeds `next`. */
export type CreateFunc<C, T> = (settings: Settings, config: C, next: Consumer<T>) => Processor<T>;

/** An option of {@linkcode newFactory}: a supported signal or a config hook. */
export type FactoryOption<C> =
  | SignalOption<"traces", CreateFunc<C, pdata.Traces>>
  | SignalOption<"metrics", CreateFunc<C, pdata.Metrics>>
  | SignalOption<"logs", CreateFunc<C, pdata.Logs>>
  | ConfigOption<C>;

/** Creates processors of one type. */
export interface Factory<C = unknown> extends BaseFactory<C> {
  /** Creates a traces processor; throws `SignalNotSupportedError` if traces are not supported. */
  createTraces(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Traces>,
  ): Processor<pdata.Traces>;
  /** Stability for traces; `"undefined"` when not supported. */
  readonly tracesStability: StabilityLevel;
  /** Creates a metrics processor; throws `SignalNotSupportedError` if metrics are not supported. */
  createMetrics(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Metrics>,
  ): Processor<pdata.Metrics>;
  /** Stability for metrics; `"undefined"` when not supported. */
  readonly metricsStability: StabilityLevel;
  /** Creates a logs processor; throws `SignalNotSupportedError` if logs are not supported. */
  createLogs(settings: Settings, config: C, next: Consumer<pdata.Logs>): Processor<pdata.Logs>;
  /** Stability for logs; `"undefined"` when not supported. */
  readonly logsStability: StabilityLevel;
}

/** Declares that the processor type supports traces. */
export function withTraces<C>(
  create: CreateFunc<C, pdata.Traces>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("traces", create, stability);
}

/** Declares that the processor type supports metrics. */
export function withMetrics<C>(
  create: CreateFunc<C, pdata.Metrics>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("metrics", create, stability);
}

/** Declares that the processor type supports logs. */
export function withLogs<C>(
  create: CreateFunc<C, pdata.Logs>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("logs", create, stability);
}

/**
 * Builds a processor factory. Signals without an option are refused with
 * `SignalNotSupportedError`; options of signals this package does not know (a twin's) are
 * ignored, so twins can pass their whole option list through.
 *
 * @param type The component type, such as `batch`.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options `withTraces`, `withMetrics`, `withLogs`, `withValidateConfig`, ….
 */
export function newFactory<C>(
  type: string,
  createDefaultConfig: () => C,
  ...options: FactoryOption<C>[]
): Factory<C> {
  return newSignalFactory<Factory<C>, C>("processor", type, createDefaultConfig, options, SIGNALS);
}
