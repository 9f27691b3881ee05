import { withValidateConfig } from "@denocol/component";
import { withLogs, withMetrics, withTraces } from "@denocol/exporter";
import { LOGS, METRICS, TRACES } from "@denocol/exporter/exporterhelper";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/exporter-experimental";
import { PROFILES } from "@denocol/exporter-experimental/exporterhelper";
import { OTLP_LOGS, OTLP_METRICS, OTLP_TRACES } from "@denocol/pdata";
import { OTLP_PROFILES } from "@denocol/pdata-experimental";
import { createDefaultConfig, type OtlpHttpConfig, validateConfig } from "./config.ts";
import { createSignalExporter } from "./exporter.ts";

/** The component type. */
export const TYPE = "otlphttp";

/**
 * The factory of the `otlphttp` exporter: traces, metrics and logs (stable) and profiles
 * (development, to `profiles_endpoint` or `endpoint` + `/v1development/profiles`).
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<OtlpHttpConfig> = newFactory<OtlpHttpConfig>(
  TYPE,
  createDefaultConfig,
  withTraces(
    (settings, config) => createSignalExporter(settings, config, OTLP_TRACES, TRACES),
    "stable",
  ),
  withMetrics(
    (settings, config) => createSignalExporter(settings, config, OTLP_METRICS, METRICS),
    "stable",
  ),
  withLogs((settings, config) => createSignalExporter(settings, config, OTLP_LOGS, LOGS), "stable"),
  withProfiles(
    (settings, config) => createSignalExporter(settings, config, OTLP_PROFILES, PROFILES),
    "development",
  ),
  withValidateConfig<OtlpHttpConfig>((config) => validateConfig(config)),
);
