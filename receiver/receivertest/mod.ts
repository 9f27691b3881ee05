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

import type { Component, Settings, SignalFactory, Signature } from "@denocol/component";
import {
  checkFactoryContract,
  type FactoryContract,
  type SignalCase,
} from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { type SignalDescriptor, SIGNALS } from "@denocol/pdata";
import type { Factory } from "@denocol/receiver";

/** Options of {@linkcode checkReceiverFactory}. */
export type ReceiverContractOptions<C> = Omit<FactoryContract<C>, "kind" | "factory" | "cases">;

/** A receiver factory as the contract drives it: by signals named at run time. */
export type AnyReceiverFactory<C> = SignalFactory<C, {
  readonly [signal: string]: Signature<
    [settings: Settings, config: C, next: Consumer<unknown>],
    Component
  >;
}>;

/**
 * The contract cases for `signals` (the stable signals of `@denocol/pdata` unless twins pass
 * theirs), each creating the receiver with a sink as its next consumer.
 */
export function receiverSignalCases<C>(
  factory: AnyReceiverFactory<C>,
  signals: readonly Pick<SignalDescriptor, "name">[] = Object.values(SIGNALS),
): SignalCase<C>[] {
  return signals.map(({ name }) => ({
    signal: name,
    stability: factory.stability(name),
    create: (settings: Settings, config: C) =>
      factory.create(name, settings, config, new SinkConsumer<unknown>()),
  }));
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
