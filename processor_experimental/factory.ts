import {
  type Settings,
  SignalNotSupportedError,
  type SignalOption,
  signalOption,
  type StabilityLevel,
} from "@denocol/component";
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
  const isProfiles = (o: processor.FactoryOption<C> | ProfilesOption<C>): o is ProfilesOption<C> =>
    o.option === "signal" && o.signal === "profiles";
  const profileOptions = options.filter(isProfiles);
  const stable = processor.newFactory(
    type,
    createDefaultConfig,
    ...options.filter((o): o is processor.FactoryOption<C> => !isProfiles(o)),
  );
  if (profileOptions.length > 1) {
    throw new TypeError(`processor factory "${type}": profiles is configured twice`);
  }
  const [profilesOption] = profileOptions;
  if (profilesOption !== undefined && profilesOption.stability === "undefined") {
    throw new TypeError(`processor factory "${type}": profiles has stability "undefined"`);
  }
  return {
    ...stable,
    createProfiles(
      settings: Settings,
      config: C,
      next: Consumer<Profiles>,
    ): processor.Processor<Profiles> {
      if (profilesOption === undefined) {
        throw new SignalNotSupportedError("processor", type, "profiles");
      }
      return profilesOption.create(settings, config, next);
    },
    profilesStability: profilesOption?.stability ?? "undefined",
  };
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
  const candidate = factory as Partial<ProfilesFactory<C>>;
  return typeof candidate.createProfiles === "function" &&
    typeof candidate.profilesStability === "string";
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
