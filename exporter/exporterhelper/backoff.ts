import type { RetrySettings } from "./config.ts";

/**
 * Exponential backoff with jitter: each call to {@linkcode ExponentialBackoff.next} returns a
 * wait drawn uniformly from `interval * (1 ± randomizationFactor)`, then grows the interval by
 * `multiplier` up to `maxIntervalMs`.
 */
export class ExponentialBackoff {
  #interval: number;
  readonly #settings: RetrySettings;
  readonly #random: () => number;

  /**
   * Creates a backoff starting at `settings.initialIntervalMs`.
   *
   * @param settings Intervals and factors.
   * @param random Source of uniform numbers in [0, 1); `Math.random` by default.
   */
  constructor(settings: RetrySettings, random: () => number = Math.random) {
    this.#settings = settings;
    this.#interval = settings.initialIntervalMs;
    this.#random = random;
  }

  /** The next wait in milliseconds. */
  next(): number {
    const { randomizationFactor, multiplier, maxIntervalMs } = this.#settings;
    const delta = randomizationFactor * this.#interval;
    const low = this.#interval - delta;
    const wait = low + this.#random() * (2 * delta);
    this.#interval = Math.min(this.#interval * multiplier, maxIntervalMs);
    return wait;
  }
}
