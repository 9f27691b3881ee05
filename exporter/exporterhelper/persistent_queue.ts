import type { StorageClient, StorageOperation } from "@denocol/extension";
import type { QueueSizer } from "./config.ts";
import { BaseQueue, type QueueEntry } from "./queue.ts";

/** How a persistent queue turns requests into bytes and back. */
export interface EntryCodec<T> {
  /** Serialises a request. */
  encode(data: T): Uint8Array;
  /** Parses what `encode` produced; throws on corrupt input. */
  decode(bytes: Uint8Array): T;
}

/** Called when a stored entry cannot be read back and is removed. */
export type CorruptEntryHandler = (key: number, items: number, error: unknown) => void;

/**
 * A request waiting in the store: its key and size, and the entry itself when it was offered
 * in this run (a request restored from an earlier run is loaded when a consumer takes it).
 */
interface Stored<T> {
  readonly key: number;
  readonly items: number;
  readonly entry?: QueueEntry<T>;
}

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
 * handed to consumers but not yet completed. A request leaves the store only when completed;
 * on open, the requests still listed in `di` are sent again first (at-least-once).
 * After `drain` consumers take nothing more, and everything unsent (waiting, or retained after
 * its sending was cut off) stays in the store; after `stop` offers are still stored, until
 * `drain`.
 */
export class PersistentQueue<T> extends BaseQueue<T, Stored<T>> {
  /** What is not sent stays in the store for the next start. */
  readonly keepsUnsent = true;
  /**
   * Number of requests restored from an earlier run when the queue was opened, those taken over
   * from leftover stores included.
   */
  restored = 0;
  #readIndex = 0;
  #writeIndex = 0;
  readonly #dispatched = new Set<number>();
  /** Storage keys of the entries held by consumers. */
  readonly #taken = new Map<QueueEntry<T>, number>();
  /** Mutations of the indices are serialised so concurrent consumers never read one index twice. */
  #lock: Promise<unknown> = Promise.resolve();
  readonly #client: StorageClient;
  readonly #codec: EntryCodec<T>;
  readonly #onCorrupt: CorruptEntryHandler;

  private constructor(
    capacity: number,
    sizer: QueueSizer,
    blocking: boolean,
    client: StorageClient,
    codec: EntryCodec<T>,
    onCorrupt: CorruptEntryHandler,
  ) {
    super(capacity, sizer, blocking);
    this.#client = client;
    this.#codec = codec;
    this.#onCorrupt = onCorrupt;
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
      sizer: QueueSizer;
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
    await queue.#adoptLeftovers();
    queue.restored = queue.ready.length;
    return queue;
  }

  async #restore(): Promise<void> {
    const client = this.#client;
    this.#readIndex = decodeIndex(await client.get(READ_INDEX));
    this.#writeIndex = decodeIndex(await client.get(WRITE_INDEX));
    if (this.#writeIndex < this.#readIndex) this.#writeIndex = this.#readIndex;
    const previouslyDispatched = decodeList(await client.get(DISPATCHED));
    const resend: Stored<T>[] = [];
    for (const key of previouslyDispatched) {
      const stored = await this.#peek(key);
      if (stored === undefined) continue;
      this.#dispatched.add(key);
      resend.push(stored);
    }
    if (resend.length !== previouslyDispatched.length) {
      await client.set(DISPATCHED, encodeList(this.#dispatched));
    }
    for (const stored of resend) this.#restored(stored);
    // Requests never taken are loaded at dispatch; only their sizes are read now.
    for (let key = this.#readIndex; key < this.#writeIndex; key++) {
      const stored = await this.#peek(key);
      if (stored !== undefined) this.#restored(stored);
    }
  }

  /**
   * Takes over the requests that leftover stores of this client hold (`StorageClient.leftovers`:
   * stores of collector instances that no longer run), after this store's own: each is written
   * here, then deleted there, so that a crash in between sends it twice rather than never.
   */
  async #adoptLeftovers(): Promise<void> {
    for (const leftover of await this.#client.leftovers?.() ?? []) {
      try {
        const readIndex = decodeIndex(await leftover.get(READ_INDEX));
        const writeIndex = decodeIndex(await leftover.get(WRITE_INDEX));
        const keys = new Set(decodeList(await leftover.get(DISPATCHED)));
        for (let key = readIndex; key < writeIndex; key++) keys.add(key);
        for (const key of keys) {
          const bytes = await leftover.get(itemKey(key));
          if (bytes === undefined) continue;
          let items: number;
          try {
            items = unframe(bytes).items;
          } catch (error) {
            await leftover.delete(itemKey(key));
            this.#onCorrupt(key, 0, error);
            continue;
          }
          const own = this.#writeIndex;
          await this.#client.batch([
            { type: "set", key: itemKey(own), value: bytes },
            { type: "set", key: WRITE_INDEX, value: encodeIndex(own + 1) },
          ]);
          this.#writeIndex = own + 1;
          await leftover.delete(itemKey(key));
          this.#restored({ key: own, items });
        }
        await leftover.batch([READ_INDEX, WRITE_INDEX, DISPATCHED].map((key) => ({
          type: "delete",
          key,
        })));
      } finally {
        await leftover.close();
      }
    }
  }

  #restored(stored: Stored<T>): void {
    this.ready.push(stored);
    this.used += this.sizeOf(stored.items);
  }

  /** The key and size of stored request `key`, read from its frame; the data is not decoded. */
  async #peek(key: number): Promise<Stored<T> | undefined> {
    const bytes = await this.#client.get(itemKey(key));
    if (bytes === undefined) return undefined;
    try {
      return { key, items: unframe(bytes).items };
    } catch (error) {
      await this.#client.delete(itemKey(key));
      this.#onCorrupt(key, 0, error);
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

  protected store(entry: QueueEntry<T>): Promise<Stored<T>> {
    const bytes = frame(entry.items, this.#codec.encode(entry.data));
    return this.#serialised(async () => {
      const key = this.#writeIndex;
      await this.#client.batch([
        { type: "set", key: itemKey(key), value: bytes },
        { type: "set", key: WRITE_INDEX, value: encodeIndex(key + 1) },
      ]);
      this.#writeIndex = key + 1;
      // The entry is kept so the consumer need not decode what it just encoded.
      return { key, items: entry.items, entry };
    });
  }

  protected dispatch(stored: Stored<T>): Promise<QueueEntry<T> | undefined> {
    return this.#serialised(async () => {
      const { key } = stored;
      const operations: StorageOperation[] = [];
      if (!this.#dispatched.has(key)) {
        this.#dispatched.add(key);
        operations.push({ type: "set", key: DISPATCHED, value: encodeList(this.#dispatched) });
      }
      if (key >= this.#readIndex) {
        this.#readIndex = key + 1;
        operations.push({ type: "set", key: READ_INDEX, value: encodeIndex(this.#readIndex) });
      }
      if (operations.length > 0) await this.#client.batch(operations);
      let entry = stored.entry;
      if (entry === undefined) {
        const bytes = await this.#client.get(itemKey(key));
        try {
          if (bytes === undefined) throw new Error(`stored request ${key} is missing`);
          entry = { data: this.#codec.decode(unframe(bytes).payload), items: stored.items };
        } catch (error) {
          await this.#forget(key);
          this.release(stored.items);
          this.#onCorrupt(key, stored.items, error);
          return undefined;
        }
      }
      this.#taken.set(entry, key);
      return entry;
    });
  }

  #forget(key: number): Promise<void> {
    this.#dispatched.delete(key);
    return this.#client.batch([
      { type: "delete", key: itemKey(key) },
      { type: "set", key: DISPATCHED, value: encodeList(this.#dispatched) },
    ]);
  }

  #keyOf(entry: QueueEntry<T>): number {
    const key = this.#taken.get(entry);
    if (key === undefined) throw new Error("the entry was not taken from this queue");
    this.#taken.delete(entry);
    return key;
  }

  protected remove(entry: QueueEntry<T>): Promise<void> {
    const key = this.#keyOf(entry);
    return this.#serialised(() => this.#forget(key));
  }

  protected keep(entry: QueueEntry<T>): Promise<void> {
    // Still listed as dispatched: sent again first on the next start.
    this.#keyOf(entry);
    return Promise.resolve();
  }

  protected giveUp(): QueueEntry<T>[] {
    const offered: QueueEntry<T>[] = [];
    for (const stored of this.ready.toArray()) {
      if (stored.entry !== undefined) offered.push(stored.entry);
    }
    return offered;
  }

  /** Waits for pending store operations, then closes the storage client; everything stays. */
  async close(): Promise<number> {
    await this.#serialised(() => Promise.resolve());
    await this.#client.close();
    return this.used;
  }
}
