/**
 * The output dictionary of a byte-level merge: per table, entries stored as their encoded bytes
 * and de-duplicated by those bytes. `DictionaryBuilder` (`dictionary.ts`) does the same for
 * decoded entries; the tables here follow its rules exactly (entry 0 is the first input's entry
 * 0, an input's entry 0 goes to index 0 when equal to it), so both build the same dictionary.
 * Entries are written in canonical form before they are stored, so equal bytes mean equal
 * entries.
 *
 * @module
 */

import { varintSize } from "@denocol/pdata/wire";
import { type ByteWriter, MAPPING, STACK } from "./wire_bytes.ts";

/** FNV-1a over `buf[start, end)`. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i], 0x01000193);
  return hash;
}

/** One de-duplicated table of encoded entries. */
export class ByteTable {
  /** The bytes of every entry, one after the other. */
  #arena = new Uint8Array(4096);
  #used = 0;
  #starts = new Int32Array(64);
  #ends = new Int32Array(64);
  #hashes = new Int32Array(64);
  /** Entry index + 1 by hash slot; 0 is a free slot. */
  #slots = new Int32Array(256);
  #indexed = 0;
  #zeroClaimed = false;
  /** Entries so far; entry 0 is an empty placeholder until an input's entry 0 claims it. */
  count = 1;

  /** Whether an input's entry 0 is at index 0 yet. */
  get zeroClaimed(): boolean {
    return this.#zeroClaimed;
  }

  /** Index of the entry equal to `src[start, end)`, adding it when there is none. */
  intern(src: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(src, start, end);
    const found = this.#find(src, start, end, hash);
    if (found >= 0) return found;
    const index = this.count++;
    this.#store(index, src, start, end, hash);
    this.#index(index);
    return index;
  }

  /**
   * Index of an input's entry 0: index 0 when it is the first one or equal to it, otherwise
   * wherever an equal entry is (an entry 0 that differs keeps its own content elsewhere).
   */
  internZero(src: Uint8Array, start: number, end: number): number {
    if (!this.#zeroClaimed) {
      this.#zeroClaimed = true;
      const hash = hashBytes(src, start, end);
      const existing = this.#find(src, start, end, hash);
      this.#store(0, src, start, end, hash);
      if (existing < 0) this.#index(0);
      return 0;
    }
    return this.#equals(0, src, start, end) ? 0 : this.intern(src, start, end);
  }

  /** The encoded size of the entries as field `field` of the dictionary. */
  encodedSize(field: number): number {
    const tagSize = varintSize(field << 3);
    let size = 0;
    for (let i = 0; i < this.count; i++) {
      const length = this.#ends[i] - this.#starts[i];
      size += tagSize + varintSize(length) + length;
    }
    return size;
  }

  /** Writes the entries as field `field` of the dictionary. */
  write(w: ByteWriter, field: number): void {
    const tag = (field << 3) | 2;
    for (let i = 0; i < this.count; i++) {
      const start = this.#starts[i];
      const end = this.#ends[i];
      w.varint(tag);
      w.varint(end - start);
      w.raw(this.#arena, start, end);
    }
  }

  #equals(index: number, src: Uint8Array, start: number, end: number): boolean {
    const at = this.#starts[index];
    const length = end - start;
    if (this.#ends[index] - at !== length) return false;
    const arena = this.#arena;
    for (let i = 0; i < length; i++) if (arena[at + i] !== src[start + i]) return false;
    return true;
  }

  #find(src: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let slot = hash & mask;; slot = (slot + 1) & mask) {
      const entry = slots[slot];
      if (entry === 0) return -1;
      const index = entry - 1;
      if (this.#hashes[index] === hash && this.#equals(index, src, start, end)) return index;
    }
  }

  /** Stores the bytes of entry `index` (a new one, or entry 0). */
  #store(index: number, src: Uint8Array, start: number, end: number, hash: number): void {
    if (index >= this.#starts.length) {
      const capacity = this.#starts.length * 2;
      this.#starts = grown(this.#starts, capacity);
      this.#ends = grown(this.#ends, capacity);
      this.#hashes = grown(this.#hashes, capacity);
    }
    const length = end - start;
    if (this.#used + length > this.#arena.length) {
      const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#used + length));
      arena.set(this.#arena.subarray(0, this.#used));
      this.#arena = arena;
    }
    this.#arena.set(src.subarray(start, end), this.#used);
    this.#starts[index] = this.#used;
    this.#ends[index] = this.#used + length;
    this.#hashes[index] = hash;
    this.#used += length;
  }

  /** Makes entry `index` findable by its bytes. */
  #index(index: number): void {
    if (++this.#indexed * 2 > this.#slots.length) this.#rehash();
    const slots = this.#slots;
    const mask = slots.length - 1;
    let slot = this.#hashes[index] & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = index + 1;
  }

  #rehash(): void {
    const old = this.#slots;
    const slots = new Int32Array(old.length * 2);
    const mask = slots.length - 1;
    for (const entry of old) {
      if (entry === 0) continue;
      let slot = this.#hashes[entry - 1] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.#slots = slots;
  }
}

function grown(values: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(capacity);
  bigger.set(values);
  return bigger;
}

/** The seven tables of one output dictionary, by table number. */
export class DictionaryBytes {
  /** The tables, by table number (index 0 unused). */
  readonly tables: ByteTable[] = Array.from({ length: 8 }, () => new ByteTable());

  /** The encoded size of the `ProfilesDictionary` message. */
  encodedSize(): number {
    let size = 0;
    for (let table = MAPPING; table <= STACK; table++) {
      size += this.tables[table].encodedSize(table);
    }
    return size;
  }

  /** Writes the `ProfilesDictionary` message (without tag or length). */
  write(w: ByteWriter): void {
    for (let table = MAPPING; table <= STACK; table++) this.tables[table].write(w, table);
  }
}
