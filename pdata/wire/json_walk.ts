/**
 * What the generated `json<Message>` functions use to walk their input besides the reader
 * itself: tags read without a call for small field numbers, values skipped without allocating,
 * and the occurrences of a message field sent more than once joined into one.
 *
 * @module
 */

import { WireError, WireReader } from "./reader.ts";

/**
 * Reads a tag as {@link WireReader.tag} does, one-byte tags (field numbers up to 15) without a
 * call into the reader.
 *
 * @param r the reader, at a tag
 */
export function readTag(r: WireReader): number {
  const b = r.buf[r.pos];
  if (b >= 8 && b < 0x80 && (b & 7) < 6) {
    r.pos++;
    return b;
  }
  return r.tag();
}

/**
 * Skips the value of a field whose tag was just read without keeping it (groups, which only
 * unknown fields can be, go through {@link WireReader.skip}).
 *
 * @param r the reader, just past the tag
 * @param tag the tag
 * @param depthLeft how deeply groups may still nest
 */
export function skipField(r: WireReader, tag: number, depthLeft: number): void {
  switch (tag & 7) {
    case 0: {
      const buf = r.buf;
      let pos = r.pos;
      const limit = Math.min(pos + 10, r.len);
      while (pos < limit) {
        if (buf[pos++] < 0x80) {
          r.pos = pos;
          return;
        }
      }
      r.pos = pos;
      if (pos >= r.len) r.eof();
      throw new WireError("varint longer than 10 bytes");
    }
    case 1:
      if (r.pos + 8 > r.len) r.eof();
      r.pos += 8;
      return;
    case 2:
      r.pos = r.lengthEnd();
      return;
    case 5:
      if (r.pos + 4 > r.len) r.eof();
      r.pos += 4;
      return;
    default:
      r.skip(tag, depthLeft);
  }
}

/**
 * A reader over the payloads of every occurrence of `tag` whose tags start from `first` to `last`,
 * one after the other: a message field sent more than once is the merge of its occurrences, which
 * is what decoding their concatenation gives.
 *
 * @param r the reader holding the occurrences
 * @param first where the tag of the first occurrence starts
 * @param last where the tag of the last occurrence starts
 * @param tag the field's tag
 */
export function gather(r: WireReader, first: number, last: number, tag: number): WireReader {
  const parts: Uint8Array[] = [];
  let size = 0;
  r.pos = first;
  for (;;) {
    const at = r.pos;
    const read = r.tag();
    if (read === tag) {
      const end = r.lengthEnd();
      parts.push(r.buf.subarray(r.pos, end));
      size += end - r.pos;
      r.pos = end;
    } else {
      skipField(r, read, r.maxDepth);
    }
    if (at >= last) break;
  }
  const joined = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return new WireReader(joined, r.maxDepth, false);
}
