/**
 * The `debug` exporter: writes the data it receives as text for a person to read, to stderr by
 * default. Configured as in the Go collector:
 *
 * ```yaml
 * exporters:
 *   debug:
 *     verbosity: detailed        # basic (default) | normal | detailed
 *     sampling_initial: 2        # batches written per second before sampling
 *     sampling_thereafter: 1     # then every Nth batch
 *     use_internal_logger: true  # false: write to output_paths (default stdout)
 * ```
 *
 * - `basic`: one line of counts per batch, such as `Traces: 1 resource, 2 spans`.
 * - `normal`: also one line per resource and scope, and one per item: a span's name, trace ID,
 *   span ID and attributes; a data point as `name{attributes} value`; a log record's body and
 *   attributes; a profile's ID, sample type, sample count and total.
 * - `detailed`: every field: resource and scope attributes, span kind, times, status, events and
 *   links; metric type, temporality and every data point with buckets and exemplars; log times,
 *   severity, body, trace context; for profiles each sample with its values and its stack
 *   resolved through the dictionary to function names, files and lines, then the top 20
 *   functions (flat and cumulative values and shares, like `pprof -top`) and the collapsed
 *   stacks (`root;caller;leaf value`, what flame graph tools such as `flamegraph.pl` read).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { createFactory } from "@denocol/debugexporter";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { traces } from "@denocol/pdata";
 *
 * const written: string[] = [];
 * const factory = createFactory({ write: (text) => written.push(text) });
 * const debug = factory.createTraces(nopSettings("exporter", "debug"), factory.createDefaultConfig());
 * await debug.start(nopHost());
 * await debug.consume(traces.decodeJson('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"GET"}]}]}]}'));
 * assert.match(written[0], /^Traces: 1 resource, 1 span/);
 * await debug.shutdown();
 * ```
 *
 * @module
 */

import { withValidateConfig } from "@denocol/component";
import { type Exporter, withLogs, withMetrics, withTraces } from "@denocol/exporter";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/exporter-experimental";
import type { Profiles } from "@denocol/pdata-experimental";
import { describeProfiles, summarizeProfiles } from "./profiles_format.ts";
import type { Settings } from "@denocol/component";
import { type Config, createDefaultConfig, validateConfig } from "./config.ts";
import { DebugExporter, type DebugExporterOptions, type SignalFormat } from "./exporter.ts";
import {
  describeLogs,
  describeMetrics,
  describeTraces,
  summarizeLogs,
  summarizeMetrics,
  summarizeTraces,
} from "./format.ts";
import type { Logs, Metrics, Traces } from "@denocol/pdata";

export { type Config, createDefaultConfig, validateConfig } from "./config.ts";
export {
  DebugExporter,
  type DebugExporterOptions,
  Sampler,
  type SignalFormat,
  stderrWriter,
  type TextWriter,
} from "./exporter.ts";
export { describeProfiles, summarizeProfiles } from "./profiles_format.ts";
export {
  describeLogs,
  describeMetrics,
  describeTraces,
  summarizeLogs,
  summarizeMetrics,
  summarizeTraces,
  type Verbosity,
} from "./format.ts";

/** The component type. */
export const TYPE = "debug";

/** How traces are written. */
export const TRACES_FORMAT: SignalFormat<Traces> = {
  summarize: summarizeTraces,
  describe: describeTraces,
};
/** How metrics are written. */
export const METRICS_FORMAT: SignalFormat<Metrics> = {
  summarize: summarizeMetrics,
  describe: describeMetrics,
};
/** How logs are written. */
export const LOGS_FORMAT: SignalFormat<Logs> = {
  summarize: summarizeLogs,
  describe: describeLogs,
};

/**
 * How profiles are written.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export const PROFILES_FORMAT: SignalFormat<Profiles> = {
  summarize: summarizeProfiles,
  describe: describeProfiles,
};

/**
 * Returns the create function of one signal.
 *
 * @param format How the signal is written.
 * @param options Writer and clock replacements.
 */
export function debugExporterFor<T>(
  format: SignalFormat<T>,
  options: DebugExporterOptions,
): (settings: Settings, config: Config) => Exporter<T> {
  return (_settings, config) => new DebugExporter(format, config, options);
}

/**
 * A factory of the `debug` exporter whose exporters write through `options.write` instead of the
 * configured output (for tests and embedding).
 *
 * # Experimental
 *
 * The returned factory's `createProfiles` is EXPERIMENTAL and may be changed or removed in a
 * later release.
 *
 * @param options Writer and clock replacements.
 */
export function createFactory(options: DebugExporterOptions = {}): ProfilesFactory<Config> {
  return newFactory<Config>(
    TYPE,
    createDefaultConfig,
    withTraces(debugExporterFor(TRACES_FORMAT, options), "alpha"),
    withMetrics(debugExporterFor(METRICS_FORMAT, options), "alpha"),
    withLogs(debugExporterFor(LOGS_FORMAT, options), "alpha"),
    withProfiles(debugExporterFor(PROFILES_FORMAT, options), "alpha"),
    withValidateConfig(validateConfig),
  );
}

/**
 * The factory of the `debug` exporter (every signal, profiles included: alpha), writing where
 * configured.
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<Config> = createFactory();
