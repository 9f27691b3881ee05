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

import type { Settings, SignalFactory, Signature } from "@denocol/component";
import {
  checkFactoryContract,
  type FactoryContract,
  type SignalCase,
} from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { type SignalDescriptor, SIGNALS } from "@denocol/pdata";
import type { Factory, Processor } from "@denocol/processor";

/** Options of {@linkcode checkProcessorFactory}. */
export type ProcessorContractOptions<C> = Omit<FactoryContract<C>, "kind" | "factory" | "cases">;

/** A processor factory as the contract drives it: by signals named at run time. */
export type AnyProcessorFactory<C> = SignalFactory<C, {
  readonly [signal: string]: Signature<
    [settings: Settings, config: C, next: Consumer<unknown>],
    Processor<unknown>
  >;
}>;

/**
 * The contract cases for `signals` (the stable signals of `@denocol/pdata` unless twins pass
 * theirs): each creates the processor in front of a sink, and once started it must accept an
 * empty item of its signal.
 */
export function processorSignalCases<C>(
  factory: AnyProcessorFactory<C>,
  signals: readonly Pick<SignalDescriptor, "name" | "empty">[] = Object.values(SIGNALS),
): SignalCase<C>[] {
  return signals.map((signal) => ({
    signal: signal.name,
    stability: factory.stability(signal.name),
    create: (settings: Settings, config: C) =>
      factory.create(signal.name, settings, config, new SinkConsumer<unknown>()),
    exercise: (processor) => (processor as Processor<unknown>).consume(signal.empty()),
  }));
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
