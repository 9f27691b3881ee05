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

import { ITEM_NAMES, type Signal, SIGNALS } from "@denocol/component";

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
