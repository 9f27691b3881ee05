import {
  hasSignalMembers,
  type Settings,
  type SignalOption,
  signalOption,
  type StabilityLevel,
} from "@denocol/component";
import { newProfilesFactory, PROFILES } from "@denocol/component-experimental";
import type { Consumer } from "@denocol/consumer";
import type { Profiles } from "@denocol/pdata-experimental";
import * as processor from "@denocol/processor";

/**
 * The option declaring that a processor type supports profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export type ProfilesOption<C> = SignalOption<"profiles", processor.CreateFunc<C, Profiles>>;

/**
 * Declares that the processor type supports profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function withProfiles<C>(
  create: processor.CreateFunc<C, Profiles>,
  stability: StabilityLevel,
): ProfilesOption<C> {
  return signalOption("profiles", create, stability);
}

/**
 * A stable processor factory that can also create profiles processors.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export interface ProfilesFactory<C = unknown> extends processor.Factory<C> {
  /** Creates a profiles processor; throws `SignalNotSupportedError` if profiles are not supported. */
  createProfiles(
    settings: Settings,
    config: C,
    next: Consumer<Profiles>,
  ): processor.Processor<Profiles>;
  /** Stability for profiles; `"undefined"` when not supported. */
  readonly profilesStability: StabilityLevel;
}

/**
 * Builds a processor factory from the stable options and `withProfiles`.
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
  ...options: Array<processor.FactoryOption<C> | ProfilesOption<C>>
): ProfilesFactory<C> {
  return newProfilesFactory<ProfilesFactory<C>, processor.FactoryOption<C>>(
    "processor",
    type,
    options,
    (stable) => processor.newFactory(type, createDefaultConfig, ...stable),
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
  factory: processor.Factory<C>,
): factory is ProfilesFactory<C> {
  return hasSignalMembers(factory, PROFILES);
}

/**
 * `newProcessor` of `@denocol/processor` for profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function newProfilesProcessor(
  next: Consumer<Profiles>,
  process: processor.ProcessFunc<Profiles>,
  options?: processor.ProcessorOptions,
): processor.Processor<Profiles> {
  return processor.newProcessor(next, process, options);
}
