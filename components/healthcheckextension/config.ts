// Configuration of the `health_check` extension, with the keys and defaults of the Go contrib
// collector's `healthcheckextension` (confighttp server keys squashed in).

import {
  defaultHttpServerConfig,
  type HttpServerConfig,
  parseConfigDuration,
  validateHttpServerConfig,
} from "@denocol/config";

/** The component type. */
export const TYPE = "health_check";

/** Bodies that replace the JSON answer. */
export interface ResponseBodyConfig {
  /** Body of a 200 answer. */
  healthy: string;
  /** Body of a 503 answer. */
  unhealthy: string;
}

/** `check_collector_pipeline`: whether failing exporters make the collector unhealthy. */
export interface CheckCollectorPipelineConfig {
  /** Whether exporters are checked; default false (Go's). */
  enabled: boolean;
  /** How long an exporter may keep failing before the collector is unhealthy; default `5m`. */
  interval: string;
  /** Failed attempts an exporter must have had in that time; default 5. */
  exporter_failure_threshold: number;
}

/** Configuration of the `health_check` extension. */
export interface HealthCheckConfig extends HttpServerConfig {
  /** Path of the health answer; default `/`. */
  path: string;
  /** Static bodies instead of the JSON answer; `null` for the JSON answer. */
  response_body: ResponseBodyConfig | null;
  /** The exporter check. */
  check_collector_pipeline: CheckCollectorPipelineConfig;
}

/** Go's default: `localhost:13133`, path `/`, exporters not checked. */
export function createDefaultConfig(): HealthCheckConfig {
  return {
    ...defaultHttpServerConfig("localhost:13133"),
    path: "/",
    response_body: null,
    check_collector_pipeline: { enabled: false, interval: "5m", exporter_failure_threshold: 5 },
  };
}

/**
 * Checks a configuration as Go does (an endpoint, a path starting with `/`, a valid interval, a
 * positive threshold) plus the server section.
 *
 * @throws {TypeError} naming the key.
 */
export function validateConfig(config: HealthCheckConfig, path = `extensions::${TYPE}`): void {
  validateHttpServerConfig(config, path);
  if (typeof config.path !== "string" || !config.path.startsWith("/")) {
    throw new TypeError(`${path}::path: must start with /, got ${JSON.stringify(config.path)}`);
  }
  const check = config.check_collector_pipeline;
  parseConfigDuration(check.interval, `${path}::check_collector_pipeline::interval`);
  if (
    !Number.isInteger(check.exporter_failure_threshold) || check.exporter_failure_threshold <= 0
  ) {
    throw new TypeError(
      `${path}::check_collector_pipeline::exporter_failure_threshold: expected a positive ` +
        `integer, got ${JSON.stringify(check.exporter_failure_threshold)}`,
    );
  }
}
