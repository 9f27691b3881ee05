import { parseConfigDuration } from "@denocol/config";
import type { BatchSettings } from "./batch_sender.ts";

/** `timeout` of an exporter: how long one attempt to send may take. */
export interface TimeoutConfig {
  /** Duration of one attempt, such as `"5s"`; `"0"` means no limit. Default `"5s"`. */
  timeout: string | number;
}

/** `retry_on_failure` of an exporter: exponential backoff between attempts. */
export interface RetryConfig {
  /** Whether a failed request is retried. Default `true`. */
  enabled: boolean;
  /** Wait after the first failure. Default `"5s"`. */
  initial_interval: string | number;
  /** Each wait is drawn from `interval * (1 ± randomization_factor)`. Default `0.5`. */
  randomization_factor: number;
  /** Factor by which the interval grows after each failure. Default `1.5`. */
  multiplier: number;
  /** Upper bound of the interval. Default `"30s"`. */
  max_interval: string | number;
  /** Time after which a request is dropped; `"0"` retries forever. Default `"300s"`. */
  max_elapsed_time: string | number;
}

/** How the sending queue measures its size against `queue_size`. */
export type QueueSizer = "requests" | "items";

/** `sending_queue` of an exporter. */
export interface QueueConfig {
  /** Whether requests go through a queue (and the caller gets an answer at once). Default `true`. */
  enabled: boolean;
  /** Number of concurrent senders reading the queue. Default `10`. */
  num_consumers: number;
  /** Capacity, in units of `sizer`. Default `1000`. */
  queue_size: number;
  /** When full: wait for room (`true`) or refuse with a retryable error (`false`). Default `false`. */
  blocking: boolean;
  /** Newer Go name of `blocking`; either being `true` makes the queue block. Default `false`. */
  block_on_overflow: boolean;
  /** Whether `queue_size` counts requests or items (spans, points, records, samples). */
  sizer: QueueSizer;
  /** ID of a storage extension (such as `file_storage`) that makes the queue persistent. */
  storage: string | null;
  /** Whether the caller waits until its request was exported (or dropped). Default `false`. */
  wait_for_result: boolean;
  /**
   * Exporter-side batching, as Go's exporter helper: requests are merged until `min_size` or
   * `flush_timeout` before they are queued. `null` (or `batch:` with no keys, which reads as
   * null) turns it off: write `batch: {}` for Go's defaults.
   */
  batch?: BatchConfig | null;
}

/** `sending_queue.batch`. */
export interface BatchConfig {
  /** Longest a small batch waits; default `200ms`. */
  flush_timeout?: string | number;
  /** A batch this large is sent at once; default 8192. */
  min_size?: number;
  /** Larger batches are split (items only); default 0, no limit. */
  max_size?: number;
  /** `items` (default), `requests` or `bytes`. */
  sizer?: "items" | "requests" | "bytes";
}

/** The default `timeout`: 5 seconds. */
export function defaultTimeoutConfig(): TimeoutConfig {
  return { timeout: "5s" };
}

/** The default `retry_on_failure`, as in the Go collector. */
export function defaultRetryConfig(): RetryConfig {
  return {
    enabled: true,
    initial_interval: "5s",
    randomization_factor: 0.5,
    multiplier: 1.5,
    max_interval: "30s",
    max_elapsed_time: "300s",
  };
}

/** The default `sending_queue`, as in the Go collector. */
export function defaultQueueConfig(): QueueConfig {
  return {
    enabled: true,
    num_consumers: 10,
    queue_size: 1000,
    blocking: false,
    block_on_overflow: false,
    sizer: "requests",
    storage: null,
    wait_for_result: false,
    batch: null,
  };
}

/** Retry settings with durations resolved to milliseconds. */
export interface RetrySettings {
  /** Whether to retry at all. */
  enabled: boolean;
  /** First interval, ms. */
  initialIntervalMs: number;
  /** Jitter factor in [0, 1]. */
  randomizationFactor: number;
  /** Growth factor, >= 1. */
  multiplier: number;
  /** Largest interval, ms. */
  maxIntervalMs: number;
  /** Give up after this long, ms; 0 means never. */
  maxElapsedMs: number;
}

/** Queue settings, validated. */
export interface QueueSettings {
  /** Whether the queue is used. */
  enabled: boolean;
  /** Concurrent senders. */
  numConsumers: number;
  /** Capacity in units of `sizer`. */
  capacity: number;
  /** Wait instead of refusing when full. */
  blocking: boolean;
  /** Unit of `capacity`. */
  sizer: QueueSizer;
  /** Storage extension ID, or `undefined` for an in-memory queue. */
  storage: string | undefined;
  /** Whether callers wait for the outcome. */
  waitForResult: boolean;
  /** Exporter-side batching; `undefined` when off. */
  batch?: Omit<BatchSettings, "maxBytes">;
}

function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`${path}: expected true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

function expectNumber(value: unknown, path: string, min: number, integer = false): number {
  if (
    typeof value !== "number" || !Number.isFinite(value) || value < min ||
    (integer && !Number.isInteger(value))
  ) {
    throw new TypeError(
      `${path}: expected ${integer ? "an integer" : "a number"} >= ${min}, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return value;
}

/**
 * Checks a `timeout` section and returns the timeout in milliseconds (0: no limit).
 *
 * @param path Config path of the exporter, such as `exporters::otlp`; errors name `path::timeout`.
 */
export function resolveTimeout(config: TimeoutConfig, path: string): number {
  return parseConfigDuration(config.timeout, `${path}::timeout`);
}

/**
 * Checks a `retry_on_failure` section and resolves its durations.
 *
 * @param path Config path of the section, such as `exporters::otlp::retry_on_failure`.
 * @throws {TypeError} naming the key when a value is invalid.
 */
export function resolveRetry(config: RetryConfig, path: string): RetrySettings {
  const settings: RetrySettings = {
    enabled: expectBoolean(config.enabled, `${path}::enabled`),
    initialIntervalMs: parseConfigDuration(config.initial_interval, `${path}::initial_interval`),
    randomizationFactor: expectNumber(
      config.randomization_factor,
      `${path}::randomization_factor`,
      0,
    ),
    multiplier: expectNumber(config.multiplier, `${path}::multiplier`, 1),
    maxIntervalMs: parseConfigDuration(config.max_interval, `${path}::max_interval`),
    maxElapsedMs: parseConfigDuration(config.max_elapsed_time, `${path}::max_elapsed_time`),
  };
  if (settings.randomizationFactor > 1) {
    throw new TypeError(
      `${path}::randomization_factor: expected a number between 0 and 1, got ${settings.randomizationFactor}`,
    );
  }
  if (settings.enabled) {
    if (settings.initialIntervalMs <= 0) {
      throw new TypeError(`${path}::initial_interval: expected a duration greater than 0`);
    }
    if (settings.maxIntervalMs < settings.initialIntervalMs) {
      throw new TypeError(
        `${path}::max_interval: expected at least initial_interval (${config.initial_interval})`,
      );
    }
  }
  return settings;
}

/**
 * Checks a `sending_queue` section.
 *
 * @param path Config path of the section, such as `exporters::otlp::sending_queue`.
 * @throws {TypeError} naming the key when a value is invalid.
 */
export function resolveQueue(config: QueueConfig, path: string): QueueSettings {
  const enabled = expectBoolean(config.enabled, `${path}::enabled`);
  const numConsumers = expectNumber(config.num_consumers, `${path}::num_consumers`, 1, true);
  const capacity = expectNumber(config.queue_size, `${path}::queue_size`, 1, true);
  const blocking = expectBoolean(config.blocking, `${path}::blocking`) ||
    expectBoolean(config.block_on_overflow ?? false, `${path}::block_on_overflow`);
  if (config.sizer !== "requests" && config.sizer !== "items") {
    throw new TypeError(
      `${path}::sizer: expected "requests" or "items", got ${JSON.stringify(config.sizer)}`,
    );
  }
  const storage = config.storage ?? undefined;
  if (storage !== undefined && (typeof storage !== "string" || storage === "")) {
    throw new TypeError(
      `${path}::storage: expected the ID of a storage extension such as "file_storage", got ${
        JSON.stringify(storage)
      }`,
    );
  }
  return {
    enabled,
    numConsumers,
    capacity,
    blocking,
    sizer: config.sizer,
    storage,
    waitForResult: expectBoolean(config.wait_for_result ?? false, `${path}::wait_for_result`),
    ...(config.batch !== null && config.batch !== undefined
      ? { batch: resolveBatch(config.batch, `${path}::batch`) }
      : {}),
  };
}

function resolveBatch(config: BatchConfig, path: string): Omit<BatchSettings, "maxBytes"> {
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new TypeError(`${path}: expected a map of batch settings`);
  }
  const known = ["flush_timeout", "min_size", "max_size", "sizer"];
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) {
      throw new TypeError(`${path}::${key}: unknown key; valid keys: ${known.join(", ")}`);
    }
  }
  const sizer = config.sizer ?? "items";
  if (sizer !== "items" && sizer !== "requests" && sizer !== "bytes") {
    throw new TypeError(
      `${path}::sizer: expected "items", "requests" or "bytes", got ${JSON.stringify(sizer)}`,
    );
  }
  const minSize = expectNumber(config.min_size ?? 8192, `${path}::min_size`, 0, true);
  const maxSize = expectNumber(config.max_size ?? 0, `${path}::max_size`, 0, true);
  if (maxSize > 0 && maxSize < minSize) {
    throw new TypeError(`${path}::max_size: expected 0 or at least min_size (${minSize})`);
  }
  return {
    flushMs: parseConfigDuration(config.flush_timeout ?? "200ms", `${path}::flush_timeout`),
    minSize,
    maxSize,
    sizer,
  };
}
