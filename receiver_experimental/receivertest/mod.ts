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
import { newProfilesSink } from "@denocol/consumer-experimental/consumertest";
import type { Factory } from "@denocol/receiver";
import { type ReceiverContractOptions, receiverSignalCases } from "@denocol/receiver/receivertest";
import { isProfilesFactory } from "@denocol/receiver-experimental";

/**
 * The receiver contract of `@denocol/receiver/receivertest` over the stable signals and, when the
 * factory was built by this twin, profiles.
 */
export function checkReceiverFactory<C>(
  factory: Factory<C>,
  options: ReceiverContractOptions<C> = {},
): Promise<void> {
  const cases = receiverSignalCases(factory);
  if (isProfilesFactory(factory)) {
    cases.push({
      signal: "profiles",
      stability: factory.profilesStability,
      create: (settings, config) => factory.createProfiles(settings, config, newProfilesSink()),
    });
  }
  return checkFactoryContract({ ...options, kind: "receiver", factory, cases });
}
