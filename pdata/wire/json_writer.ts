/**
 * The writing half of the protobuf → OTLP/JSON transcoder: a growable UTF-8 buffer that the
 * generated `json<Message>` functions (`tools/gen_wire_json.ts`) fill straight from the input
 * bytes, with value writers that read one protobuf value from a {@link WireReader} and write its
 * OTLP/JSON form. The text is what `JSON.stringify` writes for the objects pdata's JSON encoder
 * builds: the same escapes, number forms, hex ids, base64 and quoted 64-bit integers.
 *
 * @module
 */

import { idLengthError, WireError, type WireReader } from "./reader.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");
const BASE64_DIGITS = new TextEncoder().encode(
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
);

/**
 * What follows a backslash for each byte below 0x20 and for `"` and `\`, or 0 for a byte written
 * as `\u00XX`; bytes absent from the table are written as they are. These are exactly the
 * characters `JSON.stringify` escapes in a well-formed string.
 */
const ESCAPE = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) ESCAPE[c] = 0xff;
ESCAPE[0x08] = 0x62; // \b
ESCAPE[0x09] = 0x74; // \t
ESCAPE[0x0a] = 0x6e; // \n
ESCAPE[0x0c] = 0x66; // \f
ESCAPE[0x0d] = 0x72; // \r
ESCAPE[QUOTE] = QUOTE;
ESCAPE[BACKSLASH] = BACKSLASH;

const encoder = new TextEncoder();
// Strict, as the decoder's strings are; a byte order mark is content.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Throws the decoder's error for a string that is not UTF-8. */
function checkUtf8(input: Uint8Array, start: number, end: number): void {
  try {
    utf8.decode(input.subarray(start, end));
  } catch {
    throw new WireError(`invalid UTF-8 in a string of ${end - start} bytes at byte ${start}`);
  }
}

/**
 * The bytes of `"name":`, which {@link JsonWriter.key} writes before a field's value.
 *
 * @param name the field's JSON name (lowerCamelCase, ASCII)
 */
export function jsonKey(name: string): Uint8Array {
  return encoder.encode(`${JSON.stringify(name)}:`);
}

// The two halves of the last 64-bit varint read, kept outside any object so that reading one
// allocates nothing.
let varintLow = 0;
let varintHigh = 0;

/** Reads a 64-bit varint into {@link varintLow} and {@link varintHigh}, as the decoder reads one. */
function readVarint64(r: WireReader): void {
  const buf = r.buf;
  const len = r.len;
  let pos = r.pos;
  let low = 0;
  let b = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= len) return eofAt(r, pos);
    b = buf[pos++];
    low |= (b & 0x7f) << shift;
    if (b < 0x80) {
      r.pos = pos;
      varintLow = low >>> 0;
      varintHigh = 0;
      return;
    }
  }
  if (pos >= len) return eofAt(r, pos);
  b = buf[pos++];
  low |= (b & 0x0f) << 28;
  let high = (b & 0x70) >> 4;
  // Bytes 6 to 10 carry the high half; a varint has at most 10 bytes.
  for (let shift = 3; b >= 0x80; shift += 7) {
    if (shift > 31) {
      r.pos = pos;
      throw new WireError("varint longer than 10 bytes");
    }
    if (pos >= len) return eofAt(r, pos);
    b = buf[pos++];
    high |= (b & 0x7f) << shift;
  }
  r.pos = pos;
  varintLow = low >>> 0;
  varintHigh = high >>> 0;
}

function eofAt(r: WireReader, pos: number): never {
  r.pos = pos;
  r.eof();
}

/**
 * A growable buffer of OTLP/JSON text as UTF-8. Separators are implied: {@link JsonWriter.key}
 * and {@link JsonWriter.item} write a comma unless they follow `{` or `[`. The value writers read
 * one value at `r.pos`, write it, and return whether it was its type's zero value, so that a
 * field that JSON omits when zero can be taken back (`out.pos = mark`).
 */
export class JsonWriter {
  /** The buffer; replaced by a larger one when it fills up. */
  buf: Uint8Array;
  /** The next byte to write. */
  pos = 0;

  /**
   * Creates a writer.
   *
   * @param buf the buffer to start with (its content is overwritten)
   */
  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  /** Moves the text into a buffer with room for `n` more bytes. */
  private grow(n: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n + 1024));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  // Separators: no value ends in `{` or `[`, so a key needs a comma unless it follows `{`, and a
  // list element unless it follows `[`.

  /**
   * Writes a separator if needed and `key` (from {@link jsonKey}); returns where the separator
   * started, to take the field back if its value turns out to be omitted.
   */
  key(key: Uint8Array): number {
    const mark = this.pos;
    const length = key.length;
    if (mark + length + 1 > this.buf.length) this.grow(length + 1);
    const buf = this.buf;
    let pos = mark;
    if (buf[pos - 1] !== OPEN_BRACE) buf[pos++] = COMMA;
    for (let i = 0; i < length; i++) buf[pos++] = key[i];
    this.pos = pos;
    return mark;
  }

  /** Writes a separator before a list element if needed. */
  item(): void {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    if (this.buf[this.pos - 1] !== OPEN_BRACKET) this.buf[this.pos++] = COMMA;
  }

  /** Writes one ASCII byte such as `{`, `}`, `[` or `]`. */
  byte(code: number): void {
    this.room(1);
    this.buf[this.pos++] = code;
  }

  /** Writes ASCII text such as `true` or the digits of a double. */
  private ascii(text: string): void {
    this.room(text.length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  /** The decimal digits of a non-negative integer below 2^53 (room already made). */
  private digits(n: number): void {
    if (n < 0x80000000) {
      this.smallDigits(n | 0);
      return;
    }
    // Two parts that each fit in 31 bits, so that every division below is an integer one
    // (`%` of a double would call the C library's fmod).
    const high = Math.floor(n / 1e8);
    this.smallDigits(high | 0);
    this.paddedDigits((n - high * 1e8) | 0, 8);
  }

  /** The digits of a non-negative 31-bit integer. */
  private smallDigits(n: number): void {
    let count = 1;
    for (let bound = 10; count < 10 && n >= bound; bound *= 10) count++;
    this.paddedDigits(n, count);
  }

  /** The last `count` digits of a non-negative 31-bit integer, with leading zeros. */
  private paddedDigits(n: number, count: number): void {
    const buf = this.buf;
    let pos = this.pos + count;
    this.pos = pos;
    for (let i = 0; i < count; i++) {
      const quotient = (n / 10) | 0;
      buf[--pos] = 48 + n - quotient * 10;
      n = quotient;
    }
  }

  /** A 32-bit integer as a JSON number; returns whether it is 0. */
  private integer(n: number): boolean {
    this.room(11);
    if (n < 0) {
      this.buf[this.pos++] = 0x2d;
      this.digits(-n);
    } else this.digits(n);
    return n === 0;
  }

  /**
   * An unsigned 64-bit integer given as halves, as a quoted decimal; returns whether it is 0.
   * Values of 2^53 and more are cut into base-10^7 limbs, each exact as a double.
   */
  private uint64Halves(low: number, high: number, negative: boolean): boolean {
    this.room(23);
    const buf = this.buf;
    buf[this.pos++] = QUOTE;
    if (negative) buf[this.pos++] = 0x2d;
    if (high < 0x200000) {
      this.digits(high * 4294967296 + low);
    } else {
      // value = a + b * 2^24 + c * 2^48, and 2^24 = 10^7 + 6777216,
      // 2^48 = 2 * 10^14 + 8147497 * 10^7 + 6710656.
      const a = low & 0xffffff;
      const b = ((low >>> 24) | (high << 8)) & 0xffffff;
      const c = high >>> 16;
      let units = a + b * 6777216 + c * 6710656;
      let tens = b + c * 8147497;
      let hundreds = c * 2;
      let carry = Math.floor(units / 1e7);
      units -= carry * 1e7;
      tens += carry;
      carry = Math.floor(tens / 1e7);
      tens -= carry * 1e7;
      hundreds += carry;
      // At least 2^53 means at least 90 * 10^14: the top limb is never 0.
      this.smallDigits(hundreds);
      this.paddedDigits(tens, 7);
      this.paddedDigits(units, 7);
    }
    buf[this.pos++] = QUOTE;
    return low === 0 && high === 0;
  }

  /** A signed 64-bit integer given as two's complement halves, as a quoted decimal. */
  private int64Halves(low: number, high: number): boolean {
    if (high < 0x80000000) return this.uint64Halves(low, high, false);
    const negatedLow = (~low + 1) >>> 0;
    const negatedHigh = (~high + (negatedLow === 0 ? 1 : 0)) >>> 0;
    return this.uint64Halves(negatedLow, negatedHigh, true);
  }

  /** A double as `JSON.stringify` writes what pdata's encoder hands it. */
  private number(value: number): boolean {
    if (value === 0) {
      if (1 / value < 0) {
        this.ascii("-0");
        return false;
      }
      this.byte(48);
      return true;
    }
    if ((value | 0) === value) this.integer(value);
    else if (Number.isFinite(value)) this.ascii(String(value));
    else this.ascii(value > 0 ? '"Infinity"' : value < 0 ? '"-Infinity"' : '"NaN"');
    return false;
  }

  /** Reads and writes an `int32` or an enum. */
  int32(r: WireReader): boolean {
    return this.integer(r.int32());
  }

  /** Reads and writes a `uint32`. */
  uint32(r: WireReader): boolean {
    return this.integer(r.uint32());
  }

  /** Reads and writes a `sint32`. */
  sint32(r: WireReader): boolean {
    return this.integer(r.sint32());
  }

  /** Reads and writes a `fixed32`. */
  fixed32(r: WireReader): boolean {
    return this.integer(r.fixed32());
  }

  /** Reads and writes a `sfixed32`. */
  sfixed32(r: WireReader): boolean {
    return this.integer(r.sfixed32());
  }

  /** Reads and writes a `bool`. */
  bool(r: WireReader): boolean {
    const value = r.bool();
    this.ascii(value ? "true" : "false");
    return !value;
  }

  /** Reads and writes a `double`; only +0 counts as zero (protojson keeps -0). */
  double(r: WireReader): boolean {
    return this.number(r.double());
  }

  /** Reads and writes a `float`, as the double it decodes to. */
  float(r: WireReader): boolean {
    return this.number(r.float());
  }

  /** Reads and writes a `uint64`. */
  uint64(r: WireReader): boolean {
    readVarint64(r);
    return this.uint64Halves(varintLow, varintHigh, false);
  }

  /** Reads and writes an `int64`. */
  int64(r: WireReader): boolean {
    readVarint64(r);
    return this.int64Halves(varintLow, varintHigh);
  }

  /** Reads and writes a `sint64` (zigzag). */
  sint64(r: WireReader): boolean {
    readVarint64(r);
    const low = varintLow;
    const high = varintHigh;
    const sign = -(low & 1);
    return this.int64Halves(
      (((low >>> 1) | (high << 31)) ^ sign) >>> 0,
      ((high >>> 1) ^ sign) >>> 0,
    );
  }

  /** Reads and writes a `fixed64`. */
  fixed64(r: WireReader): boolean {
    const pos = r.pos;
    if (pos + 8 > r.len) r.eof();
    r.pos = pos + 8;
    const buf = r.buf;
    const low = (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>>
      0;
    const high =
      (buf[pos + 4] | (buf[pos + 5] << 8) | (buf[pos + 6] << 16) | (buf[pos + 7] << 24)) >>> 0;
    return this.uint64Halves(low, high, false);
  }

  /** Reads and writes a `sfixed64`. */
  sfixed64(r: WireReader): boolean {
    const pos = r.pos;
    if (pos + 8 > r.len) r.eof();
    r.pos = pos + 8;
    const buf = r.buf;
    const low = (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>>
      0;
    const high =
      (buf[pos + 4] | (buf[pos + 5] << 8) | (buf[pos + 6] << 16) | (buf[pos + 7] << 24)) >>> 0;
    return this.int64Halves(low, high);
  }

  /**
   * Reads a `string` and writes it quoted, escaping what `JSON.stringify` escapes. Other bytes are
   * copied as they are, once a string holding any is found to be UTF-8 (as the decoder requires).
   */
  string(r: WireReader): boolean {
    const end = r.lengthEnd();
    const start = r.pos;
    r.pos = end;
    this.room(6 * (end - start) + 2);
    const input = r.buf;
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = QUOTE;
    let ascii = true;
    for (let i = start; i < end; i++) {
      const c = input[i];
      if (c >= 0x80) {
        ascii = false;
        buf[pos++] = c;
        continue;
      }
      if (ESCAPE[c] === 0) {
        buf[pos++] = c;
        continue;
      }
      buf[pos++] = BACKSLASH;
      const escape = ESCAPE[c];
      if (escape !== 0xff) {
        buf[pos++] = escape;
        continue;
      }
      buf[pos++] = 0x75; // u
      buf[pos++] = 48;
      buf[pos++] = 48;
      buf[pos++] = HEX_DIGITS[c >> 4];
      buf[pos++] = HEX_DIGITS[c & 15];
    }
    buf[pos++] = QUOTE;
    if (!ascii) checkUtf8(input, start, end);
    this.pos = pos;
    return end === start;
  }

  /** Reads `bytes` and writes them as quoted base64 (standard alphabet, padded). */
  bytes(r: WireReader): boolean {
    const end = r.lengthEnd();
    const start = r.pos;
    r.pos = end;
    const length = end - start;
    this.room(4 * Math.ceil(length / 3) + 2);
    const input = r.buf;
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = QUOTE;
    let i = start;
    for (; i + 3 <= end; i += 3) {
      const triple = (input[i] << 16) | (input[i + 1] << 8) | input[i + 2];
      buf[pos++] = BASE64_DIGITS[triple >> 18];
      buf[pos++] = BASE64_DIGITS[(triple >> 12) & 63];
      buf[pos++] = BASE64_DIGITS[(triple >> 6) & 63];
      buf[pos++] = BASE64_DIGITS[triple & 63];
    }
    if (end - i === 1) {
      const b = input[i];
      buf[pos++] = BASE64_DIGITS[b >> 2];
      buf[pos++] = BASE64_DIGITS[(b & 3) << 4];
      buf[pos++] = 0x3d;
      buf[pos++] = 0x3d;
    } else if (end - i === 2) {
      const pair = (input[i] << 8) | input[i + 1];
      buf[pos++] = BASE64_DIGITS[pair >> 10];
      buf[pos++] = BASE64_DIGITS[(pair >> 4) & 63];
      buf[pos++] = BASE64_DIGITS[(pair & 15) << 2];
      buf[pos++] = 0x3d;
    }
    buf[pos++] = QUOTE;
    this.pos = pos;
    return length === 0;
  }

  /**
   * Reads an id (`bytes` of `length` bytes, or none) and writes it as quoted lower-case hex;
   * any other length is refused as the decoder refuses it.
   *
   * @param r the reader at the value
   * @param length the id's length in bytes
   * @param name the field's local name, for the error
   */
  id(r: WireReader, length: number, name: string): boolean {
    const end = r.lengthEnd();
    const start = r.pos;
    const actual = end - start;
    if (actual !== 0 && actual !== length) throw idLengthError(name, length, actual);
    r.pos = end;
    this.room(2 * actual + 2);
    const input = r.buf;
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = QUOTE;
    for (let i = start; i < end; i++) {
      const b = input[i];
      buf[pos++] = HEX_DIGITS[b >> 4];
      buf[pos++] = HEX_DIGITS[b & 15];
    }
    buf[pos++] = QUOTE;
    this.pos = pos;
    return actual === 0;
  }
}
