/**
 * Rewrites valid protobuf bytes into other valid bytes that other encoders could have sent:
 * fields in another order, a singular field sent twice (the last one counts), a message field
 * cut into two occurrences (which decoding merges), explicit zero values, packed lists sent
 * unpacked and empty packed runs, unknown fields of every wire type (groups included), and tags
 * and lengths in longer varints than needed. For differential tests of code that reads the wire
 * format directly against the decoder.
 *
 * @module
 */

import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";

/** One field as sent: its tag, its value, and the fields of a message value. */
interface Entry {
  no: number;
  wireType: number;
  /** The value without its tag (and, for a length-delimited value, without its length). */
  payload: Uint8Array;
  /** The fields of a message value, which are rewritten too. */
  children?: Entry[];
  /** Set to write the tag or the length one byte longer than needed. */
  longTag?: boolean;
  longLength?: boolean;
}

function readVarint(bytes: Uint8Array, at: { pos: number }): number {
  let value = 0;
  for (let scale = 1;; scale *= 128) {
    const b = bytes[at.pos++];
    if (b === undefined) throw new Error("wire_mutations: input ends inside a varint");
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
  }
}

function varint(value: number, longer = false): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  if (longer) {
    out[out.length - 1] |= 0x80;
    out.push(0);
  }
  return out;
}

function fieldOf(desc: DescMessage | undefined, no: number): DescField | undefined {
  return desc?.fields.find((field) => field.number === no);
}

function messageOf(field: DescField | undefined): DescMessage | undefined {
  if (field === undefined) return undefined;
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") return field.message;
  return undefined;
}

function scalarOf(field: DescField): ScalarType | undefined {
  if (field.fieldKind === "scalar") return field.scalar;
  if (field.fieldKind === "list" && field.listKind === "scalar") return field.scalar;
  if (field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum")) {
    return ScalarType.INT32;
  }
  return undefined;
}

/** Bytes per element of a packed list of this type, 0 for varints. */
function widthOf(scalar: ScalarType): number {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 8;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 4;
  }
  return 0;
}

function parse(desc: DescMessage | undefined, bytes: Uint8Array): Entry[] {
  const entries: Entry[] = [];
  const at = { pos: 0 };
  while (at.pos < bytes.length) {
    const tag = readVarint(bytes, at);
    const no = Math.floor(tag / 8);
    const wireType = tag & 7;
    const start = at.pos;
    if (wireType === 0) readVarint(bytes, at);
    else if (wireType === 1) at.pos += 8;
    else if (wireType === 5) at.pos += 4;
    else if (wireType === 2) {
      const length = readVarint(bytes, at);
      const payload = bytes.subarray(at.pos, at.pos + length);
      at.pos += length;
      const child = messageOf(fieldOf(desc, no));
      entries.push({ no, wireType, payload, children: child && parse(child, payload) });
      continue;
    } else throw new Error(`wire_mutations: wire type ${wireType} is not expected in the input`);
    entries.push({ no, wireType, payload: bytes.subarray(start, at.pos) });
  }
  return entries;
}

function serialize(entries: readonly Entry[], out: number[]): void {
  for (const entry of entries) {
    out.push(...varint(entry.no * 8 + entry.wireType, entry.longTag));
    if (entry.wireType !== 2) {
      for (const b of entry.payload) out.push(b);
      continue;
    }
    let payload: ArrayLike<number> = entry.payload;
    if (entry.children !== undefined) {
      const inner: number[] = [];
      serialize(entry.children, inner);
      payload = inner;
    }
    out.push(...varint(payload.length, entry.longLength));
    for (let i = 0; i < payload.length; i++) out.push(payload[i]);
  }
}

const TEXTS = ["", "x", "é", "日本", "🔥", 'q"\\', "\u0000\u001f\n\t\u2028\u007f", "longer text"];

/** A random valid value for a field of this type, as its wire type carries it. */
function randomValue(scalar: ScalarType, random: () => number): Uint8Array {
  const width = widthOf(scalar);
  if (width > 0) return Uint8Array.from({ length: width }, () => Math.floor(random() * 256));
  if (scalar === ScalarType.STRING) {
    return new TextEncoder().encode(TEXTS[Math.floor(random() * TEXTS.length)]);
  }
  if (scalar === ScalarType.BYTES) {
    // Any length: an id's length is checked only on the value that counts, the last.
    return Uint8Array.from({ length: Math.floor(random() * 20) }, () => random() * 256);
  }
  const length = 1 + Math.floor(random() * 10);
  const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256) | 0x80);
  bytes[length - 1] &= random() < 0.5 ? 0x01 : 0x7f;
  return bytes;
}

function zeroValue(scalar: ScalarType): Uint8Array {
  const width = widthOf(scalar);
  if (scalar === ScalarType.STRING || scalar === ScalarType.BYTES) return new Uint8Array(0);
  return new Uint8Array(width > 0 ? width : 1);
}

function wireTypeOf(scalar: ScalarType): number {
  const width = widthOf(scalar);
  if (width === 8) return 1;
  if (width === 4) return 5;
  return scalar === ScalarType.STRING || scalar === ScalarType.BYTES ? 2 : 0;
}

function unknownEntry(random: () => number, depth: number): Entry {
  const no = 1000 + Math.floor(random() * 1000);
  const kind = Math.floor(random() * (depth < 2 ? 5 : 4));
  if (kind === 0) return { no, wireType: 0, payload: randomValue(ScalarType.UINT64, random) };
  if (kind === 1) return { no, wireType: 1, payload: randomValue(ScalarType.FIXED64, random) };
  if (kind === 2) return { no, wireType: 5, payload: randomValue(ScalarType.FIXED32, random) };
  if (kind === 3) return { no, wireType: 2, payload: randomValue(ScalarType.BYTES, random) };
  // A group: its fields, then the end tag of the same number.
  const inner: number[] = [];
  serialize([unknownEntry(random, depth + 1), unknownEntry(random, depth + 1)], inner);
  inner.push(...varint(no * 8 + 4));
  return { no, wireType: 3, payload: Uint8Array.from(inner) };
}

/** The elements of a packed payload, each as the payload of an unpacked entry. */
function unpack(scalar: ScalarType, payload: Uint8Array): Uint8Array[] {
  const width = widthOf(scalar);
  const out: Uint8Array[] = [];
  const at = { pos: 0 };
  while (at.pos < payload.length) {
    const start = at.pos;
    if (width > 0) at.pos += width;
    else readVarint(payload, at);
    out.push(payload.subarray(start, at.pos));
  }
  return out;
}

/** Reorders entries at random, keeping the order of the entries of each field number. */
function interleave(entries: Entry[], random: () => number): Entry[] {
  const queues = new Map<number, Entry[]>();
  for (const entry of entries) {
    const queue = queues.get(entry.no);
    if (queue === undefined) queues.set(entry.no, [entry]);
    else queue.push(entry);
  }
  const out: Entry[] = [];
  const open = [...queues.values()];
  while (open.length > 0) {
    const i = Math.floor(random() * open.length);
    out.push(open[i].shift()!);
    if (open[i].length === 0) open.splice(i, 1);
  }
  return out;
}

function mutate(desc: DescMessage, entries: Entry[], random: () => number, rate: number): Entry[] {
  let out: Entry[] = [];
  for (const entry of entries) {
    const field = fieldOf(desc, entry.no);
    const child = messageOf(field);
    if (entry.children !== undefined && child !== undefined) {
      entry.children = mutate(child, entry.children, random, rate);
    }
    const scalar = field && scalarOf(field);
    if (field?.fieldKind === "message" && entry.children !== undefined && random() < rate) {
      // One message value sent as two occurrences, which decoding merges back.
      const cut = Math.floor(random() * (entry.children.length + 1));
      out.push({ ...entry, children: entry.children.slice(0, cut) });
      out.push({ ...entry, children: entry.children.slice(cut) });
      continue;
    }
    if (field?.fieldKind === "list" && scalar !== undefined && entry.wireType === 2) {
      if (wireTypeOf(scalar) !== 2 && random() < rate) {
        for (const payload of unpack(scalar, entry.payload)) {
          out.push({ no: entry.no, wireType: wireTypeOf(scalar), payload });
        }
        continue;
      }
    }
    if (field?.oneof !== undefined && random() < rate) {
      // Another member of the oneof sent first, which this one replaces (and, before it, this
      // member once more, which the other one replaced in turn: nothing of it is kept).
      if (random() < 0.5) out.push({ ...entry });
      const others = field.oneof.fields.filter((other) => other !== field);
      const other = others[Math.floor(random() * others.length)];
      const otherScalar = scalarOf(other);
      out.push(
        otherScalar === undefined
          ? { no: other.number, wireType: 2, payload: new Uint8Array(0), children: [] }
          : {
            no: other.number,
            wireType: wireTypeOf(otherScalar),
            payload: randomValue(otherScalar, random),
          },
      );
    } else if (
      (field?.fieldKind === "scalar" || field?.fieldKind === "enum") && scalar !== undefined &&
      random() < rate
    ) {
      // An earlier value of the same field, which the one after it replaces.
      out.push({ no: entry.no, wireType: entry.wireType, payload: randomValue(scalar, random) });
    }
    out.push(entry);
  }
  for (const field of desc.fields) {
    const scalar = scalarOf(field);
    if (scalar === undefined || random() >= rate / 2) continue;
    if (field.fieldKind === "list" && wireTypeOf(scalar) !== 2) {
      // An empty packed run adds no element.
      out.push({ no: field.number, wireType: 2, payload: new Uint8Array(0) });
    } else if (field.fieldKind !== "list" && !out.some((e) => e.no === field.number)) {
      // The zero value sent explicitly, which decodes as if absent (or, for a oneof member or an
      // optional field, as present and zero).
      if (field.oneof !== undefined && out.some((e) => fieldOf(desc, e.no)?.oneof)) continue;
      out.push({ no: field.number, wireType: wireTypeOf(scalar), payload: zeroValue(scalar) });
    }
  }
  if (random() < rate) {
    out.splice(Math.floor(random() * (out.length + 1)), 0, unknownEntry(random, 0));
  }
  if (random() < rate) out = interleave(out, random);
  for (const entry of out) {
    if (random() < rate / 4) entry.longTag = true;
    if (entry.wireType === 2 && random() < rate / 4) entry.longLength = true;
  }
  return out;
}

/**
 * Valid protobuf bytes of `schema` rewritten at random into other valid bytes, changed at about
 * `rate` of the places a change can be made (see the module documentation for the changes). The
 * input must hold no groups.
 *
 * @param schema the message type of `bytes`
 * @param bytes valid protobuf bytes of it
 * @param random a source of numbers in [0, 1), such as `seededRandom` gives
 * @param rate how often to change something, from 0 to 1; default 0.2
 */
export function mutateWire(
  schema: DescMessage,
  bytes: Uint8Array,
  random: () => number,
  rate = 0.2,
): Uint8Array {
  const out: number[] = [];
  serialize(mutate(schema, parse(schema, bytes), random, rate), out);
  return Uint8Array.from(out);
}
