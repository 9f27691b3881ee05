// The otlp receiver factory. One receiver instance per configured ID, shared by all pipelines
// and signals that use it (through @denocol/component's SharedComponents, as the Go collector's
// shared-component map).

import {
  type Component,
  type Settings,
  SharedComponents,
  withUnmarshalConfig,
  withValidateConfig,
} from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import {
  type Logs,
  logs,
  type Metrics,
  metrics,
  type SignalDescriptor,
  SIGNALS,
  type Traces,
  traces,
} from "@denocol/pdata";
import { type Factory, newFactory, withLogs, withMetrics, withTraces } from "@denocol/receiver";
import { type Profiles, profiles, validateProfiles } from "@denocol/pdata-experimental";
import {
  newFactory as newProfilesFactory,
  type ProfilesFactory,
  withProfiles,
} from "@denocol/receiver-experimental";
import { createDefaultConfig, type OtlpReceiverConfig, unmarshalConfig } from "./config.ts";
import { validateConfig } from "./config_validate.ts";
import type { SignalEndpoint } from "./endpoint.ts";
import { OtlpReceiver } from "./receiver.ts";
import { signalEndpoint, type SignalObserver } from "./signals.ts";

/** The component type: `otlp`. */
export const TYPE = "otlp";

/** Wires a signal's next consumer into the shared receiver of its ID, made on first use. */
type Wire = <T>(
  settings: Settings,
  config: OtlpReceiverConfig,
  signal: SignalDescriptor<T>,
  next: Consumer<T>,
  validate?: (data: T) => void,
) => Component;

/**
 * The wiring of one factory: its receivers by configured ID, each counting the items of
 * `signals` (the signals the factory can serve) in its telemetry.
 */
function newWiring(signals: readonly SignalDescriptor[]): Wire {
  const receivers = new SharedComponents<string, OtlpReceiver>();
  const itemNames = Object.fromEntries(signals.map((signal) => [signal.name, signal.itemName]));
  return (settings, config, signal, next, validate) =>
    receivers.getOrAdd(
      settings.id.toString(),
      () => new OtlpReceiver(settings, config, itemNames),
      (receiver) =>
        receiver.register(
          signal.name,
          (observer: SignalObserver) =>
            signalEndpoint(signal, next, observer, validate) as SignalEndpoint<unknown>,
        ),
    );
}

/** Stability of the otlp receiver for traces, metrics and logs. */
export const STABILITY = "stable";

/**
 * The factory options for traces, metrics and logs through `wire`, plus the config hooks; the
 * experimental factory adds profiles to the same list.
 */
function stableOptions(wire: Wire): Parameters<typeof newFactory<OtlpReceiverConfig>>[2][] {
  return [
    withTraces<OtlpReceiverConfig>(
      (settings, config, next: Consumer<Traces>) => wire(settings, config, traces, next),
      STABILITY,
    ),
    withMetrics<OtlpReceiverConfig>(
      (settings, config, next: Consumer<Metrics>) => wire(settings, config, metrics, next),
      STABILITY,
    ),
    withLogs<OtlpReceiverConfig>(
      (settings, config, next: Consumer<Logs>) => wire(settings, config, logs, next),
      STABILITY,
    ),
    withUnmarshalConfig<OtlpReceiverConfig>((raw) => unmarshalConfig(raw)),
    withValidateConfig<OtlpReceiverConfig>(validateConfig),
  ];
}

/**
 * A factory of `otlp` receivers for traces, metrics and logs only (no profiles).
 */
export function newStableFactory(): Factory<OtlpReceiverConfig> {
  const wire = newWiring(Object.values(SIGNALS));
  return newFactory(TYPE, createDefaultConfig, ...stableOptions(wire));
}

/** Stability of the otlp receiver for profiles. */
export const PROFILES_STABILITY = "development";

/**
 * A factory of `otlp` receivers for traces, metrics, logs and profiles, with its own map of
 * shared receivers. The profiles service and route are served only by receivers that a
 * profiles pipeline uses (`createProfiles` was called for their ID).
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export function createFactory(): ProfilesFactory<OtlpReceiverConfig> {
  const wire = newWiring([...Object.values(SIGNALS), profiles]);
  return newProfilesFactory<OtlpReceiverConfig>(
    TYPE,
    createDefaultConfig,
    ...stableOptions(wire),
    withProfiles<OtlpReceiverConfig>(
      (settings, config, next: Consumer<Profiles>) =>
        // Dangling dictionary references answer as malformed data.
        wire(settings, config, profiles, next, validateProfiles),
      PROFILES_STABILITY,
    ),
  );
}

/**
 * The `otlp` receiver factory the collector registers. All receivers it creates share one map:
 * every pipeline and signal using the same ID gets a handle on the same server.
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<OtlpReceiverConfig> = createFactory();
