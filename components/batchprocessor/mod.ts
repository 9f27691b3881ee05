/**
 * The `batch` processor: collects spans, data points, log records and profile samples into
 * batches, so that exporters send fewer, larger requests. Configured as in the Go collector:
 *
 * ```yaml
 * processors:
 *   batch:
 *     send_batch_size: 8192      # items that trigger a send
 *     timeout: 200ms             # longest wait for a partial batch; 0 sends at once
 *     send_batch_max_size: 0     # larger batches are split; 0 means no limit
 *     metadata_keys: [x-tenant]  # one batcher per distinct value of these client metadata keys
 *     metadata_cardinality_limit: 1000
 * ```
 *
 * Unlike the Go collector, which always sends from a background goroutine, a batch that a
 * caller's request fills is sent inside that caller's `consume` call and a failure is returned to
 * that caller, so receivers can ask their clients to retry. Batches sent by the timer or at
 * shutdown have no caller: their failures are logged and counted in
 * `otelcol_processor_batch_send_failed_items`.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { factory } from "@denocol/batchprocessor";
 * import { nopSettings } from "@denocol/component/componenttest";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 * import { logs, type Logs } from "@denocol/pdata";
 *
 * const sink = new SinkConsumer<Logs>({ countItems: logs.count });
 * const config = { ...factory.createDefaultConfig(), send_batch_size: 2 };
 * const batch = factory.createLogs(nopSettings("processor", "batch"), config, sink);
 * const one = () => logs.decodeJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}');
 * await batch.consume(one());
 * await batch.consume(one()); // fills the batch: sent before this call resolves
 * assert.deepEqual([sink.all.length, sink.count], [1, 2]);
 * await batch.shutdown();
 * ```
 *
 * @module
 */

import { withValidateConfig } from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import * as pdata from "@denocol/pdata";
import { type Processor, withLogs, withMetrics, withTraces } from "@denocol/processor";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/processor-experimental";
import { profiles } from "@denocol/pdata-experimental";
import type { Settings } from "@denocol/component";
import { Batcher, type BatchOperations } from "./batcher.ts";
import { type Config, createDefaultConfig, resolveConfig, validateConfig } from "./config.ts";

export {
  Batcher,
  BatcherStoppedError,
  type BatchOperations,
  type SendTrigger,
  TooManyBatchersError,
} from "./batcher.ts";
export {
  type BatchSettings,
  type Config,
  createDefaultConfig,
  resolveConfig,
  validateConfig,
} from "./config.ts";

/** The component type. */
export const TYPE = "batch";

/**
 * Returns the create function of one signal: a {@linkcode Batcher} over that signal's helpers.
 *
 * @param signal Signal name, used in telemetry attributes.
 * @param operations The signal's count, split and merge.
 */
export function batcherFor<T>(
  signal: string,
  operations: BatchOperations<T>,
): (settings: Settings, config: Config, next: Consumer<T>) => Processor<T> {
  return (settings, config, next) =>
    new Batcher(
      operations,
      resolveConfig(config),
      next,
      settings.telemetry,
      settings.id.toString(),
      signal,
    );
}

/**
 * The factory of the `batch` processor: traces, metrics and logs beta; profiles development
 * (batches of profiles merge their dictionaries into one).
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<Config> = newFactory<Config>(
  TYPE,
  createDefaultConfig,
  withTraces(batcherFor("traces", pdata.traces), "beta"),
  withMetrics(batcherFor("metrics", pdata.metrics), "beta"),
  withLogs(batcherFor("logs", pdata.logs), "beta"),
  withProfiles(batcherFor("profiles", profiles), "development"),
  withValidateConfig(validateConfig),
);
