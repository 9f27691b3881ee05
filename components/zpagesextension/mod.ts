/**
 * The `zpages` extension: a live status page of the running collector, served by the collector
 * itself with everything it needs inside the page (no build step, nothing from a CDN). Keys and
 * defaults are the Go collector's: `endpoint` (default `localhost:55679`), `expvar.enabled`, and
 * every `confighttp` server key.
 *
 * The page (`/`, also at Go's `/debug/servicez`, `/debug/pipelinez`, `/debug/featurez` and
 * `/debug/extensionz`) shows:
 *
 * - the pipeline graph drawn as SVG, one lane per pipeline (receivers, processors in order,
 *   exporters; a connector links the lanes it joins), each component with its live counters
 *   (`accepted`/`refused` of receivers, `sent`/`failed`/`refused` and queue size/capacity of
 *   exporters, the processors' own counters) and its status, refreshed every second;
 * - the status of every component and its last error;
 * - on demand, flame graphs of the latest profiles of each service (profiles pipelines), and the
 *   recent requests entering a chosen pipeline as OTLP/JSON: a section starts watching when it
 *   is opened and stops 30 s after the page stops asking, and keeps at most 10 requests of at
 *   most 20 items (16 KiB of JSON each) per pipeline, so that nothing is kept while nobody looks;
 * - the feature gates, and the effective configuration (defaults filled in; passwords, tokens,
 *   keys and header values replaced by `[REDACTED]`).
 *
 * The JSON it reads is under `/debug/api/` (`overview`, `metrics`, `config`, `profiles`,
 * `samples/<pipeline>`); `/debug/expvarz` answers the runtime's memory figures when
 * `expvar.enabled`. Under `otelcol --workers=N` every worker serves the page on the shared port,
 * and each answer shows the worker that took the connection (its counters, its samples); the
 * sum over workers is on the Prometheus endpoint.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { ID } from "@denocol/component";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { createDefaultConfig, ZPagesExtension } from "@denocol/zpagesextension";
 *
 * const zpages = new ZPagesExtension(
 *   nopSettings("extension", ID.parse("zpages")),
 *   { ...createDefaultConfig(), endpoint: "127.0.0.1:0" },
 * );
 * await zpages.start(nopHost());
 * const page = await fetch(`http://127.0.0.1:${zpages.address!.port}/`);
 * assert.match(await page.text(), /<svg id="graph"/);
 * await zpages.shutdown();
 * ```
 *
 * @module
 */

import { withValidateConfig } from "@denocol/component";
import { type Factory, newFactory } from "@denocol/extension";
import { createDefaultConfig, TYPE, validateConfig, type ZPagesConfig } from "./config.ts";
import { ZPagesExtension } from "./zpages.ts";

export {
  createDefaultConfig,
  type ExpvarConfig,
  TYPE,
  validateConfig,
  type ZPagesConfig,
} from "./config.ts";
export { ANY_SIGNAL, counterKey, type Counters, nodeCounters } from "./counters.ts";
export { FlameGraphs, type FlameNode, MAX_FLAME_NODES, type ServiceFlameGraph } from "./flame.ts";
export { PAGE_HTML } from "./page.ts";
export { PipelineWatch, type Sample, type WatchOptions } from "./watch.ts";
export { PAGE_PATHS, ZPagesExtension } from "./zpages.ts";

/** The factory of the `zpages` extension. */
export const factory: Factory<ZPagesConfig> = newFactory(
  TYPE,
  createDefaultConfig,
  (settings, config) => new ZPagesExtension(settings, config),
  "beta",
  withValidateConfig((config: ZPagesConfig) => validateConfig(config)),
);
