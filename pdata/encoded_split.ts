// Splitting data that still has its encoded form, on its bytes: resource and scope groups are
// copied field by field into every chunk that holds some of their items, items are copied whole,
// and only an item larger than the room left (a metric with many data points) is rebuilt around
// the slice of its points. The chunks are what `splitNested` makes of the decoded data, encoded:
// the same groups, items and fields, though a group's own fields may come before its children
// rather than in field-number order, which decoding does not see.

import { WireReader } from "./wire/reader.ts";
import { skipField } from "./wire/unknown.ts";
import { varintSize } from "./wire/writer.ts";
import { countNested, type NestedLayout, splitNested } from "./nested.ts";

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

/** An item as found on the wire: its whole field, its value, and the counted items it holds. */
interface ItemView {
  readonly field: Uint8Array;
  readonly value: Uint8Array;
  readonly size: number;
}

/** A scope group: its own fields (scope, schema URL, unknown) as they are, and its items. */
interface ScopeView {
  readonly header: Uint8Array[];
  readonly items: ItemView[];
}

/** A resource group: its own fields as they are, and its scope groups. */
interface ResourceView {
  readonly header: Uint8Array[];
  readonly scopes: ScopeView[];
}

/** A chunk: its encoded bytes and the counted items it holds. */
export interface EncodedChunk {
  /** The encoded `*Data` message. */
  readonly bytes: Uint8Array;
  /** Counted items in it. */
  readonly items: number;
}

/** The levels of the encoded data as `splitNested` walks them, over the fields' bytes. */
function viewLayout(
  layout: WireLayout,
): NestedLayout<ResourceView[], ResourceView, ScopeView, ItemView> {
  return {
    resources: (data) => data,
    scopes: (resource) => resource.scopes,
    items: (scope) => scope.items,
    newData: (resources) => resources,
    copyResource: (resource) => ({ header: resource.header, scopes: [] }),
    copyScope: (scope) => ({ header: scope.header, items: [] }),
    itemSize: (item) => item.size,
    sliceItem: (item, start, end) => {
      const value = layout.sliceItem!(item.value, start, end);
      return { field: lengthDelimited(layout.itemField, [value]), value, size: end - start };
    },
  };
}

/** The resource groups of encoded data; fields of the data itself are not kept. */
function viewOf(layout: WireLayout, bytes: Uint8Array): ResourceView[] {
  const resources: ResourceView[] = [];
  for (const resourceField of fieldsOf(bytes)) {
    // A decoded split does not carry the data's other fields either.
    if (resourceField.field !== layout.resourceField || resourceField.wireType !== 2) continue;
    const resource = bytes.subarray(resourceField.valueStart, resourceField.end);
    const view: ResourceView = { header: [], scopes: [] };
    for (const field of fieldsOf(resource)) {
      if (field.field !== layout.scopeField) {
        view.header.push(resource.subarray(field.start, field.end));
        continue;
      }
      const scope = resource.subarray(field.valueStart, field.end);
      const scopeView: ScopeView = { header: [], items: [] };
      for (const inner of fieldsOf(scope)) {
        const whole = scope.subarray(inner.start, inner.end);
        if (inner.field !== layout.itemField) {
          scopeView.header.push(whole);
          continue;
        }
        const value = scope.subarray(inner.valueStart, inner.end);
        scopeView.items.push({ field: whole, value, size: layout.itemSize?.(value) ?? 1 });
      }
      view.scopes.push(scopeView);
    }
    resources.push(view);
  }
  return resources;
}

function encodeView(layout: WireLayout, resources: readonly ResourceView[]): Uint8Array {
  return concatBytes(resources.map((resource) =>
    lengthDelimited(layout.resourceField, [
      ...resource.header,
      ...resource.scopes.map((scope) =>
        lengthDelimited(layout.scopeField, [
          ...scope.header,
          ...scope.items.map((item) => item.field),
        ])
      ),
    ])
  ));
}

/**
 * Splits encoded `*Data` bytes into chunks of at most `maxItems` counted items: `splitNested`
 * over the fields' bytes, so the chunks hold what it makes of the decoded data. Throws
 * {@link WireSplitUnsupported} when the layout meets bytes it does not cut itself.
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
  const views = viewLayout(layout);
  return splitNested(views, viewOf(layout, bytes), maxItems).map((chunk) => ({
    bytes: encodeView(layout, chunk),
    items: countNested(views, chunk),
  }));
}
