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
import {
  exerciseWith,
  type ExporterContractOptions,
  exporterSignalCases,
} from "@denocol/exporter/exportertest";
import { isProfilesFactory } from "@denocol/exporter-experimental";
import { profiles } from "@denocol/pdata-experimental";

/**
 * The exporter contract of `@denocol/exporter/exportertest` over the stable signals and, when
 * the factory was built by this twin, profiles.
 */
export function checkExporterFactory<C>(
  factory: Factory<C>,
  options: ExporterContractOptions<C> = {},
): Promise<void> {
  const { consumeEmpty, ...contract } = options;
  const cases = exporterSignalCases(factory, consumeEmpty ?? false);
  if (isProfilesFactory(factory)) {
    cases.push({
      signal: "profiles",
      stability: factory.profilesStability,
      create: (settings, config) => factory.createProfiles(settings, config),
      exercise: consumeEmpty ? exerciseWith(() => profiles.empty()) : undefined,
    });
  }
  return checkFactoryContract({ ...contract, kind: "exporter", factory, cases });
}
