/**
 * The `memory_limiter` processor: refuses data while the collector uses too much memory, so that
 * receivers answer "retry later" (HTTP 503, gRPC `UNAVAILABLE`) instead of the process running
 * out of memory. Configured as in the Go collector:
 *
 * ```yaml
 * processors:
 *   memory_limiter:
 *     check_interval: 1s        # required
 *     limit_mib: 512            # hard limit; or limit_percentage of the total memory
 *     spike_limit_mib: 128      # soft limit = limit - spike; default spike: 20% of the limit
 * ```
 *
 * **What is measured**: `heapUsed + external` of `Deno.memoryUsage()`, the bytes held by
 * JavaScript objects on the V8 heap plus the buffers V8 tracks outside it. It is the counterpart
 * of the Go collector's heap allocation and falls as soon as garbage is collected. It does not
 * include the runtime's fixed footprint, so the process's RSS is some tens of MiB higher: leave
 * that room below a container's limit. `limit_percentage` is taken of the cgroup memory limit
 * when one is set, otherwise of the system's memory (needs `--allow-sys`). A host that runs one
 * collector as several processes reports what the others hold through
 * {@linkcode setMemoryHeldElsewhere}; every limiter adds it, so the limits bound the whole
 * collector.
 *
 * Every `check_interval` the limiter measures; from a measurement at or above the soft limit to
 * the next one below it, every request is refused with a retryable {@linkcode DataRefusedError}.
 * Data it has let through is never dropped by it. Above the soft limit it forces a full garbage
 * collection (through `--v8-flags=--expose-gc` when given, otherwise by enabling V8's `gc`
 * through `node:v8` at run time), at most every `min_gc_interval_when_soft_limited`
 * (`..._hard_limited` above the hard limit), backing off up to `max_gc_interval_when_*` while
 * collections free less than 5%. Pipelines that use the same configuration share one limiter.
 *
 * ```ts
 * import { factory } from "@denocol/memorylimiterprocessor";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 * import type { Logs } from "@denocol/pdata";
 *
 * const config = { ...factory.createDefaultConfig(), check_interval: "1s", limit_mib: 4096 };
 * factory.validateConfig?.(config);
 * const limiter = factory.createLogs(nopSettings("processor", "memory_limiter"), config, new SinkConsumer<Logs>());
 * await limiter.start(nopHost());
 * await limiter.shutdown();
 * ```
 *
 * @module
 */

import {
  type Settings,
  SharedComponents,
  type SharedHandle,
  withValidateConfig,
} from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import { logs, metrics, type SignalDescriptor, traces } from "@denocol/pdata";
import { type Processor, withLogs, withMetrics, withTraces } from "@denocol/processor";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/processor-experimental";
import { profiles } from "@denocol/pdata-experimental";
import { type Config, createDefaultConfig, validateConfig } from "./config.ts";
import { MemoryLimiter } from "./limiter.ts";
import { LimitingConsumer } from "./processor.ts";

export {
  type Config,
  createDefaultConfig,
  type LimiterTimings,
  resolveTimings,
  validateConfig,
} from "./config.ts";
export { computeLimits, type LimiterRuntime, type Limits, MemoryLimiter } from "./limiter.ts";
export {
  fullGarbageCollector,
  measureCollectorMemoryBytes,
  measureMemoryBytes,
  MIB_BYTES,
  setMemoryHeldElsewhere,
  toMib,
  totalMemoryBytes,
} from "./memory.ts";
export { DataRefusedError, LimitingConsumer } from "./processor.ts";

/** The component type. */
export const TYPE = "memory_limiter";

/**
 * One limiter per configuration object, shared by the pipelines of that processor (as the Go
 * collector keys its limiters by config).
 */
const limiters = new SharedComponents<Config, MemoryLimiter>();

/**
 * A handle on the limiter for `config`, created on first use with the logger of the first
 * pipeline; it measures from the first handle's start to the last handle's shutdown.
 *
 * @param settings Settings of the processor being created.
 * @param config Its validated configuration.
 */
export function sharedLimiter(settings: Settings, config: Config): SharedHandle<MemoryLimiter> {
  return limiters.getOrAdd(
    config,
    () => new MemoryLimiter(config, settings.telemetry.logger, {}, settings.id.toString()),
  );
}

/**
 * Returns the create function of one signal.
 *
 * @param signal The signal's descriptor: how to count its items and what they are called.
 */
export function limiterFor<T>(
  signal: Pick<SignalDescriptor<T>, "count" | "itemName">,
): (settings: Settings, config: Config, next: Consumer<T>) => Processor<T> {
  return (settings, config, next) =>
    new LimitingConsumer(
      sharedLimiter(settings, config),
      next,
      signal,
      settings.telemetry,
      settings.id.toString(),
    );
}

/**
 * The factory of the `memory_limiter` processor: traces, metrics and logs beta, profiles alpha.
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<Config> = newFactory<Config>(
  TYPE,
  createDefaultConfig,
  withTraces(limiterFor(traces), "beta"),
  withMetrics(limiterFor(metrics), "beta"),
  withLogs(limiterFor(logs), "beta"),
  withProfiles(limiterFor(profiles), "alpha"),
  withValidateConfig(validateConfig),
);
