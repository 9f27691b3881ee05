/**
 * EXPERIMENTAL: the connector contract test over all sixteen signal pairs, profiles included.
 * May change or be removed in a later release.
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import { newFactory, withProfilesToProfiles } from "@denocol/connector-experimental";
 * import { checkConnectorFactory } from "@denocol/connector-experimental/connectortest";
 *
 * await checkConnectorFactory(newFactory(
 *   "forward",
 *   () => ({}),
 *   withProfilesToProfiles((_s, _c, next) => ({
 *     ...newComponent(),
 *     ...newConsumer((p) => next.consume(p)),
 *   }), "alpha"),
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
import type { Factory } from "@denocol/connector";
import { type ConnectorContractOptions, pairCases } from "@denocol/connector/connectortest";
import { SIGNALS } from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";

/**
 * Runs the factory contract (see `checkFactoryContract` in `@denocol/component/componenttest`)
 * against a connector factory over the sixteen pairs of the stable signals and profiles.
 */
export function checkConnectorFactory<C>(
  factory: Factory<C>,
  options: ConnectorContractOptions<C> = {},
): Promise<void> {
  return checkFactoryContract({
    ...options,
    kind: "connector",
    factory,
    cases: pairCases(factory, [...Object.values(SIGNALS), profiles]),
  });
}
