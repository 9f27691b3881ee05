import type { Settings } from "@denocol/component";
import { ITEM_NAMES } from "@denocol/component";
import { type Logs, logs, type Metrics, metrics, type Traces, traces } from "@denocol/pdata";
import type { Exporter } from "../factory.ts";
import {
  type QueueConfig,
  resolveQueue,
  resolveRetry,
  resolveTimeout,
  type RetryConfig,
} from "./config.ts";
import { type ExporterOptions, newExporter, type PushFunc, type SignalSpec } from "./exporter.ts";

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

/** Traces, counted in spans. */
export const TRACES: SignalSpec<Traces> = {
  signal: "traces",
  itemName: ITEM_NAMES.traces,
  helpers: traces,
};

/** Metrics, counted in data points. */
export const METRICS: SignalSpec<Metrics> = {
  signal: "metrics",
  itemName: ITEM_NAMES.metrics,
  helpers: metrics,
};

/** Logs, counted in log records. */
export const LOGS: SignalSpec<Logs> = {
  signal: "logs",
  itemName: ITEM_NAMES.logs,
  helpers: logs,
};

/** A traces exporter around `push`; see {@linkcode newExporter}. */
export function newTraces(
  settings: Settings,
  push: PushFunc<Traces>,
  options: ExporterOptions = {},
): Exporter<Traces> {
  return newExporter(settings, TRACES, push, options);
}

/** A metrics exporter around `push`; see {@linkcode newExporter}. */
export function newMetrics(
  settings: Settings,
  push: PushFunc<Metrics>,
  options: ExporterOptions = {},
): Exporter<Metrics> {
  return newExporter(settings, METRICS, push, options);
}

/** A logs exporter around `push`; see {@linkcode newExporter}. */
export function newLogs(
  settings: Settings,
  push: PushFunc<Logs>,
  options: ExporterOptions = {},
): Exporter<Logs> {
  return newExporter(settings, LOGS, push, options);
}
