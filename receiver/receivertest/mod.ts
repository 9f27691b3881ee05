/**
 * Test helpers for receiver authors: the contract test every receiver factory must pass.
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newFactory, withLogs } from "@denocol/receiver";
 * import { checkReceiverFactory } from "@denocol/receiver/receivertest";
 *
 * const factory = newFactory("quiet", () => ({}), withLogs(() => newComponent(), "alpha"));
 * await checkReceiverFactory(factory);
 * ```
 *
 * @module
 */

import type { SignalCase } from "@denocol/component/componenttest";
import { checkFactoryContract, type FactoryContract } from "@denocol/component/componenttest";
import { newLogsSink, newMetricsSink, newTracesSink } from "@denocol/consumer/consumertest";
import type { Factory } from "@denocol/receiver";

/** Options of {@linkcode checkReceiverFactory}. */
export type ReceiverContractOptions<C> = Omit<FactoryContract<C>, "kind" | "factory" | "cases">;

/**
 * The contract cases for the stable signals of `factory`, each creating the receiver with a
 * sink as its next consumer. Twins append their own cases.
 */
export function receiverSignalCases<C>(factory: Factory<C>): SignalCase<C>[] {
  return [
    {
      signal: "traces",
      stability: factory.tracesStability,
      create: (settings, config) => factory.createTraces(settings, config, newTracesSink()),
    },
    {
      signal: "metrics",
      stability: factory.metricsStability,
      create: (settings, config) => factory.createMetrics(settings, config, newMetricsSink()),
    },
    {
      signal: "logs",
      stability: factory.logsStability,
      create: (settings, config) => factory.createLogs(settings, config, newLogsSink()),
    },
  ];
}

/**
 * Runs the factory contract (see `checkFactoryContract` in `@denocol/component/componenttest`)
 * against a receiver factory: creates every signal it claims with the default config, starts and
 * shuts each down twice, refuses the others with `SignalNotSupportedError`, and rejects each of
 * `options.invalidConfigs`.
 */
export function checkReceiverFactory<C>(
  factory: Factory<C>,
  options: ReceiverContractOptions<C> = {},
): Promise<void> {
  return checkFactoryContract({
    ...options,
    kind: "receiver",
    factory,
    cases: receiverSignalCases(factory),
  });
}
