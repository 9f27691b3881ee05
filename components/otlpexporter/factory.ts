import { withValidateConfig } from "@denocol/component";
import { withLogs, withMetrics, withTraces } from "@denocol/exporter";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/exporter-experimental";
import { logs, metrics, traces } from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";
import { createDefaultConfig, type OtlpGrpcConfig, validateConfig } from "./config.ts";
import { createSignalExporter } from "./exporter.ts";

/** The component type. */
export const TYPE = "otlp";

/**
 * The factory of the `otlp` (gRPC) exporter: traces, metrics and logs (stable) and profiles
 * (development, `ProfilesService/Export`).
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<OtlpGrpcConfig> = newFactory<OtlpGrpcConfig>(
  TYPE,
  createDefaultConfig,
  withTraces((settings, config) => createSignalExporter(settings, config, traces), "stable"),
  withMetrics((settings, config) => createSignalExporter(settings, config, metrics), "stable"),
  withLogs((settings, config) => createSignalExporter(settings, config, logs), "stable"),
  withProfiles(
    (settings, config) => createSignalExporter(settings, config, profiles),
    "development",
  ),
  withValidateConfig<OtlpGrpcConfig>((config) => validateConfig(config)),
);
