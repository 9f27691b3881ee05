/**
 * The reading half of the schema-specific protobuf codec: a cursor over one input buffer with
 * the primitive reads the generated message decoders call. Every failure throws a
 * {@link WireError}, which the decoders annotate with the field path on the way out.
 *
 * @module
 */

import { exactVarint, WIRE_TYPE_NAMES, WireError } from "./wire_error.ts";

export { annotate, idLengthError, WireError, type WireErrorKind } from "./wire_error.ts";
export { EMPTY_BYTES, keepUnknown, type UnknownField } from "./unknown.ts";
import { skipField } from "./unknown.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * What a decoded string costs beyond its characters, and a `Uint8Array` view, in bytes of V8
 * heap (object headers; measured with `Deno.memoryUsage()` over a million values).
 */
const STRING_COST = 20;
const BYTES_COST = 96;

/** Strings up to this many bytes are tried as ASCII before the TextDecoder is called. */
const SHORT_STRING = 24;

/**
 * A cursor over protobuf bytes. The generated decoders read tags and values through it; it does
 * the bounds checks, so a decoder never reads past the input or loops on it.
 */
export class WireReader {
  /** The input. */
  readonly buf: Uint8Array;
  /** The input's length. */
  readonly len: number;
  /** The next byte to read. */
  pos = 0;
  /** Nesting depth limit: a message at a deeper level is an error. */
  readonly maxDepth: number;
  /** Whether `bytes` fields are copied out of the input instead of viewing it. */
  readonly copyBytes: boolean;
  /**
   * Estimated bytes of memory the decoded objects may still take: every message, string and
   * bytes value is charged as it is created, and going below zero stops the decode. Unlimited
   * in practice unless a caller admits requests against a memory budget.
   */
  budget: number = Number.MAX_SAFE_INTEGER;
  private readonly view: DataView;

  /**
   * Creates a reader.
   *
   * @param buf the input
   * @param maxDepth the deepest message nesting accepted (the top-level message is level 1)
   * @param copyBytes copy `bytes` values instead of returning views of `buf`
   */
  constructor(buf: Uint8Array, maxDepth: number, copyBytes: boolean) {
    this.buf = buf;
    this.len = buf.length;
    this.maxDepth = maxDepth;
    this.copyBytes = copyBytes;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Throws the truncation error; out of line so that the callers stay small. */
  eof(): never {
    throw new WireError(`input ends inside a field (at byte ${this.pos} of ${this.len})`);
  }

  /** A 32-bit varint (the low 32 bits of a longer one), as an unsigned number. */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= this.len) this.eof();
    let b = buf[pos++];
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let result = b & 0x7f;
    let shift = 7;
    for (; shift < 35; shift += 7) {
      if (pos >= this.len) {
        this.pos = pos;
        this.eof();
      }
      b = buf[pos++];
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    // Bytes 6 to 10 of a 64-bit varint only carry high bits, which a 32-bit value drops.
    for (let i = 5; i < 10; i++) {
      if (pos >= this.len) {
        this.pos = pos;
        this.eof();
      }
      if (buf[pos++] < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    this.pos = pos;
    throw new WireError("varint longer than 10 bytes");
  }

  /** A signed 32-bit varint (`int32`, enums). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A zigzag-encoded 32-bit varint (`sint32`). */
  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  /** A `bool`: any non-zero varint is true. */
  bool(): boolean {
    const pos = this.pos;
    if (pos < this.len && this.buf[pos] < 0x80) {
      this.pos = pos + 1;
      return this.buf[pos] !== 0;
    }
    this.varint64();
    return this.lo !== 0 || this.hi !== 0;
  }

  /** A 64-bit varint as its low and high 32-bit halves, into `lo` and `hi`. */
  private varint64(): void {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= this.len) {
        this.pos = pos;
        this.eof();
      }
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo;
        this.hi = 0;
        return;
      }
    }
    if (pos >= this.len) {
      this.pos = pos;
      this.eof();
    }
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x70) >> 4;
    if (b >= 0x80) {
      for (let shift = 3;; shift += 7) {
        if (shift > 31) {
          this.pos = pos;
          throw new WireError("varint longer than 10 bytes");
        }
        if (pos >= this.len) {
          this.pos = pos;
          this.eof();
        }
        b = buf[pos++];
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.pos = pos;
    this.lo = lo;
    this.hi = hi;
  }
  private lo = 0;
  private hi = 0;

  /** A `uint64` varint. */
  uint64(): bigint {
    this.varint64();
    if (this.hi === 0) return BigInt(this.lo >>> 0);
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
  }

  /** An `int64` varint (two's complement). */
  int64(): bigint {
    this.varint64();
    if (this.hi === 0) return BigInt(this.lo >>> 0);
    return BigInt.asIntN(64, (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0));
  }

  /** A zigzag-encoded `sint64` varint. */
  sint64(): bigint {
    this.varint64();
    const lo = this.lo;
    const hi = this.hi;
    const sign = -(lo & 1);
    const zlo = ((lo >>> 1) | ((hi & 1) << 31)) ^ sign;
    const zhi = (hi >>> 1) ^ sign;
    return BigInt.asIntN(64, (BigInt(zhi >>> 0) << 32n) | BigInt(zlo >>> 0));
  }

  /** A `fixed32`. */
  fixed32(): number {
    const pos = this.pos;
    if (pos + 4 > this.len) this.eof();
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  /** A `sfixed32`. */
  sfixed32(): number {
    const pos = this.pos;
    if (pos + 4 > this.len) this.eof();
    this.pos = pos + 4;
    return this.view.getInt32(pos, true);
  }

  /** A `fixed64`. */
  fixed64(): bigint {
    const pos = this.pos;
    if (pos + 8 > this.len) this.eof();
    this.pos = pos + 8;
    return this.view.getBigUint64(pos, true);
  }

  /** A `sfixed64`. */
  sfixed64(): bigint {
    const pos = this.pos;
    if (pos + 8 > this.len) this.eof();
    this.pos = pos + 8;
    return this.view.getBigInt64(pos, true);
  }

  /** A `double`. */
  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.len) this.eof();
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** A `float`. */
  float(): number {
    const pos = this.pos;
    if (pos + 4 > this.len) this.eof();
    this.pos = pos + 4;
    return this.view.getFloat32(pos, true);
  }

  /**
   * Reads a length prefix and returns where the value it announces ends. The length is the whole
   * varint, not its low 32 bits: a length of 2^32 or more can never fit in the input, and taking
   * it modulo 2^32 (as `uint32` would) could turn it into a length that does.
   */
  lengthEnd(): number {
    // Lengths of one and two bytes are nearly all of them; the rest, and every error, go the long
    // way.
    const buf = this.buf;
    let pos = this.pos;
    if (pos + 1 < this.len) {
      let length = buf[pos++];
      if (length >= 0x80) {
        const b = buf[pos++];
        if (b >= 0x80) return this.longLengthEnd();
        length = (length & 0x7f) | (b << 7);
      }
      const end = pos + length;
      if (end <= this.len) {
        this.pos = pos;
        return end;
      }
    }
    return this.longLengthEnd();
  }

  /** {@link lengthEnd} for any varint, with the errors. */
  private longLengthEnd(): number {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    let length = 0;
    // Exact up to 2^53; anything at or beyond 2^35 exceeds every input, exact or not.
    for (let scale = 1;; scale *= 128) {
      if (pos - start === 10) {
        this.pos = pos;
        throw new WireError("varint longer than 10 bytes");
      }
      if (pos >= this.len) {
        this.pos = pos;
        this.eof();
      }
      const b = buf[pos++];
      length += (b & 0x7f) * scale;
      if (b < 0x80) break;
    }
    this.pos = pos;
    if (length > this.len - pos) {
      throw new WireError(
        `length ${
          exactVarint(buf, start, pos)
        } at byte ${pos} runs past the end of the input (${this.len} bytes)`,
      );
    }
    return pos + length;
  }

  /** A `bytes` value: a view of the input, or a copy when the reader copies. */
  bytes(): Uint8Array {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    if (start === end) return new Uint8Array(0);
    if ((this.budget -= BYTES_COST + (this.copyBytes ? end - start : 0)) < 0) this.limit(0);
    return this.copyBytes ? this.buf.slice(start, end) : this.buf.subarray(start, end);
  }

  /** A `string` value; invalid UTF-8 is an error. */
  string(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    const length = end - start;
    if (length === 0) return "";
    if ((this.budget -= STRING_COST + length) < 0) this.limit(0);
    const buf = this.buf;
    if (length <= SHORT_STRING) {
      // Short ASCII strings (keys, names, most values) skip the decoder's call overhead.
      let text = "";
      let i = start;
      for (; i < end; i++) {
        const c = buf[i];
        if (c >= 0x80) break;
        text += String.fromCharCode(c);
      }
      if (i === end) return text;
    }
    try {
      return utf8.decode(buf.subarray(start, end));
    } catch {
      this.pos = start;
      throw new WireError(`invalid UTF-8 in a string of ${length} bytes at byte ${start}`);
    }
  }

  /** Skips a varint of at most 10 bytes, as every varint read accepts. */
  skipVarint(): void {
    const buf = this.buf;
    let pos = this.pos;
    const limit = pos + 10 < this.len ? pos + 10 : this.len;
    while (pos < limit) {
      if (buf[pos++] < 0x80) {
        this.pos = pos;
        return;
      }
    }
    this.pos = pos;
    if (pos >= this.len) this.eof();
    throw new WireError("varint longer than 10 bytes");
  }

  /** Skips an 8-byte value (`fixed64`, `sfixed64`, `double`). */
  skipFixed64(): void {
    const pos = this.pos + 8;
    if (pos > this.len) this.eof();
    this.pos = pos;
  }

  /** Skips a 4-byte value (`fixed32`, `sfixed32`, `float`). */
  skipFixed32(): void {
    const pos = this.pos + 4;
    if (pos > this.len) this.eof();
    this.pos = pos;
  }

  /** Skips a `bytes` value, charged as {@link WireReader.bytes} is; returns its length. */
  skipBytes(): number {
    const end = this.lengthEnd();
    const length = end - this.pos;
    this.pos = end;
    if (length > 0 && (this.budget -= BYTES_COST + (this.copyBytes ? length : 0)) < 0) {
      this.limit(0);
    }
    return length;
  }

  /**
   * Skips a `string` value, checking that it is UTF-8 as {@link WireReader.string} does, without
   * making a string of it (ASCII is checked here; anything else by the same strict decoder).
   */
  skipString(): void {
    const end = this.lengthEnd();
    const start = this.pos;
    if (end > start && (this.budget -= STRING_COST + end - start) < 0) this.limit(0);
    const buf = this.buf;
    const view = this.view;
    let i = start;
    // Four bytes at a time while they are all ASCII, then byte by byte.
    while (i + 4 <= end && (view.getUint32(i, true) & 0x80808080) === 0) i += 4;
    while (i < end && buf[i] < 0x80) i++;
    if (i < end) {
      try {
        utf8.decode(buf.subarray(i, end));
      } catch {
        throw new WireError(`invalid UTF-8 in a string of ${end - start} bytes at byte ${start}`);
      }
    }
    this.pos = end;
  }

  /**
   * Reads a tag and checks it: field numbers start at 1, wire types 6 and 7 do not exist, and a
   * tag is at most a 32-bit varint.
   */
  tag(): number {
    const start = this.pos;
    const tag = this.uint32();
    const read = this.pos - start;
    if (read > 5 || (read === 5 && this.buf[this.pos - 1] > 0x0f)) {
      throw new WireError(`tag at byte ${start} does not fit in 32 bits`);
    }
    if (tag >>> 3 === 0 || (tag & 7) > 5) {
      throw new WireError(
        `invalid tag at byte ${start}: field number ${tag >>> 3}, wire type ${tag & 7}`,
      );
    }
    return tag;
  }

  /**
   * Throws for a known field sent with another wire type than its own: the value cannot be
   * read as the field's type.
   */
  wrongWireType(tag: number, expected: number): never {
    throw new WireError(
      `expected wire type ${expected} (${WIRE_TYPE_NAMES[expected]}), got ${tag & 7} (${
        WIRE_TYPE_NAMES[tag & 7] ?? "invalid"
      })`,
      "strict",
    );
  }

  /** Throws when the value being read ran past the end of its enclosing message or list. */
  overrun(end: number): never {
    throw new WireError(
      `a field runs past the end of its message (byte ${this.pos}, message ends at ${end})`,
      "strict",
    );
  }

  /**
   * Skips the value of an unknown field whose tag was just read, and returns its bytes (without
   * the tag) to be kept. Groups are skipped up to their matching end tag, at most `depthLeft`
   * levels deep.
   */
  skip(tag: number, depthLeft: number): Uint8Array {
    return skipField(this, tag, depthLeft);
  }

  /** Throws the nesting error for a message at `depth`. */
  tooDeep(): never {
    throw new WireError(`maximum recursion depth of ${this.maxDepth} reached`);
  }

  /** Throws the budget error when the budget is spent, else the nesting error for `depth`. */
  limit(depth: number): never {
    if (this.budget < 0) {
      throw new WireError("decoding would take more memory than the budget allows", "budget");
    }
    if (depth > this.maxDepth) this.tooDeep();
    throw new WireError("limit reached");
  }
}
