/**
 * EXPERIMENTAL: the profiles signal for the component model: the Go-style `createProfiles` and
 * `profilesStability` members the receiver, processor and exporter twins give their factories,
 * and {@linkcode newProfilesSignalFactory}, which builds such a factory.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { newComponent, newSignalFactory, type Signature, signalOption } from "@denocol/component";
 * import { profilesMembers } from "@denocol/component-experimental";
 *
 * type Signatures = { profiles: Signature<[], ReturnType<typeof newComponent>> };
 * const core = newSignalFactory<unknown, Signatures>("receiver", "pprof", () => ({}), [
 *   signalOption("profiles", () => newComponent(), "development"),
 * ]);
 * const factory = { ...core, ...profilesMembers(core) };
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
  type ConfigOption,
  type Kind,
  newStableSignalFactory,
  type Signal,
  type SignalFactory,
  type SignalOptionOf,
  type Signature,
  type SignatureFunc,
  type SignatureMap,
  type StabilityLevel,
  type StableSignalMembers,
} from "@denocol/component";

/** The Go-style profiles members of a factory: `createProfiles` and `profilesStability`. */
export interface ProfilesMembers<M extends { readonly profiles: Signature }> {
  /** Creates the profiles component; throws `SignalNotSupportedError` if not supported. */
  readonly createProfiles: SignatureFunc<M["profiles"]>;
  /** Stability for profiles; `"undefined"` when not supported. */
  readonly profilesStability: StabilityLevel;
}

/**
 * The {@linkcode ProfilesMembers} of a factory, calling its `create` and `stability`.
 *
 * @param factory The factory's `SignalFactory` members.
 */
export function profilesMembers<M extends { readonly profiles: Signature }>(
  factory: Pick<SignalFactory<unknown, M>, "create" | "stability">,
): ProfilesMembers<M> {
  return {
    createProfiles: (...args) => factory.create("profiles", ...args),
    profilesStability: factory.stability("profiles"),
  };
}

/**
 * Builds a factory of a kind whose signals include the stable ones and profiles:
 * `newStableSignalFactory` of `@denocol/component` with the {@linkcode ProfilesMembers} added.
 * Each twin's `newFactory` is this with its signatures.
 *
 * @param kind Kind of the factory, for errors.
 * @param type The component type.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options Signal and config options, profiles included.
 * @throws {TypeError} on an invalid type, a repeated signal or a bad stability.
 */
export function newProfilesSignalFactory<
  C,
  M extends SignatureMap & Record<Signal | "profiles", Signature>,
>(
  kind: Kind,
  type: string,
  createDefaultConfig: () => C,
  options: ReadonlyArray<ConfigOption<C> | SignalOptionOf<M>>,
): SignalFactory<C, M> & StableSignalMembers<M> & ProfilesMembers<M> {
  const factory = newStableSignalFactory<C, M>(kind, type, createDefaultConfig, options);
  return { ...factory, ...profilesMembers<M>(factory) };
}
