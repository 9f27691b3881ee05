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
import { SIGNALS } from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";
import type { Factory } from "@denocol/processor";
import {
  type ProcessorContractOptions,
  processorSignalCases,
} from "@denocol/processor/processortest";

/**
 * The processor contract of `@denocol/processor/processortest` over the stable signals and
 * profiles; a factory built without the twin must refuse profiles.
 */
export function checkProcessorFactory<C>(
  factory: Factory<C>,
  options: ProcessorContractOptions<C> = {},
): Promise<void> {
  return checkFactoryContract({
    ...options,
    kind: "processor",
    factory,
    cases: processorSignalCases(factory, [...Object.values(SIGNALS), profiles]),
  });
}
