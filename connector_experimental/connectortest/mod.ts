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
import {
  type ConnectorContractOptions,
  pairCases,
  STABLE_PAIRS,
} from "@denocol/connector/connectortest";
import { createPair, pairStability, PROFILE_PAIRS } from "@denocol/connector-experimental";
import * as pdata from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";

/**
 * Runs the factory contract (see `checkFactoryContract` in `@denocol/component/componenttest`)
 * against a connector factory over the nine stable pairs and the seven pairs involving
 * profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
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
      pairs: [...STABLE_PAIRS, ...PROFILE_PAIRS],
      stability: (from, to) => pairStability(factory, from, to),
      create: (from, to, settings, config, next) =>
        createPair(factory, from, to, settings, config, next),
      empty: {
        traces: () => pdata.traces.empty(),
        metrics: () => pdata.metrics.empty(),
        logs: () => pdata.logs.empty(),
        profiles: () => profiles.empty(),
      },
    }),
  });
}
