/**
 * The `nop` exporter: accepts every batch and discards it, for pipelines that feed only
 * connectors, for benchmarks, and to silence a pipeline without removing it.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { factory } from "@denocol/nopexporter";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { logs } from "@denocol/pdata";
 *
 * const exporter = factory.createLogs(nopSettings("exporter", "nop"), factory.createDefaultConfig());
 * await exporter.start(nopHost());
 * await exporter.consume(logs.empty()); // accepted and dropped
 * await exporter.shutdown();
 * assert.equal(factory.profilesStability, "alpha");
 * ```
 *
 * @module
 */

import { newComponent } from "@denocol/component";
import type { Exporter } from "@denocol/exporter";
import { newFactory, type ProfilesFactory, withSignals } from "@denocol/exporter-experimental";

/** The `nop` exporter has no settings. */
export type Config = Record<string, never>;

/** The component type. */
export const TYPE = "nop";

/** An exporter that accepts and discards everything. */
export function createNopExporter<T>(): Exporter<T> {
  return {
    ...newComponent(),
    capabilities: () => ({ mutatesData: false }),
    consume: () => Promise.resolve(),
  };
}

/**
 * The factory of the `nop` exporter: traces, metrics and logs beta, profiles alpha.
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<Config> = newFactory<Config>(
  TYPE,
  () => ({}),
  // One create function serves every signal; the descriptors of @denocol/pdata (and profiles of
  // the twin) say which signals exist.
  ...withSignals(createNopExporter, { beta: ["traces", "metrics", "logs"], alpha: ["profiles"] }),
);
