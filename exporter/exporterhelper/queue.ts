import type { QueueSizer } from "./config.ts";

/** A request waiting in a sending queue. */
export interface QueueEntry<T> {
  /** The request. */
  readonly data: T;
  /** Number of items (spans, points, records, samples) in `data`. */
  readonly items: number;
}

/** Thrown by {@linkcode SendingQueue.offer} when the queue has no room and does not block. */
export class QueueFullError extends Error {
  /** @param message What was refused. */
  constructor(message: string) {
    super(message);
    this.name = "QueueFullError";
  }
}

/** Thrown by {@linkcode SendingQueue.offer} for a request that can never fit the queue. */
export class RequestTooLargeError extends Error {
  /** @param message What was refused. */
  constructor(message: string) {
    super(message);
    this.name = "RequestTooLargeError";
  }
}

/** Thrown by {@linkcode SendingQueue.offer} once the queue no longer takes requests. */
export class QueueClosedError extends Error {
  /** @param message What was refused. */
  constructor(message: string) {
    super(message);
    this.name = "QueueClosedError";
  }
}

/**
 * The queue between callers and the consumers that send. Its life: entries are offered and
 * taken until {@linkcode drain} (shutdown) refuses further offers; if the drain deadline passes
 * first, {@linkcode stop} ends sending; {@linkcode close} lets go of the queue.
 */
export interface SendingQueue<T> {
  /** Capacity in units of the sizer. */
  readonly capacity: number;
  /**
   * Whether what is not sent by shutdown stays for the next start (a persistent queue). Such a
   * queue keeps taking offers after the drain deadline, until it is drained.
   */
  readonly keepsUnsent: boolean;
  /** Current size (queued and in flight) in units of the sizer. */
  size(): number;
  /** Adds an entry, waiting for room if blocking; rejects when full or no longer open. */
  offer(entry: QueueEntry<T>, signal?: AbortSignal): Promise<void>;
  /** The next entry for a consumer; `undefined` once there is nothing more to send. */
  take(): Promise<QueueEntry<T> | undefined>;
  /** A taken entry was sent or dropped for good: it leaves the queue. */
  complete(entry: QueueEntry<T>): Promise<void>;
  /**
   * Sending a taken entry was cut off at the end of the drain: a queue that
   * {@linkcode keepsUnsent} keeps it for the next start; any other lets it go.
   */
  retain(entry: QueueEntry<T>): Promise<void>;
  /**
   * Refuses further offers and resolves once nothing more will be sent: when an in-memory queue
   * is empty, when a persistent queue has no entry in flight (what waits stays stored), or as
   * soon as `deadline` is aborted.
   */
  drain(deadline: AbortSignal): Promise<void>;
  /**
   * The drain deadline passed: consumers get nothing more. Returns the entries still waiting,
   * which an in-memory queue removes (they will never be sent) and a queue that
   * {@linkcode keepsUnsent} keeps (only those offered since it was opened are returned).
   */
  stop(): QueueEntry<T>[];
  /**
   * Lets go of the queue after the drain, releasing its storage. Resolves to the size that
   * stays stored for the next start (0 for an in-memory queue).
   */
  close(): Promise<number>;
}

/** FIFO with cheap removal from the front. */
export class Fifo<E> {
  #items: (E | undefined)[] = [];
  #head = 0;

  /** Number of items. */
  get length(): number {
    return this.#items.length - this.#head;
  }
  /** Adds `item` at the back. */
  push(item: E): void {
    this.#items.push(item);
  }
  /** The items in order, left in place. */
  toArray(): E[] {
    return this.#items.slice(this.#head) as E[];
  }
  /** Removes and returns the front item. */
  shift(): E | undefined {
    if (this.length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

/** Wakes all waiters; each waiter re-checks its condition. */
class Wakeup {
  #waiters: (() => void)[] = [];
  /** Resolves at the next {@linkcode notifyAll}; rejects when `abort` is aborted first. */
  wait(abort?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (abort?.aborted) return reject(abort.reason);
      const wake = () => {
        abort?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== wake);
        reject(abort!.reason);
      };
      abort?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(wake);
    });
  }
  notifyAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * Admission, hand-over and drain shared by both queues. `S` is what a queue keeps per waiting
 * request (the entry itself in memory; its storage key and size in a persistent queue);
 * subclasses decide where requests live.
 */
export abstract class BaseQueue<T, S> implements SendingQueue<T> {
  /** Waiting requests, oldest first. */
  protected readonly ready = new Fifo<S>();
  /** Current size in units of the sizer. */
  protected used = 0;
  /** Set by `drain`: offers are refused. */
  #closed = false;
  /** Set by `stop`: consumers get nothing more. */
  #stopped = false;
  /** Entries being handed to or held by consumers. */
  #inFlight = 0;
  readonly #space = new Wakeup();
  readonly #available = new Wakeup();
  readonly #idle = new Wakeup();

  /**
   * @param capacity Capacity in units of `sizer`.
   * @param sizer Whether an entry counts as 1 (`requests`) or as its items (`items`).
   * @param blocking Whether a full queue makes `offer` wait instead of refusing.
   */
  constructor(
    readonly capacity: number,
    protected readonly sizer: QueueSizer,
    readonly blocking: boolean,
  ) {}

  abstract readonly keepsUnsent: boolean;

  size(): number {
    return this.used;
  }

  /** Size of a request of `items` items in units of the sizer. */
  protected sizeOf(items: number): number {
    return this.sizer === "items" ? items : 1;
  }

  async offer(entry: QueueEntry<T>, signal?: AbortSignal): Promise<void> {
    const needed = this.sizeOf(entry.items);
    if (needed > this.capacity) {
      throw new RequestTooLargeError(
        `request of size ${needed} is larger than the queue capacity ${this.capacity}`,
      );
    }
    for (;;) {
      if (this.#closed) throw new QueueClosedError("sending queue is closed");
      if (this.used + needed <= this.capacity) break;
      if (!this.blocking) throw new QueueFullError("sending queue is full");
      await this.#space.wait(signal);
    }
    this.used += needed;
    let stored: S;
    try {
      stored = await this.store(entry);
    } catch (error) {
      this.release(entry.items);
      throw error;
    }
    if (this.#stopped && !this.keepsUnsent) {
      // Stopped while this entry was being stored: nothing would ever send it.
      this.release(entry.items);
      throw new QueueClosedError("sending queue is closed");
    }
    this.ready.push(stored);
    this.#available.notifyAll();
  }

  async take(): Promise<QueueEntry<T> | undefined> {
    for (;;) {
      if (this.#stopped) return undefined;
      if (this.#closed && !this.drainsOnClose()) return undefined;
      const waiting = this.ready.shift();
      if (waiting !== undefined) {
        // Counted from here, so that a drain does not end while the entry is being loaded.
        this.#inFlight++;
        let entry: QueueEntry<T> | undefined;
        try {
          entry = await this.dispatch(waiting);
        } finally {
          if (entry === undefined) this.#settled();
        }
        if (entry !== undefined) return entry;
        continue;
      }
      if (this.#closed) return undefined;
      await this.#available.wait();
    }
  }

  async complete(entry: QueueEntry<T>): Promise<void> {
    try {
      await this.remove(entry);
      this.release(entry.items);
    } finally {
      this.#settled();
    }
  }

  async retain(entry: QueueEntry<T>): Promise<void> {
    try {
      await this.keep(entry);
    } finally {
      this.#settled();
    }
  }

  async drain(deadline: AbortSignal): Promise<void> {
    this.#closed = true;
    this.#available.notifyAll();
    this.#space.notifyAll();
    while (!this.#drained()) {
      try {
        await this.#idle.wait(deadline);
      } catch {
        return; // the deadline passed
      }
    }
  }

  stop(): QueueEntry<T>[] {
    this.#stopped = true;
    const waiting = this.giveUp();
    this.#available.notifyAll();
    this.#idle.notifyAll();
    return waiting;
  }

  abstract close(): Promise<number>;

  /** Refuses offers from now on, and wakes callers waiting for room so that they hear it. */
  protected refuseOffers(): void {
    this.#closed = true;
    this.#space.notifyAll();
  }

  /** Gives back the room of a request of `items` items that leaves the queue. */
  protected release(items: number): void {
    this.used -= this.sizeOf(items);
    this.#space.notifyAll();
  }

  #settled(): void {
    this.#inFlight--;
    this.#idle.notifyAll();
  }

  #drained(): boolean {
    if (this.#inFlight > 0) return false;
    return this.#stopped || !this.drainsOnClose() || this.ready.length === 0;
  }

  /** Whether consumers keep taking entries after `drain` until the queue is empty. */
  protected abstract drainsOnClose(): boolean;
  /** Keeps a newly offered entry; returns what `ready` holds for it. */
  protected abstract store(entry: QueueEntry<T>): Promise<S>;
  /** Hands a waiting request to a consumer; `undefined` skips it (it could not be loaded). */
  protected abstract dispatch(waiting: S): Promise<QueueEntry<T> | undefined>;
  /** Forgets an entry that was sent or dropped. */
  protected abstract remove(entry: QueueEntry<T>): Promise<void>;
  /** Keeps (or lets go of) an entry whose sending was cut off; see `retain`. */
  protected abstract keep(entry: QueueEntry<T>): Promise<void>;
  /** What `stop` does with the waiting requests; returns their entries. */
  protected abstract giveUp(): QueueEntry<T>[];
}

/**
 * A bounded queue in memory. After `drain` consumers take what is left; what is still waiting
 * when the drain deadline passes is removed and returned by `stop` (it is lost), and so is an
 * entry whose sending was cut off.
 */
export class MemoryQueue<T> extends BaseQueue<T, QueueEntry<T>> {
  /** An in-memory queue loses what it holds at shutdown. */
  readonly keepsUnsent = false;

  protected drainsOnClose(): boolean {
    return true;
  }
  protected store(entry: QueueEntry<T>): Promise<QueueEntry<T>> {
    return Promise.resolve(entry);
  }
  protected dispatch(entry: QueueEntry<T>): Promise<QueueEntry<T>> {
    return Promise.resolve(entry);
  }
  protected remove(): Promise<void> {
    return Promise.resolve();
  }
  protected keep(entry: QueueEntry<T>): Promise<void> {
    this.release(entry.items);
    return Promise.resolve();
  }
  protected giveUp(): QueueEntry<T>[] {
    this.refuseOffers();
    const out: QueueEntry<T>[] = [];
    for (let e = this.ready.shift(); e !== undefined; e = this.ready.shift()) {
      out.push(e);
      this.release(e.items);
    }
    return out;
  }
  close(): Promise<number> {
    return Promise.resolve(0);
  }
}
