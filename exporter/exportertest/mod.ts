/**
 * Test helpers for exporter authors: the contract test every exporter factory must pass, and
 * fixtures for tests against a backend the test runs (named spans, captured telemetry, fast
 * retries, a free port, bounded polling).
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import { newFactory, withTraces } from "@denocol/exporter";
 * import { checkExporterFactory } from "@denocol/exporter/exportertest";
 *
 * const factory = newFactory(
 *   "drop",
 *   () => ({}),
 *   withTraces(() => ({ ...newComponent(), ...newConsumer(() => {}) }), "alpha"),
 * );
 * await checkExporterFactory(factory);
 * ```
 *
 * @module
 */

import type { Component, Settings, SignalFactory, Signature } from "@denocol/component";
import {
  checkFactoryContract,
  type FactoryContract,
  type SignalCase,
} from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import type { Exporter, Factory } from "@denocol/exporter";
import { type SignalDescriptor, SIGNALS } from "@denocol/pdata";

export * from "./fixtures.ts";

/** Options of {@linkcode checkExporterFactory}. */
export interface ExporterContractOptions<C>
  extends Omit<FactoryContract<C>, "kind" | "factory" | "cases"> {
  /**
   * Whether to consume one empty item of each supported signal between start and shutdown,
   * which must resolve. Default `false`, since a real exporter would need a destination.
   */
  consumeEmpty?: boolean;
}

/** An exporter factory as the contract drives it: by signals named at run time. */
export type AnyExporterFactory<C> = SignalFactory<C, {
  readonly [signal: string]: Signature<[settings: Settings, config: C], Exporter<unknown>>;
}>;

/** Checks that an exporter consumes `data` once started. */
export function exerciseWith<T>(data: () => T): (component: Component) => Promise<void> {
  return async (component) => {
    const consumer = component as Component & Partial<Consumer<T>>;
    if (typeof consumer.consume !== "function" || typeof consumer.capabilities !== "function") {
      throw new TypeError("exporter does not implement consume and capabilities");
    }
    await consumer.consume(data());
  };
}

/**
 * The contract cases for `signals` (the stable signals of `@denocol/pdata` unless twins pass
 * theirs), each creating the exporter with the factory's `create`.
 *
 * @param consumeEmpty Whether each case consumes an empty item of its signal after start.
 */
export function exporterSignalCases<C>(
  factory: AnyExporterFactory<C>,
  consumeEmpty = false,
  signals: readonly Pick<SignalDescriptor, "name" | "empty">[] = Object.values(SIGNALS),
): SignalCase<C>[] {
  return signals.map((signal) => ({
    signal: signal.name,
    stability: factory.stability(signal.name),
    create: (settings: Settings, config: C) => factory.create(signal.name, settings, config),
    exercise: consumeEmpty ? exerciseWith(() => signal.empty()) : undefined,
  }));
}

/**
 * Runs the factory contract (see `checkFactoryContract` in `@denocol/component/componenttest`)
 * against an exporter factory: creates every signal it claims with the default config, starts and
 * shuts each down twice (consuming an empty item in between if `consumeEmpty`), refuses the others
 * with `SignalNotSupportedError`, and rejects each of `options.invalidConfigs`.
 */
export function checkExporterFactory<C>(
  factory: Factory<C>,
  options: ExporterContractOptions<C> = {},
): Promise<void> {
  const { consumeEmpty, ...contract } = options;
  return checkFactoryContract({
    ...contract,
    kind: "exporter",
    factory,
    cases: exporterSignalCases(factory, consumeEmpty ?? false),
  });
}
