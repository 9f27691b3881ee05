import {
  hasSignalMembers,
  type Settings,
  type SignalOption,
  signalOption,
  type StabilityLevel,
} from "@denocol/component";
import {
  ITEM_NAMES_WITH_PROFILES,
  newProfilesFactory,
  PROFILES,
  type SignalWithProfiles,
} from "@denocol/component-experimental";
import * as exporter from "@denocol/exporter";
import type { Profiles } from "@denocol/pdata-experimental";

/**
 * The option declaring that an exporter type supports profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type ProfilesOption<C> = SignalOption<"profiles", exporter.CreateFunc<C, Profiles>>;

/**
 * Declares that the exporter type supports profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function withProfiles<C>(
  create: exporter.CreateFunc<C, Profiles>,
  stability: StabilityLevel,
): ProfilesOption<C> {
  return signalOption("profiles", create, stability);
}

/**
 * A stable exporter factory that can also create profiles exporters.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export interface ProfilesFactory<C = unknown> extends exporter.Factory<C> {
  /** Creates a profiles exporter; throws `SignalNotSupportedError` if profiles are not supported. */
  createProfiles(settings: Settings, config: C): exporter.Exporter<Profiles>;
  /** Stability for profiles; `"undefined"` when not supported. */
  readonly profilesStability: StabilityLevel;
}

/**
 * Builds an exporter factory from the stable options and `withProfiles`.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
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
  return newProfilesFactory<ProfilesFactory<C>, exporter.FactoryOption<C>>(
    "exporter",
    type,
    options,
    (stable) => exporter.newFactory(type, createDefaultConfig, ...stable),
  );
}

/**
 * Whether `factory` was built by this package's `newFactory`, and so has `createProfiles`.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function isProfilesFactory<C>(
  factory: exporter.Factory<C>,
): factory is ProfilesFactory<C> {
  return hasSignalMembers(factory, PROFILES);
}

/**
 * An exporter `ObsReport` that also counts profiles, as `otelcol_exporter_sent_profile_samples`
 * and its failure counters.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function newObsReport(settings: Settings): exporter.ObsReport<SignalWithProfiles> {
  return new exporter.ObsReport({ settings, itemNames: ITEM_NAMES_WITH_PROFILES });
}
