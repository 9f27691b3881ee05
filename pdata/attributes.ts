// The data API over attribute lists: the generated messages keep attributes as `KeyValue[]` and
// values as a `oneof`, which is exact but tedious to write against. These views read and write
// the messages in place (nothing is copied), in the spirit of Go's `pcommon.Map` and
// `pcommon.Slice`, and convert values to and from plain JavaScript values.

import { create } from "@bufbuild/protobuf";
import {
  type AnyValue,
  AnyValueSchema,
  ArrayValueSchema,
  type KeyValue,
  KeyValueListSchema,
  KeyValueSchema,
} from "./gen/opentelemetry/proto/common/v1/common_pb.ts";
import { bytesToHex, hexToBytes } from "./json_plan.ts";

/**
 * A value read from an attribute: `string`, `boolean`, `bigint` (an OTLP `int`, exact over 64
 * bits), `number` (an OTLP `double`), `Uint8Array` (bytes), an {@link AttributeList} or an
 * {@link AttributeMap} (live views of a nested list or map), or `undefined` for an empty value.
 */
export type AttributeValue =
  | string
  | boolean
  | bigint
  | number
  | Uint8Array
  | AttributeList
  | AttributeMap
  | undefined;

/**
 * A plain JavaScript value that can be written into an attribute: as {@link AttributeValue},
 * plus arrays and plain objects (written as a list and a map), and `null` (an empty value).
 * A `number` is written as a `double`; write a `bigint` (or use `putInt`) for an `int`.
 */
export type PlainValue =
  | string
  | boolean
  | bigint
  | number
  | Uint8Array
  | null
  | undefined
  | AttributeList
  | AttributeMap
  | readonly PlainValue[]
  | { readonly [key: string]: PlainValue };

/** The type of an OTLP value, as `pcommon.ValueType` names it. */
export type ValueType = "Empty" | "Str" | "Bool" | "Int" | "Double" | "Bytes" | "Slice" | "Map";

/** The type of `value` (an `AnyValue` or none), as `pcommon.Value.Type()` names it. */
export function valueType(value: AnyValue | undefined): ValueType {
  switch (value?.value.case) {
    case "stringValue":
    case "stringValueStrindex":
      return "Str";
    case "boolValue":
      return "Bool";
    case "intValue":
      return "Int";
    case "doubleValue":
      return "Double";
    case "bytesValue":
      return "Bytes";
    case "arrayValue":
      return "Slice";
    case "kvlistValue":
      return "Map";
    default:
      return "Empty";
  }
}

/**
 * What `value` holds, as an {@link AttributeValue}: primitives as they are, a nested list or map
 * as a live view that writes into `value`.
 */
export function readValue(value: AnyValue | undefined): AttributeValue {
  const v = value?.value;
  switch (v?.case) {
    case "stringValue":
    case "boolValue":
    case "intValue":
    case "doubleValue":
    case "bytesValue":
      return v.value;
    case "arrayValue":
      return new AttributeList(v.value.values);
    case "kvlistValue":
      return new AttributeMap(v.value.values);
    default:
      return undefined;
  }
}

/** A new `AnyValue` holding `value` (nested lists and maps are copied). */
export function toAnyValue(value: PlainValue): AnyValue {
  const result = create(AnyValueSchema);
  writeValue(result, value);
  return result;
}

/**
 * Replaces what `target` holds by `value` (nested lists and maps are copied, so that a map can
 * be written into itself).
 */
export function writeValue(target: AnyValue, value: PlainValue): void {
  if (value === null || value === undefined) {
    target.value = { case: undefined };
  } else if (typeof value === "string") {
    target.value = { case: "stringValue", value };
  } else if (typeof value === "boolean") {
    target.value = { case: "boolValue", value };
  } else if (typeof value === "bigint") {
    target.value = { case: "intValue", value: BigInt.asIntN(64, value) };
  } else if (typeof value === "number") {
    target.value = { case: "doubleValue", value };
  } else if (value instanceof Uint8Array) {
    target.value = { case: "bytesValue", value: value.slice() };
  } else if (value instanceof AttributeList || Array.isArray(value)) {
    const items = value instanceof AttributeList ? value.values : (value as PlainValue[]);
    target.value = {
      case: "arrayValue",
      value: create(ArrayValueSchema, { values: items.map((item) => copyOrConvert(item)) }),
    };
  } else if (value instanceof AttributeMap) {
    target.value = {
      case: "kvlistValue",
      value: create(KeyValueListSchema, { values: value.keyValues.map(copyKeyValue) }),
    };
  } else {
    const values: KeyValue[] = [];
    for (const [key, item] of Object.entries(value as Record<string, PlainValue>)) {
      values.push(create(KeyValueSchema, { key, value: toAnyValue(item) }));
    }
    target.value = { case: "kvlistValue", value: create(KeyValueListSchema, { values }) };
  }
}

function copyOrConvert(item: PlainValue | AnyValue): AnyValue {
  return isAnyValue(item) ? copyAnyValue(item) : toAnyValue(item);
}

function isAnyValue(item: unknown): item is AnyValue {
  return typeof item === "object" && item !== null &&
    (item as { $typeName?: string }).$typeName === AnyValueSchema.typeName;
}

/** A deep copy of `value` that shares nothing with it. */
export function copyAnyValue(value: AnyValue): AnyValue {
  const v = value.value;
  switch (v.case) {
    case "arrayValue":
      return create(AnyValueSchema, {
        value: {
          case: "arrayValue",
          value: create(ArrayValueSchema, { values: v.value.values.map(copyAnyValue) }),
        },
      });
    case "kvlistValue":
      return create(AnyValueSchema, {
        value: {
          case: "kvlistValue",
          value: create(KeyValueListSchema, { values: v.value.values.map(copyKeyValue) }),
        },
      });
    case "bytesValue":
      return create(AnyValueSchema, { value: { case: "bytesValue", value: v.value.slice() } });
    default:
      return create(AnyValueSchema, { value: { ...v } });
  }
}

function copyKeyValue(kv: KeyValue): KeyValue {
  return create(KeyValueSchema, {
    key: kv.key,
    value: kv.value === undefined ? undefined : copyAnyValue(kv.value),
  });
}

/**
 * `value` as plain JavaScript: nested lists as arrays and maps as plain objects (later keys
 * win), primitives as {@link AttributeValue} has them, an empty value as `null`.
 */
export function toPlain(value: AttributeValue): unknown {
  if (value instanceof AttributeMap) return value.toObject();
  if (value instanceof AttributeList) return value.toArray();
  return value === undefined ? null : value;
}

/**
 * A live view of an attribute list (`KeyValue[]`: resource, scope, span, log, data point
 * attributes, a nested map value), keyed by attribute key. Reads and writes go to the array
 * itself, so the message that holds it changes at once.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { AttributeMap, traces } from "@denocol/pdata";
 *
 * const data = traces.decodeJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{
 *   name: "GET /", attributes: [{ key: "http.status_code", value: { intValue: "200" } }],
 * }] }] }] }));
 * const span = data.resourceSpans[0].scopeSpans[0].spans[0];
 * const attributes = new AttributeMap(span.attributes);
 * assert.equal(attributes.get("http.status_code"), 200n); // OTLP ints are bigints
 * attributes.put("user", { id: "u-1", roles: ["admin"] });
 * attributes.remove("http.status_code");
 * assert.deepEqual(attributes.toObject(), { user: { id: "u-1", roles: ["admin"] } });
 * ```
 */
export class AttributeMap {
  /** The attribute list this view reads and writes. */
  readonly keyValues: KeyValue[];

  /** A view of `keyValues` (by default a new, empty list). */
  constructor(keyValues: KeyValue[] = []) {
    this.keyValues = keyValues;
  }

  /** The number of attributes. */
  get size(): number {
    return this.keyValues.length;
  }

  #indexOf(key: string): number {
    const kvs = this.keyValues;
    for (let i = 0; i < kvs.length; i++) if (kvs[i].key === key) return i;
    return -1;
  }

  /** Whether an attribute `key` exists (possibly with an empty value). */
  has(key: string): boolean {
    return this.#indexOf(key) >= 0;
  }

  /** The value of `key`, or `undefined` when there is none or it is empty. */
  get(key: string): AttributeValue {
    const index = this.#indexOf(key);
    return index < 0 ? undefined : readValue(this.keyValues[index].value);
  }

  /** The `AnyValue` message of `key` itself, created empty when `orCreate` is set and it is missing. */
  getAnyValue(key: string, orCreate = false): AnyValue | undefined {
    const index = this.#indexOf(key);
    if (index >= 0) {
      const kv = this.keyValues[index];
      if (kv.value === undefined && orCreate) kv.value = create(AnyValueSchema);
      return kv.value;
    }
    if (!orCreate) return undefined;
    const value = create(AnyValueSchema);
    this.keyValues.push(create(KeyValueSchema, { key, value }));
    return value;
  }

  /** Sets `key` to `value`, replacing its value in place or adding it at the end. */
  put(key: string, value: PlainValue): this {
    writeValue(this.getAnyValue(key, true)!, value);
    return this;
  }

  /** Sets `key` to the OTLP `int` `value` (a `number` is truncated towards zero). */
  putInt(key: string, value: number | bigint): this {
    return this.put(key, typeof value === "bigint" ? value : BigInt(Math.trunc(value)));
  }

  /** Sets `key` to an empty map and returns a view of it. */
  putEmptyMap(key: string): AttributeMap {
    const target = this.getAnyValue(key, true)!;
    const list = create(KeyValueListSchema);
    target.value = { case: "kvlistValue", value: list };
    return new AttributeMap(list.values);
  }

  /** Sets `key` to an empty list and returns a view of it. */
  putEmptyList(key: string): AttributeList {
    const target = this.getAnyValue(key, true)!;
    const list = create(ArrayValueSchema);
    target.value = { case: "arrayValue", value: list };
    return new AttributeList(list.values);
  }

  /** Removes `key`; returns whether it was there. */
  remove(key: string): boolean {
    const index = this.#indexOf(key);
    if (index < 0) return false;
    this.keyValues.splice(index, 1);
    return true;
  }

  /** Removes every attribute for which `predicate` returns true. */
  removeIf(predicate: (key: string, value: AttributeValue) => boolean): void {
    const kvs = this.keyValues;
    let kept = 0;
    for (let i = 0; i < kvs.length; i++) {
      const kv = kvs[i];
      if (!predicate(kv.key, readValue(kv.value))) kvs[kept++] = kv;
    }
    kvs.length = kept;
  }

  /** Removes every attribute. */
  clear(): void {
    this.keyValues.length = 0;
  }

  /** Calls `visit` for each attribute in order, stopping when it returns `false`. */
  range(visit: (key: string, value: AttributeValue) => boolean | void): void {
    for (const kv of this.keyValues) {
      if (visit(kv.key, readValue(kv.value)) === false) return;
    }
  }

  /** The attributes as `[key, value]` pairs, in order. */
  *entries(): IterableIterator<[string, AttributeValue]> {
    for (const kv of this.keyValues) yield [kv.key, readValue(kv.value)];
  }

  /** The keys, in order. */
  keys(): string[] {
    return this.keyValues.map((kv) => kv.key);
  }

  /** The attributes as `[key, value]` pairs, in order. */
  [Symbol.iterator](): IterableIterator<[string, AttributeValue]> {
    return this.entries();
  }

  /** Replaces every attribute by a copy of `source`'s (a view of another list, or plain). */
  replaceWith(source: AttributeMap | { readonly [key: string]: PlainValue }): void {
    const copy = source instanceof AttributeMap
      ? source.keyValues.map(copyKeyValue)
      : Object.entries(source).map(([key, value]) =>
        create(KeyValueSchema, { key, value: toAnyValue(value) })
      );
    this.keyValues.length = 0;
    this.keyValues.push(...copy);
  }

  /** The attributes as a plain object (nested values as plain values too). */
  toObject(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const kv of this.keyValues) result[kv.key] = toPlain(readValue(kv.value));
    return result;
  }
}

/**
 * A live view of a list value (`AnyValue[]`, as `pcommon.Slice`): reads and writes go to the
 * array itself.
 */
export class AttributeList {
  /** The values this view reads and writes. */
  readonly values: AnyValue[];

  /** A view of `values` (by default a new, empty list). */
  constructor(values: AnyValue[] = []) {
    this.values = values;
  }

  /** The number of items. */
  get length(): number {
    return this.values.length;
  }

  /** The item at `index`, or `undefined` when out of range or empty. */
  get(index: number): AttributeValue {
    return readValue(this.values[index]);
  }

  /** Sets the item at `index` (which must exist). */
  set(index: number, value: PlainValue): void {
    if (index < 0 || index >= this.values.length) {
      throw new RangeError(`index ${index} out of range for a list of ${this.values.length}`);
    }
    writeValue(this.values[index], value);
  }

  /** Appends `value`. */
  append(value: PlainValue): this {
    this.values.push(toAnyValue(value));
    return this;
  }

  /** Removes the items from `start` up to, not including, `end`. */
  removeRange(start: number, end = start + 1): void {
    this.values.splice(start, end - start);
  }

  /** The items in order. */
  *[Symbol.iterator](): IterableIterator<AttributeValue> {
    for (const value of this.values) yield readValue(value);
  }

  /** The items as plain values (nested values as plain values too). */
  toArray(): unknown[] {
    return this.values.map((value) => toPlain(readValue(value)));
  }
}

/** The lower-case hex form of an id (trace, span or profile id), `""` for an empty one. */
export function idToHex(id: Uint8Array): string {
  return bytesToHex(id);
}

/**
 * The bytes of a hex id of `length` bytes (16 for a trace or profile id, 8 for a span id).
 *
 * @throws {TypeError} when `hex` is not exactly `2 * length` hex digits.
 */
export function idFromHex(hex: string, length: 8 | 16): Uint8Array {
  const bytes = hex.length === length * 2 ? hexToBytes(hex) : undefined;
  if (bytes === undefined) {
    throw new TypeError(
      `expected ${length * 2} hex digits for a ${length}-byte id, got ${JSON.stringify(hex)}`,
    );
  }
  return bytes;
}
