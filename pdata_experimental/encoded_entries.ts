/**
 * Dictionary entries of encoded profiles in the canonical form the encoder gives the decoded
 * entry (known fields in field order, zero values left out, unknown fields after them), with
 * their indices translated: so that equal bytes mean equal entries, and the merged dictionary is
 * the one the object merge encodes to.
 *
 * @module
 */

import {
  ATTRIBUTE,
  type ByteWriter,
  FUNCTION,
  LEFT_TO_DECODER,
  LINK,
  LOCATION,
  MAPPING,
  STACK,
  STRING,
  varintIsZero,
  type WireCursor,
} from "./wire_bytes.ts";

/** What the writers need of a remapper. */
export interface Translator {
  /** The target index of source entry `index` of `table`, translating it on first use. */
  translate(table: number, index: number): number;
  /** The target index of an entry already translated. */
  lookup(table: number, index: number): number;
}

/** Field numbers of each message the canonical writers know, as bit masks. */
const FIELDS_1 = 1 << 1;
const FIELDS_1_2 = FIELDS_1 | (1 << 2);
const FIELDS_1_3 = FIELDS_1_2 | (1 << 3);
const FIELDS_1_4 = FIELDS_1_3 | (1 << 4);
const FIELDS_1_5 = FIELDS_1_4 | (1 << 5);
const FIELDS_1_8 = FIELDS_1_5 | (1 << 6) | (1 << 7) | (1 << 8);

/** The fields of each dictionary entry, by table number. */
const ENTRY_FIELDS = [0, FIELDS_1_5, FIELDS_1_4, FIELDS_1_4, FIELDS_1_2, 0, FIELDS_1_3, FIELDS_1];

/** Whether field `no` is outside the `known` mask. */
function isUnknown(no: number, known: number): boolean {
  return no > 30 || ((known >>> no) & 1) === 0;
}

/** Writes a translated singular index field, left out when zero. */
export function writeIndex(w: ByteWriter, tag: number, index: number): void {
  if (index !== 0) {
    w.byte(tag);
    w.varint(index);
  }
}

/** Writes the fields of `[start, end)` whose numbers are not in `known`, as they are. */
function copyUnknown(
  c: WireCursor,
  start: number,
  end: number,
  known: number,
  w: ByteWriter,
): void {
  c.pos = start;
  while (c.pos < end) {
    const fieldStart = c.pos;
    const tag = c.tag();
    const no = tag >>> 3;
    c.skip(tag);
    if (isUnknown(no, known)) w.raw(c.buf, fieldStart, c.pos);
  }
}

/** Writes a non-zero varint field read at `[start, end)` (`start` < 0: absent). */
function writeVarint(w: ByteWriter, buf: Uint8Array, tag: number, start: number, end: number) {
  if (start >= 0 && !varintIsZero(buf, start, end)) {
    w.byte(tag);
    w.raw(buf, start, end);
  }
}

/** Writes a non-empty length-delimited field whose value (length included) is `[start, end)`. */
function writeLen(w: ByteWriter, buf: Uint8Array, tag: number, start: number, end: number) {
  if (start >= 0 && buf[start] !== 0) {
    w.byte(tag);
    w.raw(buf, start, end);
  }
}

/**
 * Writes the translated, packed index list of every field with tag `plain` (one varint) or
 * `packed` in `[start, end)` as field tag `packed`, or nothing when the list is empty.
 */
function writeIndexList(
  c: WireCursor,
  start: number,
  end: number,
  plain: number,
  table: number,
  r: Translator,
  w: ByteWriter,
): void {
  const packed = plain + 2;
  let mark = -1;
  c.pos = start;
  while (c.pos < end) {
    const tag = c.tag();
    if (tag === plain) {
      if (mark < 0) mark = beginList(w, packed, end - start);
      w.varint(r.lookup(table, c.int32()));
    } else if (tag === packed) {
      const listEnd = c.lengthEnd();
      while (c.pos < listEnd) {
        if (mark < 0) mark = beginList(w, packed, end - start);
        w.varint(r.lookup(table, c.int32()));
      }
    } else {
      c.skip(tag);
    }
  }
  if (mark >= 0) w.end(mark, end - start);
}

function beginList(w: ByteWriter, tag: number, expected: number): number {
  w.byte(tag);
  return w.begin(expected);
}

/**
 * Writes the canonical, translated form of one dictionary entry `[c.pos, end)` of `table` into
 * `w`. String references are translated here; mappings, locations and stacks must have had
 * theirs translated (their other references need the writer for their own entries).
 */
export function writeEntry(
  c: WireCursor,
  end: number,
  table: number,
  r: Translator,
  w: ByteWriter,
): void {
  const buf = c.buf;
  const start = c.pos;
  // Singular fields: the last occurrence counts, as when decoding. `a`, `b`, `d` are indices;
  // `s*`/`e*` where a value kept as it is starts and ends.
  let a = 0, b = 0, d = 0;
  let s1 = -1, e1 = -1, s2 = -1, e2 = -1, s3 = -1, e3 = -1;
  let values = 0;
  const known = ENTRY_FIELDS[table];
  let unknown = false;
  while (c.pos < end) {
    const tag = c.tag();
    const at = c.pos;
    c.skip(tag);
    if (isUnknown(tag >>> 3, known)) unknown = true;
    // Known fields have one-byte tags; longer tags (fields 16 and up) match no case.
    switch (tag < 128 ? table * 128 + tag : -1) {
      case FUNCTION * 128 + 8:
      case MAPPING * 128 + 32:
      case LOCATION * 128 + 8:
      case ATTRIBUTE * 128 + 8:
        a = readInt32(c, at);
        break;
      case FUNCTION * 128 + 16:
      case ATTRIBUTE * 128 + 24:
        b = readInt32(c, at);
        break;
      case FUNCTION * 128 + 24:
        d = readInt32(c, at);
        break;
      case FUNCTION * 128 + 32:
      case MAPPING * 128 + 8:
      case LOCATION * 128 + 16:
      case LINK * 128 + 10:
        s1 = at;
        e1 = c.pos;
        break;
      case MAPPING * 128 + 16:
      case LINK * 128 + 18:
        s2 = at;
        e2 = c.pos;
        break;
      case MAPPING * 128 + 24:
        s3 = at;
        e3 = c.pos;
        break;
      case ATTRIBUTE * 128 + 18:
        // A repeated value would be merged by the decoder; left to it.
        if (++values > 1) throw LEFT_TO_DECODER;
        s1 = at;
        break;
    }
  }
  switch (table) {
    case FUNCTION:
      writeIndex(w, 8, r.translate(STRING, a));
      writeIndex(w, 16, r.translate(STRING, b));
      writeIndex(w, 24, r.translate(STRING, d));
      writeVarint(w, buf, 32, s1, e1);
      break;
    case MAPPING:
      writeVarint(w, buf, 8, s1, e1);
      writeVarint(w, buf, 16, s2, e2);
      writeVarint(w, buf, 24, s3, e3);
      writeIndex(w, 32, r.lookup(STRING, a));
      writeIndexList(c, start, end, 40, ATTRIBUTE, r, w);
      break;
    case LOCATION:
      writeIndex(w, 8, r.lookup(MAPPING, a));
      writeVarint(w, buf, 16, s1, e1);
      writeLines(c, start, end, r, w);
      writeIndexList(c, start, end, 32, ATTRIBUTE, r, w);
      break;
    case STACK:
      writeIndexList(c, start, end, 8, LOCATION, r, w);
      break;
    case LINK:
      writeLen(w, buf, 10, s1, e1);
      writeLen(w, buf, 18, s2, e2);
      break;
    case ATTRIBUTE:
      writeIndex(w, 8, r.translate(STRING, a));
      if (s1 >= 0) {
        c.pos = s1;
        const valueEnd = c.lengthEnd();
        const expected = valueEnd - c.pos;
        const mark = beginNested(w, 18, expected);
        writeAnyValue(c, valueEnd, r, w);
        w.end(mark, expected);
      }
      writeIndex(w, 24, r.translate(STRING, b));
      break;
  }
  if (unknown) copyUnknown(c, start, end, known, w);
}

function readInt32(c: WireCursor, at: number): number {
  const pos = c.pos;
  c.pos = at;
  const value = c.int32();
  c.pos = pos;
  return value;
}

/**
 * Writes tag `tag` and reserves the length of a nested message whose source body is `expected`
 * bytes long; the caller ends it with `w.end(mark, expected)`.
 */
function beginNested(w: ByteWriter, tag: number, expected: number): number {
  w.byte(tag);
  return w.begin(expected);
}

/** The `lines` of a location, each in canonical form. */
function writeLines(c: WireCursor, start: number, end: number, r: Translator, w: ByteWriter) {
  c.pos = start;
  while (c.pos < end) {
    const tag = c.tag();
    if (tag !== 26) {
      c.skip(tag);
      continue;
    }
    const lineEnd = c.lengthEnd();
    const lineStart = c.pos;
    const mark = beginNested(w, 26, lineEnd - lineStart);
    let fn = 0;
    let unknown = false;
    let s1 = -1, e1 = -1, s2 = -1, e2 = -1;
    while (c.pos < lineEnd) {
      const t = c.tag();
      const at = c.pos;
      c.skip(t);
      if (isUnknown(t >>> 3, FIELDS_1_3)) unknown = true;
      if (t === 8) fn = readInt32(c, at);
      else if (t === 16) {
        s1 = at;
        e1 = c.pos;
      } else if (t === 24) {
        s2 = at;
        e2 = c.pos;
      }
    }
    writeIndex(w, 8, r.lookup(FUNCTION, fn));
    writeVarint(w, c.buf, 16, s1, e1);
    writeVarint(w, c.buf, 24, s2, e2);
    if (unknown) copyUnknown(c, lineStart, lineEnd, FIELDS_1_3, w);
    w.end(mark, lineEnd - lineStart);
    c.pos = lineEnd;
  }
}

/**
 * The canonical form of an `AnyValue` `[c.pos, end)`: its one value (translated when it is a
 * string index), then unknown fields. A value given more than once is left to the decoder.
 */
function writeAnyValue(c: WireCursor, end: number, r: Translator, w: ByteWriter): void {
  const start = c.pos;
  let memberTag = 0;
  let at = -1;
  let valueEnd = -1;
  let unknown = false;
  while (c.pos < end) {
    const tag = c.tag();
    const valueAt = c.pos;
    c.skip(tag);
    const no = tag >>> 3;
    if (no < 1 || no > 8) unknown = true;
    else {
      if (memberTag !== 0) throw LEFT_TO_DECODER;
      memberTag = tag;
      at = valueAt;
      valueEnd = c.pos;
    }
  }
  switch (memberTag) {
    case 0:
      break;
    case 64:
      c.pos = at;
      w.byte(64);
      w.varint(r.translate(STRING, c.int32()));
      break;
    case 42:
    case 50: {
      c.pos = at;
      const listEnd = c.lengthEnd();
      const expected = listEnd - c.pos;
      const mark = beginNested(w, memberTag, expected);
      writeList(c, listEnd, memberTag === 50, r, w);
      w.end(mark, expected);
      break;
    }
    default:
      w.byte(memberTag);
      w.raw(c.buf, at, valueEnd);
  }
  if (unknown) copyUnknown(c, start, end, FIELDS_1_8, w);
}

/**
 * An `ArrayValue` (`keyValues` false) or `KeyValueList`: every field 1 in canonical form, then
 * unknown fields.
 */
function writeList(
  c: WireCursor,
  end: number,
  keyValues: boolean,
  r: Translator,
  w: ByteWriter,
): void {
  const start = c.pos;
  let unknown = false;
  while (c.pos < end) {
    const tag = c.tag();
    if (tag !== 10) {
      if (tag >>> 3 !== 1) unknown = true;
      c.skip(tag);
      continue;
    }
    const itemEnd = c.lengthEnd();
    const expected = itemEnd - c.pos;
    const mark = beginNested(w, 10, expected);
    if (keyValues) writeKeyValue(c, itemEnd, r, w);
    else writeAnyValue(c, itemEnd, r, w);
    w.end(mark, expected);
    c.pos = itemEnd;
  }
  if (unknown) copyUnknown(c, start, end, FIELDS_1, w);
}

/** A `KeyValue` in canonical form: key, value, translated key index, unknown fields. */
function writeKeyValue(c: WireCursor, end: number, r: Translator, w: ByteWriter): void {
  const start = c.pos;
  let keyAt = -1, keyEnd = -1, valueAt = -1, keyIndex = 0;
  let unknown = false;
  while (c.pos < end) {
    const tag = c.tag();
    const at = c.pos;
    c.skip(tag);
    if (isUnknown(tag >>> 3, FIELDS_1_3)) unknown = true;
    if (tag === 10) {
      keyAt = at;
      keyEnd = c.pos;
    } else if (tag === 24) {
      keyIndex = readInt32(c, at);
    } else if (tag === 18) {
      if (valueAt >= 0) throw LEFT_TO_DECODER;
      valueAt = at;
    }
  }
  // Key index 0 means the key is the string field; it stays 0. Translated before the value's
  // strings, as the object remapper does.
  const targetKey = keyIndex === 0 ? 0 : r.translate(STRING, keyIndex);
  writeLen(w, c.buf, 10, keyAt, keyEnd);
  if (valueAt >= 0) {
    c.pos = valueAt;
    const valueEnd = c.lengthEnd();
    const expected = valueEnd - c.pos;
    const mark = beginNested(w, 18, expected);
    writeAnyValue(c, valueEnd, r, w);
    w.end(mark, expected);
  }
  writeIndex(w, 24, targetKey);
  if (unknown) copyUnknown(c, start, end, FIELDS_1_3, w);
}
