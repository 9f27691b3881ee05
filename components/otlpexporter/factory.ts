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
import { OTLP_LOGS, OTLP_METRICS, OTLP_PROFILES, OTLP_TRACES } from "@denocol/otlphttpexporter";
import { createDefaultConfig, type OtlpGrpcConfig, validateConfig } from "./config.ts";
import { createSignalExporter } from "./exporter.ts";

/** The component type. */
export const TYPE = "otlp";

/** The factory of the `otlp` (gRPC) exporter for traces, metrics and logs. */
export const factory: Factory<OtlpGrpcConfig> = newFactory<OtlpGrpcConfig>(
  TYPE,
  createDefaultConfig,
  withTraces((settings, config) => createSignalExporter(settings, config, OTLP_TRACES), "stable"),
  withMetrics(
    (settings, config) => createSignalExporter(settings, config, OTLP_METRICS),
    "stable",
  ),
  withLogs((settings, config) => createSignalExporter(settings, config, OTLP_LOGS), "stable"),
  withValidateConfig<OtlpGrpcConfig>((config) => validateConfig(config)),
);

/**
 * Creates an otlp profiles exporter (`ProfilesService/Export`).
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function createProfiles(settings: Settings, config: OtlpGrpcConfig): Exporter<Profiles> {
  return createSignalExporter(settings, config, OTLP_PROFILES);
}
