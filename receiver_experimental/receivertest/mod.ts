/**
 * EXPERIMENTAL: the receiver contract test including profiles. May change or be removed in a
 * later release.
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newFactory, withProfiles } from "@denocol/receiver-experimental";
 * import { checkReceiverFactory } from "@denocol/receiver-experimental/receivertest";
 *
 * await checkReceiverFactory(
 *   newFactory("pprofish", () => ({}), withProfiles(() => newComponent(), "development")),
 * );
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
import type { Factory } from "@denocol/receiver";
import { type ReceiverContractOptions, receiverSignalCases } from "@denocol/receiver/receivertest";

/**
 * The receiver contract of `@denocol/receiver/receivertest` over the stable signals and
 * profiles; a factory built without the twin must refuse profiles.
 */
export function checkReceiverFactory<C>(
  factory: Factory<C>,
  options: ReceiverContractOptions<C> = {},
): Promise<void> {
  return checkFactoryContract({
    ...options,
    kind: "receiver",
    factory,
    cases: receiverSignalCases(factory, [...Object.values(SIGNALS), profiles]),
  });
}
