/**
 * EXPERIMENTAL: profiles support for receiver factories. May change or be removed in a later
 * release.
 *
 * `newFactory` here takes every option of `@denocol/receiver`'s `newFactory` plus
 * `withProfiles`, and builds a stable receiver factory with `createProfiles` and
 * `profilesStability` added; `isProfilesFactory` tells such factories apart.
 *
 * ```ts
 * import assert from "node:assert/strict";
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
 * assert.equal(isProfilesFactory(factory), true);
 * assert.equal(factory.profilesStability, "development");
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

import {
  type Settings,
  type SignalFactory,
  type SignalOption,
  signalOption,
  type StabilityLevel,
  type StableSignalMembers,
} from "@denocol/component";
import { newProfilesSignalFactory, type ProfilesMembers } from "@denocol/component-experimental";
import { SIGNALS } from "@denocol/pdata";
import { type Profiles, profiles, type SignalDataWithProfiles } from "@denocol/pdata-experimental";
import * as receiver from "@denocol/receiver";

/** What each signal including profiles is counted in, from the descriptors. */
const ITEM_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  [...Object.values(SIGNALS), profiles].map((signal) => [signal.name, signal.itemName]),
);

/** What a receiver factory creates for each signal, profiles included. */
export type ProfilesSignatures<C> = receiver.Signatures<C, SignalDataWithProfiles>;

/** The option declaring that a receiver type supports profiles. */
export type ProfilesOption<C> = SignalOption<"profiles", ProfilesSignatures<C>["profiles"]>;

/** Declares that the receiver type supports profiles. */
export function withProfiles<C>(
  create: receiver.CreateFunc<C, Profiles>,
  stability: StabilityLevel,
): ProfilesOption<C> {
  return signalOption("profiles", create, stability);
}

/** A stable receiver factory that can also create profiles receivers. */
export interface ProfilesFactory<C = unknown>
  extends
    SignalFactory<C, ProfilesSignatures<C>>,
    StableSignalMembers<ProfilesSignatures<C>>,
    ProfilesMembers<ProfilesSignatures<C>> {}

/**
 * Builds a receiver factory from the stable options and `withProfiles`.
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
  return newProfilesSignalFactory<C, ProfilesSignatures<C>>(
    "receiver",
    type,
    createDefaultConfig,
    options,
  );
}

/**
 * Whether `factory` was built by this package's `newFactory`, and so has `createProfiles`.
 * Its `profilesStability` says whether it actually supports profiles.
 */
export function isProfilesFactory<C>(
  factory: receiver.Factory<C>,
): factory is ProfilesFactory<C> {
  return "createProfiles" in factory && "profilesStability" in factory;
}

/**
 * A receiver `ObsReport` that also counts profiles, as
 * `otelcol_receiver_accepted_profile_samples` / `otelcol_receiver_refused_profile_samples`.
 */
export function newObsReport(
  settings: Settings,
  transport: string,
): receiver.ObsReport<keyof SignalDataWithProfiles> {
  return new receiver.ObsReport({ settings, transport, itemNames: ITEM_NAMES });
}
