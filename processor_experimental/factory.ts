import {
  type SignalFactory,
  type SignalOption,
  signalOption,
  type StabilityLevel,
  type StableSignalMembers,
} from "@denocol/component";
import { newProfilesSignalFactory, type ProfilesMembers } from "@denocol/component-experimental";
import type { Consumer } from "@denocol/consumer";
import type { Profiles, SignalDataWithProfiles } from "@denocol/pdata-experimental";
import * as processor from "@denocol/processor";

/** What a processor factory creates for each signal, profiles included. */
export type ProfilesSignatures<C> = processor.Signatures<C, SignalDataWithProfiles>;

/** The option declaring that a processor type supports profiles. */
export type ProfilesOption<C> = SignalOption<"profiles", ProfilesSignatures<C>["profiles"]>;

/** Declares that the processor type supports profiles. */
export function withProfiles<C>(
  create: processor.CreateFunc<C, Profiles>,
  stability: StabilityLevel,
): ProfilesOption<C> {
  return signalOption("profiles", create, stability);
}

/** A stable processor factory that can also create profiles processors. */
export interface ProfilesFactory<C = unknown>
  extends
    SignalFactory<C, ProfilesSignatures<C>>,
    StableSignalMembers<ProfilesSignatures<C>>,
    ProfilesMembers<ProfilesSignatures<C>> {}

/**
 * Builds a processor factory from the stable options and `withProfiles`.
 *
 * @param type The component type.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options Stable options (`withTraces`, `withValidateConfig`, …) and `withProfiles`.
 */
export function newFactory<C>(
  type: string,
  createDefaultConfig: () => C,
  ...options: Array<processor.FactoryOption<C> | ProfilesOption<C>>
): ProfilesFactory<C> {
  return newProfilesSignalFactory<C, ProfilesSignatures<C>>(
    "processor",
    type,
    createDefaultConfig,
    options,
  );
}

/** Whether `factory` was built by this package's `newFactory`, and so has `createProfiles`. */
export function isProfilesFactory<C>(
  factory: processor.Factory<C>,
): factory is ProfilesFactory<C> {
  return "createProfiles" in factory && "profilesStability" in factory;
}

/** `newProcessor` of `@denocol/processor` for profiles. */
export function newProfilesProcessor(
  next: Consumer<Profiles>,
  process: processor.ProcessFunc<Profiles>,
  options?: processor.ProcessorOptions,
): processor.Processor<Profiles> {
  return processor.newProcessor(next, process, options);
}
