/**
 * Reading and writing encoded profiles without decoding them: a cursor over bytes the generated
 * scan already accepted, a growable writer whose length prefixes are fixed up once the body is
 * written, and the dictionary tables numbered as their `ProfilesDictionary` fields.
 *
 * @module
 */

import { varintSize } from "@denocol/pdata/wire";

/** `mapping_table`: the number of each table is its field number in `ProfilesDictionary`. */
export const MAPPING = 1;
/** `location_table`. */
export const LOCATION = 2;
/** `function_table`. */
export const FUNCTION = 3;
/** `link_table`. */
export const LINK = 4;
/** `string_table`. */
export const STRING = 5;
/** `attribute_table`. */
export const ATTRIBUTE = 6;
/** `stack_table`. */
export const STACK = 7;

/**
 * Thrown where the byte-level code meets something it leaves to the decoding path: an index
 * outside its table, input it cannot read, or a shape whose meaning depends on how a decoder
 * merges repeated occurrences. Never escapes this package's byte-level entry points.
 */
export class LeftToDecoder extends Error {
  constructor() {
    super("profiles: left to the decoding path");
  }
}

/** One instance: thrown often on purpose, so no stack is captured each time. */
export const LEFT_TO_DECODER: LeftToDecoder = new LeftToDecoder();

/**
 * A cursor over protobuf bytes. The bytes were checked by the generated scan, so it only guards
 * against reading past the end (throwing {@link LEFT_TO_DECODER}).
 */
export class WireCursor {
  /** The input. */
  readonly buf: Uint8Array;
  /** The next byte to read. */
  pos = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  /** The low 32 bits of a varint of up to 10 bytes, as an unsigned number. */
  varint32(): number {
    // Most indices, tags and lengths take one or two bytes (past the end, a byte is undefined,
    // which is not < 0x80).
    const buf = this.buf;
    const pos = this.pos;
    const b = buf[pos];
    if (b < 0x80) {
      this.pos = pos + 1;
      return b;
    }
    const b2 = buf[pos + 1];
    if (b2 < 0x80) {
      this.pos = pos + 2;
      return (b & 0x7f) | (b2 << 7);
    }
    return this.#longVarint32();
  }

  /** {@link WireCursor.varint32} of two bytes or more, and the errors. */
  #longVarint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    let b = 0x80;
    for (let shift = 0; shift < 35 && b >= 0x80; shift += 7) {
      b = buf[pos++];
      result |= (b & 0x7f) << shift;
    }
    // Bytes 6 to 10 carry only bits above 32, which int32 and uint32 drop.
    for (let i = 5; i < 10 && b >= 0x80; i++) b = buf[pos++];
    if (pos > buf.length || b >= 0x80) throw LEFT_TO_DECODER;
    this.pos = pos;
    return result >>> 0;
  }

  /** An `int32` varint, as the decoder reads it (the low 32 bits, signed). */
  int32(): number {
    return this.varint32() | 0;
  }

  /** A tag. */
  tag(): number {
    return this.varint32();
  }

  /** Reads a length prefix and returns where the value it announces ends. */
  lengthEnd(): number {
    const length = this.varint32();
    const end = this.pos + length;
    if (length > 0x7fffffff || end > this.buf.length) throw LEFT_TO_DECODER;
    return end;
  }

  /** Skips the value of a field whose tag was just read (groups up to their end tag). */
  skip(tag: number): void {
    switch (tag & 7) {
      case 0:
        this.varint32();
        break;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.lengthEnd();
        break;
      case 5:
        this.pos += 4;
        break;
      case 3:
        for (;;) {
          const inner = this.tag();
          if ((inner & 7) === 4) {
            if (inner >>> 3 !== tag >>> 3) throw LEFT_TO_DECODER;
            break;
          }
          this.skip(inner);
        }
        break;
      default:
        throw LEFT_TO_DECODER;
    }
    if (this.pos > this.buf.length) throw LEFT_TO_DECODER;
  }
}

/** Whether the varint in `buf[start, end)` is zero (however many bytes it was written in). */
export function varintIsZero(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((buf[i] & 0x7f) !== 0) return false;
  return true;
}

/** A growable output buffer. */
export class ByteWriter {
  /** The output so far is `buf[0, pos)`. */
  buf: Uint8Array;
  /** The next byte to write. */
  pos = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(capacity, 64));
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  /** One byte (a one-byte tag). */
  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** An unsigned 32-bit varint (non-negative indices, tags, lengths). */
  varint(value: number): void {
    this.ensure(5);
    if (value < 0x80) {
      this.buf[this.pos++] = value;
      return;
    }
    const buf = this.buf;
    let pos = this.pos;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  /** `src[start, end)` as it is. */
  raw(src: Uint8Array, start: number, end: number): void {
    const length = end - start;
    this.ensure(length);
    if (length > 32) {
      this.buf.set(src.subarray(start, end), this.pos);
      this.pos += length;
      return;
    }
    // Short copies (most fields) are faster byte by byte than through a subarray.
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start; i < end; i++) buf[pos++] = src[i];
    this.pos = pos;
  }

  /**
   * Reserves the length prefix of a nested value about `expected` bytes long, and returns where
   * it is; {@link ByteWriter.end} writes the real length there once the body is written.
   */
  begin(expected: number): number {
    const mark = this.pos;
    const reserved = varintSize(expected);
    this.ensure(reserved);
    this.pos += reserved;
    return mark;
  }

  /** Writes the length of the body written since {@link ByteWriter.begin} returned `mark`. */
  end(mark: number, expected: number): void {
    const reserved = varintSize(expected);
    const bodyStart = mark + reserved;
    const length = this.pos - bodyStart;
    const needed = varintSize(length);
    if (needed !== reserved) {
      // The body moves so that the prefix takes exactly the bytes its value needs.
      this.ensure(needed - reserved);
      this.buf.copyWithin(mark + needed, bodyStart, this.pos);
      this.pos += needed - reserved;
    }
    const buf = this.buf;
    let pos = mark;
    let value = length;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos] = value;
  }

  /** The bytes written, as a copy of exactly that length. */
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Start and end offsets of the entries of one table (or of any repeated field) in a buffer. */
export class Ranges {
  /** Where each entry starts. */
  starts: Int32Array = new Int32Array(16);
  /** Where each entry ends. */
  ends: Int32Array = new Int32Array(16);
  /** How many entries there are. */
  length = 0;

  /** Adds `[start, end)`. */
  push(start: number, end: number): void {
    if (this.length === this.starts.length) this.#grow();
    this.starts[this.length] = start;
    this.ends[this.length++] = end;
  }

  #grow(): void {
    const starts = new Int32Array(this.length * 2);
    starts.set(this.starts);
    this.starts = starts;
    const ends = new Int32Array(this.length * 2);
    ends.set(this.ends);
    this.ends = ends;
  }
}

const NO_BYTES = new Uint8Array(0);

/**
 * Where the parts of an encoded `ProfilesData` are: its resource groups, and the entries of each
 * dictionary table (the tables of every `dictionary` field, concatenated, as a decoder merges
 * them). Strings are the ranges of their UTF-8 bytes, other entries of their message bytes. One
 * layout is read again for each input, so that its offset arrays are allocated once.
 */
export class ProfilesLayout {
  /** The encoded `ProfilesData` last read. */
  buf: Uint8Array = NO_BYTES;
  /** The `resource_profiles` messages. */
  readonly resources: Ranges = new Ranges();
  /** The entries of each table, by table number (index 0 unused). */
  readonly tables: Ranges[] = Array.from({ length: 8 }, () => new Ranges());

  /** Reads where the parts of `buf` are, replacing what was read before. */
  read(buf: Uint8Array): this {
    this.buf = buf;
    this.resources.length = 0;
    for (const table of this.tables) table.length = 0;
    const c = new WireCursor(buf);
    while (c.pos < buf.length) {
      const tag = c.tag();
      if (tag === 10) {
        const end = c.lengthEnd();
        this.resources.push(c.pos, end);
        c.pos = end;
      } else if (tag === 18) {
        const end = c.lengthEnd();
        while (c.pos < end) {
          const inner = c.tag();
          const table = inner >>> 3;
          if ((inner & 7) === 2 && table >= MAPPING && table <= STACK) {
            const entryEnd = c.lengthEnd();
            this.tables[table].push(c.pos, entryEnd);
            c.pos = entryEnd;
          } else {
            c.skip(inner);
          }
        }
        if (c.pos !== end) throw LEFT_TO_DECODER;
      } else {
        c.skip(tag);
      }
    }
    if (c.pos !== buf.length) throw LEFT_TO_DECODER;
    return this;
  }

  /** Lets go of the input last read. */
  clear(): void {
    this.buf = NO_BYTES;
  }
}
