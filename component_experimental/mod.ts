/**
 * EXPERIMENTAL: the profiles signal for the component model. May change or be removed in a later
 * release.
 *
 * ```ts
 * import { isSignalWithProfiles, PROFILES } from "@denocol/component-experimental";
 *
 * console.log(isSignalWithProfiles(PROFILES)); // true
 * ```
 *
 * @module
 */

import {
  type BaseFactory,
  collectSignalOptions,
  ITEM_NAMES,
  type Kind,
  type Signal,
  signalMembers,
  type SignalOption,
  SIGNALS,
} from "@denocol/component";

/** The experimental profiles signal. */
export const PROFILES = "profiles";

/** The profiles signal as a type. */
export type ProfilesSignal = typeof PROFILES;

/** A stable signal or profiles. */
export type SignalWithProfiles = Signal | ProfilesSignal;

/** Every signal including profiles, the stable ones first. */
export const SIGNALS_WITH_PROFILES: readonly SignalWithProfiles[] = [...SIGNALS, PROFILES];

/** Whether `value` names a stable signal or profiles. */
export function isSignalWithProfiles(value: string): value is SignalWithProfiles {
  return (SIGNALS_WITH_PROFILES as readonly string[]).includes(value);
}

/**
 * What each signal including profiles is counted in, for internal metric names such as
 * `otelcol_receiver_accepted_profile_samples`.
 */
export const ITEM_NAMES_WITH_PROFILES: Readonly<Record<SignalWithProfiles, string>> = {
  ...ITEM_NAMES,
  profiles: "profile_samples",
};

/**
 * Builds a factory of any kind with the profiles signal added. The options that are not
 * profiles go to `newStable`, which builds the stable factory (and checks them); the
 * `"profiles"` option, at most one, then gives the factory `createProfiles` and
 * `profilesStability` as `signalMembers` of `@denocol/component` makes them.
 *
 * `F` is the twin's `ProfilesFactory` interface: the stable factory plus a `createProfiles`
 * taking the arguments the profiles option's create function takes; that is not checked.
 *
 * @param kind Kind of the factory, for errors.
 * @param type The component type, for errors.
 * @param options The stable options and the profiles option, in any order.
 * @param newStable Builds the stable factory from the stable options.
 * @throws {TypeError} when profiles is given twice or with a stability that is not a level
 *   (`"undefined"` included), after whatever `newStable` throws.
 */
export function newProfilesFactory<F extends BaseFactory<unknown>, O extends object>(
  kind: Kind,
  type: string,
  options: ReadonlyArray<O | SignalOption<ProfilesSignal, unknown>>,
  newStable: (stableOptions: O[]) => BaseFactory<unknown>,
): F {
  const isProfiles = (o: object): o is SignalOption<ProfilesSignal, unknown> =>
    (o as { option?: unknown }).option === "signal" &&
    (o as { signal?: unknown }).signal === PROFILES;
  const profileOptions = options.filter(isProfiles);
  const stable = newStable(options.filter((o): o is O => !isProfiles(o)));
  // The same checks (twice configured, a real stability level) as every stable signal gets.
  const bySignal = collectSignalOptions(kind, type, profileOptions);
  return { ...stable, ...signalMembers(kind, type, bySignal, [PROFILES]) } as unknown as F;
}
