/**
 * Test helpers for processor authors: the contract test every processor factory must pass.
 *
 * ```ts
 * import { newFactory, newLogsProcessor, withLogs } from "@denocol/processor";
 * import { checkProcessorFactory } from "@denocol/processor/processortest";
 *
 * const factory = newFactory(
 *   "passthrough",
 *   () => ({}),
 *   withLogs((_s, _c, next) => newLogsProcessor(next, (logs) => logs), "alpha"),
 * );
 * await checkProcessorFactory(factory);
 * ```
 *
 * @module
 */

import {
  checkFactoryContract,
  type FactoryContract,
  type SignalCase,
} from "@denocol/component/componenttest";
import { newLogsSink, newMetricsSink, newTracesSink } from "@denocol/consumer/consumertest";
import type { Factory } from "@denocol/processor";
import * as pdata from "@denocol/pdata";

/** Options of {@linkcode checkProcessorFactory}. */
export type ProcessorContractOptions<C> = Omit<FactoryContract<C>, "kind" | "factory" | "cases">;

/**
 * The contract cases for the stable signals of `factory`: each creates the processor in front of
 * a sink, and once started it must accept an empty item. Twins append their own cases.
 */
export function processorSignalCases<C>(factory: Factory<C>): SignalCase<C>[] {
  return [
    {
      signal: "traces",
      stability: factory.tracesStability,
      create: (settings, config) => factory.createTraces(settings, config, newTracesSink()),
      exercise: (p) => (p as ReturnType<Factory<C>["createTraces"]>).consume(pdata.traces.empty()),
    },
    {
      signal: "metrics",
      stability: factory.metricsStability,
      create: (settings, config) => factory.createMetrics(settings, config, newMetricsSink()),
      exercise: (p) =>
        (p as ReturnType<Factory<C>["createMetrics"]>).consume(pdata.metrics.empty()),
    },
    {
      signal: "logs",
      stability: factory.logsStability,
      create: (settings, config) => factory.createLogs(settings, config, newLogsSink()),
      exercise: (p) => (p as ReturnType<Factory<C>["createLogs"]>).consume(pdata.logs.empty()),
    },
  ];
}

/**
 * Runs the factory contract (see `checkFactoryContract` in `@denocol/component/componenttest`)
 * against a processor factory: every claimed signal is created with the default config, started,
 * fed one empty item, and shut down twice; other signals throw `SignalNotSupportedError`; each
 * of `options.invalidConfigs` is rejected.
 */
export function checkProcessorFactory<C>(
  factory: Factory<C>,
  options: ProcessorContractOptions<C> = {},
): Promise<void> {
  return checkFactoryContract({
    ...options,
    kind: "processor",
    factory,
    cases: processorSignalCases(factory),
  });
}
