/**
 * EXPERIMENTAL: the processor contract test including profiles. May change or be removed in a
 * later release.
 *
 * ```ts
 * import { newFactory, newProfilesProcessor, withProfiles } from "@denocol/processor-experimental";
 * import { checkProcessorFactory } from "@denocol/processor-experimental/processortest";
 *
 * await checkProcessorFactory(newFactory(
 *   "passthrough",
 *   () => ({}),
 *   withProfiles((_s, _c, next) => newProfilesProcessor(next, (p) => p), "development"),
 * ));
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

import { checkFactoryContract } from "@denocol/component/componenttest";
import { newProfilesSink } from "@denocol/consumer-experimental/consumertest";
import { profiles } from "@denocol/pdata-experimental";
import type { Factory, Processor } from "@denocol/processor";
import {
  type ProcessorContractOptions,
  processorSignalCases,
} from "@denocol/processor/processortest";
import { isProfilesFactory } from "@denocol/processor-experimental";

/**
 * The processor contract of `@denocol/processor/processortest` over the stable signals and, when
 * the factory was built by this twin, profiles.
 */
export function checkProcessorFactory<C>(
  factory: Factory<C>,
  options: ProcessorContractOptions<C> = {},
): Promise<void> {
  const cases = processorSignalCases(factory);
  if (isProfilesFactory(factory)) {
    cases.push({
      signal: "profiles",
      stability: factory.profilesStability,
      create: (settings, config) => factory.createProfiles(settings, config, newProfilesSink()),
      exercise: (p) => (p as Processor<unknown>).consume(profiles.empty()),
    });
  }
  return checkFactoryContract({ ...options, kind: "processor", factory, cases });
}
