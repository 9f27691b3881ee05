/**
 * The exporter helper: wraps a function that sends one request to a backend with the Go
 * collector's `timeout`, `retry_on_failure` and `sending_queue` behaviour, including a
 * persistent queue on a storage extension, and the `otelcol_exporter_*` internal telemetry.
 *
 * ## The chain of senders
 *
 * {@linkcode newExporter} (`exporter.ts`) resolves the config sections and puts together a chain
 * of small steps, each in its own file with its own tests. A request handed to `consume` goes
 * through them in this order:
 *
 * 1. **admission** (`exporter.ts`): refuses data before start and during shutdown (counted in
 *    `otelcol_exporter_enqueue_failed_*`), and drops data handed over after the drain time.
 * 2. **first sender**, one of two:
 *    - **queue** (`queue_sender.ts`), `sending_queue`: offers the request to the queue and
 *      answers the caller at once (with `wait_for_result`, once it was sent or dropped); a full
 *      queue refuses with a retryable error, or makes the caller wait when `blocking`.
 *      `num_consumers` consumers take requests and send them through the steps below; what
 *      those give up is dropped here, counted and logged.
 *    - **direct** (`direct_sender.ts`), when `sending_queue.enabled` is false: sends in the
 *      caller's call and returns every failure to the caller instead of dropping it.
 * 3. **telemetry** (`telemetry_sender.ts`): counts sent items, partial successes and failed
 *    items.
 * 4. **retry** (`retry_sender.ts`, `backoff.ts`), `retry_on_failure`: attempts again with
 *    exponential backoff or a longer retry-after hint; gives up naming the reason (permanent
 *    error, retries disabled, retries exhausted).
 * 5. **timeout** (`timeout_sender.ts`), `timeout`: one attempt of the push, cut off at the
 *    timeout or when the drain time is over.
 * 6. **push**: the exporter's own function, which sends one request to the backend.
 *
 * Around the chain:
 *
 * - `sender.ts`: the contract between the steps — a step resolves when the request was sent and
 *   rejects otherwise; the retry step rejects with `SendFailure` (given up, with its reason) and
 *   any step with `SendInterrupted` (cut off by the end of the drain). The first step turns
 *   these into what the caller hears: an error naming the exporter.
 * - `queue.ts` (the queue interface and the in-memory queue) and `persistent_queue.ts` (the
 *   queue kept in a storage extension, opened by `storage.ts`): `offer`, `take`, `complete`,
 *   `retain` (a request cut off by the drain deadline: kept by a persistent queue, let go by an
 *   in-memory one), `drain(deadline)`, `stop` (the deadline passed) and `close` (a persistent
 *   queue keeps what it holds for the next start).
 * - `telemetry.ts`: the one owner of the `otelcol_exporter_*` instruments (sent, send failed,
 *   enqueue failed, dropped items by reason, queue size and capacity) and of drop logging; drops
 *   at the end of the shutdown drain make one log line per exporter. `ObsReport` of
 *   `@denocol/exporter` counts in the same instruments for exporters that do not use the chain.
 * - `shutdown_drain.ts`: when shutdown stops sending — the host's drain deadline
 *   (`service::shutdown::drain_timeout`, see `DrainDeadlineHost` in `@denocol/exporter`), else
 *   `drainTimeoutMs` after shutdown began. From then on attempts in flight are cut off, waits
 *   for a retry end, an in-memory queue drops what it holds (counted in
 *   `otelcol_exporter_send_failed_*` and `otelcol_exporter_dropped_items{reason="shutdown"}`) and
 *   a persistent queue keeps it.
 * - `config.ts`: the `timeout`, `retry_on_failure` and `sending_queue` sections and their checks;
 *   `signals.ts`: the helper sections of a config and the `newTraces`/`newMetrics`/`newLogs`
 *   shorthands; `types.ts`: `SignalSpec`, the view of a signal descriptor the helper takes.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { newExporter } from "@denocol/exporter/exporterhelper";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { logs } from "@denocol/pdata";
 *
 * let sentRecords = 0;
 * // The signal's descriptor tells the helper how to count, name and store its requests.
 * const exporter = newExporter(nopSettings("exporter"), logs, (data) => {
 *   sentRecords += logs.count(data);
 *   return Promise.resolve();
 * });
 * await exporter.start(nopHost());
 * await exporter.consume(logs.decodeJson(
 *   '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hello"}}]}]}]}',
 * ));
 * await exporter.shutdown(); // drains the queue
 * assert.equal(sentRecords, 1);
 * ```
 *
 * @module
 */

export { ExponentialBackoff } from "./backoff.ts";
export { type BatchSettings, type BatchSpec } from "./batch_sender.ts";
export {
  type BatchConfig,
  defaultQueueConfig,
  defaultRetryConfig,
  defaultTimeoutConfig,
  type QueueConfig,
  type QueueSettings,
  type QueueSizer,
  resolveQueue,
  resolveRetry,
  resolveTimeout,
  type RetryConfig,
  type RetrySettings,
  type TimeoutConfig,
} from "./config.ts";
export type { DropReason } from "./telemetry.ts";
export {
  type ExporterOptions,
  newExporter,
  type PartialSuccess,
  type PushContext,
  type PushFunc,
  type SignalSpec,
} from "./exporter.ts";
export {
  defaultHelperConfig,
  exporterOptions,
  type HelperConfig,
  newLogs,
  newMetrics,
  newTraces,
  validateHelperConfig,
} from "./signals.ts";
export { partialSuccessOf } from "./partial_success.ts";
