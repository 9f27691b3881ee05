import {
  type BaseFactory,
  type Component,
  type Host,
  ID,
  type Kind,
  type Settings,
  SignalNotSupportedError,
  type StabilityLevel,
} from "@denocol/component";
import { nopHost, nopSettings } from "./mod.ts";

/** A factory failed the contract; the message says which rule and which signal. */
export class ContractError extends Error {
  /**
   * Creates the error.
   *
   * @param message The violated rule, naming the factory and signal.
   * @param options `cause`: the error the factory threw, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ContractError";
  }
}

/** One signal (or connector pair) a factory may create, as seen by the contract test. */
export interface SignalCase<C> {
  /** Signal name, or `from->to` for a connector pair. */
  signal: string;
  /** The stability the factory reports; `"undefined"` means the factory must refuse it. */
  stability: StabilityLevel;
  /** Calls the factory's create function for this signal. */
  create(settings: Settings, config: C): Component;
  /** Extra checks on a started component, such as consuming sample data. */
  exercise?(component: Component): Promise<void>;
}

/** Input of {@linkcode checkFactoryContract}. */
export interface FactoryContract<C> {
  /** Kind of the factory. */
  kind: Kind;
  /** The factory under test. */
  factory: BaseFactory<C>;
  /** Every signal of the kind, supported or not. */
  cases: readonly SignalCase<C>[];
  /**
   * Configs that `validateConfig` must reject, each built from a fresh default config. When
   * given, the factory must have `validateConfig`.
   */
  invalidConfigs?: ReadonlyArray<(defaults: C) => C>;
  /** Host to start components with; default {@linkcode nopHost}. */
  host?: Host;
  /** Settings to create components with; default {@linkcode nopSettings} for the kind. */
  settings?: Settings;
}

function fail(factory: BaseFactory<unknown>, kind: Kind, rule: string, cause?: unknown): never {
  throw new ContractError(
    `${kind} factory "${factory.type}": ${rule}`,
    cause === undefined ? undefined : { cause },
  );
}

async function within<T>(what: Promise<T>, label: string, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label} did not settle in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([what, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the rules every factory must follow, throwing a {@linkcode ContractError} at the first
 * violation:
 *
 * - the type is a valid component type and the default config is fresh on every call;
 * - `validateConfig`, if present, accepts the default config and rejects each of
 *   `invalidConfigs`;
 * - at least one signal is supported;
 * - for each supported signal, the created component starts, shuts down twice, and a second
 *   instance shuts down without being started;
 * - for each unsupported signal, create throws {@linkcode SignalNotSupportedError} naming it.
 *
 * Every lifecycle call must settle within five seconds.
 */
export async function checkFactoryContract<C>(contract: FactoryContract<C>): Promise<void> {
  const { kind, factory } = contract;
  const host = contract.host ?? nopHost();
  const settings = contract.settings ?? nopSettings(kind, new ID(factory.type));
  try {
    new ID(factory.type);
  } catch (error) {
    fail(factory, kind, "type is not a valid component type", error);
  }

  const first = factory.createDefaultConfig();
  const second = factory.createDefaultConfig();
  if (typeof first === "object" && first !== null && first === second) {
    fail(factory, kind, "createDefaultConfig returned the same object twice; it must be fresh");
  }
  if (factory.validateConfig) {
    try {
      factory.validateConfig(first);
    } catch (error) {
      fail(factory, kind, "validateConfig rejected the default config", error);
    }
  }
  for (const [index, makeInvalid] of (contract.invalidConfigs ?? []).entries()) {
    if (!factory.validateConfig) {
      fail(factory, kind, "invalid configs were given but the factory has no validateConfig");
    }
    const invalid = makeInvalid(factory.createDefaultConfig());
    let rejected: unknown;
    try {
      factory.validateConfig(invalid);
    } catch (error) {
      rejected = error;
    }
    if (rejected === undefined) {
      fail(factory, kind, `validateConfig accepted invalid config #${index}`);
    }
    if (!(rejected instanceof Error) || rejected.message.trim() === "") {
      fail(factory, kind, `validateConfig rejected invalid config #${index} without a message`);
    }
  }

  const supported = contract.cases.filter((c) => c.stability !== "undefined");
  if (supported.length === 0) fail(factory, kind, "supports no signal at all");

  for (const signalCase of contract.cases) {
    const label = `${signalCase.signal}`;
    if (signalCase.stability === "undefined") {
      let thrown: unknown;
      try {
        signalCase.create(settings, factory.createDefaultConfig());
      } catch (error) {
        thrown = error;
      }
      if (!(thrown instanceof SignalNotSupportedError)) {
        fail(
          factory,
          kind,
          `creating unsupported signal ${label} must throw SignalNotSupportedError`,
          thrown,
        );
      }
      if (thrown.signal !== signalCase.signal || thrown.componentType !== factory.type) {
        fail(factory, kind, `SignalNotSupportedError for ${label} names the wrong signal or type`);
      }
      continue;
    }
    let component: Component;
    try {
      component = signalCase.create(settings, factory.createDefaultConfig());
    } catch (error) {
      fail(factory, kind, `creating ${label} with the default config failed`, error);
    }
    if (typeof component?.start !== "function" || typeof component?.shutdown !== "function") {
      fail(factory, kind, `create for ${label} did not return a component with start/shutdown`);
    }
    try {
      await within(component.start(host), `start of ${label}`, 5000);
      await signalCase.exercise?.(component);
      await within(component.shutdown(), `shutdown of ${label}`, 5000);
      await within(component.shutdown(), `second shutdown of ${label}`, 5000);
    } catch (error) {
      await component.shutdown().catch(() => {});
      fail(factory, kind, `lifecycle of ${label} failed`, error);
    }
    try {
      const unstarted = signalCase.create(settings, factory.createDefaultConfig());
      await within(unstarted.shutdown(), `shutdown of unstarted ${label}`, 5000);
    } catch (error) {
      fail(factory, kind, `shutdown of a never-started ${label} component failed`, error);
    }
  }
}
