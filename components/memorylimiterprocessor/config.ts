import { parseConfigDuration } from "@denocol/config";

/** Configuration of the `memory_limiter` processor; keys as in the Go collector. */
export interface Config {
  /** Time between measurements, such as `"1s"`; required, greater than zero. */
  check_interval: string | number;
  /** Hard limit in MiB; takes precedence over `limit_percentage`. `0`: not set. */
  limit_mib: number;
  /** Headroom below the hard limit in MiB; `0`: 20% of the limit. */
  spike_limit_mib: number;
  /** Hard limit as a percentage of the total memory (cgroup limit or system memory). */
  limit_percentage: number;
  /** Headroom below the hard limit as a percentage of the total memory. */
  spike_limit_percentage: number;
  /** Minimum time between forced collections while above the soft limit. */
  min_gc_interval_when_soft_limited: string | number;
  /** Minimum time between forced collections while above the hard limit. */
  min_gc_interval_when_hard_limited: string | number;
  /** Longest back-off between ineffective forced collections above the soft limit; `0`: none. */
  max_gc_interval_when_soft_limited: string | number;
  /** Longest back-off between ineffective forced collections above the hard limit; `0`: none. */
  max_gc_interval_when_hard_limited: string | number;
}

/** Durations of a validated configuration, in milliseconds. */
export interface LimiterTimings {
  /** Time between measurements. */
  checkIntervalMs: number;
  /** Minimum time between forced collections above the soft limit. */
  minGcIntervalSoftMs: number;
  /** Minimum time between forced collections above the hard limit. */
  minGcIntervalHardMs: number;
  /** Back-off cap above the soft limit; `0` disables the back-off. */
  maxGcIntervalSoftMs: number;
  /** Back-off cap above the hard limit; `0` disables the back-off. */
  maxGcIntervalHardMs: number;
}

/** A fresh default configuration; `check_interval` and a limit must still be set. */
export function createDefaultConfig(): Config {
  return {
    check_interval: "0s",
    limit_mib: 0,
    spike_limit_mib: 0,
    limit_percentage: 0,
    spike_limit_percentage: 0,
    min_gc_interval_when_soft_limited: "10s",
    min_gc_interval_when_hard_limited: "0s",
    max_gc_interval_when_soft_limited: "30s",
    max_gc_interval_when_hard_limited: "30s",
  };
}

const PREFIX = "memory_limiter processor";

function nonNegativeInteger(value: unknown, key: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new TypeError(
      `${PREFIX}: ${key}: expected a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Reads the durations of `config`, in milliseconds; throws naming the key on a bad value. */
export function resolveTimings(config: Config): LimiterTimings {
  const read = (key: keyof Config) => parseConfigDuration(config[key], `${PREFIX}: ${key}`, true);
  return {
    checkIntervalMs: read("check_interval"),
    minGcIntervalSoftMs: read("min_gc_interval_when_soft_limited"),
    minGcIntervalHardMs: read("min_gc_interval_when_hard_limited"),
    maxGcIntervalSoftMs: read("max_gc_interval_when_soft_limited"),
    maxGcIntervalHardMs: read("max_gc_interval_when_hard_limited"),
  };
}

/**
 * Checks `config` with the rules of the Go collector.
 *
 * @throws {TypeError} naming the key and what was expected.
 */
export function validateConfig(config: Config): void {
  const t = resolveTimings(config);
  if (!(t.checkIntervalMs > 0)) {
    throw new TypeError(
      `${PREFIX}: check_interval: must be greater than zero, got ${
        JSON.stringify(config.check_interval)
      }`,
    );
  }
  for (
    const [key, value] of [
      ["min_gc_interval_when_soft_limited", t.minGcIntervalSoftMs],
      ["min_gc_interval_when_hard_limited", t.minGcIntervalHardMs],
      ["max_gc_interval_when_soft_limited", t.maxGcIntervalSoftMs],
      ["max_gc_interval_when_hard_limited", t.maxGcIntervalHardMs],
    ] as const
  ) {
    if (value < 0) throw new TypeError(`${PREFIX}: ${key}: must not be negative`);
  }
  if (t.minGcIntervalSoftMs < t.minGcIntervalHardMs) {
    throw new TypeError(
      `${PREFIX}: min_gc_interval_when_soft_limited must be at least ` +
        `min_gc_interval_when_hard_limited`,
    );
  }
  if (t.maxGcIntervalSoftMs > 0 && t.maxGcIntervalSoftMs < t.minGcIntervalSoftMs) {
    throw new TypeError(
      `${PREFIX}: max_gc_interval_when_soft_limited must be at least ` +
        `min_gc_interval_when_soft_limited, or 0 to disable the back-off`,
    );
  }
  if (t.maxGcIntervalHardMs > 0 && t.maxGcIntervalHardMs < t.minGcIntervalHardMs) {
    throw new TypeError(
      `${PREFIX}: max_gc_interval_when_hard_limited must be at least ` +
        `min_gc_interval_when_hard_limited, or 0 to disable the back-off`,
    );
  }
  if (
    t.maxGcIntervalSoftMs > 0 && t.maxGcIntervalHardMs > 0 &&
    t.maxGcIntervalSoftMs < t.maxGcIntervalHardMs
  ) {
    throw new TypeError(
      `${PREFIX}: max_gc_interval_when_soft_limited must be at least ` +
        `max_gc_interval_when_hard_limited when both are set`,
    );
  }
  const limitMib = nonNegativeInteger(config.limit_mib, "limit_mib");
  const spikeMib = nonNegativeInteger(config.spike_limit_mib, "spike_limit_mib");
  const limitPercentage = nonNegativeInteger(config.limit_percentage, "limit_percentage");
  const spikePercentage = nonNegativeInteger(
    config.spike_limit_percentage,
    "spike_limit_percentage",
  );
  if (limitMib === 0 && limitPercentage === 0) {
    throw new TypeError(`${PREFIX}: limit_mib or limit_percentage must be greater than zero`);
  }
  if (limitPercentage > 100 || spikePercentage > 100) {
    throw new TypeError(
      `${PREFIX}: limit_percentage and spike_limit_percentage must be at most 100`,
    );
  }
  if (limitMib > 0 && limitMib <= spikeMib) {
    throw new TypeError(
      `${PREFIX}: spike_limit_mib (${spikeMib}) must be smaller than limit_mib (${limitMib})`,
    );
  }
  if (limitPercentage > 0 && limitPercentage <= spikePercentage) {
    throw new TypeError(
      `${PREFIX}: spike_limit_percentage (${spikePercentage}) must be smaller than ` +
        `limit_percentage (${limitPercentage})`,
    );
  }
}
