import type { Settings } from "@denocol/component";
import { withValidateConfig } from "@denocol/component";
import {
  type Exporter,
  type Factory,
  newFactory,
  withLogs,
  withMetrics,
  withTraces,
} from "@denocol/exporter";
import type { Profiles } from "@denocol/pdata-experimental";
import { createDefaultConfig, type OtlpHttpConfig, validateConfig } from "./config.ts";
import { createSignalExporter } from "./exporter.ts";
import { OTLP_PROFILES } from "./profiles.ts";
import { OTLP_LOGS, OTLP_METRICS, OTLP_TRACES } from "./signals.ts";

/** The component type. */
export const TYPE = "otlphttp";

/** The factory of the `otlphttp` exporter for traces, metrics and logs. */
export const factory: Factory<OtlpHttpConfig> = newFactory<OtlpHttpConfig>(
  TYPE,
  createDefaultConfig,
  withTraces((settings, config) => createSignalExporter(settings, config, OTLP_TRACES), "stable"),
  withMetrics(
    (settings, config) => createSignalExporter(settings, config, OTLP_METRICS),
    "stable",
  ),
  withLogs((settings, config) => createSignalExporter(settings, config, OTLP_LOGS), "stable"),
  withValidateConfig<OtlpHttpConfig>((config) => validateConfig(config)),
);

/**
 * Creates an otlphttp profiles exporter (`profiles_endpoint`, or `endpoint` +
 * `/v1development/profiles`).
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function createProfiles(settings: Settings, config: OtlpHttpConfig): Exporter<Profiles> {
  return createSignalExporter(settings, config, OTLP_PROFILES);
}
