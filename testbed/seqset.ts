/**
 * Per-sequence-number bookkeeping for the testbed: how often each number arrived, and in what
 * state the generator left it. Dense arrays, because sequence numbers run from 0 upwards.
 *
 * @module
 */

/** A growable array of small counters (saturating at 255), indexed by sequence number. */
export class SeqCounts {
  #counts = new Uint8Array(1024);
  #high = -1;

  /** Adds one to `seq`'s counter and returns the new value. */
  add(seq: number): number {
    if (seq >= this.#counts.length) {
      let size = this.#counts.length;
      while (size <= seq) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.#counts);
      this.#counts = grown;
    }
    if (seq > this.#high) this.#high = seq;
    const next = Math.min(255, this.#counts[seq] + 1);
    this.#counts[seq] = next;
    return next;
  }

  /** How often `seq` was counted. */
  get(seq: number): number {
    return seq < this.#counts.length ? this.#counts[seq] : 0;
  }

  /** The largest sequence number counted, or -1. */
  get high(): number {
    return this.#high;
  }
}

/** What the generator knows about a sequence number when it stops. */
export const SeqState = {
  /** Never sent (the generator stopped before reaching it). */
  Unsent: 0,
  /** The collector acknowledged the request that carried it: it must arrive. */
  Accepted: 1,
  /** The collector refused it permanently (4xx other than 429, or a non-retryable gRPC code). */
  Refused: 2,
  /** No acknowledgement before the retry deadline: it may or may not arrive. */
  Unknown: 3,
} as const;

/** One of the {@link SeqState} values. */
export type SeqState = typeof SeqState[keyof typeof SeqState];

/** The state of every sequence number of one generator run. */
export class SeqStates {
  /** The state per sequence number, from `first` to `first + states.length - 1`. */
  readonly states: Uint8Array;

  /**
   * @param first the first sequence number of the run
   * @param count how many numbers the run may use
   */
  constructor(readonly first: number, count: number) {
    this.states = new Uint8Array(count);
  }

  /** One past the highest number marked, relative to `first`: beyond it every number is unsent. */
  #end = 0;

  /** Marks `count` numbers from `seq` with `state`. */
  mark(seq: number, count: number, state: SeqState): void {
    this.states.fill(state, seq - this.first, seq - this.first + count);
    this.#end = Math.min(this.states.length, Math.max(this.#end, seq - this.first + count));
  }

  /**
   * How many numbers are in `state`. Only the marked part is read: a benchmark's run sized for
   * hundreds of millions of numbers would otherwise spend seconds counting what it never sent.
   */
  count(state: SeqState): number {
    const states = this.states;
    const end = this.#end;
    let n = 0;
    for (let i = 0; i < end; i++) if (states[i] === state) n++;
    return state === SeqState.Unsent ? n + states.length - end : n;
  }
}
