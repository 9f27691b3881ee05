import type {
  Component,
  ConfigOption,
  Settings,
  Signal,
  Signature,
  StabilityLevel,
} from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import type * as pdata from "@denocol/pdata";
import {
  newPairFactory,
  type PairFactory,
  type PairMembers,
  pairOption,
  type PairOptionOf,
} from "./pairs.ts";

/**
 * A connector consuming data of type `T`: the exporter end of one pipeline, feeding the receiver
 * end of another (possibly of another signal).
 */
export interface Connector<T> extends Component, Consumer<T> {}

/** Creates a connector that consumes `From` and feeds `next` with `To`. */
export type CreateFunc<C, From, To> = (
  settings: Settings,
  config: C,
  next: Consumer<To>,
) => Connector<From>;

/**
 * What a connector factory creates for each pair of signals of `D`, the stable signals of
 * `@denocol/pdata` unless a twin passes more: from settings, config and the next consumer of the
 * `to` signal's data, a connector consuming the `from` signal's data.
 */
export type Signatures<C, D = pdata.SignalData> = {
  readonly [F in keyof D]: {
    readonly [T in keyof D]: Signature<Parameters<CreateFunc<C, D[F], D[T]>>, Connector<D[F]>>;
  };
};

/** An option of {@linkcode newFactory}: a supported signal pair or a config hook. */
export type FactoryOption<C> = PairOptionOf<Signatures<C>> | ConfigOption<C>;

/**
 * Creates connectors of one type.
 *
 * For each of the nine pairs of stable signals it has a create member
 * (`createTracesToMetrics(settings, config, next)`, …) that throws `SignalNotSupportedError`
 * when the pair is not supported, and a stability (`tracesToMetricsStability`, …),
 * `"undefined"` when not supported; the service reaches the same through
 * `create(from, to, …)` and `stability(from, to)`.
 */
export interface Factory<C = unknown>
  extends PairFactory<C, Signatures<C>>, PairMembers<Signatures<C>, Signal, Signal> {}

/** Declares that the connector type connects traces to traces. */
export function withTracesToTraces<C>(
  create: CreateFunc<C, pdata.Traces, pdata.Traces>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return pairOption("traces", "traces", create, stability);
}

/** Declares that the connector type connects traces to metrics. */
export function withTracesToMetrics<C>(
  create: CreateFunc<C, pdata.Traces, pdata.Metrics>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return pairOption("traces", "metrics", create, stability);
}

/** Declares that the connector type connects traces to logs. */
export function withTracesToLogs<C>(
  create: CreateFunc<C, pdata.Traces, pdata.Logs>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return pairOption("traces", "logs", create, stability);
}

/** Declares that the connector type connects metrics to traces. */
export function withMetricsToTraces<C>(
  create: CreateFunc<C, pdata.Metrics, pdata.Traces>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return pairOption("metrics", "traces", create, stability);
}

/** Declares that the connector type connects metrics to metrics. */
export function withMetricsToMetrics<C>(
  create: CreateFunc<C, pdata.Metrics, pdata.Metrics>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return pairOption("metrics", "metrics", create, stability);
}

/** Declares that the connector type connects metrics to logs. */
export function withMetricsToLogs<C>(
  create: CreateFunc<C, pdata.Metrics, pdata.Logs>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return pairOption("metrics", "logs", create, stability);
}

/** Declares that the connector type connects logs to traces. */
export function withLogsToTraces<C>(
  create: CreateFunc<C, pdata.Logs, pdata.Traces>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return pairOption("logs", "traces", create, stability);
}

/** Declares that the connector type connects logs to metrics. */
export function withLogsToMetrics<C>(
  create: CreateFunc<C, pdata.Logs, pdata.Metrics>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return pairOption("logs", "metrics", create, stability);
}

/** Declares that the connector type connects logs to logs. */
export function withLogsToLogs<C>(
  create: CreateFunc<C, pdata.Logs, pdata.Logs>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return pairOption("logs", "logs", create, stability);
}

/**
 * Builds a connector factory. Pairs without an option are refused with
 * `SignalNotSupportedError` (its `signal` is `from->to`).
 *
 * @param type The component type, such as `spanmetrics`.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options `withTracesToMetrics`, …, `withValidateConfig`, ….
 */
export function newFactory<C>(
  type: string,
  createDefaultConfig: () => C,
  ...options: FactoryOption<C>[]
): Factory<C> {
  const factory = newPairFactory<C, Signatures<C>>(type, createDefaultConfig, options);
  return { ...factory, ...stablePairMembers<Signatures<C>>(factory) };
}

/**
 * The {@linkcode PairMembers} of the nine stable pairs, each calling the factory's `create` or
 * `stability`.
 *
 * @param factory The factory's `PairFactory` members.
 */
export function stablePairMembers<
  M extends { readonly [F in Signal]: { readonly [T in Signal]: Signature } },
>(
  factory: Pick<PairFactory<unknown, M>, "create" | "stability">,
): PairMembers<M, Signal, Signal> {
  return {
    createTracesToTraces: (...args) => factory.create("traces", "traces", ...args),
    tracesToTracesStability: factory.stability("traces", "traces"),
    createTracesToMetrics: (...args) => factory.create("traces", "metrics", ...args),
    tracesToMetricsStability: factory.stability("traces", "metrics"),
    createTracesToLogs: (...args) => factory.create("traces", "logs", ...args),
    tracesToLogsStability: factory.stability("traces", "logs"),
    createMetricsToTraces: (...args) => factory.create("metrics", "traces", ...args),
    metricsToTracesStability: factory.stability("metrics", "traces"),
    createMetricsToMetrics: (...args) => factory.create("metrics", "metrics", ...args),
    metricsToMetricsStability: factory.stability("metrics", "metrics"),
    createMetricsToLogs: (...args) => factory.create("metrics", "logs", ...args),
    metricsToLogsStability: factory.stability("metrics", "logs"),
    createLogsToTraces: (...args) => factory.create("logs", "traces", ...args),
    logsToTracesStability: factory.stability("logs", "traces"),
    createLogsToMetrics: (...args) => factory.create("logs", "metrics", ...args),
    logsToMetricsStability: factory.stability("logs", "metrics"),
    createLogsToLogs: (...args) => factory.create("logs", "logs", ...args),
    logsToLogsStability: factory.stability("logs", "logs"),
  };
}
