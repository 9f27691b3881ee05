import {
  type Settings,
  type SignalFactory,
  type SignalOption,
  signalOption,
  type SignalOptionOf,
  type StabilityLevel,
  type StableSignalMembers,
} from "@denocol/component";
import { newProfilesSignalFactory, type ProfilesMembers } from "@denocol/component-experimental";
import * as exporter from "@denocol/exporter";
import { type SignalDescriptor, SIGNALS } from "@denocol/pdata";
import { type Profiles, profiles, type SignalDataWithProfiles } from "@denocol/pdata-experimental";

/** What an exporter factory creates for each signal, profiles included. */
export type ProfilesSignatures<C> = exporter.Signatures<C, SignalDataWithProfiles>;

/** The option declaring that an exporter type supports profiles. */
export type ProfilesOption<C> = SignalOption<"profiles", ProfilesSignatures<C>["profiles"]>;

/** Declares that the exporter type supports profiles. */
export function withProfiles<C>(
  create: exporter.CreateFunc<C, Profiles>,
  stability: StabilityLevel,
): ProfilesOption<C> {
  return signalOption("profiles", create, stability);
}

/** The name of a signal an exporter factory may support: a stable signal or `profiles`. */
export type SignalNameWithProfiles = keyof SignalDataWithProfiles;

/**
 * Creates an exporter for whichever signal `signal` describes, as an exporter that handles
 * every signal alike does (the OTLP exporters: only the descriptor's paths and codecs differ).
 */
export type CreateForSignal<C> = <T>(
  settings: Settings,
  config: C,
  signal: SignalDescriptor<T>,
) => exporter.Exporter<T>;

type OptionFor<C, N extends SignalNameWithProfiles> = SignalOptionOf<ProfilesSignatures<C>, N>;

function optionFor<C, N extends SignalNameWithProfiles>(
  signal: SignalDescriptor<SignalDataWithProfiles[N], N>,
  create: CreateForSignal<C>,
  stability: StabilityLevel,
): OptionFor<C, N> {
  const createSignal = (settings: Settings, config: C) => create(settings, config, signal);
  return signalOption(signal.name, createSignal, stability);
}

/**
 * How mature a component is for each signal it supports, by level, as a Go component's
 * `metadata.yaml` lists it: `{ stable: ["traces", "logs"], development: ["profiles"] }`.
 */
export type SignalStability = {
  readonly [L in StabilityLevel]?: readonly SignalNameWithProfiles[];
};

/**
 * The signal options of an exporter that handles every signal alike: one for each signal that
 * `stability` lists, creating its exporter with `create` and the signal's descriptor.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { newComponent, type Settings } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import type { Exporter } from "@denocol/exporter";
 * import { newFactory, withSignals } from "@denocol/exporter-experimental";
 * import { type SignalDescriptor, traces } from "@denocol/pdata";
 * import { nopSettings } from "@denocol/component/componenttest";
 *
 * const counted: string[] = [];
 * function createCounter<T>(_: Settings, __: unknown, signal: SignalDescriptor<T>): Exporter<T> {
 *   const count = (data: T) => void counted.push(`${signal.count(data)} ${signal.itemName}`);
 *   return { ...newComponent(), ...newConsumer(count) };
 * }
 * const factory = newFactory(
 *   "count",
 *   () => ({}),
 *   ...withSignals(createCounter, { alpha: ["traces"], development: ["profiles"] }),
 * );
 * assert.equal(factory.tracesStability, "alpha");
 * assert.equal(factory.logsStability, "undefined");
 * assert.equal(factory.profilesStability, "development");
 * await factory.createTraces(nopSettings("exporter", "count"), {}).consume(traces.empty());
 * assert.deepEqual(counted, ["0 spans"]);
 * ```
 *
 * @param create Creates the exporter of one signal from its descriptor.
 * @param stability The signals supported, by how mature the exporter is for them.
 */
export function withSignals<C>(
  create: CreateForSignal<C>,
  stability: SignalStability,
): SignalOptionOf<ProfilesSignatures<C>>[] {
  const levels = new Map<string, StabilityLevel>();
  for (const [level, names] of Object.entries(stability) as [StabilityLevel, string[]][]) {
    for (const name of names) levels.set(name, level);
  }
  const options: SignalOptionOf<ProfilesSignatures<C>>[] = [];
  for (const signal of [...Object.values(SIGNALS), profiles]) {
    const level = levels.get(signal.name);
    if (level !== undefined) options.push(optionFor(signal, create, level));
  }
  return options;
}

/** A stable exporter factory that can also create profiles exporters. */
export interface ProfilesFactory<C = unknown>
  extends
    SignalFactory<C, ProfilesSignatures<C>>,
    StableSignalMembers<ProfilesSignatures<C>>,
    ProfilesMembers<ProfilesSignatures<C>> {}

/**
 * Builds an exporter factory from the stable options and `withProfiles`.
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
  return newProfilesSignalFactory<C, ProfilesSignatures<C>>(
    "exporter",
    type,
    createDefaultConfig,
    options,
  );
}

/** Whether `factory` was built by this package's `newFactory`, and so has `createProfiles`. */
export function isProfilesFactory<C>(
  factory: exporter.Factory<C>,
): factory is ProfilesFactory<C> {
  return "createProfiles" in factory && "profilesStability" in factory;
}

/** What each signal including profiles is counted in, from the descriptors. */
const ITEM_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  [...Object.values(SIGNALS), profiles].map((signal) => [signal.name, signal.itemName]),
);

/**
 * An exporter `ObsReport` that also counts profiles, as `otelcol_exporter_sent_profile_samples`
 * and its failure counters.
 */
export function newObsReport(
  settings: Settings,
): exporter.ObsReport<keyof SignalDataWithProfiles> {
  return new exporter.ObsReport({ settings, itemNames: ITEM_NAMES });
}
