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

import type { Component, Settings, Signature } from "@denocol/component";
import {
  checkFactoryContract,
  type FactoryContract,
  type SignalCase,
} from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import type { Connector, Factory, PairFactory } from "@denocol/connector";
import { type SignalDescriptor, SIGNALS } from "@denocol/pdata";

/** Options of {@linkcode checkConnectorFactory}. */
export type ConnectorContractOptions<C> = Omit<FactoryContract<C>, "kind" | "factory" | "cases">;

/** A connector factory as the contract drives it: by pairs of signals named at run time. */
export type AnyPairFactory<C> = PairFactory<C, {
  readonly [from: string]: {
    readonly [to: string]: Signature<
      [settings: Settings, config: C, next: Consumer<unknown>],
      Connector<unknown>
    >;
  };
}>;

/**
 * Contract cases for every pair of `signals` (labelled `from->to`): each creates the connector in
 * front of a sink and, once started, feeds it one empty item of its `from` signal. Twins pass
 * their signals.
 */
export function pairCases<C>(
  factory: AnyPairFactory<C>,
  signals: readonly Pick<SignalDescriptor, "name" | "empty">[],
): SignalCase<C>[] {
  return signals.flatMap((from) =>
    signals.map((to) => ({
      signal: `${from.name}->${to.name}`,
      stability: factory.stability(from.name, to.name),
      create: (settings: Settings, config: C) =>
        factory.create(from.name, to.name, settings, config, new SinkConsumer<unknown>()),
      exercise: (component: Component) => (component as Connector<unknown>).consume(from.empty()),
    }))
  );
}

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
    cases: pairCases(factory, Object.values(SIGNALS)),
  });
}
