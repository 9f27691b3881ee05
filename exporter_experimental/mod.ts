/**
 * EXPERIMENTAL: profiles support for exporter factories. May change or be removed in a later
 * release.
 *
 * `newFactory` here takes every option of `@denocol/exporter`'s `newFactory` plus
 * `withProfiles`, and builds a stable exporter factory with `createProfiles` and
 * `profilesStability` added; `isProfilesFactory` tells such factories apart.
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import type { Profiles } from "@denocol/pdata-experimental";
 * import { newFactory, withProfiles } from "@denocol/exporter-experimental";
 *
 * export const factory = newFactory(
 *   "drop",
 *   () => ({}),
 *   withProfiles(() => ({ ...newComponent(), ...newConsumer<Profiles>(() => {}) }), "development"),
 * );
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

export {
  type CreateForSignal,
  isProfilesFactory,
  newFactory,
  newObsReport,
  type ProfilesFactory,
  type ProfilesOption,
  type ProfilesSignatures,
  type SignalNameWithProfiles,
  type SignalStability,
  withProfiles,
  withSignals,
} from "./factory.ts";
