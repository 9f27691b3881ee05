import type { Settings } from "@denocol/component";
import { type Logs, logs, type Metrics, metrics, type Traces, traces } from "@denocol/pdata";
import type { Exporter } from "../factory.ts";
import {
  defaultQueueConfig,
  defaultRetryConfig,
  type QueueConfig,
  resolveQueue,
  resolveRetry,
  resolveTimeout,
  type RetryConfig,
} from "./config.ts";
import { type ExporterOptions, newExporter, type PushFunc } from "./exporter.ts";

/**
 * The exporter helper's keys in an exporter's config, as in the Go collector: `timeout`,
 * `retry_on_failure` and `sending_queue`. Embed it in a component config.
 */
export interface HelperConfig {
  /** Duration of one attempt, such as `"5s"`. */
  timeout: string | number;
  /** Backoff between attempts. */
  retry_on_failure: RetryConfig;
  /** The sending queue. */
  sending_queue: QueueConfig;
}

/**
 * The default helper sections: `timeout` as given (the Go exporters differ: 5s for gRPC, 30s
 * for HTTP), retries and a sending queue as in the Go collector.
 */
export function defaultHelperConfig(timeout: string): HelperConfig {
  return { timeout, retry_on_failure: defaultRetryConfig(), sending_queue: defaultQueueConfig() };
}

/**
 * Checks the helper sections of an exporter's config (`timeout`, `retry_on_failure`,
 * `sending_queue`), as every exporter built on the helper does in its config validation.
 *
 * @param path Config path of the exporter, such as `exporters::otlp`.
 * @throws {TypeError} naming the key when a value is invalid.
 */
export function validateHelperConfig(config: HelperConfig, path: string): void {
  resolveTimeout({ timeout: config.timeout }, path);
  resolveRetry(config.retry_on_failure, `${path}::retry_on_failure`);
  resolveQueue(config.sending_queue, `${path}::sending_queue`);
}

/**
 * The {@linkcode ExporterOptions} for the helper sections of `config`, with the config path of
 * the exporter (`exporters::<id>`) for error messages.
 */
export function exporterOptions(config: HelperConfig, settings: Settings): ExporterOptions {
  return {
    timeout: { timeout: config.timeout },
    retry: config.retry_on_failure,
    queue: config.sending_queue,
    configPath: `exporters::${settings.id}`,
  };
}

/** A traces exporter around `push`; see {@linkcode newExporter}. */
export function newTraces(
  settings: Settings,
  push: PushFunc<Traces>,
  options: ExporterOptions = {},
): Exporter<Traces> {
  return newExporter(settings, traces, push, options);
}

/** A metrics exporter around `push`; see {@linkcode newExporter}. */
export function newMetrics(
  settings: Settings,
  push: PushFunc<Metrics>,
  options: ExporterOptions = {},
): Exporter<Metrics> {
  return newExporter(settings, metrics, push, options);
}

/** A logs exporter around `push`; see {@linkcode newExporter}. */
export function newLogs(
  settings: Settings,
  push: PushFunc<Logs>,
  options: ExporterOptions = {},
): Exporter<Logs> {
  return newExporter(settings, logs, push, options);
}
