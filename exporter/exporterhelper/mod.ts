/**
 * The exporter helper: wraps a function that sends one request to a backend with the Go
 * collector's `timeout`, `retry_on_failure` and `sending_queue` behaviour, including a
 * persistent queue on a storage extension, and the `otelcol_exporter_*` internal telemetry.
 *
 * ```ts
 * import { newExporter } from "@denocol/exporter/exporterhelper";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 *
 * const lines = {
 *   count: (data: string[]) => data.length,
 *   encodeProto: (data: string[]) => new TextEncoder().encode(JSON.stringify(data)),
 *   decodeProto: (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)),
 * };
 * const exporter = newExporter(
 *   nopSettings("exporter"),
 *   { signal: "logs", itemName: "log_records", helpers: lines },
 *   async (data) => console.log("sending", data),
 * );
 * await exporter.start(nopHost());
 * await exporter.consume(["hello"]);
 * await exporter.shutdown(); // drains the queue
 * ```
 *
 * @module
 */

export { ExponentialBackoff } from "./backoff.ts";
export {
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
  type RequestHelpers,
  type SignalSpec,
} from "./exporter.ts";
export {
  exporterOptions,
  type HelperConfig,
  LOGS,
  METRICS,
  newLogs,
  newMetrics,
  newTraces,
  TRACES,
  validateHelperConfig,
} from "./signals.ts";
