import { withValidateConfig } from "@denocol/component";
import { newFactory, type ProfilesFactory, withSignals } from "@denocol/exporter-experimental";
import * as config from "./config.ts";
import { createSignalExporter } from "./exporter.ts";

/**
 * The factory of the `otlphttp` exporter: traces, metrics and logs (stable) and profiles
 * (development, to `profiles_endpoint` or `endpoint` + `/v1development/profiles`).
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<config.OtlpHttpConfig> = newFactory(
  config.TYPE,
  config.createDefaultConfig,
  ...withSignals(createSignalExporter, config.STABILITY),
  withValidateConfig(config.validateConfig),
);
