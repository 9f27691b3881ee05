import { type Kind, STABILITY_LEVELS, type StabilityLevel } from "./id.ts";

/**
 * Thrown when a factory is asked to create a component for a signal (or connector signal pair)
 * that its type does not support.
 */
export class SignalNotSupportedError extends Error {
  /** Kind of the factory. */
  readonly kind: Kind;
  /** Component type, such as `otlp`. */
  readonly componentType: string;
  /** The signal asked for, or `"from->to"` for a connector pair. */
  readonly signal: string;

  /**
   * Creates the error naming the factory and the signal.
   *
   * @param kind Kind of the factory that was asked.
   * @param componentType Component type of that factory.
   * @param signal The signal (or `from->to` pair) that is not supported.
   */
  constructor(kind: Kind, componentType: string, signal: string) {
    super(`${kind} "${componentType}" does not support the ${signal} signal`);
    this.name = "SignalNotSupportedError";
    this.kind = kind;
    this.componentType = componentType;
    this.signal = signal;
  }
}

/** What every factory has, whatever its kind: a type and a configuration. */
export interface BaseFactory<C> {
  /** The component type, the part before `/` in a component ID. */
  readonly type: string;
  /**
   * A fresh default configuration. Every key the component knows appears in it (`null` for an
   * optional key without a default; an empty object for an open map).
   */
  createDefaultConfig(): C;
  /** Throws an error naming the config path and what was expected when `config` is invalid. */
  validateConfig?(config: C): void;
  /** Turns the raw user configuration into a config, instead of the service's default merge. */
  unmarshalConfig?(raw: unknown, defaults: C): C;
}

/** An option of any kind's `newFactory` that sets `validateConfig` or `unmarshalConfig`. */
export type ConfigOption<C> =
  | { readonly option: "validateConfig"; readonly validate: (config: C) => void }
  | { readonly option: "unmarshalConfig"; readonly unmarshal: (raw: unknown, defaults: C) => C };

/** Sets the factory's `validateConfig`. */
export function withValidateConfig<C>(validate: (config: C) => void): ConfigOption<C> {
  return { option: "validateConfig", validate };
}

/** Sets the factory's `unmarshalConfig`. */
export function withUnmarshalConfig<C>(
  unmarshal: (raw: unknown, defaults: C) => C,
): ConfigOption<C> {
  return { option: "unmarshalConfig", unmarshal };
}

/** Whether `value` is a {@linkcode ConfigOption}. */
export function isConfigOption<C>(value: { readonly option?: unknown }): value is ConfigOption<C> {
  return value.option === "validateConfig" || value.option === "unmarshalConfig";
}

/**
 * Builds the kind-independent part of a factory from its type, default config and config
 * options. Each kind's `newFactory` starts from this.
 *
 * @throws {TypeError} when `type` is not a valid component type.
 */
export function newBaseFactory<C>(
  type: string,
  createDefaultConfig: () => C,
  options: readonly ConfigOption<C>[],
): BaseFactory<C> {
  if (!/^[a-zA-Z][0-9a-zA-Z_]{0,62}$/.test(type)) {
    throw new TypeError(
      `invalid component type ${JSON.stringify(type)}: ` +
        `expected a letter followed by up to 62 letters, digits or underscores`,
    );
  }
  const factory: BaseFactory<C> = { type, createDefaultConfig };
  for (const option of options) {
    if (option.option === "validateConfig") factory.validateConfig = option.validate;
    else factory.unmarshalConfig = option.unmarshal;
  }
  return factory;
}

/**
 * One signal (or connector pair) a factory supports, with its create function `F`. Each kind's
 * `withTraces`-style options build one; twins build them for profiles.
 */
export interface SignalOption<S extends string, F> {
  /** Marks the option as a signal option. */
  readonly option: "signal";
  /** The signal, or a connector pair key such as `tracesToMetrics`. */
  readonly signal: S;
  /** Creates the component for the signal. */
  readonly create: F;
  /** How mature the component is for the signal. */
  readonly stability: StabilityLevel;
}

/** Builds a {@linkcode SignalOption}. */
export function signalOption<S extends string, F>(
  signal: S,
  create: F,
  stability: StabilityLevel,
): SignalOption<S, F> {
  return { option: "signal", signal, create, stability };
}

/** Whether `value` is a {@linkcode SignalOption}. */
export function isSignalOption(
  value: { readonly option?: unknown },
): value is SignalOption<string, unknown> {
  return value.option === "signal";
}

/**
 * Collects the signal options among `options` by signal, checking that each signal is given
 * once with a real stability level.
 *
 * @param kind Kind of the factory being built, for error messages.
 * @param type Type of the factory being built, for error messages.
 * @throws {TypeError} on a repeated signal or a stability of `"undefined"`.
 */
export function collectSignalOptions(
  kind: Kind,
  type: string,
  options: ReadonlyArray<{ readonly option?: unknown }>,
): ReadonlyMap<string, SignalOption<string, unknown>> {
  const bySignal = new Map<string, SignalOption<string, unknown>>();
  for (const option of options) {
    if (!isSignalOption(option)) continue;
    if (bySignal.has(option.signal)) {
      throw new TypeError(`${kind} factory "${type}": ${option.signal} is configured twice`);
    }
    if (!STABILITY_LEVELS.includes(option.stability) || option.stability === "undefined") {
      throw new TypeError(
        `${kind} factory "${type}": ${option.signal} has stability ` +
          `${JSON.stringify(option.stability)}; expected one of ${
            STABILITY_LEVELS.filter((l) => l !== "undefined").join(", ")
          }`,
      );
    }
    bySignal.set(option.signal, option);
  }
  return bySignal;
}
