/**
 * Test helpers for connector authors: the contract test every connector factory must pass.
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import { newFactory, withLogsToLogs } from "@denocol/connector";
 * import { checkConnectorFactory } from "@denocol/connector/connectortest";
 *
 * const factory = newFactory(
 *   "forward",
 *   () => ({}),
 *   withLogsToLogs((_s, _c, next) => ({ ...newComponent(), ...newConsumer((l) => next.consume(l)) }), "alpha"),
 * );
 * await checkConnectorFactory(factory);
 * ```
 *
 * @module
 */

import {
  type Component,
  type Settings,
  type Signal,
  SIGNALS,
  type StabilityLevel,
} from "@denocol/component";
import {
  checkFactoryContract,
  type FactoryContract,
  type SignalCase,
} from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { createPair, type Factory, pairStability } from "@denocol/connector";
import * as pdata from "@denocol/pdata";

/** Options of {@linkcode checkConnectorFactory}. */
export type ConnectorContractOptions<C> = Omit<FactoryContract<C>, "kind" | "factory" | "cases">;

/** How to reach one kind of connector factory for {@linkcode pairCases}. */
export interface PairAccess<C, S extends string> {
  /** Every signal pair of the factory kind, supported or not. */
  pairs: ReadonlyArray<readonly [S, S]>;
  /** The stability of a pair. */
  stability(from: S, to: S): StabilityLevel;
  /** Creates the connector of a pair. */
  create(from: S, to: S, settings: Settings, config: C, next: Consumer<unknown>): Component;
  /** An empty item of each signal, consumed once the connector has started. */
  empty: Readonly<Record<S, () => unknown>>;
}

/**
 * Contract cases for connector pairs (labelled `from->to`): each creates the connector in front of
 * a sink and, once started, feeds it one empty item. Twins use it with their own pairs.
 */
export function pairCases<C, S extends string>(access: PairAccess<C, S>): SignalCase<C>[] {
  return access.pairs.map(([from, to]) => ({
    signal: `${from}->${to}`,
    stability: access.stability(from, to),
    create: (settings: Settings, config: C) =>
      access.create(from, to, settings, config, new SinkConsumer<unknown>()),
    exercise: (component: Component) =>
      (component as Component & Consumer<unknown>).consume(access.empty[from]()),
  }));
}

/** Every pair of stable signals. */
export const STABLE_PAIRS: ReadonlyArray<readonly [Signal, Signal]> = SIGNALS.flatMap((from) =>
  SIGNALS.map((to) => [from, to] as const)
);

/**
 * Runs the factory contract (see `checkFactoryContract` in `@denocol/component/componenttest`)
 * against a connector factory, over the nine pairs of stable signals.
 */
export function checkConnectorFactory<C>(
  factory: Factory<C>,
  options: ConnectorContractOptions<C> = {},
): Promise<void> {
  return checkFactoryContract({
    ...options,
    kind: "connector",
    factory,
    cases: pairCases({
      pairs: STABLE_PAIRS,
      stability: (from, to) => pairStability(factory, from, to),
      create: (from, to, settings, config, next) =>
        createPair(factory, from, to, settings, config, next),
      empty: {
        traces: () => pdata.traces.empty(),
        metrics: () => pdata.metrics.empty(),
        logs: () => pdata.logs.empty(),
      },
    }),
  });
}
