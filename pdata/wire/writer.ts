/**
 * The writing half of the schema-specific protobuf codec. Encoding takes two passes over the
 * message: the generated `size*` functions compute every nested message's length and every
 * string's UTF-8 length into a {@link SizeStack}, then the `write*` functions write into one
 * buffer of exactly the total size, taking those lengths back in the same order.
 *
 * @module
 */

import type { UnknownField } from "./reader.ts";

const utf8 = new TextEncoder();

/** Strings up to this many characters are written by a loop rather than `encodeInto`. */
const SHORT_STRING = 32;

/**
 * The lengths the size pass computed (nested messages, strings, packed varint lists), in the
 * order the write pass needs them. One stack is reused by every encode of a codec: encoding is
 * synchronous, so calls never interleave.
 */
export class SizeStack {
  /** The lengths; grown as needed. */
  values: Int32Array = new Int32Array(1024);
  /** How many lengths are stored. */
  count = 0;

  /** Clears the stack for a new message. */
  reset(): void {
    this.count = 0;
  }

  /** Reserves a slot to be filled once a nested message's length is known; returns its index. */
  reserve(): number {
    if (this.count === this.values.length) this.grow();
    return this.count++;
  }

  /** Stores a length. */
  push(value: number): void {
    if (this.count === this.values.length) this.grow();
    this.values[this.count++] = value;
  }

  /** Stores the UTF-8 length of a string and returns it. */
  string(text: string): number {
    const length = utf8Length(text);
    this.push(length);
    return length;
  }

  /** Doubles the capacity. */
  private grow(): void {
    const bigger = new Int32Array(this.values.length * 2);
    bigger.set(this.values);
    this.values = bigger;
  }
}

/** The UTF-8 length of a string (unpaired surrogates count as U+FFFD, 3 bytes, as encoded). */
export function utf8Length(text: string): number {
  const n = text.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair: 4 bytes for 2 UTF-16 units.
        bytes += 2;
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

/** The encoded size of an unsigned 32-bit varint. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/** The encoded size of an `int32` (negative values take 10 bytes, sign-extended to 64 bits). */
export function int32Size(value: number): number {
  return value < 0 ? 10 : varintSize(value);
}

/** The encoded size of a zigzag `sint32`. */
export function sint32Size(value: number): number {
  return varintSize(((value << 1) ^ (value >> 31)) >>> 0);
}

/** The 64-bit two's complement of an integer given as bigint, number or decimal string. */
function toUint64(value: bigint | number | string): bigint {
  return BigInt.asUintN(64, typeof value === "bigint" ? value : BigInt(value));
}

/** The encoded size of a 64-bit varint (`int64`, `uint64`). */
export function varint64Size(value: bigint | number | string): number {
  if (typeof value === "bigint") {
    if (value >= 0n && value < 0x80000000n) return varintSize(Number(value));
  } else if (typeof value === "number" && value >= 0 && value < 0x80000000 && value % 1 === 0) {
    return varintSize(value);
  }
  let v = toUint64(value);
  if (v < 0x10000000n) return varintSize(Number(v));
  let size = 4;
  v >>= 28n;
  while (v > 0n) {
    size++;
    v >>= 7n;
  }
  return size;
}

/** The encoded size of a zigzag `sint64`. */
export function sint64Size(value: bigint | number | string): number {
  return varint64Size(zigzag64(value));
}

function zigzag64(value: bigint | number | string): bigint {
  const v = BigInt.asIntN(64, typeof value === "bigint" ? value : BigInt(value));
  return BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
}

/** The encoded size of the unknown fields kept on a message. */
export function unknownSize(fields: readonly UnknownField[]): number {
  let size = 0;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    size += varintSize(((field.no << 3) | field.wireType) >>> 0) + field.data.length;
  }
  return size;
}

/** A cursor writing into one buffer of the size the size pass computed. */
export class WireWriter {
  /** The output. */
  readonly buf: Uint8Array;
  /** The next byte to write. */
  pos = 0;
  private readonly view: DataView;
  private readonly sizes: Int32Array;
  private next = 0;

  /**
   * Creates a writer.
   *
   * @param size the exact number of bytes that will be written
   * @param sizes the lengths the size pass stored
   */
  constructor(size: number, sizes: SizeStack) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
    this.sizes = sizes.values;
  }

  /** The next length the size pass stored. */
  size(): number {
    return this.sizes[this.next++];
  }

  /** An unsigned 32-bit varint (also tags and lengths). */
  uint32(value: number): void {
    const buf = this.buf;
    let pos = this.pos;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  /** An `int32` or enum: negative values are sign-extended to 10 bytes. */
  int32(value: number): void {
    if (value >= 0) {
      this.uint32(value);
      return;
    }
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 9; i++) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>= 7;
    }
    buf[pos++] = 1;
    this.pos = pos;
  }

  /** A zigzag `sint32`. */
  sint32(value: number): void {
    this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** A 64-bit varint (`int64`, `uint64`). */
  varint64(value: bigint | number | string): void {
    if (typeof value === "bigint") {
      if (value >= 0n && value < 0x80000000n) {
        this.uint32(Number(value));
        return;
      }
    } else if (typeof value === "number" && value >= 0 && value < 0x80000000 && value % 1 === 0) {
      this.uint32(value);
      return;
    }
    let v = toUint64(value);
    if (v < 0x80000000n) {
      this.uint32(Number(v));
      return;
    }
    const buf = this.buf;
    let pos = this.pos;
    while (v > 0x7fn) {
      buf[pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    buf[pos++] = Number(v);
    this.pos = pos;
  }

  /** A zigzag `sint64`. */
  sint64(value: bigint | number | string): void {
    this.varint64(zigzag64(value));
  }

  /** A `bool`. */
  bool(value: boolean): void {
    this.buf[this.pos++] = value ? 1 : 0;
  }

  /** A `fixed32`. */
  fixed32(value: number): void {
    this.view.setUint32(this.pos, value, true);
    this.pos += 4;
  }

  /** A `sfixed32`. */
  sfixed32(value: number): void {
    this.view.setInt32(this.pos, value, true);
    this.pos += 4;
  }

  /** A `fixed64` or `sfixed64` (both are the same 8 bytes). */
  fixed64(value: bigint | number | string): void {
    // setBigUint64 wraps negative values (sfixed64) to their two's complement itself.
    this.view.setBigUint64(this.pos, typeof value === "bigint" ? value : toUint64(value), true);
    this.pos += 8;
  }

  /** A `double`. */
  double(value: number): void {
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** A `float`. */
  float(value: number): void {
    this.view.setFloat32(this.pos, value, true);
    this.pos += 4;
  }

  /** A `bytes` value with its length prefix. */
  bytes(value: Uint8Array): void {
    const length = value.length;
    this.uint32(length);
    if (length <= 32) {
      // Ids are 8 or 16 bytes: a loop beats TypedArray.prototype.set's call overhead.
      const buf = this.buf;
      let pos = this.pos;
      for (let i = 0; i < length; i++) buf[pos++] = value[i];
      this.pos = pos;
      return;
    }
    this.buf.set(value, this.pos);
    this.pos += length;
  }

  /** One byte (a one-byte tag). */
  byte(value: number): void {
    this.buf[this.pos++] = value;
  }

  /** Bytes as they are (an unknown field's value). */
  raw(value: Uint8Array): void {
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** A string with its length prefix; the length comes from the size pass. */
  string(text: string): void {
    const length = this.size();
    this.uint32(length);
    const buf = this.buf;
    let pos = this.pos;
    if (length === text.length && length <= SHORT_STRING) {
      // ASCII (one byte per UTF-16 unit): a plain loop beats the encoder's call overhead.
      for (let i = 0; i < length; i++) buf[pos++] = text.charCodeAt(i);
      this.pos = pos;
      return;
    }
    utf8.encodeInto(text, buf.subarray(pos, pos + length));
    this.pos = pos + length;
  }

  /** The unknown fields kept on a message, each with its tag. */
  unknown(fields: readonly UnknownField[]): void {
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      this.uint32(((field.no << 3) | field.wireType) >>> 0);
      this.raw(field.data);
    }
  }
}
