/**
 * The `health_check` extension: an HTTP endpoint that orchestrators probe, with the keys and
 * defaults of the Go contrib collector's `healthcheckextension` (`endpoint`, default
 * `localhost:13133`; `path`, default `/`; `response_body`; `check_collector_pipeline`; and every
 * `confighttp` server key, TLS included).
 *
 * - `path` answers 200 `{"status":"Server available",…}` once every pipeline has started, and
 *   503 `{"status":"Server not available",…,"failing":[…]}` while the collector starts, while it
 *   shuts down, when a component reported a fatal error, and, with
 *   `check_collector_pipeline.enabled`, when an exporter has been failing (no successful attempt)
 *   for at least `interval` with at least `exporter_failure_threshold` failed attempts; the body
 *   names each failing component with its last error.
 * - `/readyz` (readiness) answers 200 while the pipelines run, 503 while starting and from the
 *   start of the shutdown, so that traffic moves elsewhere while the collector drains.
 * - `/livez` (liveness) answers 200 as long as the process serves, unless a component failed
 *   fatally: a failing backend is not a reason to restart the collector.
 *
 * Go's `check_collector_pipeline` has no effect there (its README says not to use it); here it
 * is the exporter check above, reading the status the exporter helper reports at every attempt.
 * Under `otelcol --workers=N` each worker serves the endpoint on the shared port and answers
 * for itself.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { ID } from "@denocol/component";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { createDefaultConfig, HealthCheckExtension } from "@denocol/healthcheckextension";
 *
 * const health = new HealthCheckExtension(
 *   nopSettings("extension", ID.parse("health_check")),
 *   { ...createDefaultConfig(), endpoint: "127.0.0.1:0" },
 * );
 * await health.start(nopHost());
 * const url = `http://127.0.0.1:${health.address!.port}`;
 * const starting = await fetch(url);
 * assert.equal(starting.status, 503); // the pipelines have not started yet
 * await starting.body?.cancel();
 * health.ready();
 * const running = await fetch(url);
 * assert.equal((await running.json()).status, "Server available");
 * await health.shutdown();
 * ```
 *
 * @module
 */

import { withValidateConfig } from "@denocol/component";
import { type Factory, newFactory } from "@denocol/extension";
import { createDefaultConfig, type HealthCheckConfig, TYPE, validateConfig } from "./config.ts";
import { HealthCheckExtension } from "./health.ts";

export {
  type CheckCollectorPipelineConfig,
  createDefaultConfig,
  type HealthCheckConfig,
  type ResponseBodyConfig,
  TYPE,
  validateConfig,
} from "./config.ts";
export {
  type FailingComponent,
  type HealthBody,
  HealthCheckExtension,
  LIVENESS_PATH,
  READINESS_PATH,
} from "./health.ts";

/** The factory of the `health_check` extension. */
export const factory: Factory<HealthCheckConfig> = newFactory(
  TYPE,
  createDefaultConfig,
  (settings, config) => new HealthCheckExtension(settings, config),
  "beta",
  withValidateConfig((config: HealthCheckConfig) => validateConfig(config)),
);
