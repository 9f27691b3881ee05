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

import type { Component } from "@denocol/component";
import {
  checkFactoryContract,
  type FactoryContract,
  type SignalCase,
} from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import type { Factory } from "@denocol/exporter";
import * as pdata from "@denocol/pdata";

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
 * The contract cases for the stable signals of `factory`. Twins append their own cases.
 *
 * @param consumeEmpty Whether each case consumes an empty item after start.
 */
export function exporterSignalCases<C>(
  factory: Factory<C>,
  consumeEmpty = false,
): SignalCase<C>[] {
  return [
    {
      signal: "traces",
      stability: factory.tracesStability,
      create: (settings, config) => factory.createTraces(settings, config),
      exercise: consumeEmpty ? exerciseWith(() => pdata.traces.empty()) : undefined,
    },
    {
      signal: "metrics",
      stability: factory.metricsStability,
      create: (settings, config) => factory.createMetrics(settings, config),
      exercise: consumeEmpty ? exerciseWith(() => pdata.metrics.empty()) : undefined,
    },
    {
      signal: "logs",
      stability: factory.logsStability,
      create: (settings, config) => factory.createLogs(settings, config),
      exercise: consumeEmpty ? exerciseWith(() => pdata.logs.empty()) : undefined,
    },
  ];
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
