import { withValidateConfig } from "@denocol/component";
import { newFactory, type ProfilesFactory, withSignals } from "@denocol/exporter-experimental";
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
  ...withSignals(createSignalExporter, {
    stable: ["traces", "metrics", "logs"],
    development: ["profiles"],
  }),
  withValidateConfig(validateConfig),
);
