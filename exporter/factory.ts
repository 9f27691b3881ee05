import {
  type Component,
  type ConfigOption,
  newStableSignalFactory,
  type Settings,
  type SignalFactory,
  signalOption,
  type SignalOptionOf,
  type Signature,
  type StabilityLevel,
  type StableSignalMembers,
} from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import type * as pdata from "@denocol/pdata";

/** An exporter of data of type `T`: a component that consumes the end of a pipeline. */
export interface Exporter<T> extends Component, Consumer<T> {}

/** Creates an exporter of data of type `T`. */
export type CreateFunc<C, T> = (settings: Settings, config: C) => Exporter<T>;

/**
 * What an exporter factory creates for each signal of `D`, the stable signals of
 * `@denocol/pdata` unless a twin passes more: from settings and config, an exporter of the
 * signal's data.
 */
export type Signatures<C, D = pdata.SignalData> = {
  readonly [S in keyof D]: Signature<Parameters<CreateFunc<C, D[S]>>, Exporter<D[S]>>;
};

/** An option of {@linkcode newFactory}: a supported signal or a config hook. */
export type FactoryOption<C> = SignalOptionOf<Signatures<C>> | ConfigOption<C>;

/**
 * Creates exporters of one type.
 *
 * For each stable signal it has a create member (`createTraces(settings, config)`, …) that
 * throws `SignalNotSupportedError` when the signal is not supported, and a stability
 * (`tracesStability`, …), `"undefined"` when not supported; the service reaches the same through
 * `create(signal, …)` and `stability(signal)`.
 */
export interface Factory<C = unknown>
  extends SignalFactory<C, Signatures<C>>, StableSignalMembers<Signatures<C>> {}

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
 * `SignalNotSupportedError`.
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
  return newStableSignalFactory<C, Signatures<C>>("exporter", type, createDefaultConfig, options);
}
