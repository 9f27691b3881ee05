// The data API of profiles: attributes and stacks of profile messages are indices into the
// dictionary's tables, shared by every profile of a request. These helpers read them resolved
// and write them back through the dictionary: a new value becomes a new table entry (or reuses
// an equal one) and the message's index list is changed, so other messages that share an entry
// never see the change. Entry 0 of each table is the zero value: it is never reused for
// anything else, and a table that was empty gets its zero value before its first entry.

import { create } from "@bufbuild/protobuf";
import {
  type AnyValue,
  AttributeMap,
  type AttributeValue,
  KeyValueSchema,
  type PlainValue,
  readValue,
  toAnyValue,
  toPlain,
} from "@denocol/pdata";
import {
  FunctionSchema,
  KeyValueAndUnitSchema,
  LineSchema,
  LocationSchema,
  MappingSchema,
  type ProfilesDictionary,
  type Sample,
  StackSchema,
} from "./gen/opentelemetry/proto/profiles/v1development/profiles_pb.ts";
import { anyValueKey } from "./dictionary.ts";
import { resolveAnyValue, type ResolvedLocation, resolveSample } from "./resolve.ts";

/** A message whose attributes are indices into the dictionary's attribute table. */
export interface AttributeIndexed {
  /** Indices into `ProfilesDictionary.attributeTable`. */
  attributeIndices: number[];
}

/** What the index of one table remembers: where each entry is, and how far it has looked. */
interface TableIndex {
  readonly positions: Map<string, number>;
  scanned: number;
}

/** Lookup indices of one dictionary, built on first use and extended as its tables grow. */
interface DictionaryIndex {
  strings: TableIndex;
  attributes: TableIndex;
  functions: TableIndex;
  locations: TableIndex;
  stacks: TableIndex;
}

const indices = new WeakMap<ProfilesDictionary, DictionaryIndex>();

function newTableIndex(): TableIndex {
  return { positions: new Map(), scanned: 1 };
}

function indexOf(dictionary: ProfilesDictionary): DictionaryIndex {
  let index = indices.get(dictionary);
  if (index === undefined) {
    index = {
      strings: newTableIndex(),
      attributes: newTableIndex(),
      functions: newTableIndex(),
      locations: newTableIndex(),
      stacks: newTableIndex(),
    };
    indices.set(dictionary, index);
  }
  return index;
}

/**
 * The index of the entry of `table` whose key is `key`, adding `make()` when there is none.
 * Entry 0 is the zero value and is never returned for another key.
 */
function intern<T>(
  table: T[],
  tableIndex: TableIndex,
  keyOf: (entry: T) => string,
  key: string,
  make: () => T,
  zero: () => T,
): number {
  if (table.length === 0) table.push(zero());
  // Entries added since the last lookup (by anyone) are indexed before looking.
  for (; tableIndex.scanned < table.length; tableIndex.scanned++) {
    const entryKey = keyOf(table[tableIndex.scanned]);
    if (!tableIndex.positions.has(entryKey)) {
      tableIndex.positions.set(entryKey, tableIndex.scanned);
    }
  }
  const known = tableIndex.positions.get(key);
  // An entry changed in place since it was indexed is not trusted.
  if (known !== undefined && known < table.length && keyOf(table[known]) === key) return known;
  const position = table.length;
  table.push(make());
  tableIndex.positions.set(key, position);
  tableIndex.scanned = table.length;
  return position;
}

/**
 * Writes into a dictionary: each method returns the index of an entry equal to what it is
 * given, adding one only when none exists.
 */
export class DictionaryWriter {
  /** The dictionary written to. */
  readonly dictionary: ProfilesDictionary;
  readonly #index: DictionaryIndex;

  /** A writer of `dictionary`. */
  constructor(dictionary: ProfilesDictionary) {
    this.dictionary = dictionary;
    this.#index = indexOf(dictionary);
  }

  /** The index of `text` in the string table (`""` is index 0). */
  string(text: string): number {
    const table = this.dictionary.stringTable;
    if (text === "" && (table.length === 0 || table[0] === "")) {
      if (table.length === 0) table.push("");
      return 0;
    }
    return intern(table, this.#index.strings, (s) => s, text, () => text, () => "");
  }

  /** The index of an attribute entry with this key, value and unit. */
  attribute(key: string, value: AnyValue | undefined, unit = ""): number {
    const keyStrindex = this.string(key);
    const unitStrindex = this.string(unit);
    return intern(
      this.dictionary.attributeTable,
      this.#index.attributes,
      (entry) => `${entry.keyStrindex},${entry.unitStrindex}|${anyValueKey(entry.value)}`,
      `${keyStrindex},${unitStrindex}|${anyValueKey(value)}`,
      () => create(KeyValueAndUnitSchema, { keyStrindex, value, unitStrindex }),
      () => create(KeyValueAndUnitSchema),
    );
  }

  /** The index of a function entry with these names and first line. */
  function(
    name: string,
    systemName = "",
    fileName = "",
    startLine = 0n,
  ): number {
    const nameStrindex = this.string(name);
    const systemNameStrindex = this.string(systemName);
    const filenameStrindex = this.string(fileName);
    return intern(
      this.dictionary.functionTable,
      this.#index.functions,
      (f) => `${f.nameStrindex},${f.systemNameStrindex},${f.filenameStrindex},${f.startLine}`,
      `${nameStrindex},${systemNameStrindex},${filenameStrindex},${startLine}`,
      () =>
        create(FunctionSchema, {
          nameStrindex,
          systemNameStrindex,
          filenameStrindex,
          startLine,
        }),
      () => create(FunctionSchema),
    );
  }

  /** The index of a location entry with this mapping, address, lines and attributes. */
  location(
    mappingIndex: number,
    address: bigint,
    lines: readonly { functionIndex: number; line: bigint; column: bigint }[],
    attributeIndices: readonly number[] = [],
  ): number {
    const linesKey = lines.map((l) => `${l.functionIndex}:${l.line}:${l.column}`).join(";");
    return intern(
      this.dictionary.locationTable,
      this.#index.locations,
      (l) =>
        `${l.mappingIndex},${l.address}|${
          l.lines.map((x) => `${x.functionIndex}:${x.line}:${x.column}`).join(";")
        }|${l.attributeIndices.join(",")}`,
      `${mappingIndex},${address}|${linesKey}|${attributeIndices.join(",")}`,
      () =>
        create(LocationSchema, {
          mappingIndex,
          address,
          lines: lines.map((line) => create(LineSchema, line)),
          attributeIndices: [...attributeIndices],
        }),
      () => create(LocationSchema),
    );
  }

  /** The index of a stack entry with these location indices. */
  stack(locationIndices: readonly number[]): number {
    return intern(
      this.dictionary.stackTable,
      this.#index.stacks,
      (s) => s.locationIndices.join(","),
      locationIndices.join(","),
      () => create(StackSchema, { locationIndices: [...locationIndices] }),
      () => create(StackSchema),
    );
  }
}

/**
 * A view of the attributes of a profile, sample, mapping or location, resolved through the
 * dictionary: reads give values free of string-table references (nested lists and maps as
 * detached copies, since table entries are shared), and writes go through the dictionary, so
 * that the message points at entries holding the new values while every other message keeps
 * its own.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { profiles, ProfileAttributes } from "@denocol/pdata-experimental";
 *
 * const data = profiles.decodeJson(JSON.stringify({
 *   dictionary: {
 *     stringTable: ["", "thread.name"],
 *     attributeTable: [{}, { keyStrindex: 1, value: { stringValue: "main" } }],
 *   },
 *   resourceProfiles: [{ scopeProfiles: [{ profiles: [{
 *     samples: [{ attributeIndices: [1] }, { attributeIndices: [1] }],
 *   }] }] }],
 * }));
 * const [first, second] = data.resourceProfiles[0].scopeProfiles[0].profiles[0].samples;
 * const attributes = new ProfileAttributes(data.dictionary!, first);
 * attributes.put("thread.name", "worker");
 * assert.equal(attributes.get("thread.name"), "worker");
 * // The other sample shared the entry and keeps its value.
 * assert.equal(new ProfileAttributes(data.dictionary!, second).get("thread.name"), "main");
 * ```
 */
export class ProfileAttributes {
  /** The dictionary the indices point into. */
  readonly dictionary: ProfilesDictionary;
  /** The message whose `attributeIndices` this view reads and writes. */
  readonly holder: AttributeIndexed;

  /** A view of `holder`'s attributes in `dictionary`. */
  constructor(dictionary: ProfilesDictionary, holder: AttributeIndexed) {
    this.dictionary = dictionary;
    this.holder = holder;
  }

  #keyAt(position: number): string {
    const entry = this.dictionary.attributeTable[this.holder.attributeIndices[position]];
    return this.dictionary.stringTable[entry?.keyStrindex ?? 0] ?? "";
  }

  #valueAt(position: number): AnyValue | undefined {
    const entry = this.dictionary.attributeTable[this.holder.attributeIndices[position]];
    return entry?.value === undefined ? undefined : resolveAnyValue(this.dictionary, entry.value);
  }

  #positionOf(key: string): number {
    const count = this.holder.attributeIndices.length;
    for (let i = 0; i < count; i++) if (this.#keyAt(i) === key) return i;
    return -1;
  }

  /** The number of attributes. */
  get size(): number {
    return this.holder.attributeIndices.length;
  }

  /** Whether an attribute `key` exists. */
  has(key: string): boolean {
    return this.#positionOf(key) >= 0;
  }

  /** The value of `key` (a detached copy for a list or map), `undefined` when none. */
  get(key: string): AttributeValue {
    const position = this.#positionOf(key);
    return position < 0 ? undefined : readValue(this.#valueAt(position));
  }

  /** The unit of `key`'s attribute, `""` when none is given or there is no such attribute. */
  unit(key: string): string {
    const position = this.#positionOf(key);
    if (position < 0) return "";
    const entry = this.dictionary.attributeTable[this.holder.attributeIndices[position]];
    return this.dictionary.stringTable[entry?.unitStrindex ?? 0] ?? "";
  }

  /**
   * Sets `key` to `value` (with `unit`): the message's index for `key` is replaced (in place,
   * or added at the end) by that of an entry holding the new value.
   */
  put(key: string, value: PlainValue, unit = ""): this {
    const index = new DictionaryWriter(this.dictionary).attribute(key, toAnyValue(value), unit);
    const position = this.#positionOf(key);
    if (position < 0) this.holder.attributeIndices.push(index);
    else this.holder.attributeIndices[position] = index;
    return this;
  }

  /** Removes `key`; returns whether it was there. Table entries are left for others. */
  remove(key: string): boolean {
    const position = this.#positionOf(key);
    if (position < 0) return false;
    this.holder.attributeIndices.splice(position, 1);
    return true;
  }

  /** Removes every attribute for which `predicate` returns true. */
  removeIf(predicate: (key: string, value: AttributeValue) => boolean): void {
    const kept: number[] = [];
    const indicesBefore = this.holder.attributeIndices;
    for (let i = 0; i < indicesBefore.length; i++) {
      if (!predicate(this.#keyAt(i), readValue(this.#valueAt(i)))) kept.push(indicesBefore[i]);
    }
    this.holder.attributeIndices = kept;
  }

  /** Calls `visit` for each attribute in order, stopping when it returns `false`. */
  range(visit: (key: string, value: AttributeValue) => boolean | void): void {
    for (let i = 0; i < this.holder.attributeIndices.length; i++) {
      if (visit(this.#keyAt(i), readValue(this.#valueAt(i))) === false) return;
    }
  }

  /** The keys, in order. */
  keys(): string[] {
    return this.holder.attributeIndices.map((_, i) => this.#keyAt(i));
  }

  /**
   * A detached {@link AttributeMap} of the attributes (changing it changes nothing here; write
   * it back with {@link ProfileAttributes.replaceWith}).
   */
  toAttributeMap(): AttributeMap {
    const map = new AttributeMap();
    for (let i = 0; i < this.holder.attributeIndices.length; i++) {
      map.keyValues.push(
        create(KeyValueSchema, { key: this.#keyAt(i), value: this.#valueAt(i) }),
      );
    }
    return map;
  }

  /**
   * Replaces every attribute by those of `source`, through the dictionary. The unit of a key
   * that stays is kept.
   */
  replaceWith(source: AttributeMap | { readonly [key: string]: PlainValue }): void {
    let map: AttributeMap;
    if (source instanceof AttributeMap) map = source;
    else {
      map = new AttributeMap();
      map.replaceWith(source);
    }
    const units = new Map(this.keys().map((key) => [key, this.unit(key)]));
    const writer = new DictionaryWriter(this.dictionary);
    this.holder.attributeIndices = map.keyValues.map((kv) =>
      writer.attribute(kv.key, kv.value, units.get(kv.key) ?? "")
    );
  }

  /** The attributes as a plain object. */
  toObject(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.range((key, value) => {
      result[key] = toPlain(value);
    });
    return result;
  }
}

/** One frame of a stack to write: a function and where in it. */
export interface StackFrame {
  /** The function's name. */
  functionName: string;
  /** The function's name as the system knows it; default `""`. */
  systemName?: string;
  /** The function's source file; default `""`. */
  fileName?: string;
  /** The line (1-based), 0 when unknown. */
  line?: bigint;
  /** The column (1-based), 0 when unknown. */
  column?: bigint;
}

/** The stack of `sample` through the dictionary, leaf first (see `resolveSample`). */
export function sampleStack(
  dictionary: ProfilesDictionary | undefined,
  sample: Sample,
): ResolvedLocation[] {
  return resolveSample(dictionary, sample).locations;
}

/**
 * Points `sample` at a stack of `frames` (leaf first), one location per frame without a
 * mapping, adding the strings, functions, locations and the stack to the dictionary as needed.
 */
export function setSampleStack(
  dictionary: ProfilesDictionary,
  sample: Sample,
  frames: readonly StackFrame[],
): void {
  const writer = new DictionaryWriter(dictionary);
  // Locations written here have no mapping: index 0, which must exist.
  if (dictionary.mappingTable.length === 0) dictionary.mappingTable.push(create(MappingSchema));
  const locations = frames.map((frame) => {
    const functionIndex = writer.function(frame.functionName, frame.systemName, frame.fileName);
    return writer.location(0, 0n, [{
      functionIndex,
      line: frame.line ?? 0n,
      column: frame.column ?? 0n,
    }]);
  });
  sample.stackIndex = writer.stack(locations);
}
