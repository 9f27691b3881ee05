/**
 * The denocol collector distribution: the {@linkcode Collector} that runs any set of component
 * factories, the core factories ({@linkcode components}), the built-in default configuration and
 * the `otelcol` command line (`@denocol/otelcol/main`).
 *
 * Two packages share the work, as `otelcol` and `service` do in the Go collector:
 *
 * - `@denocol/otelcol` is what a distribution uses. Its `Collector` takes factories and where the
 *   configuration comes from (an object or YAML in code, `--config` URIs, `--set` overrides,
 *   feature gates), loads and validates it, runs it, and stops on `shutdown` or when a
 *   component reports a fatal error. `main(args, { factories })` is the command line around it.
 * - `@denocol/service` is what the collector runs: configuration loading and validation, and
 *   the `Service` that one validated configuration becomes (internal telemetry, extensions,
 *   the pipeline graph, the shutdown drain). Component packages and distributions rarely need
 *   more of it than the factory types.
 *
 * A collector of the core components, stopped again at once:
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { Collector, components } from "@denocol/otelcol";
 *
 * const collector = new Collector({
 *   factories: components(),
 *   config: {
 *     receivers: { nop: null },
 *     exporters: { nop: null },
 *     service: {
 *       telemetry: { metrics: { level: "none" } },
 *       pipelines: { traces: { receivers: ["nop"], exporters: ["nop"] } },
 *     },
 *   },
 *   writeLog: () => {},
 * });
 * await collector.start();
 * assert.equal(collector.state, "running");
 * const exit = await collector.shutdown(5000);
 * assert.deepEqual(exit.shutdownErrors, []);
 * ```
 *
 * A distribution of its own passes its factories instead: `components()` spread with its own,
 * or a list of its choosing, to `new Collector({ factories, ... })` or to `main`.
 *
 * @module
 */

import { factory as attributes } from "@denocol/attributesprocessor";
import { factory as batch } from "@denocol/batchprocessor";
import { factory as bearerTokenAuth } from "@denocol/bearertokenauthextension";
import { factory as debug } from "@denocol/debugexporter";
import { factory as fileStorage } from "@denocol/filestorage";
import { factory as forward } from "@denocol/forwardconnector";
import { factory as healthCheck } from "@denocol/healthcheckextension";
import { factory as loadBalancing } from "@denocol/loadbalancingexporter";
import { factory as memoryLimiter } from "@denocol/memorylimiterprocessor";
import { factory as filter } from "@denocol/filterprocessor";
import { factory as transform } from "@denocol/transformprocessor";
import { factory as zpages } from "@denocol/zpagesextension";
import { factory as nopExporter } from "@denocol/nopexporter";
import { factory as nopReceiver } from "@denocol/nopreceiver";
import { factory as otlpExporter } from "@denocol/otlpexporter";
import { factory as otlpHttpExporter } from "@denocol/otlphttpexporter";
import { factory as otlpReceiver } from "@denocol/otlpreceiver";
import { factory as pprofExporter } from "@denocol/pprofexporter";
import { factory as pprofReceiver } from "@denocol/pprofreceiver";
import { factory as profilesToMetrics } from "@denocol/profilestometricsconnector";
import { factory as resource } from "@denocol/resourceprocessor";
import { factory as routing } from "@denocol/routingconnector";
import { factory as script } from "@denocol/scriptprocessor";
import type { Factories } from "@denocol/service";
import { createDefaultConfig } from "./default_config.ts";

export type { AnyFactory, Factories } from "@denocol/service";
export { createDefaultConfig, DEFAULT_CONFIG_FEATURE_GATES } from "./default_config.ts";
export {
  BUILD_INFO,
  Collector,
  type CollectorExit,
  type CollectorOptions,
  type CollectorState,
} from "./collector.ts";

/**
 * The core factories: receivers `otlp`, `nop`, `pprof`; processors `batch`, `memory_limiter`,
 * `transform`, `filter`, `attributes`, `resource`, `script`; exporters `otlp`, `otlphttp`,
 * `loadbalancing`, `debug`, `nop`, `pprof`; connectors `forward`, `profilestometrics`, `routing`;
 * extensions
 * `file_storage`, `bearertokenauth`, `health_check`, `zpages`. Each call returns the same factories.
 */
export function components(): Factories {
  return CORE;
}

const CORE: Factories = {
  receivers: [otlpReceiver, nopReceiver, pprofReceiver],
  processors: [batch, memoryLimiter, transform, filter, attributes, resource, script],
  exporters: [otlpExporter, otlpHttpExporter, loadBalancing, debug, nopExporter, pprofExporter],
  connectors: [forward, profilesToMetrics, routing],
  extensions: [fileStorage, bearerTokenAuth, healthCheck, zpages],
};

/**
 * The configuration the collector runs without `--config`: the `otlp` receiver on localhost
 * (gRPC 4317, HTTP 4318) feeding traces, metrics, logs and profiles pipelines through `batch`
 * into `debug`. The profiles pipeline is present when the `otlp` receiver supports profiles,
 * and needs the `service.profilesSupport` gate, which `otelcol` enables for this default.
 *
 * # Experimental
 *
 * The `profiles` pipeline is EXPERIMENTAL. This API is EXPERIMENTAL and may be changed or
 * removed in a later release.
 */
export const defaultConfig: Readonly<Record<string, unknown>> = createDefaultConfig(CORE);
