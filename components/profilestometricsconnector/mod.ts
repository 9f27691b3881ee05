/**
 * The `profilestometrics` connector (profiles to metrics, development): sums of each sample type
 * per service and per function, so that a metrics backend can graph and alert on, say, CPU time
 * per function. Configured in the spirit of the Go contrib `signal_to_metrics` connector:
 *
 * ```yaml
 * connectors:
 *   profilestometrics:
 *     top_functions: 20               # per resource and profile; 0 keeps every function
 *     other_function_name: "(other)"  # the sum of the functions past the top ones
 *     include_resource_attributes: [service.name, deployment.environment.name]  # default: all
 *     metrics:                        # names for sample types; others are profile.<type>
 *       - sample_type: cpu
 *         name: profile.cpu.time      # the default for cpu
 *       - sample_type: alloc_space
 *         name: app.memory.allocated
 *         unit: By
 * service:
 *   pipelines:
 *     profiles: { receivers: [pprof], exporters: [profilestometrics] }
 *     metrics:  { receivers: [profilestometrics], exporters: [otlp] }
 * ```
 *
 * Each profile becomes data points of a delta sum named after its sample type, over the
 * profile's window (start = its time, end = time + duration), with the attributes
 * `function.name` and `profile.sample_type` (`cpu/nanoseconds`), under the profile's resource.
 * A function's value is its flat value (samples taken in it), so the data points of a profile,
 * its top functions and `(other)`, add up to the profile's total. Units become UCUM (`ns`, `By`,
 * `{samples}`).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { profilesToMetrics, createDefaultConfig } from "@denocol/profilestometricsconnector";
 * import { cpuProfileToProfiles } from "@denocol/pdata-experimental/pprof";
 *
 * const frame = (functionName: string) => ({ functionName, url: "app.js", lineNumber: 0, columnNumber: 0 });
 * const data = cpuProfileToProfiles({
 *   nodes: [
 *     { id: 1, callFrame: frame("(root)"), children: [2, 3] },
 *     { id: 2, callFrame: frame("render") },
 *     { id: 3, callFrame: frame("parse") },
 *   ],
 *   startTime: 0, endTime: 4000, samples: [2, 2, 3], timeDeltas: [1000, 1000, 2000],
 * }, { resource: { "service.name": "web" } });
 * const metrics = profilesToMetrics(data, createDefaultConfig());
 * const cpu = metrics.resourceMetrics[0].scopeMetrics[0].metrics.find((m) => m.name === "profile.cpu.time")!;
 * const points = cpu.data.case === "sum" ? cpu.data.value.dataPoints : [];
 * assert.deepEqual(
 *   points.map((p) => [p.attributes[0].value?.value.value, p.value.value]),
 *   [["parse", 2000000n], ["render", 2000000n]],
 * );
 * ```
 *
 * # Experimental
 *
 * The profiles signal is EXPERIMENTAL; this connector may change or be removed in a later
 * release.
 *
 * @module
 */

import { withValidateConfig } from "@denocol/component";
import {
  newFactory,
  type ProfilesFactory,
  withProfilesToMetrics,
} from "@denocol/connector-experimental";
import {
  createDefaultConfig,
  type ProfilesToMetricsConfig,
  TYPE,
  validateConfig,
} from "./config.ts";
import { createProfilesToMetrics } from "./connector.ts";

export {
  createDefaultConfig,
  type MetricConfig,
  type ProfilesToMetricsConfig,
  ProfilesToMetricsConfigError,
  TYPE,
  validateConfig,
} from "./config.ts";
export { createProfilesToMetrics, metricFor, profilesToMetrics } from "./connector.ts";

/**
 * The factory of the `profilestometrics` connector: profiles to metrics, in development.
 *
 * # Experimental
 *
 * EXPERIMENTAL: may be changed or removed in a later release.
 */
export const factory: ProfilesFactory<ProfilesToMetricsConfig> = newFactory<
  ProfilesToMetricsConfig
>(
  TYPE,
  createDefaultConfig,
  withProfilesToMetrics(createProfilesToMetrics, "development"),
  withValidateConfig((config: ProfilesToMetricsConfig) => validateConfig(config)),
);
