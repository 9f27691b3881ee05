/**
 * Merging encoded profiles without decoding them. Each input's dictionary references are
 * translated into one output dictionary in the order the object merge (`mergeProfiles`) visits
 * them, then its resource groups are copied with every index rewritten; everything else is copied
 * as it came. For input an encoder wrote (fields in order, zero values left out) the result is
 * byte for byte what encoding the object merge's result gives. Whatever this does not handle
 * (an index out of range, an input whose entry 0 differs from the first input's, a value given
 * twice) is left to the object merge, which also reports bad indices precisely.
 *
 * @module
 */

import { DictionaryBytes } from "./byte_table.ts";
import { writeIndex } from "./encoded_entries.ts";
import { PartRemapper } from "./encoded_remapper.ts";
import { walkResourceProfiles } from "./references.ts";
import {
  ATTRIBUTE,
  ByteWriter,
  LeftToDecoder,
  LINK,
  ProfilesLayout,
  STACK,
  STRING,
  WireCursor,
} from "./wire_bytes.ts";

/** Read again for every input (merges are synchronous, so never interleave). */
const LAYOUT = new ProfilesLayout();

/**
 * One encoded `ProfilesData` holding the resource groups of every part, in order, with one
 * dictionary; `undefined` when the parts need the object merge.
 *
 * @param parts encoded `ProfilesData` messages the generated scan accepted
 */
export function mergeEncodedProfiles(parts: readonly Uint8Array[]): Uint8Array | undefined {
  const layout = LAYOUT;
  try {
    let total = 0;
    for (const part of parts) total += part.length;
    const out = new ByteWriter(total + 16);
    const target = new DictionaryBytes();
    const scratch = new ByteWriter(256);
    for (const part of parts) {
      // Each input is done with before the next is read.
      layout.read(part);
      const c = new WireCursor(part);
      const r = new PartRemapper(layout, c, target, scratch);
      const resources = layout.resources;
      for (let i = 0; i < resources.length; i++) {
        c.pos = resources.starts[i];
        walkResourceProfiles(c, resources.ends[i], r);
      }
      for (let i = 0; i < resources.length; i++) {
        c.pos = resources.starts[i];
        nested(c, resources.ends[i], 10, r, out, rewriteResourceProfiles);
      }
    }
    const size = target.encodedSize();
    out.byte(18);
    out.varint(size);
    out.ensure(size);
    target.write(out);
    return out.result();
  } catch (error) {
    if (error instanceof LeftToDecoder) return undefined;
    throw error;
  } finally {
    layout.clear();
  }
}

/** How a message is copied: its fields from `c.pos` to `end`, indices rewritten. */
type Rewrite = (c: WireCursor, end: number, r: PartRemapper, w: ByteWriter) => void;

/** Writes field `tag` holding the message `[c.pos, end)` as `rewrite` copies it. */
function nested(
  c: WireCursor,
  end: number,
  tag: number,
  r: PartRemapper,
  w: ByteWriter,
  rewrite: Rewrite,
): void {
  const expected = end - c.pos;
  w.byte(tag);
  const mark = w.begin(expected);
  rewrite(c, end, r, w);
  w.end(mark, expected);
  c.pos = end;
}

/**
 * Copies the message `[c.pos, end)`: the fields whose tag `rewrites` maps to a rewrite are
 * copied through it, the others as they are.
 */
function copyMessage(
  c: WireCursor,
  end: number,
  r: PartRemapper,
  w: ByteWriter,
  first: number,
  firstRewrite: Rewrite,
  second: number,
  secondRewrite: Rewrite,
): void {
  while (c.pos < end) {
    const start = c.pos;
    const tag = c.tag();
    if (tag === first) nested(c, c.lengthEnd(), tag, r, w, firstRewrite);
    else if (tag === second) nested(c, c.lengthEnd(), tag, r, w, secondRewrite);
    else {
      c.skip(tag);
      w.raw(c.buf, start, c.pos);
    }
  }
}

const rewriteResourceProfiles: Rewrite = (c, end, r, w) =>
  copyMessage(c, end, r, w, 10, rewriteResource, 18, rewriteScopeProfiles);

const rewriteResource: Rewrite = (c, end, r, w) =>
  copyMessage(c, end, r, w, 10, rewriteKeyValue, -1, rewriteKeyValue);

const rewriteScopeProfiles: Rewrite = (c, end, r, w) =>
  copyMessage(c, end, r, w, 10, rewriteScope, 18, rewriteProfile);

const rewriteScope: Rewrite = (c, end, r, w) =>
  copyMessage(c, end, r, w, 26, rewriteKeyValue, -1, rewriteKeyValue);

const rewriteArrayValue: Rewrite = (c, end, r, w) =>
  copyMessage(c, end, r, w, 10, rewriteAnyValue, -1, rewriteAnyValue);

const rewriteKeyValueList: Rewrite = (c, end, r, w) =>
  copyMessage(c, end, r, w, 10, rewriteKeyValue, -1, rewriteKeyValue);

function rewriteKeyValue(c: WireCursor, end: number, r: PartRemapper, w: ByteWriter): void {
  while (c.pos < end) {
    const start = c.pos;
    const tag = c.tag();
    if (tag === 18) nested(c, c.lengthEnd(), tag, r, w, rewriteAnyValue);
    else if (tag === 24) {
      // Key index 0 means the key is the string field; it stays 0.
      const index = c.int32();
      writeIndex(w, 24, index === 0 ? 0 : r.lookup(STRING, index));
    } else {
      c.skip(tag);
      w.raw(c.buf, start, c.pos);
    }
  }
}

function rewriteAnyValue(c: WireCursor, end: number, r: PartRemapper, w: ByteWriter): void {
  while (c.pos < end) {
    const start = c.pos;
    const tag = c.tag();
    if (tag === 42) nested(c, c.lengthEnd(), tag, r, w, rewriteArrayValue);
    else if (tag === 50) nested(c, c.lengthEnd(), tag, r, w, rewriteKeyValueList);
    else if (tag === 64) {
      // A value of the oneof: written even when it is zero.
      w.byte(64);
      w.varint(r.lookup(STRING, c.int32()));
    } else {
      c.skip(tag);
      w.raw(c.buf, start, c.pos);
    }
  }
}

function rewriteProfile(c: WireCursor, end: number, r: PartRemapper, w: ByteWriter): void {
  while (c.pos < end) {
    const start = c.pos;
    const tag = c.tag();
    switch (tag) {
      case 18:
        nested(c, c.lengthEnd(), tag, r, w, rewriteSample);
        break;
      case 10:
      case 42:
        nested(c, c.lengthEnd(), tag, r, w, rewriteValueType);
        break;
      case 88:
      case 90:
        rewriteIndices(c, tag, ATTRIBUTE, r, w);
        break;
      default:
        c.skip(tag);
        w.raw(c.buf, start, c.pos);
    }
  }
}

function rewriteSample(c: WireCursor, end: number, r: PartRemapper, w: ByteWriter): void {
  while (c.pos < end) {
    const start = c.pos;
    const tag = c.tag();
    switch (tag) {
      case 8:
        writeIndex(w, 8, r.lookup(STACK, c.int32()));
        break;
      case 16:
      case 18:
        rewriteIndices(c, tag, ATTRIBUTE, r, w);
        break;
      case 24:
        writeIndex(w, 24, r.lookup(LINK, c.int32()));
        break;
      default:
        c.skip(tag);
        w.raw(c.buf, start, c.pos);
    }
  }
}

function rewriteValueType(c: WireCursor, end: number, r: PartRemapper, w: ByteWriter): void {
  while (c.pos < end) {
    const start = c.pos;
    const tag = c.tag();
    if (tag === 8 || tag === 16) writeIndex(w, tag, r.lookup(STRING, c.int32()));
    else {
      c.skip(tag);
      w.raw(c.buf, start, c.pos);
    }
  }
}

/**
 * Copies the index list whose tag was just read, translated: one varint (kept as one, even
 * when 0, since each is an element) or a packed list (left out when empty).
 */
function rewriteIndices(
  c: WireCursor,
  tag: number,
  table: number,
  r: PartRemapper,
  w: ByteWriter,
): void {
  if ((tag & 7) === 0) {
    w.byte(tag);
    w.varint(r.lookup(table, c.int32()));
    return;
  }
  const end = c.lengthEnd();
  if (end === c.pos) return;
  w.byte(tag);
  // Translated indices are often as long as the source ones: start from the source length.
  const expected = end - c.pos;
  const mark = w.begin(expected);
  while (c.pos < end) w.varint(r.lookup(table, c.int32()));
  w.end(mark, expected);
}
