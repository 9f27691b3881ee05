import { type Kind, type Signal, STABILITY_LEVELS, type StabilityLevel } from "./id.ts";

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
export function isConfigOption<C, O extends { readonly option?: unknown }>(
  value: ConfigOption<C> | O,
): value is ConfigOption<C> {
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
 * What a factory makes for one signal: the arguments its create function takes and what it
 * returns. A kind's factory is described by one signature per signal (its {@linkcode SignatureMap}),
 * and every member of the factory is typed from that map.
 */
export interface Signature<A extends readonly unknown[] = readonly unknown[], R = unknown> {
  /** The arguments of the create function, such as `[settings, config, next]`. */
  readonly args: A;
  /** What the create function returns, such as a `Component`. */
  readonly result: R;
}

/** The {@linkcode Signature} of each signal a factory kind knows, by signal name. */
export type SignatureMap = { readonly [signal: string]: Signature };

/** The create function of a signal with signature `S`. */
export type SignatureFunc<S extends Signature> = (...args: S["args"]) => S["result"];

/**
 * One signal a factory supports, with its create function. Each kind's `withTraces`-style
 * options build one; twins build them for profiles.
 */
export interface SignalOption<K extends string, S extends Signature> {
  /** Marks the option as a signal option. */
  readonly option: "signal";
  /** The signal. */
  readonly signal: K;
  /** Creates the component for the signal. */
  readonly create: SignatureFunc<S>;
  /** How mature the component is for the signal. */
  readonly stability: StabilityLevel;
}

/** Any signal option of the signals `K` of `M`, each with its own signature. */
export type SignalOptionOf<M extends SignatureMap, K extends keyof M & string = keyof M & string> =
  { [P in K]: SignalOption<P, M[P]> }[K];

/** Builds a {@linkcode SignalOption}; the signature is the create function's. */
export function signalOption<K extends string, A extends readonly unknown[], R>(
  signal: K,
  create: (...args: A) => R,
  stability: StabilityLevel,
): SignalOption<K, Signature<A, R>> {
  return { option: "signal", signal, create, stability };
}

/**
 * The members the service drives a factory of any signal kind with: the stability and the
 * create function of a signal named at run time. The Go-style members (`createTraces`,
 * `tracesStability`, …) that component authors call are built on them.
 */
export interface SignalFactory<C, M extends SignatureMap> extends BaseFactory<C> {
  /**
   * How mature the factory is for `signal`; `"undefined"` when it does not support it,
   * including a signal this kind of factory does not know.
   */
  stability(signal: string): StabilityLevel;
  /**
   * Creates the component for `signal`.
   *
   * @throws {SignalNotSupportedError} when the factory does not support `signal`.
   */
  create<K extends keyof M & string>(signal: K, ...args: M[K]["args"]): M[K]["result"];
}

/**
 * Throws unless `stability` is a level a supported signal can have (not `"undefined"`).
 *
 * @param what The factory and signal, for the message: `receiver factory "otlp": traces`.
 */
export function checkStability(what: string, stability: StabilityLevel): void {
  if (!STABILITY_LEVELS.includes(stability) || stability === "undefined") {
    throw new TypeError(
      `${what} has stability ${JSON.stringify(stability)}; expected one of ` +
        STABILITY_LEVELS.filter((level) => level !== "undefined").join(", "),
    );
  }
}

/**
 * Builds the {@linkcode SignalFactory} of a kind from its signal and config options: each
 * signal at most once, with a real stability level. A signal without an option has stability
 * `"undefined"`, and creating it throws {@linkcode SignalNotSupportedError}.
 *
 * @param kind Kind of the factory, for errors.
 * @param type The component type.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options Signal and config options.
 * @throws {TypeError} on an invalid type, a repeated signal or a bad stability.
 */
export function newSignalFactory<C, M extends SignatureMap>(
  kind: Kind,
  type: string,
  createDefaultConfig: () => C,
  options: ReadonlyArray<ConfigOption<C> | SignalOptionOf<M>>,
): SignalFactory<C, M> {
  const base = newBaseFactory(type, createDefaultConfig, options.filter(isConfigOption));
  const creates: { [K in keyof M]?: SignatureFunc<M[K]> } = {};
  const stabilities = new Map<string, StabilityLevel>();
  // Generic in the signal, so that each create function is stored under its own signal's type.
  const add = <K extends keyof M & string>(option: SignalOptionOf<M, K>) => {
    if (stabilities.has(option.signal)) {
      throw new TypeError(`${kind} factory "${type}": ${option.signal} is configured twice`);
    }
    checkStability(`${kind} factory "${type}": ${option.signal}`, option.stability);
    stabilities.set(option.signal, option.stability);
    creates[option.signal] = option.create;
  };
  for (const option of options) {
    if (option.option === "signal") add(option);
  }
  return {
    ...base,
    stability: (signal) => stabilities.get(signal) ?? "undefined",
    create: <K extends keyof M & string>(signal: K, ...args: M[K]["args"]): M[K]["result"] => {
      const create = creates[signal];
      if (create === undefined) throw new SignalNotSupportedError(kind, type, signal);
      return create(...args);
    },
  };
}

/**
 * The Go-style members of a factory for the stable signals: `createTraces`, `createMetrics`,
 * `createLogs` with the signatures of `M`, and `tracesStability`, `metricsStability`,
 * `logsStability`.
 */
export type StableSignalMembers<M extends Record<Signal, Signature>> =
  & { readonly [S in Signal as `create${Capitalize<S>}`]: SignatureFunc<M[S]> }
  & { readonly [S in Signal as `${S}Stability`]: StabilityLevel };

/**
 * The {@linkcode StableSignalMembers} of a factory, each calling its `create` or `stability`.
 *
 * @param factory The factory's {@linkcode SignalFactory} members.
 */
export function stableSignalMembers<M extends Record<Signal, Signature>>(
  factory: Pick<SignalFactory<unknown, M>, "create" | "stability">,
): StableSignalMembers<M> {
  return {
    createTraces: (...args) => factory.create("traces", ...args),
    tracesStability: factory.stability("traces"),
    createMetrics: (...args) => factory.create("metrics", ...args),
    metricsStability: factory.stability("metrics"),
    createLogs: (...args) => factory.create("logs", ...args),
    logsStability: factory.stability("logs"),
  };
}

/**
 * Builds a factory of a kind whose signals include the stable ones: the members of
 * {@linkcode newSignalFactory} and the {@linkcode StableSignalMembers} on them. Each kind's
 * `newFactory` is this with its signatures.
 *
 * @param kind Kind of the factory, for errors.
 * @param type The component type.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options Signal and config options.
 * @throws {TypeError} on an invalid type, a repeated signal or a bad stability.
 */
export function newStableSignalFactory<C, M extends SignatureMap & Record<Signal, Signature>>(
  kind: Kind,
  type: string,
  createDefaultConfig: () => C,
  options: ReadonlyArray<ConfigOption<C> | SignalOptionOf<M>>,
): SignalFactory<C, M> & StableSignalMembers<M> {
  const factory = newSignalFactory<C, M>(kind, type, createDefaultConfig, options);
  return { ...factory, ...stableSignalMembers<M>(factory) };
}
