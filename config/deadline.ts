// A deadline that moves often and fires rarely: an HTTP/1.1 connection moves its timeout four or
// five times a request (head, read, write, idle), and a new timer for each move cost more than the
// request's own work. The timer here is only replaced when the deadline moves earlier than the
// time it is set for; when it fires early (the deadline moved later) it sets itself again.

/** One deadline of kind `K` at a time, reported to `onExpire` when it passes. */
export class MovableDeadline<K extends string> {
  readonly #onExpire: (kind: K) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer is set to fire (`performance.now()` time), or `Infinity` when not set. */
  #timerAt = Infinity;
  /** When the deadline passes, or `Infinity` when there is none. */
  #at = Infinity;
  #kind: K | undefined;
  #stopped = false;

  /** @param onExpire Called with the deadline's kind once it has passed. */
  constructor(onExpire: (kind: K) => void) {
    this.#onExpire = onExpire;
  }

  /** Sets the deadline `ms` from now; `ms <= 0` clears it. */
  set(kind: K, ms: number): void {
    if (ms <= 0) {
      this.#at = Infinity;
      return;
    }
    this.#kind = kind;
    this.#at = performance.now() + ms;
    if (this.#at < this.#timerAt) this.#schedule();
  }

  /** Clears the deadline; the timer, if set, fires and finds nothing to do. */
  clear(): void {
    this.#at = Infinity;
  }

  /** Clears the deadline and the timer for good. */
  stop(): void {
    this.#stopped = true;
    this.#at = Infinity;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timerAt = this.#at;
    this.#timer = setTimeout(this.#fire, Math.max(0, this.#at - performance.now()));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    if (this.#at === Infinity || this.#stopped) return;
    // Timers fire on whole milliseconds; within one of the deadline counts as reached.
    if (performance.now() < this.#at - 1) {
      this.#schedule();
      return;
    }
    this.#at = Infinity;
    this.#onExpire(this.#kind!);
  };
}
