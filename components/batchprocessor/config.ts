import { parseConfigDuration } from "@denocol/config";

/** Configuration of the `batch` processor; keys as in the Go collector. */
export interface Config {
  /**
   * Time after which a batch is sent whatever its size, as a duration (`"200ms"`) or
   * milliseconds. `0` sends every request immediately (only `send_batch_max_size` applies).
   */
  timeout: string | number;
  /**
   * Number of items (spans, data points, log records, profile samples) that triggers a send.
   * `0` sends every request immediately.
   */
  send_batch_size: number;
  /**
   * Upper bound of a batch; larger batches are split. `0` means no limit; otherwise it must be at
   * least `send_batch_size`.
   */
  send_batch_max_size: number;
  /**
   * Client metadata keys (HTTP headers, gRPC metadata) whose values select a separate batcher;
   * case-insensitive. Empty: one batcher for everything.
   */
  metadata_keys: string[];
  /** Maximum number of distinct metadata value combinations; `0` means no limit. */
  metadata_cardinality_limit: number;
}

/** The batch processor's settings after validation, in the units the batcher uses. */
export interface BatchSettings {
  /** Timeout in milliseconds; `0` means none. */
  timeoutMs: number;
  /** Items that trigger a send; `0` means send immediately. */
  sendBatchSize: number;
  /** Maximum items per sent batch; `0` means no limit. */
  sendBatchMaxSize: number;
  /** Lower-cased, sorted metadata keys. */
  metadataKeys: readonly string[];
  /** Maximum number of batchers when `metadataKeys` is not empty; `0` means no limit. */
  metadataCardinalityLimit: number;
}

/** A fresh default configuration: 8192 items, 200ms, no maximum, one batcher. */
export function createDefaultConfig(): Config {
  return {
    timeout: "200ms",
    send_batch_size: 8192,
    send_batch_max_size: 0,
    metadata_keys: [],
    metadata_cardinality_limit: 1000,
  };
}

function nonNegativeInteger(value: unknown, key: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new TypeError(
      `batch processor: ${key}: expected a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Checks `config` and turns it into {@linkcode BatchSettings}.
 *
 * @throws {TypeError} naming the key and what was expected, for the same conditions as the Go
 * collector (`send_batch_max_size` below `send_batch_size`, duplicate `metadata_keys`, negative
 * `timeout`) and for values of the wrong type.
 */
export function resolveConfig(config: Config): BatchSettings {
  const timeoutMs = parseConfigDuration(config.timeout, "batch processor: timeout", true);
  if (timeoutMs < 0) {
    throw new TypeError(
      `batch processor: timeout: must be greater than or equal to 0, got ${
        JSON.stringify(config.timeout)
      }`,
    );
  }
  const sendBatchSize = nonNegativeInteger(
    config.send_batch_size,
    "send_batch_size",
  );
  const sendBatchMaxSize = nonNegativeInteger(
    config.send_batch_max_size,
    "send_batch_max_size",
  );
  if (sendBatchMaxSize > 0 && sendBatchMaxSize < sendBatchSize) {
    throw new TypeError(
      `batch processor: send_batch_max_size (${sendBatchMaxSize}) must be greater than or ` +
        `equal to send_batch_size (${sendBatchSize}), or 0 for no limit`,
    );
  }
  const metadataCardinalityLimit = nonNegativeInteger(
    config.metadata_cardinality_limit,
    "metadata_cardinality_limit",
  );
  if (!Array.isArray(config.metadata_keys)) {
    throw new TypeError(
      `batch processor: metadata_keys: expected a list of strings, got ${
        JSON.stringify(config.metadata_keys)
      }`,
    );
  }
  const seen = new Set<string>();
  for (const [index, key] of config.metadata_keys.entries()) {
    if (typeof key !== "string" || key === "") {
      throw new TypeError(
        `batch processor: metadata_keys[${index}]: expected a non-empty string, got ${
          JSON.stringify(key)
        }`,
      );
    }
    const lower = key.toLowerCase();
    if (seen.has(lower)) {
      throw new TypeError(
        `batch processor: metadata_keys: duplicate entry ${JSON.stringify(lower)} ` +
          `(keys are case-insensitive)`,
      );
    }
    seen.add(lower);
  }
  return {
    timeoutMs,
    sendBatchSize,
    sendBatchMaxSize,
    metadataKeys: [...seen].sort(),
    metadataCardinalityLimit,
  };
}

/** Validates `config`; throws as {@linkcode resolveConfig} does. */
export function validateConfig(config: Config): void {
  resolveConfig(config);
}
