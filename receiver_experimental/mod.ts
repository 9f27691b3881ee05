/**
 * EXPERIMENTAL: profiles support for receiver factories. May change or be removed in a later
 * release.
 *
 * `newFactory` here takes every option of `@denocol/receiver`'s `newFactory` plus
 * `withProfiles`, and builds a stable receiver factory with `createProfiles` and
 * `profilesStability` added; `isProfilesFactory` tells such factories apart.
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { withTraces } from "@denocol/receiver";
 * import { isProfilesFactory, newFactory, withProfiles } from "@denocol/receiver-experimental";
 *
 * const factory = newFactory(
 *   "both",
 *   () => ({}),
 *   withTraces(() => newComponent(), "beta"),
 *   withProfiles(() => newComponent(), "development"),
 * );
 * console.log(isProfilesFactory(factory), factory.profilesStability); // true "development"
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

import {
  type Component,
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
import type { Consumer } from "@denocol/consumer";
import type { Profiles } from "@denocol/pdata-experimental";
import * as receiver from "@denocol/receiver";

/**
 * The option declaring that a receiver type supports profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type ProfilesOption<C> = SignalOption<"profiles", receiver.CreateFunc<C, Profiles>>;

/**
 * Declares that the receiver type supports profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function withProfiles<C>(
  create: receiver.CreateFunc<C, Profiles>,
  stability: StabilityLevel,
): ProfilesOption<C> {
  return signalOption("profiles", create, stability);
}

/**
 * A stable receiver factory that can also create profiles receivers.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export interface ProfilesFactory<C = unknown> extends receiver.Factory<C> {
  /** Creates a profiles receiver; throws `SignalNotSupportedError` if profiles are not supported. */
  createProfiles(settings: Settings, config: C, next: Consumer<Profiles>): Component;
  /** Stability for profiles; `"undefined"` when not supported. */
  readonly profilesStability: StabilityLevel;
}

/**
 * Builds a receiver factory from the stable options and `withProfiles`.
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
  ...options: Array<receiver.FactoryOption<C> | ProfilesOption<C>>
): ProfilesFactory<C> {
  return newProfilesFactory<ProfilesFactory<C>, receiver.FactoryOption<C>>(
    "receiver",
    type,
    options,
    (stable) => receiver.newFactory(type, createDefaultConfig, ...stable),
  );
}

/**
 * Whether `factory` was built by this package's `newFactory`, and so has `createProfiles`.
 * Its `profilesStability` says whether it actually supports profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function isProfilesFactory<C>(
  factory: receiver.Factory<C>,
): factory is ProfilesFactory<C> {
  return hasSignalMembers(factory, PROFILES);
}

/**
 * A receiver `ObsReport` that also counts profiles, as
 * `otelcol_receiver_accepted_profile_samples` / `otelcol_receiver_refused_profile_samples`.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function newObsReport(
  settings: Settings,
  transport: string,
): receiver.ObsReport<SignalWithProfiles> {
  return new receiver.ObsReport({ settings, transport, itemNames: ITEM_NAMES_WITH_PROFILES });
}
