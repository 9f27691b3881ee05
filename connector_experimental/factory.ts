import type { Signal, Signature, StabilityLevel } from "@denocol/component";
import * as connector from "@denocol/connector";
import {
  newPairFactory,
  type PairFactory,
  type PairMembers,
  type PairOption,
  pairOption,
} from "@denocol/connector";
import type * as pdata from "@denocol/pdata";
import type { Profiles, SignalDataWithProfiles } from "@denocol/pdata-experimental";

/** What a connector factory creates for each pair of signals, profiles included. */
export type ProfilesSignatures<C> = connector.Signatures<C, SignalDataWithProfiles>;

/** An option declaring one signal pair that involves profiles. */
export type ProfilesPairOption<C> =
  | { [F in Signal]: PairOption<F, "profiles", ProfilesSignatures<C>[F]["profiles"]> }[Signal]
  | {
    [T in Signal | "profiles"]: PairOption<"profiles", T, ProfilesSignatures<C>["profiles"][T]>;
  }[Signal | "profiles"];

/**
 * A stable connector factory that also has the seven pairs involving profiles, each with a create
 * member and a stability (`"undefined"` when not supported).
 */
export interface ProfilesFactory<C = unknown>
  extends
    PairFactory<C, ProfilesSignatures<C>>,
    PairMembers<ProfilesSignatures<C>, Signal, Signal>,
    PairMembers<ProfilesSignatures<C>, Signal, "profiles">,
    PairMembers<ProfilesSignatures<C>, "profiles", Signal | "profiles"> {}

/** Declares that the connector type connects traces to profiles. */
export function withTracesToProfiles<C>(
  create: connector.CreateFunc<C, pdata.Traces, Profiles>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return pairOption("traces", "profiles", create, stability);
}

/** Declares that the connector type connects metrics to profiles. */
export function withMetricsToProfiles<C>(
  create: connector.CreateFunc<C, pdata.Metrics, Profiles>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return pairOption("metrics", "profiles", create, stability);
}

/** Declares that the connector type connects logs to profiles. */
export function withLogsToProfiles<C>(
  create: connector.CreateFunc<C, pdata.Logs, Profiles>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return pairOption("logs", "profiles", create, stability);
}

/** Declares that the connector type connects profiles to traces. */
export function withProfilesToTraces<C>(
  create: connector.CreateFunc<C, Profiles, pdata.Traces>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return pairOption("profiles", "traces", create, stability);
}

/** Declares that the connector type connects profiles to metrics. */
export function withProfilesToMetrics<C>(
  create: connector.CreateFunc<C, Profiles, pdata.Metrics>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return pairOption("profiles", "metrics", create, stability);
}

/** Declares that the connector type connects profiles to logs. */
export function withProfilesToLogs<C>(
  create: connector.CreateFunc<C, Profiles, pdata.Logs>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return pairOption("profiles", "logs", create, stability);
}

/** Declares that the connector type connects profiles to profiles. */
export function withProfilesToProfiles<C>(
  create: connector.CreateFunc<C, Profiles, Profiles>,
  stability: StabilityLevel,
): ProfilesPairOption<C> {
  return pairOption("profiles", "profiles", create, stability);
}

/**
 * Builds a connector factory from the stable options and the profiles pair options.
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
  const factory = newPairFactory<C, ProfilesSignatures<C>>(type, createDefaultConfig, options);
  return {
    ...factory,
    ...connector.stablePairMembers<ProfilesSignatures<C>>(factory),
    ...profilesPairMembers<ProfilesSignatures<C>>(factory),
  };
}

/** The signals of `@denocol/pdata` and profiles, as pair members name them. */
type WithProfiles = Signal | "profiles";

/**
 * The Go-style members of the seven pairs involving profiles, each calling the factory's
 * `create` or `stability`.
 */
function profilesPairMembers<
  M extends { readonly [F in WithProfiles]: { readonly [T in WithProfiles]: Signature } },
>(
  factory: Pick<PairFactory<unknown, M>, "create" | "stability">,
): PairMembers<M, Signal, "profiles"> & PairMembers<M, "profiles", WithProfiles> {
  return {
    createTracesToProfiles: (...args) => factory.create("traces", "profiles", ...args),
    tracesToProfilesStability: factory.stability("traces", "profiles"),
    createMetricsToProfiles: (...args) => factory.create("metrics", "profiles", ...args),
    metricsToProfilesStability: factory.stability("metrics", "profiles"),
    createLogsToProfiles: (...args) => factory.create("logs", "profiles", ...args),
    logsToProfilesStability: factory.stability("logs", "profiles"),
    createProfilesToTraces: (...args) => factory.create("profiles", "traces", ...args),
    profilesToTracesStability: factory.stability("profiles", "traces"),
    createProfilesToMetrics: (...args) => factory.create("profiles", "metrics", ...args),
    profilesToMetricsStability: factory.stability("profiles", "metrics"),
    createProfilesToLogs: (...args) => factory.create("profiles", "logs", ...args),
    profilesToLogsStability: factory.stability("profiles", "logs"),
    createProfilesToProfiles: (...args) => factory.create("profiles", "profiles", ...args),
    profilesToProfilesStability: factory.stability("profiles", "profiles"),
  };
}

/** Whether `factory` was built by this package's `newFactory`, and so has the profiles pairs. */
export function isProfilesFactory<C>(
  factory: connector.Factory<C>,
): factory is ProfilesFactory<C> {
  return "createProfilesToProfiles" in factory && "profilesToProfilesStability" in factory;
}
