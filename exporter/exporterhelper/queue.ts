import type { StorageClient, StorageOperation } from "@denocol/extension";

/** A request waiting in a sending queue. */
export interface QueueEntry<T> {
  /** The request. */
  data: T;
  /** Number of items (spans, points, records, samples) in `data`. */
  items: number;
  /** Key in the persistent store, if persisted. */
  key?: number;
  /** Settles the caller's promise when `wait_for_result` is on. */
  settle?: (error?: unknown) => void;
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

/** Thrown by {@linkcode SendingQueue.offer} once the queue has been closed. */
export class QueueClosedError extends Error {
  /** @param message What was refused. */
  constructor(message: string) {
    super(message);
    this.name = "QueueClosedError";
  }
}

/** The queue between callers and the sending consumers. */
export interface SendingQueue<T> {
  /** Capacity in units of the sizer. */
  readonly capacity: number;
  /** Current size (queued and in flight) in units of the sizer. */
  size(): number;
  /** Requests not yet taken by a consumer. */
  waiting(): number;
  /** Adds an entry, waiting for room if blocking; rejects when full or closed. */
  offer(entry: QueueEntry<T>, signal?: AbortSignal): Promise<void>;
  /** The next entry; `undefined` once the queue is closed (and, in memory, drained). */
  take(): Promise<QueueEntry<T> | undefined>;
  /**
   * Ends an entry's stay: `sent` means it was exported or dropped for good and leaves the queue;
   * otherwise a persistent queue keeps it for the next start.
   */
  complete(entry: QueueEntry<T>, sent: boolean): Promise<void>;
  /** Refuses further offers and wakes consumers. */
  close(): void;
}

/** Unit counting shared by both queues. */
export type EntrySizer<T> = (entry: QueueEntry<T>) => number;

/** FIFO with cheap removal from the front. */
class Fifo<E> {
  #items: (E | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }
  push(item: E): void {
    this.#items.push(item);
  }
  unshift(item: E): void {
    if (this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.unshift(item);
  }
  /** The items in order, left in place. */
  toArray(): E[] {
    return this.#items.slice(this.#head) as E[];
  }
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

/** Wakes one or all waiters; each waiter re-checks its condition. */
class Signal {
  #waiters: (() => void)[] = [];
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

/** Shared admission and hand-over logic; subclasses decide where entries live. */
abstract class BaseQueue<T> implements SendingQueue<T> {
  protected readonly ready = new Fifo<QueueEntry<T>>();
  protected used = 0;
  protected closed = false;
  /** Set by `stopTaking`: consumers get nothing more, offers are still accepted. */
  #takingStopped = false;
  readonly #space = new Signal();
  readonly #available = new Signal();

  constructor(
    readonly capacity: number,
    protected readonly sizer: EntrySizer<T>,
    readonly blocking: boolean,
  ) {}

  size(): number {
    return this.used;
  }

  waiting(): number {
    return this.ready.length;
  }

  /** The entries not yet taken by a consumer, in order; they stay queued. */
  waitingEntries(): QueueEntry<T>[] {
    return this.ready.toArray();
  }

  async offer(entry: QueueEntry<T>, signal?: AbortSignal): Promise<void> {
    const needed = this.sizer(entry);
    if (needed > this.capacity) {
      throw new RequestTooLargeError(
        `request of size ${needed} is larger than the queue capacity ${this.capacity}`,
      );
    }
    for (;;) {
      if (this.closed) throw new QueueClosedError("sending queue is closed");
      if (this.used + needed <= this.capacity) break;
      if (!this.blocking) throw new QueueFullError("sending queue is full");
      await this.#space.wait(signal);
    }
    this.used += needed;
    try {
      await this.store(entry);
    } catch (error) {
      this.used -= needed;
      this.#space.notifyAll();
      throw error;
    }
    this.ready.push(entry);
    this.#available.notifyAll();
  }

  async take(): Promise<QueueEntry<T> | undefined> {
    for (;;) {
      if (this.#takingStopped) return undefined;
      if (this.closed && !this.drainsOnClose()) return undefined;
      const entry = this.ready.shift();
      if (entry !== undefined) {
        const loaded = await this.dispatch(entry);
        if (loaded !== undefined) return loaded;
        continue;
      }
      if (this.closed) return undefined;
      await this.#available.wait();
    }
  }

  async complete(entry: QueueEntry<T>, sent: boolean): Promise<void> {
    if (sent) {
      await this.remove(entry);
      this.release(entry);
    }
  }

  /** Gives back the room of an entry that leaves the queue. */
  protected release(entry: QueueEntry<T>): void {
    this.used -= this.sizer(entry);
    this.#space.notifyAll();
  }

  close(): void {
    this.closed = true;
    this.#available.notifyAll();
    this.#space.notifyAll();
  }

  /**
   * Ends the consumers' work (`take` resolves `undefined` from now on) while offers are still
   * accepted: a persistent queue keeps storing what it is given after the shutdown drain time,
   * for the next start.
   */
  stopTaking(): void {
    this.#takingStopped = true;
    this.#available.notifyAll();
  }

  /** Whether consumers keep taking entries after `close` until empty. */
  protected abstract drainsOnClose(): boolean;
  /** Persists a newly offered entry. */
  protected abstract store(entry: QueueEntry<T>): Promise<void>;
  /** Marks an entry as in flight; `undefined` skips it (it could not be loaded). */
  protected abstract dispatch(entry: QueueEntry<T>): Promise<QueueEntry<T> | undefined>;
  /** Forgets an entry that was sent or dropped. */
  protected abstract remove(entry: QueueEntry<T>): Promise<void>;
}

/** A bounded queue in memory; after `close` consumers drain what is left. */
export class MemoryQueue<T> extends BaseQueue<T> {
  protected drainsOnClose(): boolean {
    return true;
  }
  protected store(): Promise<void> {
    return Promise.resolve();
  }
  protected dispatch(entry: QueueEntry<T>): Promise<QueueEntry<T>> {
    return Promise.resolve(entry);
  }
  protected remove(): Promise<void> {
    return Promise.resolve();
  }
  /** Removes and returns every entry not yet taken (used when a drain deadline passes). */
  discardWaiting(): QueueEntry<T>[] {
    const out: QueueEntry<T>[] = [];
    for (let e = this.ready.shift(); e !== undefined; e = this.ready.shift()) {
      out.push(e);
      this.release(e);
    }
    return out;
  }
}

/** How a persistent queue turns requests into bytes and back. */
export interface EntryCodec<T> {
  /** Serialises a request. */
  encode(data: T): Uint8Array;
  /** Parses what `encode` produced; throws on corrupt input. */
  decode(bytes: Uint8Array): T;
}

/** Called when a stored entry cannot be read back and is removed. */
export type CorruptEntryHandler = (key: number, items: number, error: unknown) => void;

const READ_INDEX = "ri";
const WRITE_INDEX = "wi";
const DISPATCHED = "di";
const FORMAT_VERSION = 1;
const HEADER_BYTES = 5;

function encodeIndex(value: number): Uint8Array {
  return new TextEncoder().encode(String(value));
}

function decodeIndex(bytes: Uint8Array | undefined): number {
  if (bytes === undefined) return 0;
  const value = Number(new TextDecoder().decode(bytes));
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function encodeList(values: Iterable<number>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify([...values]));
}

function decodeList(bytes: Uint8Array | undefined): number[] {
  if (bytes === undefined) return [];
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes));
    return Array.isArray(parsed) ? parsed.filter((v) => Number.isSafeInteger(v) && v >= 0) : [];
  } catch {
    return [];
  }
}

function itemKey(index: number): string {
  return String(index);
}

/** Frames a request with its item count so sizes are known without decoding. */
function frame(items: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  out[0] = FORMAT_VERSION;
  new DataView(out.buffer).setUint32(1, items, false);
  out.set(payload, HEADER_BYTES);
  return out;
}

function unframe(bytes: Uint8Array): { items: number; payload: Uint8Array } {
  if (bytes.length < HEADER_BYTES || bytes[0] !== FORMAT_VERSION) {
    throw new Error(`stored request has an unknown format (first byte ${bytes[0]})`);
  }
  const items = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(1, false);
  return { items, payload: bytes.subarray(HEADER_BYTES) };
}

/**
 * A bounded queue kept in a {@linkcode StorageClient}. Layout: `wi` is the next index to write,
 * `ri` the next to read, each request is stored under its index, and `di` lists the indices
 * handed to consumers but not yet completed. A request leaves the store only when completed as
 * sent; on open, the requests still listed in `di` are sent again first (at-least-once).
 * After `close`, consumers stop and everything unsent stays in the store.
 */
export class PersistentQueue<T> extends BaseQueue<T> {
  #readIndex = 0;
  #writeIndex = 0;
  readonly #dispatched = new Set<number>();
  /** Mutations of the indices are serialised so concurrent consumers never read one index twice. */
  #lock: Promise<unknown> = Promise.resolve();

  private constructor(
    capacity: number,
    sizer: EntrySizer<T>,
    blocking: boolean,
    private readonly client: StorageClient,
    private readonly codec: EntryCodec<T>,
    private readonly onCorrupt: CorruptEntryHandler,
  ) {
    super(capacity, sizer, blocking);
  }

  /**
   * Opens the queue stored in `client`, restoring what an earlier run left: requests that were
   * in flight come first, then those never taken. Restored requests count against the capacity
   * even beyond it, so nothing stored is discarded.
   */
  static async open<T>(
    client: StorageClient,
    codec: EntryCodec<T>,
    options: {
      capacity: number;
      sizer: EntrySizer<T>;
      blocking: boolean;
      onCorrupt: CorruptEntryHandler;
    },
  ): Promise<PersistentQueue<T>> {
    const queue = new PersistentQueue(
      options.capacity,
      options.sizer,
      options.blocking,
      client,
      codec,
      options.onCorrupt,
    );
    await queue.#restore();
    return queue;
  }

  /** Number of requests restored from an earlier run when the queue was opened. */
  restored = 0;

  async #restore(): Promise<void> {
    this.#readIndex = decodeIndex(await this.client.get(READ_INDEX));
    this.#writeIndex = decodeIndex(await this.client.get(WRITE_INDEX));
    if (this.#writeIndex < this.#readIndex) this.#writeIndex = this.#readIndex;
    const previouslyDispatched = decodeList(await this.client.get(DISPATCHED));
    const resend: QueueEntry<T>[] = [];
    for (const key of previouslyDispatched) {
      const entry = await this.#peek(key);
      if (entry === undefined) continue;
      this.#dispatched.add(key);
      resend.push(entry);
    }
    if (resend.length !== previouslyDispatched.length) {
      await this.client.set(DISPATCHED, encodeList(this.#dispatched));
    }
    for (const entry of resend) {
      this.ready.push(entry);
      this.used += this.sizer(entry);
    }
    // Requests never taken are loaded lazily at dispatch; only their sizes are read now.
    for (let key = this.#readIndex; key < this.#writeIndex; key++) {
      const entry = await this.#peek(key);
      if (entry === undefined) continue;
      this.ready.push(entry);
      this.used += this.sizer(entry);
    }
    this.restored = this.ready.length;
  }

  /** A placeholder entry for stored `key` carrying its size; the data is decoded at dispatch. */
  async #peek(key: number): Promise<QueueEntry<T> | undefined> {
    const bytes = await this.client.get(itemKey(key));
    if (bytes === undefined) return undefined;
    try {
      return { data: undefined as T, items: unframe(bytes).items, key };
    } catch (error) {
      await this.client.delete(itemKey(key));
      this.onCorrupt(key, 0, error);
      return undefined;
    }
  }

  #serialised<R>(run: () => Promise<R>): Promise<R> {
    const next = this.#lock.then(run, run);
    this.#lock = next.catch(() => {});
    return next;
  }

  protected drainsOnClose(): boolean {
    return false;
  }

  protected store(entry: QueueEntry<T>): Promise<void> {
    const bytes = frame(entry.items, this.codec.encode(entry.data));
    return this.#serialised(async () => {
      const key = this.#writeIndex;
      await this.client.batch([
        { type: "set", key: itemKey(key), value: bytes },
        { type: "set", key: WRITE_INDEX, value: encodeIndex(key + 1) },
      ]);
      this.#writeIndex = key + 1;
      entry.key = key;
      // The data is kept so the consumer need not decode what it just encoded.
    });
  }

  protected dispatch(entry: QueueEntry<T>): Promise<QueueEntry<T> | undefined> {
    return this.#serialised(async () => {
      const key = entry.key!;
      const operations: StorageOperation[] = [];
      if (!this.#dispatched.has(key)) {
        this.#dispatched.add(key);
        operations.push({ type: "set", key: DISPATCHED, value: encodeList(this.#dispatched) });
      }
      if (key >= this.#readIndex) {
        this.#readIndex = key + 1;
        operations.push({ type: "set", key: READ_INDEX, value: encodeIndex(this.#readIndex) });
      }
      if (operations.length > 0) await this.client.batch(operations);
      if (entry.data !== undefined) return entry;
      const bytes = await this.client.get(itemKey(key));
      try {
        if (bytes === undefined) throw new Error(`stored request ${key} is missing`);
        return { ...entry, data: this.codec.decode(unframe(bytes).payload) };
      } catch (error) {
        await this.#forget(key);
        this.release(entry);
        this.onCorrupt(key, entry.items, error);
        return undefined;
      }
    });
  }

  #forget(key: number): Promise<void> {
    this.#dispatched.delete(key);
    return this.client.batch([
      { type: "delete", key: itemKey(key) },
      { type: "set", key: DISPATCHED, value: encodeList(this.#dispatched) },
    ]);
  }

  protected remove(entry: QueueEntry<T>): Promise<void> {
    return this.#serialised(() => this.#forget(entry.key!));
  }

  /** Waits for pending store operations, then closes the storage client. */
  async closeStorage(): Promise<void> {
    await this.#serialised(() => Promise.resolve());
    await this.client.close();
  }
}
