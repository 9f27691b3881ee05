/**
 * Rebuilding profile dictionaries: a `DictionaryBuilder` owns the tables of one output
 * dictionary and de-duplicates entries by value; a `DictionaryRemapper` (`remapper.ts`) translates
 * indices of one source dictionary into a builder, copying only the entries that are actually
 * referenced.
 *
 * Merge uses one builder for all inputs (one shared dictionary, duplicates collapsed); split uses
 * one builder per chunk (each chunk's dictionary holds only what the chunk references).
 *
 * Entries are copied exactly as they were sent, only with their indices translated: every field,
 * every unknown field (a receiver keeps them, so merging must not drop them), and ids as they are
 * (an empty link id stays empty, an all-zero one stays all-zero). Entries are shared only when
 * they are equal in all of that, so two inputs never lose a difference by being merged.
 *
 * @module
 */

import { create, type UnknownField } from "@bufbuild/protobuf";
import type { AnyValue } from "@denocol/pdata/gen/opentelemetry/proto/common/v1/common_pb.js";
import {
  type Function as ProfileFunction,
  FunctionSchema,
  type KeyValueAndUnit,
  KeyValueAndUnitSchema,
  type Line,
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
} from "./gen/opentelemetry/proto/profiles/v1development/profiles_pb.ts";

/**
 * One de-duplicated table: entries in order, and the index of each entry's identity key. Index 0
 * holds a placeholder zero value until a source's own entry 0 claims it, so that entry 0 of the
 * output is an entry 0 of an input, exactly as it was sent.
 */
class Table<T> {
  readonly entries: T[];
  readonly #indexOfKey = new Map<string, number>();
  #zeroKey: string | undefined;

  constructor(placeholder: T) {
    this.entries = [placeholder];
  }

  /** Whether an input's entry 0 is at index 0 yet. */
  get zeroClaimed(): boolean {
    return this.#zeroKey !== undefined;
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

  /**
   * Index of an input's entry 0: index 0 when it is the first one or equal to it, otherwise
   * wherever an equal entry is (an entry 0 that differs keeps its own content, at another index).
   */
  internZero(key: string, make: () => T): number {
    if (this.#zeroKey === undefined) {
      this.#zeroKey = key;
      this.entries[0] = make();
      if (!this.#indexOfKey.has(key)) this.#indexOfKey.set(key, 0);
      return 0;
    }
    return key === this.#zeroKey ? 0 : this.intern(key, make);
  }
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

/** The identity of a message's unknown fields: empty when it has none. */
function unknownKey(unknown: readonly UnknownField[] | undefined): string {
  if (unknown === undefined || unknown.length === 0) return "";
  let key = "";
  for (const field of unknown) key += `~${field.no}.${field.wireType}.${hex(field.data)}`;
  return key;
}

/** Copies `from`'s unknown fields (bytes too, so that nothing is shared) onto `to`. */
export function copyUnknown<T extends { $unknown?: UnknownField[] }>(from: T, to: T): T {
  const unknown = from.$unknown;
  if (unknown !== undefined && unknown.length > 0) {
    to.$unknown = unknown.map((field) => ({
      no: field.no,
      wireType: field.wireType,
      data: field.data.slice(),
    }));
  }
  return to;
}

/**
 * Identity key of an AnyValue whose string indices already point into the target string table:
 * equal keys mean equal values that encode to the same bytes (unknown fields included).
 */
export function anyValueKey(value: AnyValue | undefined): string {
  if (value === undefined) return "_";
  const v = value.value;
  let key: string;
  switch (v.case) {
    case undefined:
      key = "e";
      break;
    case "stringValue":
      key = `s${JSON.stringify(v.value)}`;
      break;
    case "boolValue":
      key = v.value ? "b1" : "b0";
      break;
    case "intValue":
      key = `i${v.value}`;
      break;
    case "doubleValue":
      // -0 and 0 are different values on the wire; String() would print both as "0".
      key = Object.is(v.value, -0) ? "d-0" : `d${v.value}`;
      break;
    case "bytesValue":
      key = `x${hex(v.value)}`;
      break;
    case "stringValueStrindex":
      key = `r${v.value}`;
      break;
    case "arrayValue":
      key = `a[${v.value.values.map(anyValueKey).join(",")}]${unknownKey(v.value.$unknown)}`;
      break;
    case "kvlistValue":
      key = `k{${
        v.value.values.map((kv) =>
          `${JSON.stringify(kv.key)}#${kv.keyStrindex}=${anyValueKey(kv.value)}${
            unknownKey(kv.$unknown)
          }`
        ).join(",")
      }}${unknownKey(v.value.$unknown)}`;
      break;
  }
  return key + unknownKey(value.$unknown);
}

/**
 * The tables of one output dictionary. Every `add*` method takes an entry whose references
 * already point into this builder's tables, and returns the index of an entry equal to it in
 * every field and unknown field, adding a copy only when none exists. `zero` says the entry is
 * an input's entry 0, which goes to index 0 when it can.
 */
export class DictionaryBuilder {
  readonly strings: Table<string> = new Table("");
  readonly functions: Table<ProfileFunction> = new Table(create(FunctionSchema));
  readonly mappings: Table<Mapping> = new Table(create(MappingSchema));
  readonly locations: Table<Location> = new Table(create(LocationSchema));
  readonly stacks: Table<Stack> = new Table(create(StackSchema));
  readonly links: Table<Link> = new Table(create(LinkSchema));
  readonly attributes: Table<KeyValueAndUnit> = new Table(create(KeyValueAndUnitSchema));

  /** Index of `text` in the string table. */
  addString(text: string, zero: boolean): number {
    return zero ? this.strings.internZero(text, () => text) : this.strings.intern(text, () => text);
  }

  /** Index of a copy of `source` with these (target) string indices. */
  addFunction(
    source: ProfileFunction,
    nameStrindex: number,
    systemNameStrindex: number,
    filenameStrindex: number,
    zero: boolean,
  ): number {
    const key = `${nameStrindex},${systemNameStrindex},${filenameStrindex},${source.startLine}${
      unknownKey(source.$unknown)
    }`;
    const make = () =>
      copyUnknown(
        source,
        create(FunctionSchema, {
          nameStrindex,
          systemNameStrindex,
          filenameStrindex,
          startLine: source.startLine,
        }),
      );
    return zero ? this.functions.internZero(key, make) : this.functions.intern(key, make);
  }

  /** Index of a copy of `source` with these (target) file name and attribute indices. */
  addMapping(
    source: Mapping,
    filenameStrindex: number,
    attributeIndices: number[],
    zero: boolean,
  ): number {
    const key =
      `${source.memoryStart},${source.memoryLimit},${source.fileOffset},${filenameStrindex}|${
        attributeIndices.join(",")
      }${unknownKey(source.$unknown)}`;
    const make = () =>
      copyUnknown(
        source,
        create(MappingSchema, {
          memoryStart: source.memoryStart,
          memoryLimit: source.memoryLimit,
          fileOffset: source.fileOffset,
          filenameStrindex,
          attributeIndices,
        }),
      );
    return zero ? this.mappings.internZero(key, make) : this.mappings.intern(key, make);
  }

  /** Index of a copy of `source` with this (target) mapping, lines and attributes. */
  addLocation(
    source: Location,
    mappingIndex: number,
    lines: Line[],
    attributeIndices: number[],
    zero: boolean,
  ): number {
    let linesKey = "";
    for (const line of lines) {
      linesKey += `${line.functionIndex}:${line.line}:${line.column}${unknownKey(line.$unknown)};`;
    }
    const key = `${mappingIndex},${source.address}|${linesKey}|${attributeIndices.join(",")}${
      unknownKey(source.$unknown)
    }`;
    const make = () =>
      copyUnknown(
        source,
        create(LocationSchema, { mappingIndex, address: source.address, lines, attributeIndices }),
      );
    return zero ? this.locations.internZero(key, make) : this.locations.intern(key, make);
  }

  /** Index of a copy of `source` with these (target) location indices. */
  addStack(source: Stack, locationIndices: number[], zero: boolean): number {
    const key = locationIndices.join(",") + unknownKey(source.$unknown);
    const make = () => copyUnknown(source, create(StackSchema, { locationIndices }));
    return zero ? this.stacks.internZero(key, make) : this.stacks.intern(key, make);
  }

  /** Index of a copy of `source`; ids are kept as sent (empty and all-zero ids differ). */
  addLink(source: Link, zero: boolean): number {
    const key = `${hex(source.traceId)}/${hex(source.spanId)}${unknownKey(source.$unknown)}`;
    const make = () =>
      copyUnknown(
        source,
        create(LinkSchema, { traceId: source.traceId.slice(), spanId: source.spanId.slice() }),
      );
    return zero ? this.links.internZero(key, make) : this.links.intern(key, make);
  }

  /** Index of a copy of `source` with these (target) key, value and unit. */
  addAttribute(
    source: KeyValueAndUnit,
    keyStrindex: number,
    value: AnyValue | undefined,
    unitStrindex: number,
    zero: boolean,
  ): number {
    const key = `${keyStrindex},${unitStrindex}|${anyValueKey(value)}${
      unknownKey(source.$unknown)
    }`;
    const make = () =>
      copyUnknown(source, create(KeyValueAndUnitSchema, { keyStrindex, value, unitStrindex }));
    return zero ? this.attributes.internZero(key, make) : this.attributes.intern(key, make);
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
