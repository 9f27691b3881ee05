/**
 * The exporter helper for profiles: {@linkcode newProfiles} gives a profiles exporter the same
 * `timeout`, `retry_on_failure` and `sending_queue` behaviour as the stable signals, counting
 * profile samples (`otelcol_exporter_sent_profile_samples`, …).
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

import type { Settings } from "@denocol/component";
import type { Exporter } from "@denocol/exporter";
import { type ExporterOptions, newExporter, type PushFunc } from "@denocol/exporter/exporterhelper";
import { type Profiles, profiles } from "@denocol/pdata-experimental";

/** A profiles exporter around `push`; see `newExporter` of `@denocol/exporter/exporterhelper`. */
export function newProfiles(
  settings: Settings,
  push: PushFunc<Profiles>,
  options: ExporterOptions = {},
): Exporter<Profiles> {
  return newExporter(settings, profiles, push, options);
}
