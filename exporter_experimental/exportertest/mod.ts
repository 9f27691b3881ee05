/**
 * EXPERIMENTAL: the exporter contract test including profiles. May change or be removed in a
 * later release.
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import type { Profiles } from "@denocol/pdata-experimental";
 * import { newFactory, withProfiles } from "@denocol/exporter-experimental";
 * import { checkExporterFactory } from "@denocol/exporter-experimental/exportertest";
 *
 * await checkExporterFactory(
 *   newFactory(
 *     "drop",
 *     () => ({}),
 *     withProfiles(() => ({ ...newComponent(), ...newConsumer<Profiles>(() => {}) }), "alpha"),
 *   ),
 *   { consumeEmpty: true },
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
import type { Factory } from "@denocol/exporter";
import { type ExporterContractOptions, exporterSignalCases } from "@denocol/exporter/exportertest";
import { SIGNALS } from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";

/**
 * The exporter contract of `@denocol/exporter/exportertest` over the stable signals and
 * profiles; a factory built without the twin must refuse profiles.
 */
export function checkExporterFactory<C>(
  factory: Factory<C>,
  options: ExporterContractOptions<C> = {},
): Promise<void> {
  const { consumeEmpty, ...contract } = options;
  const signals = [...Object.values(SIGNALS), profiles];
  const cases = exporterSignalCases(factory, consumeEmpty ?? false, signals);
  return checkFactoryContract({ ...contract, kind: "exporter", factory, cases });
}
