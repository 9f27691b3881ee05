import {
  type BaseFactory,
  checkStability,
  type ConfigOption,
  isConfigOption,
  newBaseFactory,
  SignalNotSupportedError,
  type Signature,
  type SignatureFunc,
  type StabilityLevel,
} from "@denocol/component";

/**
 * The {@linkcode Signature} of each pair of signals a connector factory kind knows: by the
 * signal it consumes, then by the signal it feeds.
 */
export type PairSignatureMap = {
  readonly [from: string]: { readonly [to: string]: Signature };
};

/** One pair of signals a connector factory supports, with its create function. */
export interface PairOption<F extends string, T extends string, S extends Signature> {
  /** Marks the option as a pair option. */
  readonly option: "pair";
  /** The signal the connector consumes. */
  readonly from: F;
  /** The signal the connector feeds. */
  readonly to: T;
  /** Creates the connector for the pair. */
  readonly create: SignatureFunc<S>;
  /** How mature the connector is for the pair. */
  readonly stability: StabilityLevel;
}

/** Any pair option of the pairs from `F` of `M`, each with its own signature. */
export type PairOptionOf<
  M extends PairSignatureMap,
  F extends keyof M & string = keyof M & string,
> = {
  [P in F]: PairOptionFrom<M, P>;
}[F];

/** Any pair option from `F` to the signals `T` of `M`. */
export type PairOptionFrom<
  M extends PairSignatureMap,
  F extends keyof M & string,
  T extends keyof M[F] & string = keyof M[F] & string,
> = { [Q in T]: PairOption<F, Q, M[F][Q]> }[T];

/** Builds a {@linkcode PairOption}; the signature is the create function's. */
export function pairOption<F extends string, T extends string, A extends readonly unknown[], R>(
  from: F,
  to: T,
  create: (...args: A) => R,
  stability: StabilityLevel,
): PairOption<F, T, Signature<A, R>> {
  return { option: "pair", from, to, create, stability };
}

/**
 * The members the service drives a connector factory with: the stability and the create
 * function of a pair of signals named at run time. The Go-style members
 * (`createTracesToMetrics`, `tracesToMetricsStability`, …) are built on them.
 */
export interface PairFactory<C, M extends PairSignatureMap> extends BaseFactory<C> {
  /**
   * How mature the factory is for the pair `from` to `to`; `"undefined"` when it does not
   * support it, including a pair with a signal this kind of factory does not know.
   */
  stability(from: string, to: string): StabilityLevel;
  /**
   * Creates the connector from `from` to `to`.
   *
   * @throws {SignalNotSupportedError} (its `signal` is `from->to`) when the pair is not supported.
   */
  create<F extends keyof M & string, T extends keyof M[F] & string>(
    from: F,
    to: T,
    ...args: M[F][T]["args"]
  ): M[F][T]["result"];
}

/**
 * Builds the {@linkcode PairFactory} of a connector type from its pair and config options: each
 * pair at most once, with a real stability level. A pair without an option has stability
 * `"undefined"`, and creating it throws {@linkcode SignalNotSupportedError}.
 *
 * @param type The component type.
 * @param createDefaultConfig Returns a fresh default config on every call.
 * @param options Pair and config options.
 * @throws {TypeError} on an invalid type, a repeated pair or a bad stability.
 */
export function newPairFactory<C, M extends PairSignatureMap>(
  type: string,
  createDefaultConfig: () => C,
  options: ReadonlyArray<ConfigOption<C> | PairOptionOf<M>>,
): PairFactory<C, M> {
  const base = newBaseFactory(type, createDefaultConfig, options.filter(isConfigOption));
  const creates: { [F in keyof M]?: { [T in keyof M[F]]?: SignatureFunc<M[F][T]> } } = {};
  const stabilities = new Map<string, Map<string, StabilityLevel>>();
  // Generic in the pair, so that each create function is stored under its own pair's type.
  const add = <F extends keyof M & string, T extends keyof M[F] & string>(
    option: PairOptionFrom<M, F, T>,
  ) => {
    const what = `connector factory "${type}": ${option.from}->${option.to}`;
    const row = stabilities.get(option.from) ?? new Map<string, StabilityLevel>();
    if (row.has(option.to)) throw new TypeError(`${what} is configured twice`);
    checkStability(what, option.stability);
    row.set(option.to, option.stability);
    stabilities.set(option.from, row);
    const targets: { [Q in keyof M[F]]?: SignatureFunc<M[F][Q]> } = creates[option.from] ?? {};
    targets[option.to] = option.create;
    creates[option.from] = targets;
  };
  for (const option of options) {
    if (option.option === "pair") add(option);
  }
  return {
    ...base,
    stability: (from, to) => stabilities.get(from)?.get(to) ?? "undefined",
    create: <F extends keyof M & string, T extends keyof M[F] & string>(
      from: F,
      to: T,
      ...args: M[F][T]["args"]
    ): M[F][T]["result"] => {
      const create = creates[from]?.[to];
      if (create === undefined) {
        throw new SignalNotSupportedError("connector", type, `${from}->${to}`);
      }
      return create(...args);
    },
  };
}

/** Every pair of a signal of `F` and one of `T`, as `[from, to]`. */
export type SignalPair<F extends string, T extends string> = F extends string
  ? T extends string ? readonly [F, T] : never
  : never;

/**
 * The Go-style members of a connector factory for the pairs from `From` to `To`:
 * `createTracesToMetrics` with the signature of `M`, and `tracesToMetricsStability`, for each.
 */
export type PairMembers<
  M extends { readonly [F in From]: { readonly [T in To]: Signature } },
  From extends string,
  To extends string,
> =
  & {
    readonly [P in SignalPair<From, To> as `create${Capitalize<P[0]>}To${Capitalize<P[1]>}`]:
      P extends readonly [infer F extends From, infer T extends To] ? SignatureFunc<M[F][T]>
        : never;
  }
  & {
    readonly [P in SignalPair<From, To> as `${P[0]}To${Capitalize<P[1]>}Stability`]: StabilityLevel;
  };
