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

/**
 * A signal as a factory's members name it: one signal such as `traces` (members `createTraces`
 * and `tracesStability`), or a connector pair `[from, to]` such as `["traces", "metrics"]`
 * (members `createTracesToMetrics` and `tracesToMetricsStability`).
 */
export type FactorySignal = string | readonly [from: string, to: string];

/**
 * The key of a signal pair, as used in option names and factory members: `tracesToMetrics`
 * names `createTracesToMetrics` and `tracesToMetricsStability`.
 */
export function pairKey(from: string, to: string): string {
  return `${from}To${capitalize(to)}`;
}

function capitalize(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** The key of `signal` in option and member names: the signal itself, or its {@linkcode pairKey}. */
export function signalKey(signal: FactorySignal): string {
  return typeof signal === "string" ? signal : pairKey(signal[0], signal[1]);
}

/** The name of the factory member creating components for `key`: `traces` → `createTraces`. */
export function createMemberName(key: string): string {
  return `create${capitalize(key)}`;
}

/** The name of the factory member holding the stability for `key`: `traces` → `tracesStability`. */
export function stabilityMemberName(key: string): string {
  return `${key}Stability`;
}

/** A create member of a factory, whatever its kind and signal. */
export type AnyCreate = (...args: never[]) => unknown;

/**
 * The `create…` and `…Stability` members for each of `signals`, from the options
 * {@linkcode collectSignalOptions} collected. The create member of a signal without an option
 * throws {@linkcode SignalNotSupportedError} (naming a pair `from->to`), and its stability is
 * `"undefined"`; the create member of a signal with one passes its arguments to the option's
 * create function.
 *
 * @param kind Kind of the factory, for the error.
 * @param type Type of the factory, for the error.
 */
export function signalMembers(
  kind: Kind,
  type: string,
  bySignal: ReadonlyMap<string, SignalOption<string, unknown>>,
  signals: readonly FactorySignal[],
): Record<string, AnyCreate | StabilityLevel> {
  const members: Record<string, AnyCreate | StabilityLevel> = {};
  for (const signal of signals) {
    const key = signalKey(signal);
    const option = bySignal.get(key);
    const name = typeof signal === "string" ? signal : `${signal[0]}->${signal[1]}`;
    members[createMemberName(key)] = (...args: unknown[]): unknown => {
      if (option === undefined) throw new SignalNotSupportedError(kind, type, name);
      return (option.create as (...args: unknown[]) => unknown)(...args);
    };
    members[stabilityMemberName(key)] = option?.stability ?? "undefined";
  }
  return members;
}

/**
 * The whole of a kind's `newFactory`: the {@linkcode newBaseFactory} of the config options plus
 * the {@linkcode signalMembers} of `signals` from the signal options. Options of signals not in
 * `signals` are checked but get no member, so a twin can pass its whole option list through.
 *
 * `F` is the kind's `Factory` interface, which must declare a `create…` and a `…Stability`
 * member for each of `signals` taking the arguments its option's create function takes; that
 * is not checked, so each kind's own tests are what hold it.
 *
 * @param kind Kind of the factory.
 * @param type The component type.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options Signal and config options.
 * @param signals The signals (or connector pairs) the kind has members for.
 * @throws {TypeError} on an invalid type, a repeated signal or a bad stability.
 */
export function newSignalFactory<F extends BaseFactory<C>, C>(
  kind: Kind,
  type: string,
  createDefaultConfig: () => C,
  options: ReadonlyArray<ConfigOption<C> | SignalOption<string, unknown>>,
  signals: readonly FactorySignal[],
): F {
  const base = newBaseFactory(
    type,
    createDefaultConfig,
    options.filter((o): o is ConfigOption<C> => o.option !== "signal"),
  );
  const bySignal = collectSignalOptions(kind, type, options);
  return { ...base, ...signalMembers(kind, type, bySignal, signals) } as unknown as F;
}

/**
 * The stability `factory` declares for `key` (a signal or a {@linkcode pairKey}), `"undefined"`
 * when it has no such member: how the service asks a factory it knows only at run time.
 */
export function memberStability(factory: object, key: string): StabilityLevel {
  const member = (factory as Record<string, unknown>)[stabilityMemberName(key)];
  return typeof member === "string" ? member as StabilityLevel : "undefined";
}

/**
 * The create member of `factory` for `key` (a signal or a {@linkcode pairKey}) bound to the
 * factory, `undefined` when it has none.
 */
export function memberCreate(
  factory: object,
  key: string,
): ((...args: unknown[]) => unknown) | undefined {
  const member = (factory as Record<string, unknown>)[createMemberName(key)];
  if (typeof member !== "function") return undefined;
  return (...args: unknown[]) => member.apply(factory, args);
}

/** Whether `factory` has both the create and the stability member for `key`. */
export function hasSignalMembers(factory: object, key: string): boolean {
  const members = factory as Record<string, unknown>;
  return typeof members[createMemberName(key)] === "function" &&
    typeof members[stabilityMemberName(key)] === "string";
}
