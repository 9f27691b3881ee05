import { withValidateConfig } from "@denocol/component";
import { withLogs, withMetrics, withTraces } from "@denocol/exporter";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/exporter-experimental";
import { logs, metrics, traces } from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";
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
  withTraces((settings, config) => createSignalExporter(settings, config, traces), "stable"),
  withMetrics((settings, config) => createSignalExporter(settings, config, metrics), "stable"),
  withLogs((settings, config) => createSignalExporter(settings, config, logs), "stable"),
  withProfiles(
    (settings, config) => createSignalExporter(settings, config, profiles),
    "development",
  ),
  withValidateConfig<OtlpHttpConfig>((config) => validateConfig(config)),
);
