import {
  type Settings,
  type SignalFactory,
  type SignalOption,
  signalOption,
  type StabilityLevel,
  type StableSignalMembers,
} from "@denocol/component";
import { newProfilesSignalFactory, type ProfilesMembers } from "@denocol/component-experimental";
import * as exporter from "@denocol/exporter";
import { SIGNALS } from "@denocol/pdata";
import { type Profiles, profiles, type SignalDataWithProfiles } from "@denocol/pdata-experimental";

/** What an exporter factory creates for each signal, profiles included. */
export type ProfilesSignatures<C> = exporter.Signatures<C, SignalDataWithProfiles>;

/** The option declaring that an exporter type supports profiles. */
export type ProfilesOption<C> = SignalOption<"profiles", ProfilesSignatures<C>["profiles"]>;

/** Declares that the exporter type supports profiles. */
export function withProfiles<C>(
  create: exporter.CreateFunc<C, Profiles>,
  stability: StabilityLevel,
): ProfilesOption<C> {
  return signalOption("profiles", create, stability);
}

/** A stable exporter factory that can also create profiles exporters. */
export interface ProfilesFactory<C = unknown>
  extends
    SignalFactory<C, ProfilesSignatures<C>>,
    StableSignalMembers<ProfilesSignatures<C>>,
    ProfilesMembers<ProfilesSignatures<C>> {}

/**
 * Builds an exporter factory from the stable options and `withProfiles`.
 *
 * @param type The component type.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options Stable options (`withTraces`, `withValidateConfig`, …) and `withProfiles`.
 */
export function newFactory<C>(
  type: string,
  createDefaultConfig: () => C,
  ...options: Array<exporter.FactoryOption<C> | ProfilesOption<C>>
): ProfilesFactory<C> {
  return newProfilesSignalFactory<C, ProfilesSignatures<C>>(
    "exporter",
    type,
    createDefaultConfig,
    options,
  );
}

/** Whether `factory` was built by this package's `newFactory`, and so has `createProfiles`. */
export function isProfilesFactory<C>(
  factory: exporter.Factory<C>,
): factory is ProfilesFactory<C> {
  return "createProfiles" in factory && "profilesStability" in factory;
}

/** What each signal including profiles is counted in, from the descriptors. */
const ITEM_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  [...Object.values(SIGNALS), profiles].map((signal) => [signal.name, signal.itemName]),
);

/**
 * An exporter `ObsReport` that also counts profiles, as `otelcol_exporter_sent_profile_samples`
 * and its failure counters.
 */
export function newObsReport(
  settings: Settings,
): exporter.ObsReport<keyof SignalDataWithProfiles> {
  return new exporter.ObsReport({ settings, itemNames: ITEM_NAMES });
}
