import { withValidateConfig } from "@denocol/component";
import { newFactory, type ProfilesFactory, withSignals } from "@denocol/exporter-experimental";
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
  ...withSignals(createSignalExporter, {
    stable: ["traces", "metrics", "logs"],
    development: ["profiles"],
  }),
  withValidateConfig(validateConfig),
);
