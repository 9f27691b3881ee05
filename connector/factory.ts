import {
  type BaseFactory,
  type Component,
  type ConfigOption,
  memberCreate,
  memberStability,
  newSignalFactory,
  pairKey,
  type Settings,
  type Signal,
  SignalNotSupportedError,
  type SignalOption,
  signalOption,
  SIGNALS,
  type StabilityLevel,
} from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import type * as pdata from "@denocol/pdata";

export { pairKey };

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
 * The nine pairs of stable signals, `from` signals in {@linkcode SIGNALS} order, then `to`; the
 * order of the factory's members.
 */
const PAIRS: readonly (readonly [Signal, Signal])[] = SIGNALS.flatMap((from) =>
  SIGNALS.map((to) => [from, to] as const)
);

/** An option of {@linkcode newFactory}: a supported signal pair or a config hook. */
export type FactoryOption<C> =
  | SignalOption<"tracesToTraces", CreateFunc<C, pdata.Traces, pdata.Traces>>
  | SignalOption<"tracesToMetrics", CreateFunc<C, pdata.Traces, pdata.Metrics>>
  | SignalOption<"tracesToLogs", CreateFunc<C, pdata.Traces, pdata.Logs>>
  | SignalOption<"metricsToTraces", CreateFunc<C, pdata.Metrics, pdata.Traces>>
  | SignalOption<"metricsToMetrics", CreateFunc<C, pdata.Metrics, pdata.Metrics>>
  | SignalOption<"metricsToLogs", CreateFunc<C, pdata.Metrics, pdata.Logs>>
  | SignalOption<"logsToTraces", CreateFunc<C, pdata.Logs, pdata.Traces>>
  | SignalOption<"logsToMetrics", CreateFunc<C, pdata.Logs, pdata.Metrics>>
  | SignalOption<"logsToLogs", CreateFunc<C, pdata.Logs, pdata.Logs>>
  | ConfigOption<C>;

/**
 * Creates connectors of one type. For each of the nine pairs of stable signals it has a create
 * function and a stability, `"undefined"` when the pair is not supported.
 */
export interface Factory<C = unknown> extends BaseFactory<C> {
  /** Creates a connector from traces to traces; throws `SignalNotSupportedError` if unsupported. */
  createTracesToTraces(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Traces>,
  ): Connector<pdata.Traces>;
  /** Stability of the traces to traces pair; `"undefined"` when not supported. */
  readonly tracesToTracesStability: StabilityLevel;
  /** Creates a connector from traces to metrics; throws `SignalNotSupportedError` if unsupported. */
  createTracesToMetrics(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Metrics>,
  ): Connector<pdata.Traces>;
  /** Stability of the traces to metrics pair; `"undefined"` when not supported. */
  readonly tracesToMetricsStability: StabilityLevel;
  /** Creates a connector from traces to logs; throws `SignalNotSupportedError` if unsupported. */
  createTracesToLogs(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Logs>,
  ): Connector<pdata.Traces>;
  /** Stability of the traces to logs pair; `"undefined"` when not supported. */
  readonly tracesToLogsStability: StabilityLevel;
  /** Creates a connector from metrics to traces; throws `SignalNotSupportedError` if unsupported. */
  createMetricsToTraces(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Traces>,
  ): Connector<pdata.Metrics>;
  /** Stability of the metrics to traces pair; `"undefined"` when not supported. */
  readonly metricsToTracesStability: StabilityLevel;
  /** Creates a connector from metrics to metrics; throws `SignalNotSupportedError` if unsupported. */
  createMetricsToMetrics(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Metrics>,
  ): Connector<pdata.Metrics>;
  /** Stability of the metrics to metrics pair; `"undefined"` when not supported. */
  readonly metricsToMetricsStability: StabilityLevel;
  /** Creates a connector from metrics to logs; throws `SignalNotSupportedError` if unsupported. */
  createMetricsToLogs(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Logs>,
  ): Connector<pdata.Metrics>;
  /** Stability of the metrics to logs pair; `"undefined"` when not supported. */
  readonly metricsToLogsStability: StabilityLevel;
  /** Creates a connector from logs to traces; throws `SignalNotSupportedError` if unsupported. */
  createLogsToTraces(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Traces>,
  ): Connector<pdata.Logs>;
  /** Stability of the logs to traces pair; `"undefined"` when not supported. */
  readonly logsToTracesStability: StabilityLevel;
  /** Creates a connector from logs to metrics; throws `SignalNotSupportedError` if unsupported. */
  createLogsToMetrics(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Metrics>,
  ): Connector<pdata.Logs>;
  /** Stability of the logs to metrics pair; `"undefined"` when not supported. */
  readonly logsToMetricsStability: StabilityLevel;
  /** Creates a connector from logs to logs; throws `SignalNotSupportedError` if unsupported. */
  createLogsToLogs(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Logs>,
  ): Connector<pdata.Logs>;
  /** Stability of the logs to logs pair; `"undefined"` when not supported. */
  readonly logsToLogsStability: StabilityLevel;
}

/** Declares that the connector type connects traces to traces. */
export function withTracesToTraces<C>(
  create: CreateFunc<C, pdata.Traces, pdata.Traces>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("tracesToTraces", create, stability);
}

/** Declares that the connector type connects traces to metrics. */
export function withTracesToMetrics<C>(
  create: CreateFunc<C, pdata.Traces, pdata.Metrics>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("tracesToMetrics", create, stability);
}

/** Declares that the connector type connects traces to logs. */
export function withTracesToLogs<C>(
  create: CreateFunc<C, pdata.Traces, pdata.Logs>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("tracesToLogs", create, stability);
}

/** Declares that the connector type connects metrics to traces. */
export function withMetricsToTraces<C>(
  create: CreateFunc<C, pdata.Metrics, pdata.Traces>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("metricsToTraces", create, stability);
}

/** Declares that the connector type connects metrics to metrics. */
export function withMetricsToMetrics<C>(
  create: CreateFunc<C, pdata.Metrics, pdata.Metrics>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("metricsToMetrics", create, stability);
}

/** Declares that the connector type connects metrics to logs. */
export function withMetricsToLogs<C>(
  create: CreateFunc<C, pdata.Metrics, pdata.Logs>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("metricsToLogs", create, stability);
}

/** Declares that the connector type connects logs to traces. */
export function withLogsToTraces<C>(
  create: CreateFunc<C, pdata.Logs, pdata.Traces>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("logsToTraces", create, stability);
}

/** Declares that the connector type connects logs to metrics. */
export function withLogsToMetrics<C>(
  create: CreateFunc<C, pdata.Logs, pdata.Metrics>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("logsToMetrics", create, stability);
}

/** Declares that the connector type connects logs to logs. */
export function withLogsToLogs<C>(
  create: CreateFunc<C, pdata.Logs, pdata.Logs>,
  stability: StabilityLevel,
): FactoryOption<C> {
  return signalOption("logsToLogs", create, stability);
}

/**
 * Builds a connector factory. Pairs without an option are refused with
 * `SignalNotSupportedError` (its `signal` is `from->to`); options of pairs this package does not
 * know (a twin's) are ignored, so twins can pass their whole option list through.
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
  return newSignalFactory<Factory<C>, C>("connector", type, createDefaultConfig, options, PAIRS);
}

/**
 * The stability of `factory` for the pair `from` to `to`, `"undefined"` when the pair is not
 * supported; how the service asks whether a connector can join two pipelines.
 */
export function pairStability(factory: Factory, from: Signal, to: Signal): StabilityLevel {
  return memberStability(factory, pairKey(from, to));
}

/**
 * Creates the connector of `factory` for the pair `from` to `to` when the pair is only known at
 * run time; throws `SignalNotSupportedError` when the pair is not supported.
 */
export function createPair(
  factory: Factory,
  from: Signal,
  to: Signal,
  settings: Settings,
  config: unknown,
  next: Consumer<unknown>,
): Connector<unknown> {
  const create = memberCreate(factory, pairKey(from, to));
  if (create === undefined) {
    throw new SignalNotSupportedError("connector", factory.type, `${from}->${to}`);
  }
  return create(settings, config, next) as Connector<unknown>;
}
