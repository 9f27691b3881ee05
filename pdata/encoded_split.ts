// Splitting data that still has its encoded form, on its bytes: resource and scope groups are
// copied field by field into every chunk that holds some of their items, items are copied whole,
// and only an item larger than the room left (a metric with many data points) is rebuilt around
// the slice of its points. The chunks are what `splitNested` makes of the decoded data, encoded:
// the same groups, items and fields, though a group's own fields may come before its children
// rather than in field-number order, which decoding does not see.

import { WireReader } from "./wire/reader.ts";
import { skipField } from "./wire/unknown.ts";
import { varintSize } from "./wire/writer.ts";

/**
 * Where the three levels of an OTLP `*Data` message are on the wire: the field numbers of its
 * resource groups, of a resource group's scope groups and of a scope group's items, and for
 * metrics how many counted items an item holds and how to cut it.
 */
export interface WireLayout {
  /** The resource groups' field in the data (1 in every OTLP `*Data` message). */
  readonly resourceField: number;
  /** The scope groups' field in a resource group. */
  readonly scopeField: number;
  /** The items' field in a scope group. */
  readonly itemField: number;
  /** Counted items in an item's encoded value; 1 when absent. */
  itemSize?(item: Uint8Array): number;
  /** The encoded value of an item holding its counted items `[start, end)`. */
  sliceItem?(item: Uint8Array, start: number, end: number): Uint8Array;
}

/** Thrown by a layout for bytes it does not split itself; the caller splits decoded data. */
export class WireSplitUnsupported extends Error {}

/** One field of a message: its tag's start, its value's start, and its end. */
interface FieldSpan {
  readonly field: number;
  readonly wireType: number;
  readonly start: number;
  readonly valueStart: number;
  readonly end: number;
}

/** The fields of an encoded message, in order (the bytes were validated when they arrived). */
export function fieldsOf(bytes: Uint8Array): FieldSpan[] {
  const reader = new WireReader(bytes, 100, false);
  const fields: FieldSpan[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.tag();
    let valueStart = reader.pos;
    if ((tag & 7) === 2) {
      const end = reader.lengthEnd();
      valueStart = reader.pos;
      reader.pos = end;
    } else {
      skipField(reader, tag, 100);
    }
    fields.push({ field: tag >>> 3, wireType: tag & 7, start, valueStart, end: reader.pos });
  }
  return fields;
}

/** The encoding of a length-delimited field holding `parts` one after the other. */
export function lengthDelimited(field: number, parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const tag = (field << 3) | 2;
  const out = new Uint8Array(varintSize(tag) + varintSize(length) + length);
  let at = writeVarint(out, 0, tag);
  at = writeVarint(out, at, length);
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The bytes of `parts` one after the other (the part itself when there is one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

interface ScopeChunk {
  readonly header: Uint8Array[];
  readonly items: Uint8Array[];
}

interface ResourceChunk {
  readonly header: Uint8Array[];
  readonly scopes: ScopeChunk[];
}

/** A chunk: its encoded bytes and the counted items it holds. */
export interface EncodedChunk {
  /** The encoded `*Data` message. */
  readonly bytes: Uint8Array;
  /** Counted items in it. */
  readonly items: number;
}

function encodeChunk(layout: WireLayout, resources: readonly ResourceChunk[]): Uint8Array {
  const groups = resources.map((resource) =>
    lengthDelimited(layout.resourceField, [
      ...resource.header,
      ...resource.scopes.map((scope) =>
        lengthDelimited(layout.scopeField, [...scope.header, ...scope.items])
      ),
    ])
  );
  return concatBytes(groups);
}

/**
 * Splits encoded `*Data` bytes into chunks of at most `maxItems` counted items, as
 * `splitNested` splits the decoded data. Throws {@link WireSplitUnsupported} when the layout
 * meets bytes it does not cut itself.
 *
 * @param layout where the levels are
 * @param bytes the encoded data, validated
 * @param maxItems the largest number of counted items per chunk, at least 1
 */
export function splitEncoded(
  layout: WireLayout,
  bytes: Uint8Array,
  maxItems: number,
): EncodedChunk[] {
  const chunks: EncodedChunk[] = [];
  let resources: ResourceChunk[] = [];
  let count = 0;
  let resourceCopy: ResourceChunk | undefined;
  let scopeCopy: ScopeChunk | undefined;
  const flush = () => {
    chunks.push({ bytes: encodeChunk(layout, resources), items: count });
    resources = [];
    count = 0;
    resourceCopy = undefined;
    scopeCopy = undefined;
  };
  for (const resourceField of fieldsOf(bytes)) {
    // Other fields of the data itself are not carried, as a decoded split does not carry them.
    if (resourceField.field !== layout.resourceField || resourceField.wireType !== 2) continue;
    const resource = bytes.subarray(resourceField.valueStart, resourceField.end);
    const resourceFields = fieldsOf(resource);
    const resourceHeader = resourceFields
      .filter((f) => f.field !== layout.scopeField)
      .map((f) => resource.subarray(f.start, f.end));
    resourceCopy = undefined;
    const ensureResource = (): ResourceChunk => {
      if (resourceCopy === undefined) {
        resourceCopy = { header: resourceHeader, scopes: [] };
        resources.push(resourceCopy);
      }
      return resourceCopy;
    };
    let scopes = 0;
    for (const scopeField of resourceFields) {
      if (scopeField.field !== layout.scopeField) continue;
      scopes++;
      const scope = resource.subarray(scopeField.valueStart, scopeField.end);
      const scopeFields = fieldsOf(scope);
      const scopeHeader = scopeFields
        .filter((f) => f.field !== layout.itemField)
        .map((f) => scope.subarray(f.start, f.end));
      scopeCopy = undefined;
      const ensureScope = (): ScopeChunk => {
        if (scopeCopy === undefined) {
          scopeCopy = { header: scopeHeader, items: [] };
          ensureResource().scopes.push(scopeCopy);
        }
        return scopeCopy;
      };
      let items = 0;
      for (const itemField of scopeFields) {
        if (itemField.field !== layout.itemField) continue;
        items++;
        const whole = scope.subarray(itemField.start, itemField.end);
        const value = scope.subarray(itemField.valueStart, itemField.end);
        const size = layout.itemSize ? layout.itemSize(value) : 1;
        if (size === 0) {
          ensureScope().items.push(whole);
          continue;
        }
        let offset = 0;
        while (offset < size) {
          if (count >= maxItems) flush();
          const take = Math.min(size - offset, maxItems - count);
          const piece = offset === 0 && take === size
            ? whole
            : lengthDelimited(layout.itemField, [layout.sliceItem!(value, offset, offset + take)]);
          ensureScope().items.push(piece);
          count += take;
          offset += take;
        }
      }
      if (items === 0) ensureScope();
    }
    if (scopes === 0) ensureResource();
  }
  if (resources.length > 0 || chunks.length === 0) flush();
  return chunks;
}
