/**
 * Translating the dictionary indices of one encoded input into a {@link DictionaryBytes}, as
 * `DictionaryRemapper` (`remapper.ts`) does for decoded inputs: each referenced entry, and what
 * it references, is translated the first time it is met, then written in canonical form
 * (`encoded_entries.ts`) and stored once per distinct encoding.
 *
 * @module
 */

import type { ByteTable, DictionaryBytes } from "./byte_table.ts";
import { type Translator, writeEntry } from "./encoded_entries.ts";
import { type ReferenceVisitor, walkEntry } from "./references.ts";
import {
  ATTRIBUTE,
  type ByteWriter,
  FUNCTION,
  LEFT_TO_DECODER,
  LINK,
  LOCATION,
  MAPPING,
  type ProfilesLayout,
  STACK,
  STRING,
  type WireCursor,
} from "./wire_bytes.ts";

const EMPTY = new Uint8Array(0);

/** The order in which a remapper translates entry 0 of every table (as `DictionaryRemapper`). */
const ZERO_ORDER = [STRING, ATTRIBUTE, FUNCTION, MAPPING, LOCATION, STACK, LINK];

/**
 * Translates the indices of one input. Entry 0 of every table is translated at once; an input
 * whose entry 0 would not land at index 0 (it differs from the first input's) is left to the
 * decoding path, because a field it leaves out as zero would then have to be written.
 */
export class PartRemapper implements ReferenceVisitor, Translator {
  readonly #layout: ProfilesLayout;
  readonly #c: WireCursor;
  readonly #target: DictionaryBytes;
  readonly #scratch: ByteWriter;
  /** Target index of each source index, by table; -1 until translated. */
  readonly #memo: Int32Array[] = [];

  /**
   * @param layout where the input's tables are
   * @param c a cursor over the input, shared with the caller (its position is restored)
   * @param target the output dictionary
   * @param scratch where entries are written before they are stored
   */
  constructor(layout: ProfilesLayout, c: WireCursor, target: DictionaryBytes, scratch: ByteWriter) {
    this.#layout = layout;
    this.#c = c;
    this.#target = target;
    this.#scratch = scratch;
    for (let table = 0; table < 8; table++) {
      this.#memo.push(new Int32Array(Math.max(layout.tables[table].length, 1)).fill(-1));
    }
    // An input without resource groups references nothing: unless it is the first (whose entries
    // 0 become the output's, as in `DictionaryRemapper`), its entries 0 are not looked at.
    const first = !target.tables[STRING].zeroClaimed;
    if (first || layout.resources.length > 0) {
      for (const table of ZERO_ORDER) {
        if (this.translate(table, 0) !== 0) throw LEFT_TO_DECODER;
      }
    }
  }

  /** Translates a reference a walker reports. */
  ref(table: number, index: number): void {
    this.translate(table, index);
  }

  /** The target index of source entry `index` of `table`, translating it on first use. */
  translate(table: number, index: number): number {
    const memo = this.#memo[table];
    if (index < 0 || index >= memo.length) throw LEFT_TO_DECODER;
    const known = memo[index];
    if (known >= 0) return known;
    const target = this.#target.tables[table];
    const entries = this.#layout.tables[table];
    let result: number;
    if (index >= entries.length) {
      // Index 0 of an empty table: the zero value, which encodes to nothing.
      result = store(target, EMPTY, 0, 0, index === 0);
    } else if (table === STRING) {
      result = store(target, this.#c.buf, entries.starts[index], entries.ends[index], index === 0);
    } else {
      const c = this.#c;
      const saved = c.pos;
      const start = entries.starts[index];
      const end = entries.ends[index];
      // Entries that reference other entries than strings translate those first: writing them
      // below needs the scratch buffer. Strings are translated as they are written.
      if (table === MAPPING || table === LOCATION || table === STACK) {
        c.pos = start;
        walkEntry(c, end, table, this);
      }
      c.pos = start;
      const w = this.#scratch;
      w.pos = 0;
      writeEntry(c, end, table, this, w);
      result = store(target, w.buf, 0, w.pos, index === 0);
      c.pos = saved;
    }
    memo[index] = result;
    return result;
  }

  /** The target index of an entry already translated (writers only look up). */
  lookup(table: number, index: number): number {
    const result = this.#memo[table][index];
    if (!(result >= 0)) {
      throw new Error(`profiles: table ${table} entry ${index} was written before translated`);
    }
    return result;
  }
}

function store(
  target: ByteTable,
  buf: Uint8Array,
  start: number,
  end: number,
  zero: boolean,
): number {
  return zero ? target.internZero(buf, start, end) : target.intern(buf, start, end);
}
