import {
  type Component,
  type Logger,
  type MemoryBudget,
  processMemoryBudget,
} from "@denocol/component";
import type { Config, LimiterTimings } from "./config.ts";
import { resolveTimings } from "./config.ts";
import {
  fullGarbageCollector,
  measureCollectorMemoryBytes,
  memoryHeldElsewhereIsSet,
  MIB_BYTES,
  tightenHeapGrowth,
  toMib,
  totalMemoryBytes,
} from "./memory.ts";

/** A forced collection that frees less than this share of memory is not effective. */
const GC_EFFECTIVE_FRACTION = 0.05;

/** Where the limiter gets its measurements; tests replace each one. */
export interface LimiterRuntime {
  /**
   * Memory in use, in bytes; default `heapUsed + external` of this isolate plus what the host
   * reports held elsewhere (`setMemoryHeldElsewhere`).
   */
  measure?: () => number;
  /** Memory available for `limit_percentage`, in bytes; default {@linkcode totalMemoryBytes}. */
  totalMemory?: () => number;
  /** Runs a full collection, or `null` for none; default {@linkcode fullGarbageCollector}. */
  gc?: (() => void) | null;
  /** Current time in milliseconds; default `performance.now`. */
  now?: () => number;
  /** The budget receivers admit requests against; default the process's. */
  budget?: MemoryBudget;
}

/** The limits in bytes, as computed from a configuration. */
export interface Limits {
  /** Hard limit: above it the limiter forces collections more eagerly. */
  hardBytes: number;
  /** Soft limit (hard limit minus spike): at or above it data is refused. */
  softBytes: number;
}

/**
 * Computes the limits of a validated `config`: `limit_mib` if set, otherwise
 * `limit_percentage` of `totalMemory()`; the spike defaults to a fifth of the limit.
 */
export function computeLimits(config: Config, totalMemory: () => number): Limits {
  let hardBytes: number;
  let spikeBytes: number;
  if (config.limit_mib > 0) {
    hardBytes = config.limit_mib * MIB_BYTES;
    spikeBytes = config.spike_limit_mib * MIB_BYTES;
  } else {
    const total = totalMemory();
    hardBytes = Math.floor(total * config.limit_percentage / 100);
    spikeBytes = Math.floor(total * config.spike_limit_percentage / 100);
  }
  if (spikeBytes === 0) spikeBytes = Math.floor(hardBytes / 5);
  return { hardBytes, softBytes: hardBytes - spikeBytes };
}

/**
 * Measures the process's memory every `check_interval` and decides whether data must be refused:
 * from the first measurement at or above the soft limit until one below it. Above the soft limit
 * it forces a garbage collection when the runtime allows one (at most every
 * `min_gc_interval_when_*_limited`, backing off up to `max_gc_interval_when_*_limited` while
 * collections free less than 5%).
 *
 * One limiter serves every pipeline of a processor configuration: the factory shares it through
 * `SharedComponents` of `@denocol/component`, so it runs from the first pipeline's start to the
 * last one's shutdown.
 */
export class MemoryLimiter implements Component {
  /** The limits in force. */
  readonly limits: Limits;
  readonly #timings: LimiterTimings;
  readonly #logger: Logger;
  readonly #measure: () => number;
  readonly #gc: (() => void) | null;
  readonly #now: () => number;
  #refusing = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastGcAt: number;
  #lastBytes = 0;
  #softBackoffMs = 0;
  #hardBackoffMs = 0;
  #lastMeasured = 0;
  readonly #budget: MemoryBudget;
  readonly #id: string;
  #removeLimit: (() => void) | undefined;

  /**
   * Creates a limiter for a validated `config`.
   *
   * @param config The processor's configuration (validated).
   * @param logger Where state changes are logged.
   * @param runtime Replacements for the measurements, for tests.
   * @param id ID of the processor, for the messages of refused requests.
   */
  constructor(
    config: Config,
    logger: Logger,
    runtime: LimiterRuntime = {},
    id = "memory_limiter",
  ) {
    this.#budget = runtime.budget ?? processMemoryBudget;
    this.#id = id;
    this.#timings = resolveTimings(config);
    this.#logger = logger;
    this.#measure = runtime.measure ?? measureCollectorMemoryBytes;
    this.#gc = runtime.gc === undefined ? fullGarbageCollector() : runtime.gc;
    this.#now = runtime.now ?? (() => performance.now());
    this.#lastGcAt = this.#now();
    this.limits = computeLimits(config, runtime.totalMemory ?? totalMemoryBytes);
    logger.info("memory limiter configured", {
      limit_mib: toMib(this.limits.hardBytes),
      soft_limit_mib: toMib(this.limits.softBytes),
      check_interval_ms: this.#timings.checkIntervalMs,
      measure: runtime.measure !== undefined
        ? "runtime.measure"
        : memoryHeldElsewhereIsSet()
        ? "Deno.memoryUsage() heapUsed + external, plus the collector's memory held elsewhere"
        : "Deno.memoryUsage() heapUsed + external",
      forced_gc: this.#gc !== null,
    });
  }

  /** Whether data must be refused now. */
  get mustRefuse(): boolean {
    return this.#refusing;
  }

  /** The last measurement, in bytes. */
  get lastMeasuredBytes(): number {
    return this.#lastMeasured;
  }

  /** Starts measuring and sets the limit receivers admit requests against. */
  start(): Promise<void> {
    if (this.#timer !== undefined) return Promise.resolve();
    this.#timer = setInterval(() => this.check(), this.#timings.checkIntervalMs);
    tightenHeapGrowth();
    // Receivers admit requests against the soft limit before decoding them, counting what
    // requests in flight will hold on top of what is measured now.
    this.#removeLimit = this.#budget.addLimit({
      limitBytes: this.limits.softBytes,
      measure: () => this.#measure(),
      retryAfterMs: this.#timings.checkIntervalMs,
      name: `memory_limiter processor "${this.#id}"`,
    });
    return Promise.resolve();
  }

  /** Stops measuring and removes the limit. */
  shutdown(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#removeLimit?.();
    this.#removeLimit = undefined;
    return Promise.resolve();
  }

  /** Takes one measurement and updates the refusal state; the timer calls it. */
  check(): void {
    let bytes = this.#read();
    let above = this.#classify(bytes, false);
    if (above && this.#gc !== null) {
      const hard = bytes >= this.limits.hardBytes;
      const gate = hard
        ? Math.max(this.#timings.minGcIntervalHardMs, this.#hardBackoffMs)
        : Math.max(this.#timings.minGcIntervalSoftMs, this.#softBackoffMs);
      if (this.#now() - this.#lastGcAt > gate) {
        this.#logger.info(
          `memory usage is above the ${hard ? "hard" : "soft"} limit; forcing a garbage collection`,
          { current_mib: toMib(bytes) },
        );
        this.#gc();
        this.#lastGcAt = this.#now();
        bytes = this.#read();
        above = this.#classify(bytes, true);
        // What a collection cannot free is held by live references (queues, in-flight
        // requests): this line tells a backlog apart from a leak.
        this.#logger.info("memory usage after the forced garbage collection", {
          current_mib: toMib(bytes),
          next_soft_gc_interval_ms: Math.max(
            this.#timings.minGcIntervalSoftMs,
            this.#softBackoffMs,
          ),
          next_hard_gc_interval_ms: Math.max(
            this.#timings.minGcIntervalHardMs,
            this.#hardBackoffMs,
          ),
        });
      }
    }
    if (above && !this.#refusing) {
      this.#logger.warn("memory usage is above the soft limit; refusing data", {
        current_mib: toMib(bytes),
        soft_limit_mib: toMib(this.limits.softBytes),
      });
    } else if (!above && this.#refusing) {
      this.#logger.info("memory usage is back below the soft limit; accepting data", {
        current_mib: toMib(bytes),
      });
    }
    this.#refusing = above;
  }

  #read(): number {
    return this.#lastMeasured = this.#measure();
  }

  /** Whether `bytes` is at or above the soft limit; updates the collection back-off. */
  #classify(bytes: number, afterGc: boolean): boolean {
    const above = bytes >= this.limits.softBytes;
    const effective = !above || bytes <= this.#lastBytes * (1 - GC_EFFECTIVE_FRACTION);
    this.#lastBytes = bytes;
    if (effective) {
      this.#softBackoffMs = 0;
      this.#hardBackoffMs = 0;
    } else if (afterGc) {
      const t = this.#timings;
      this.#softBackoffMs = this.#nextBackoff(
        this.#softBackoffMs,
        t.minGcIntervalSoftMs,
        t.maxGcIntervalSoftMs,
      );
      this.#hardBackoffMs = this.#nextBackoff(
        this.#hardBackoffMs,
        t.minGcIntervalHardMs,
        t.maxGcIntervalHardMs,
      );
    }
    return above;
  }

  #nextBackoff(current: number, min: number, max: number): number {
    if (max === 0) return min;
    // Just under one interval, so that the next tick is not skipped because of timer slack.
    const floor = Math.max(min, this.#timings.checkIntervalMs * 0.95);
    return Math.min(Math.max(current, floor) * 2, Math.max(max, min));
  }
}
