/**
 * The configuration `otelcol` runs without `--config`, for any set of factories, and the feature
 * gates it turns on for it. Kept apart from `mod.ts`, which loads every built-in component, so
 * that the command can build it from the few components it names.
 *
 * @module
 */

import { type Factories, FactoryIndex, PROFILES_SUPPORT_GATE } from "@denocol/service";

/**
 * The default configuration for `factories`: a `profiles` pipeline is included only when their
 * `otlp` receiver, `batch` processor and `debug` exporter all support profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function createDefaultConfig(factories: Factories): Record<string, unknown> {
  const index = new FactoryIndex(factories);
  const profilesParts = [
    ["receiver", "otlp"],
    ["processor", "batch"],
    ["exporter", "debug"],
  ] as const;
  const supportsProfiles = profilesParts.every(([kind, type]) => {
    const factory = index.get(kind, type);
    return factory !== undefined && factory.stability("profiles") !== "undefined";
  });
  const pipeline = () => ({ receivers: ["otlp"], processors: ["batch"], exporters: ["debug"] });
  const pipelines: Record<string, unknown> = {
    traces: pipeline(),
    metrics: pipeline(),
    logs: pipeline(),
  };
  if (supportsProfiles) pipelines.profiles = pipeline();
  return {
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: "localhost:4317" },
          http: { endpoint: "localhost:4318" },
        },
      },
    },
    processors: { batch: null },
    exporters: { debug: null },
    service: { pipelines },
  };
}

/**
 * The feature gates `otelcol` enables when it runs on {@linkcode defaultConfig}.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export const DEFAULT_CONFIG_FEATURE_GATES: readonly string[] = [PROFILES_SUPPORT_GATE];
