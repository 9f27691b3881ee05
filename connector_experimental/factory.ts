import {
  collectSignalOptions,
  hasSignalMembers,
  memberCreate,
  memberStability,
  type Settings,
  signalMembers,
  SignalNotSupportedError,
  type SignalOption,
  signalOption,
  type StabilityLevel,
} from "@denocol/component";
import { PROFILES, type SignalWithProfiles } from "@denocol/component-experimental";
import * as connector from "@denocol/connector";
import type { Consumer } from "@denocol/consumer";
import type * as pdata from "@denocol/pdata";
import type { Profiles } from "@denocol/pdata-experimental";

/**
 * An option declaring one signal pair that involves profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type ProfilesPairOption<C> =
  | SignalOption<"tracesToProfiles", connector.CreateFunc<C, pdata.Traces, Profiles>>
  | SignalOption<"metricsToProfiles", connector.CreateFunc<C, pdata.Metrics, Profiles>>
  | SignalOption<"logsToProfiles", connector.CreateFunc<C, pdata.Logs, Profiles>>
  | SignalOption<"profilesToTraces", connector.CreateFunc<C, Profiles, pdata.Traces>>
  | SignalOption<"profilesToMetrics", connector.CreateFunc<C, Profiles, pdata.Metrics>>
  | SignalOption<"profilesToLogs", connector.CreateFunc<C, Profiles, pdata.Logs>>
  | SignalOption<"profilesToProfiles", connector.CreateFunc<C, Profiles, Profiles>>;

/**
 * A stable connector factory that also has the seven pairs involving profiles, each with a create
 * function and a stability (`"undefined"` when not supported).
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export interface ProfilesFactory<C = unknown> extends connector.Factory<C> {
  /** Creates a connector from traces to profiles; throws `SignalNotSupportedError` if unsupported. */
  createTracesToProfiles(
    settings: Settings,
    config: C,
    next: Consumer<Profiles>,
  ): connector.Connector<pdata.Traces>;
  /** Stability of the traces to profiles pair; `"undefined"` when not supported. */
  readonly tracesToProfilesStability: StabilityLevel;
  /** Creates a connector from metrics to profiles; throws `SignalNotSupportedError` if unsupported. */
  createMetricsToProfiles(
    settings: Settings,
    config: C,
    next: Consumer<Profiles>,
  ): connector.Connector<pdata.Metrics>;
  /** Stability of the metrics to profiles pair; `"undefined"` when not supported. */
  readonly metricsToProfilesStability: StabilityLevel;
  /** Creates a connector from logs to profiles; throws `SignalNotSupportedError` if unsupported. */
  createLogsToProfiles(
    settings: Settings,
    config: C,
    next: Consumer<Profiles>,
  ): connector.Connector<pdata.Logs>;
  /** Stability of the logs to profiles pair; `"undefined"` when not supported. */
  readonly logsToProfilesStability: StabilityLevel;
  /** Creates a connector from profiles to traces; throws `SignalNotSupportedError` if unsupported. */
  createProfilesToTraces(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Traces>,
  ): connector.Connector<Profiles>;
  /** Stability of the profiles to traces pair; `"undefined"` when not supported. */
  readonly profilesToTracesStability: StabilityLevel;
  /** Creates a connector from profiles to metrics; throws `SignalNotSupportedError` if unsupported. */
  createProfilesToMetrics(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Metrics>,
  ): connector.Connector<Profiles>;
  /** Stability of the profiles to metrics pair; `"undefined"` when not supported. */
  readonly profilesToMetricsStability: StabilityLevel;
  /** Creates a connector from profiles to logs; throws `SignalNotSupportedError` if unsupported. */
  createProfilesToLogs(
    settings: Settings,
    config: C,
    next: Consumer<pdata.Logs>,
  ): connector.Connector<Profiles>;
  /** Stability of the profiles to logs pair; `"undefined"` when not supported. */
  readonly profilesToLogsStability: StabilityLevel;
  /** Creates a connector from profiles to profiles; throws `SignalNotSupportedError` if unsupported. */
  createProfilesToProfiles(
    settings: Settings,
    config: C,
    next: Consumer<Profiles>,
  ): connector.Connector<Profiles>;
  /** Stability of the profiles to profiles pair; `"undefined"` when not supported. */
  readonly profilesToProfilesStability: StabilityLevel;
}

/**
 * Declares that the connector type connects traces to profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function withTracesToProfiles<C>(
  create: connector.CreateFunc<C, pdata.Traces, Profiles>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return signalOption("tracesToProfiles", create, stability);
}

/**
 * Declares that the connector type connects metrics to profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function withMetricsToProfiles<C>(
  create: connector.CreateFunc<C, pdata.Metrics, Profiles>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return signalOption("metricsToProfiles", create, stability);
}

/**
 * Declares that the connector type connects logs to profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function withLogsToProfiles<C>(
  create: connector.CreateFunc<C, pdata.Logs, Profiles>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return signalOption("logsToProfiles", create, stability);
}

/**
 * Declares that the connector type connects profiles to traces.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function withProfilesToTraces<C>(
  create: connector.CreateFunc<C, Profiles, pdata.Traces>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return signalOption("profilesToTraces", create, stability);
}

/**
 * Declares that the connector type connects profiles to metrics.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function withProfilesToMetrics<C>(
  create: connector.CreateFunc<C, Profiles, pdata.Metrics>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return signalOption("profilesToMetrics", create, stability);
}

/**
 * Declares that the connector type connects profiles to logs.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function withProfilesToLogs<C>(
  create: connector.CreateFunc<C, Profiles, pdata.Logs>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return signalOption("profilesToLogs", create, stability);
}

/**
 * Declares that the connector type connects profiles to profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function withProfilesToProfiles<C>(
  create: connector.CreateFunc<C, Profiles, Profiles>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return signalOption("profilesToProfiles", create, stability);
}

/**
 * Builds a connector factory from the stable options and the profiles pair options.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @param type The component type.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options Stable options (`withTracesToMetrics`, `withValidateConfig`, …) and the
 *   profiles pair options (`withTracesToProfiles`, …).
 */
export function newFactory<C>(
  type: string,
  createDefaultConfig: () => C,
  ...options: Array<connector.FactoryOption<C> | ProfilesPairOption<C>>
): ProfilesFactory<C> {
  const involvesProfiles = (
    o: connector.FactoryOption<C> | ProfilesPairOption<C>,
  ): o is ProfilesPairOption<C> => o.option === "signal" && PROFILE_PAIR_KEYS.has(o.signal);
  const stable = connector.newFactory(
    type,
    createDefaultConfig,
    ...options.filter((o): o is connector.FactoryOption<C> => !involvesProfiles(o)),
  );
  const pairs = collectSignalOptions("connector", type, options.filter(involvesProfiles));
  return {
    ...stable,
    ...signalMembers("connector", type, pairs, PROFILE_PAIRS),
  } as unknown as ProfilesFactory<C>;
}

/**
 * The seven signal pairs that involve profiles, in a fixed order.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export const PROFILE_PAIRS: ReadonlyArray<readonly [SignalWithProfiles, SignalWithProfiles]> = [
  ["traces", "profiles"],
  ["metrics", "profiles"],
  ["logs", "profiles"],
  ["profiles", "traces"],
  ["profiles", "metrics"],
  ["profiles", "logs"],
  ["profiles", "profiles"],
];

const PROFILE_PAIR_KEYS: ReadonlySet<string> = new Set(
  PROFILE_PAIRS.map(([from, to]) => connector.pairKey(from, to)),
);

/**
 * Whether `factory` was built by this package's `newFactory`, and so has the profiles pairs.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function isProfilesFactory<C>(
  factory: connector.Factory<C>,
): factory is ProfilesFactory<C> {
  return hasSignalMembers(factory, connector.pairKey(PROFILES, PROFILES));
}

/**
 * The stability of `factory` for any pair of signals including profiles; `"undefined"` when not
 * supported, including every profiles pair of a stable-only factory.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function pairStability(
  factory: connector.Factory,
  from: SignalWithProfiles,
  to: SignalWithProfiles,
): StabilityLevel {
  if (from !== PROFILES && to !== PROFILES) return connector.pairStability(factory, from, to);
  return isProfilesFactory(factory)
    ? memberStability(factory, connector.pairKey(from, to))
    : "undefined";
}

/**
 * Creates the connector of `factory` for any pair of signals including profiles; throws
 * `SignalNotSupportedError` when the pair is not supported.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function createPair(
  factory: connector.Factory,
  from: SignalWithProfiles,
  to: SignalWithProfiles,
  settings: Settings,
  config: unknown,
  next: Consumer<unknown>,
): connector.Connector<unknown> {
  if (from !== PROFILES && to !== PROFILES) {
    return connector.createPair(factory, from, to, settings, config, next);
  }
  const create = isProfilesFactory(factory)
    ? memberCreate(factory, connector.pairKey(from, to))
    : undefined;
  if (create === undefined) {
    throw new SignalNotSupportedError("connector", factory.type, `${from}->${to}`);
  }
  return create(settings, config, next) as connector.Connector<unknown>;
}
