import type { Capabilities, ConsumeContext, Consumer } from "@denocol/consumer";

/** Options of {@linkcode SinkConsumer}. */
export interface SinkOptions<T> {
  /** Counts the items (spans, points, records, samples) in one batch; default: 1 per batch. */
  countItems?: (data: T) => number;
  /** Capabilities to report; default `{ mutatesData: false }`. */
  capabilities?: Capabilities;
}

/**
 * A consumer that records everything it is given, for assertions in tests, and lets a test wait
 * until a number of items has arrived.
 */
export class SinkConsumer<T> implements Consumer<T> {
  /** Every batch received, in order. */
  readonly all: T[] = [];
  /** The context of each batch in {@linkcode SinkConsumer.all}, at the same index. */
  readonly contexts: ConsumeContext[] = [];
  readonly #countItems: (data: T) => number;
  readonly #capabilities: Capabilities;
  #count = 0;
  #waiters: Array<{ target: number; resolve: () => void }> = [];

  /** Creates an empty sink. */
  constructor(options: SinkOptions<T> = {}) {
    this.#countItems = options.countItems ?? (() => 1);
    this.#capabilities = { mutatesData: options.capabilities?.mutatesData ?? false };
  }

  /** Items received so far, as counted by `countItems`. */
  get count(): number {
    return this.#count;
  }

  /** Reports the capabilities given at construction. */
  capabilities(): Capabilities {
    return { ...this.#capabilities };
  }

  /** Records `data`. */
  consume(data: T, context: ConsumeContext = {}): Promise<void> {
    this.all.push(data);
    this.contexts.push(context);
    this.#count += this.#countItems(data);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.#count < waiter.target) return true;
      waiter.resolve();
      return false;
    });
    return Promise.resolve();
  }

  /** Forgets everything received. */
  reset(): void {
    this.all.length = 0;
    this.contexts.length = 0;
    this.#count = 0;
  }

  /**
   * Resolves once at least `items` items have arrived; rejects after `timeoutMs` (default 5000)
   * with a message giving the count reached.
   */
  waitFor(items: number, timeoutMs = 5000): Promise<void> {
    if (this.#count >= items) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(
          new Error(`sink received ${this.#count} items, expected ${items} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const waiter = {
        target: items,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.#waiters.push(waiter);
    });
  }
}

/** A consumer that rejects every item with `error`. */
export function errorConsumer<T>(error: unknown): Consumer<T> {
  return {
    capabilities: () => ({ mutatesData: false }),
    consume: () => Promise.reject(error),
  };
}

/** A consumer that accepts and discards every item. */
export function nopConsumer<T>(): Consumer<T> {
  return {
    capabilities: () => ({ mutatesData: false }),
    consume: () => Promise.resolve(),
  };
}
