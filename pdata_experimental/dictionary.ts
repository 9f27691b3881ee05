/**
 * Rebuilding profile dictionaries: a `DictionaryBuilder` owns the tables of one output
 * dictionary and de-duplicates entries by value; a `DictionaryRemapper` translates indices of one
 * source dictionary into a builder, copying only the entries that are actually referenced.
 *
 * Merge uses one builder for all inputs (one shared dictionary, duplicates collapsed); split uses
 * one builder per chunk (each chunk's dictionary holds only what the chunk references).
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import {
  type AnyValue,
  AnyValueSchema,
  ArrayValueSchema,
  type KeyValue,
  KeyValueListSchema,
  KeyValueSchema,
} from "@denocol/pdata/gen/opentelemetry/proto/common/v1/common_pb.js";
import {
  type Function as ProfileFunction,
  FunctionSchema,
  KeyValueAndUnitSchema,
  type Line,
  LineSchema,
  type Link,
  LinkSchema,
  type Location,
  LocationSchema,
  type Mapping,
  MappingSchema,
  type ProfilesDictionary,
  ProfilesDictionarySchema,
  type Stack,
  StackSchema,
  type ValueType,
  ValueTypeSchema,
} from "./gen/opentelemetry/proto/profiles/v1development/profiles_pb.ts";
import type { KeyValueAndUnit } from "./gen/opentelemetry/proto/profiles/v1development/profiles_pb.ts";

/**
 * One de-duplicated table: entries in order, and the index of each entry's identity key.
 * Entry 0 is the table's zero value, put there when the table is created.
 */
class Table<T> {
  readonly entries: T[] = [];
  readonly #indexOfKey = new Map<string, number>();

  constructor(zero: T, zeroKey: string) {
    this.entries.push(zero);
    this.#indexOfKey.set(zeroKey, 0);
  }

  /** Index of the entry with `key`, adding `make()` when no equal entry exists yet. */
  intern(key: string, make: () => T): number {
    const existing = this.#indexOfKey.get(key);
    if (existing !== undefined) return existing;
    const index = this.entries.length;
    this.entries.push(make());
    this.#indexOfKey.set(key, index);
    return index;
  }
}

/** Length of an all-zero trace id, the form the specification recommends for `linkTable[0]`. */
const ZERO_TRACE_ID_LENGTH = 16;
/** Length of an all-zero span id, the form the specification recommends for `linkTable[0]`. */
const ZERO_SPAN_ID_LENGTH = 8;

/** Identity key of a link; every all-zero link (empty or zero-filled ids) is the zero value. */
function linkKey(traceId: Uint8Array, spanId: Uint8Array): string {
  if (isAllZero(traceId) && isAllZero(spanId)) return "";
  return `${hex(traceId)}/${hex(spanId)}`;
}

function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

const HEX_DIGITS: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => i.toString(16).padStart(2, "0"),
);

function hex(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += HEX_DIGITS[bytes[i]];
  return text;
}

/**
 * Identity key of an AnyValue whose string indices already point into the target string table,
 * so that equal keys mean equal values in the output.
 */
export function anyValueKey(value: AnyValue | undefined): string {
  if (value === undefined) return "_";
  const v = value.value;
  switch (v.case) {
    case undefined:
      return "_";
    case "stringValue":
      return `s${JSON.stringify(v.value)}`;
    case "boolValue":
      return v.value ? "b1" : "b0";
    case "intValue":
      return `i${v.value}`;
    case "doubleValue":
      // -0 and 0 are different values on the wire; String() would print both as "0".
      return Object.is(v.value, -0) ? "d-0" : `d${v.value}`;
    case "bytesValue":
      return `x${hex(v.value)}`;
    case "stringValueStrindex":
      return `r${v.value}`;
    case "arrayValue":
      return `a[${v.value.values.map(anyValueKey).join(",")}]`;
    case "kvlistValue":
      return `k{${
        v.value.values.map((kv) =>
          `${JSON.stringify(kv.key)}#${kv.keyStrindex}=${anyValueKey(kv.value)}`
        ).join(",")
      }}`;
  }
}

/**
 * The tables of one output dictionary. Every `add*` method takes an entry whose references
 * already point into this builder's tables, and returns the index of an equal entry, adding one
 * only when none exists.
 */
export class DictionaryBuilder {
  readonly strings: Table<string> = new Table("", "");
  readonly functions: Table<ProfileFunction> = new Table(create(FunctionSchema), "0,0,0,0");
  readonly mappings: Table<Mapping> = new Table(create(MappingSchema), "0,0,0,0|");
  readonly locations: Table<Location> = new Table(create(LocationSchema), "0,0||");
  readonly stacks: Table<Stack> = new Table(create(StackSchema), "");
  readonly links: Table<Link> = new Table(
    create(LinkSchema, {
      traceId: new Uint8Array(ZERO_TRACE_ID_LENGTH),
      spanId: new Uint8Array(ZERO_SPAN_ID_LENGTH),
    }),
    "",
  );
  readonly attributes: Table<KeyValueAndUnit> = new Table(create(KeyValueAndUnitSchema), "0,0|_");

  /** Index of `text` in the string table. */
  addString(text: string): number {
    return this.strings.intern(text, () => text);
  }

  /** Index of a function with these (target) string indices. */
  addFunction(
    nameStrindex: number,
    systemNameStrindex: number,
    filenameStrindex: number,
    startLine: bigint,
  ): number {
    return this.functions.intern(
      `${nameStrindex},${systemNameStrindex},${filenameStrindex},${startLine}`,
      () =>
        create(FunctionSchema, { nameStrindex, systemNameStrindex, filenameStrindex, startLine }),
    );
  }

  /** Index of a mapping; `attributeIndices` point into this builder's attribute table. */
  addMapping(
    memoryStart: bigint,
    memoryLimit: bigint,
    fileOffset: bigint,
    filenameStrindex: number,
    attributeIndices: number[],
  ): number {
    return this.mappings.intern(
      `${memoryStart},${memoryLimit},${fileOffset},${filenameStrindex}|${
        attributeIndices.join(",")
      }`,
      () =>
        create(MappingSchema, {
          memoryStart,
          memoryLimit,
          fileOffset,
          filenameStrindex,
          attributeIndices,
        }),
    );
  }

  /** Index of a location; its mapping, line functions and attributes point into this builder. */
  addLocation(
    mappingIndex: number,
    address: bigint,
    lines: Line[],
    attributeIndices: number[],
  ): number {
    let linesKey = "";
    for (const line of lines) linesKey += `${line.functionIndex}:${line.line}:${line.column};`;
    return this.locations.intern(
      `${mappingIndex},${address}|${linesKey}|${attributeIndices.join(",")}`,
      () => create(LocationSchema, { mappingIndex, address, lines, attributeIndices }),
    );
  }

  /** Index of a stack of (target) location indices. */
  addStack(locationIndices: number[]): number {
    return this.stacks.intern(
      locationIndices.join(","),
      () => create(StackSchema, { locationIndices }),
    );
  }

  /** Index of a link; all-zero links are the zero value at index 0. */
  addLink(traceId: Uint8Array, spanId: Uint8Array): number {
    return this.links.intern(
      linkKey(traceId, spanId),
      () => create(LinkSchema, { traceId: traceId.slice(), spanId: spanId.slice() }),
    );
  }

  /** Index of an attribute; `value` must already use this builder's string indices. */
  addAttribute(keyStrindex: number, value: AnyValue | undefined, unitStrindex: number): number {
    return this.attributes.intern(
      `${keyStrindex},${unitStrindex}|${anyValueKey(value)}`,
      () => create(KeyValueAndUnitSchema, { keyStrindex, value, unitStrindex }),
    );
  }

  /** The dictionary built so far. The builder must not be used after this call. */
  build(): ProfilesDictionary {
    return create(ProfilesDictionarySchema, {
      mappingTable: this.mappings.entries,
      locationTable: this.locations.entries,
      functionTable: this.functions.entries,
      linkTable: this.links.entries,
      stringTable: this.strings.entries,
      attributeTable: this.attributes.entries,
      stackTable: this.stacks.entries,
    });
  }
}

/**
 * Thrown by a remapper for an index outside its source table; callers turn it into a precise
 * `ProfileReferenceError` by validating the input, which knows the path of the reference.
 */
export class SourceIndexOutOfRange extends Error {
  constructor() {
    super("profiles: an index is outside its dictionary table");
  }
}

/** Per-table memo: target index of each source index, -1 until it is first translated. */
function memo(length: number): Int32Array {
  return new Int32Array(length).fill(-1);
}

/**
 * Translates indices of one source dictionary into a `DictionaryBuilder`, copying each
 * referenced source entry (and what it references) the first time it is seen.
 */
export class DictionaryRemapper {
  readonly #source: ProfilesDictionary | undefined;
  readonly #target: DictionaryBuilder;
  readonly #strings: Int32Array;
  readonly #functions: Int32Array;
  readonly #mappings: Int32Array;
  readonly #locations: Int32Array;
  readonly #stacks: Int32Array;
  readonly #links: Int32Array;
  readonly #attributes: Int32Array;

  constructor(source: ProfilesDictionary | undefined, target: DictionaryBuilder) {
    this.#source = source;
    this.#target = target;
    this.#strings = memo(source?.stringTable.length ?? 0);
    this.#functions = memo(source?.functionTable.length ?? 0);
    this.#mappings = memo(source?.mappingTable.length ?? 0);
    this.#locations = memo(source?.locationTable.length ?? 0);
    this.#stacks = memo(source?.stackTable.length ?? 0);
    this.#links = memo(source?.linkTable.length ?? 0);
    this.#attributes = memo(source?.attributeTable.length ?? 0);
  }

  /** Target index of source string `index`. */
  string(index: number): number {
    const known = this.#lookup(this.#strings, index);
    if (known >= 0) return known;
    return (this.#strings[index] = this.#target.addString(this.#source!.stringTable[index]));
  }

  /** Target index of source function `index`. */
  function(index: number): number {
    const known = this.#lookup(this.#functions, index);
    if (known >= 0) return known;
    const fn = this.#source!.functionTable[index];
    return (this.#functions[index] = this.#target.addFunction(
      this.string(fn.nameStrindex),
      this.string(fn.systemNameStrindex),
      this.string(fn.filenameStrindex),
      fn.startLine,
    ));
  }

  /** Target index of source mapping `index`. */
  mapping(index: number): number {
    const known = this.#lookup(this.#mappings, index);
    if (known >= 0) return known;
    const m = this.#source!.mappingTable[index];
    return (this.#mappings[index] = this.#target.addMapping(
      m.memoryStart,
      m.memoryLimit,
      m.fileOffset,
      this.string(m.filenameStrindex),
      this.attributeIndices(m.attributeIndices),
    ));
  }

  /** Target index of source location `index`. */
  location(index: number): number {
    const known = this.#lookup(this.#locations, index);
    if (known >= 0) return known;
    const location = this.#source!.locationTable[index];
    const lines = location.lines.map((line) =>
      create(LineSchema, {
        functionIndex: this.function(line.functionIndex),
        line: line.line,
        column: line.column,
      })
    );
    return (this.#locations[index] = this.#target.addLocation(
      this.mapping(location.mappingIndex),
      location.address,
      lines,
      this.attributeIndices(location.attributeIndices),
    ));
  }

  /** Target index of source stack `index`. */
  stack(index: number): number {
    const known = this.#lookup(this.#stacks, index);
    if (known >= 0) return known;
    const source = this.#source!.stackTable[index].locationIndices;
    const locationIndices = new Array<number>(source.length);
    for (let i = 0; i < source.length; i++) locationIndices[i] = this.location(source[i]);
    return (this.#stacks[index] = this.#target.addStack(locationIndices));
  }

  /** Target index of source link `index`. */
  link(index: number): number {
    const known = this.#lookup(this.#links, index);
    if (known >= 0) return known;
    const link = this.#source!.linkTable[index];
    return (this.#links[index] = this.#target.addLink(link.traceId, link.spanId));
  }

  /** Target index of source attribute `index`. */
  attribute(index: number): number {
    const known = this.#lookup(this.#attributes, index);
    if (known >= 0) return known;
    const attribute = this.#source!.attributeTable[index];
    return (this.#attributes[index] = this.#target.addAttribute(
      this.string(attribute.keyStrindex),
      attribute.value === undefined ? undefined : this.anyValue(attribute.value),
      this.string(attribute.unitStrindex),
    ));
  }

  /** Target indices of a list of source attribute indices (a new array). */
  attributeIndices(indices: readonly number[]): number[] {
    const out = new Array<number>(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = this.attribute(indices[i]);
    return out;
  }

  /** A copy of `valueType` with target string indices. */
  valueType(valueType: ValueType | undefined): ValueType | undefined {
    if (valueType === undefined) return undefined;
    return create(ValueTypeSchema, {
      typeStrindex: this.string(valueType.typeStrindex),
      unitStrindex: this.string(valueType.unitStrindex),
    });
  }

  /** A deep copy of `value` whose string indices point into the target string table. */
  anyValue(value: AnyValue): AnyValue {
    const v = value.value;
    switch (v.case) {
      case "stringValueStrindex":
        return create(AnyValueSchema, {
          value: { case: "stringValueStrindex", value: this.string(v.value) },
        });
      case "arrayValue":
        return create(AnyValueSchema, {
          value: {
            case: "arrayValue",
            value: create(ArrayValueSchema, {
              values: v.value.values.map((item) => this.anyValue(item)),
            }),
          },
        });
      case "kvlistValue":
        return create(AnyValueSchema, {
          value: {
            case: "kvlistValue",
            value: create(KeyValueListSchema, { values: this.keyValues(v.value.values) }),
          },
        });
      case "bytesValue":
        return create(AnyValueSchema, { value: { case: "bytesValue", value: v.value.slice() } });
      default:
        return create(AnyValueSchema, { value: { ...v } });
    }
  }

  /** Deep copies of `keyValues` whose `keyStrindex` and nested string indices are translated. */
  keyValues(keyValues: readonly KeyValue[]): KeyValue[] {
    return keyValues.map((kv) =>
      create(KeyValueSchema, {
        key: kv.key,
        // key_strindex 0 is "no index" (the key is in `key`): keep it 0 rather than intern "".
        keyStrindex: kv.keyStrindex === 0 ? 0 : this.string(kv.keyStrindex),
        value: kv.value === undefined ? undefined : this.anyValue(kv.value),
      })
    );
  }

  /** The memoized target index, or -1 when it must be computed; throws for a bad index. */
  #lookup(table: Int32Array, index: number): number {
    if (index >= 0 && index < table.length) return table[index];
    // Index 0 of a missing or empty table is the zero value, which is index 0 of the target.
    if (index === 0) return 0;
    throw new SourceIndexOutOfRange();
  }
}
