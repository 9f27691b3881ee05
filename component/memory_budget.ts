// Admission of requests against the process's memory, before they are decoded.
//
// A memory limiter in a pipeline sees data only after a receiver has decoded it, and decoding is
// where memory explodes: an OTLP request of many tiny messages becomes tens of times its size in
// objects. So receivers ask this budget before each allocation a request makes (its body as it
// grows, its decoded objects as the decoder makes them), against memory in use measured just
// before: whatever was admitted has been allocated and is in the next measurement. What requests
// hold is tracked for the share large requests may take. Limits come from the memory limiters
// that are running (the strictest wins); memory is one per process, so the budget is too. With no
// limiter running every request is admitted.

/** A source of limits: a running memory limiter. */
export interface MemoryLimitSource {
  /** Bytes in use above which nothing more is admitted (the limiter's soft limit). */
  readonly limitBytes: number;
  /** Memory in use now, in bytes, as the limiter measures it. */
  measure(): number;
  /** Suggested wait before a refused client retries, in milliseconds. */
  readonly retryAfterMs: number;
  /** Who sets the limit, for messages: `memory_limiter processor "memory_limiter"`. */
  readonly name: string;
}

/** Memory held for a request until `release` is called. */
export interface MemoryReservation {
  /** Bytes reserved. */
  readonly bytes: number;
  /** Gives the reservation back; later calls do nothing. */
  release(): void;
}

/** Why a request was not admitted. */
export interface MemoryRefusal {
  /** `retry`: memory is busy now; `never`: the request alone exceeds the limit. */
  readonly kind: "retry" | "never";
  /** What to tell the client. */
  readonly message: string;
  /** Suggested wait before retrying, for `retry`. */
  readonly retryAfterMs: number;
}

/** What may still be admitted under the strictest limit. */
export interface Headroom {
  /** Bytes not in use. */
  readonly availableBytes: number;
  /** The limit. */
  readonly limitBytes: number;
  /** Who set it. */
  readonly source: MemoryLimitSource;
}

/** Bodies from this size on are large requests (see {@linkcode LARGE_POOL_SHARE}). */
export const LARGE_REQUEST_BYTES = 1024 * 1024;

/** Share of the limit that large requests may hold together. */
export const LARGE_POOL_SHARE = 0.5;

/** Share of the limit above which one request is refused for good rather than "retry later". */
export const LARGEST_REQUEST_SHARE = 0.25;

/**
 * How long a measurement is reused, so that admission stays cheap under a flood of requests
 * (a measurement costs about 10 µs) while allocations made since are seen almost at once.
 */
const MEASURE_REUSE_MS = 1;

const MIB = 1024 * 1024;

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

/** The reservations in flight against the limits of the running memory limiters. */
export class MemoryBudget {
  readonly #sources = new Set<MemoryLimitSource>();
  #reserved = 0;
  #reservedLarge = 0;
  #measuredAt = -Infinity;
  #measured = 0;

  /** Bytes held by requests in flight (already in the measurement of memory in use). */
  get reservedBytes(): number {
    return this.#reserved;
  }

  /** Whether any limit is in force. */
  get limited(): boolean {
    return this.#sources.size > 0;
  }

  /**
   * Adds a limit while a memory limiter runs.
   *
   * @returns A function that removes it again.
   */
  addLimit(source: MemoryLimitSource): () => void {
    this.#sources.add(source);
    this.#measuredAt = -Infinity;
    return () => {
      this.#sources.delete(source);
    };
  }

  #strictest(): MemoryLimitSource | undefined {
    let strictest: MemoryLimitSource | undefined;
    for (const source of this.#sources) {
      if (strictest === undefined || source.limitBytes < strictest.limitBytes) strictest = source;
    }
    return strictest;
  }

  /**
   * What may still be admitted: the strictest limit, and how much of it is not in use (measured
   * at most a millisecond ago). `undefined` when no limit is in force.
   *
   * @param large Whether it is for a large request, which sees only what is left of the large
   *   requests' share.
   */
  headroom(large = false): Headroom | undefined {
    const source = this.#strictest();
    if (source === undefined) return undefined;
    const now = performance.now();
    if (now - this.#measuredAt > MEASURE_REUSE_MS) {
      this.#measured = source.measure();
      this.#measuredAt = now;
    }
    // What requests hold is already allocated (bodies as they grow, decoded objects as they are
    // made), so it is in the measurement: it is not subtracted again.
    let available = source.limitBytes - this.#measured;
    // Large requests share part of the limit, so that a few of them cannot leave no room for
    // the many small requests of other clients.
    if (large) {
      available = Math.min(available, source.limitBytes * LARGE_POOL_SHARE - this.#reservedLarge);
    }
    return { availableBytes: Math.max(0, available), limitBytes: source.limitBytes, source };
  }

  /**
   * Reserves `bytes` for a request about to allocate them, or says why not: a request is
   * admitted when what is in use plus `bytes` stays within the strictest limit (and, for a large
   * one, what large requests hold stays within their share).
   *
   * @param bytes The request's estimated cost once decoded.
   * @param large Whether it is a large request ({@linkcode LARGE_REQUEST_BYTES} or more), which
   *   may use only {@linkcode LARGE_POOL_SHARE} of the limit together with the other large ones.
   */
  reserve(bytes: number, large = false): MemoryReservation | MemoryRefusal {
    const room = this.headroom(large);
    if (room !== undefined && bytes > room.availableBytes) return this.refusal(bytes, room);
    return this.hold(bytes, large);
  }

  /**
   * Reserves `bytes` unconditionally: for memory already allocated within
   * {@linkcode MemoryBudget.headroom} (a decode that was given it as its limit).
   *
   * @param bytes What is held.
   * @param large Whether it counts against the large requests' share.
   */
  hold(bytes: number, large = false): MemoryReservation {
    this.#reserved += bytes;
    if (large) this.#reservedLarge += bytes;
    let released = false;
    return {
      bytes,
      release: () => {
        if (released) return;
        released = true;
        this.#reserved -= bytes;
        if (large) this.#reservedLarge -= bytes;
      },
    };
  }

  /**
   * The refusal of a request that needs more than the room left. It is final (`never`) when the
   * request needs more than a quarter of the limit ({@linkcode LARGEST_REQUEST_SHARE}), half of
   * what large requests may hold together: it would
   * crowd out everything else even in an idle collector, so the client must send smaller
   * requests (or the limit be raised). Otherwise it may fit once memory is freed.
   *
   * @param bytes What the request needs, or at least needed when its decode was stopped.
   * @param room The headroom it was measured against.
   */
  refusal(bytes: number, room: Headroom): MemoryRefusal {
    const { limitBytes, source } = room;
    if (bytes > limitBytes * LARGEST_REQUEST_SHARE) {
      return {
        kind: "never",
        message: `the request would take more than ${mib(bytes)} of memory once decoded, ` +
          `more than a quarter of the ${
            mib(limitBytes)
          } the ${source.name} allows; send smaller requests`,
        retryAfterMs: 0,
      };
    }
    return {
      kind: "retry",
      message: `data refused due to high memory usage: ${mib(this.#measured)} in use (` +
        `${mib(this.#reserved)} of it by requests in flight), limit ${
          mib(limitBytes)
        } (${source.name})`,
      retryAfterMs: source.retryAfterMs,
    };
  }
}

/** Whether a {@linkcode MemoryBudget.reserve} result is a refusal. */
export function isMemoryRefusal(
  result: MemoryReservation | MemoryRefusal,
): result is MemoryRefusal {
  return "kind" in result;
}

/** The process's memory budget: the one receivers reserve from and memory limiters limit. */
export const processMemoryBudget: MemoryBudget = new MemoryBudget();
