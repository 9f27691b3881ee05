// The otlp receiver factory. One receiver instance per configured ID, shared by all pipelines
// and signals that use it (the Go collector's shared-component map).

import {
  type Component,
  ITEM_NAMES,
  type Settings,
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
  type Traces,
  traces,
} from "@denocol/pdata";
import { type Factory, newFactory, withLogs, withMetrics, withTraces } from "@denocol/receiver";
import { ITEM_NAMES_WITH_PROFILES } from "@denocol/component-experimental";
import { type Profiles, profiles, validateProfiles } from "@denocol/pdata-experimental";
import {
  newFactory as newProfilesFactory,
  type ProfilesFactory,
  withProfiles,
} from "@denocol/receiver-experimental";
import {
  createDefaultConfig,
  type OtlpReceiverConfig,
  unmarshalConfig,
  validateConfig,
} from "./config.ts";
import type { SignalEndpoint } from "./endpoint.ts";
import { OtlpReceiver } from "./receiver.ts";
import { signalEndpoint, type SignalObserver } from "./signals.ts";

/** The component type: `otlp`. */
export const TYPE = "otlp";

/**
 * The receivers a factory has created and not yet shut down, by configured ID, so that each ID
 * has one instance whatever the number of pipelines and signals using it.
 */
export class SharedReceivers {
  readonly #receivers = new Map<string, OtlpReceiver>();
  readonly #itemNames: Readonly<Record<string, string>>;

  /** @param itemNames What each signal is counted in (twins add profiles). */
  constructor(itemNames: Readonly<Record<string, string>>) {
    this.#itemNames = itemNames;
  }

  /** The receiver of `settings.id`, created on first use. */
  get(settings: Settings, config: OtlpReceiverConfig): OtlpReceiver {
    const key = settings.id.toString();
    let receiver = this.#receivers.get(key);
    if (receiver === undefined) {
      receiver = new OtlpReceiver(settings, config, this.#itemNames, () => {
        if (this.#receivers.get(key) === receiver) this.#receivers.delete(key);
      });
      this.#receivers.set(key, receiver);
    }
    return receiver;
  }

  /** Wires `next` for the OTLP signal into the receiver of `settings.id` and returns it. */
  wire<T>(
    settings: Settings,
    config: OtlpReceiverConfig,
    otlp: SignalDescriptor<T>,
    next: Consumer<T>,
    validate?: (data: T) => void,
  ): Component {
    const receiver = this.get(settings, config);
    receiver.register(
      otlp.name,
      (observer: SignalObserver) =>
        signalEndpoint(otlp, next, observer, validate) as SignalEndpoint<unknown>,
    );
    return receiver;
  }
}

/** Stability of the otlp receiver for traces, metrics and logs. */
export const STABILITY = "stable";

/**
 * The factory options for traces, metrics and logs on a shared-receiver map, plus the config
 * hooks; the experimental factory adds profiles to the same list.
 */
export function stableOptions(
  shared: SharedReceivers,
): Parameters<typeof newFactory<OtlpReceiverConfig>>[2][] {
  return [
    withTraces<OtlpReceiverConfig>(
      (settings, config, next: Consumer<Traces>) => shared.wire(settings, config, traces, next),
      STABILITY,
    ),
    withMetrics<OtlpReceiverConfig>(
      (settings, config, next: Consumer<Metrics>) => shared.wire(settings, config, metrics, next),
      STABILITY,
    ),
    withLogs<OtlpReceiverConfig>(
      (settings, config, next: Consumer<Logs>) => shared.wire(settings, config, logs, next),
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
  const shared = new SharedReceivers(ITEM_NAMES);
  return newFactory(TYPE, createDefaultConfig, ...stableOptions(shared));
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
  const shared = new SharedReceivers(ITEM_NAMES_WITH_PROFILES);
  return newProfilesFactory<OtlpReceiverConfig>(
    TYPE,
    createDefaultConfig,
    ...stableOptions(shared),
    withProfiles<OtlpReceiverConfig>(
      (settings, config, next: Consumer<Profiles>) =>
        // Dangling dictionary references answer as malformed data.
        shared.wire(settings, config, profiles, next, validateProfiles),
      PROFILES_STABILITY,
    ),
  );
}

/**
 * The `otlp` receiver factory the collector registers. All receivers it creates share one map:
 * every pipeline and signal using the same ID gets the same server.
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<OtlpReceiverConfig> = createFactory();
