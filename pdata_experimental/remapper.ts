/**
 * Translating one source dictionary into a `DictionaryBuilder` (see `dictionary.ts`): each
 * referenced source entry, and what it references, is copied the first time it is seen.
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
  FunctionSchema,
  KeyValueAndUnitSchema,
  LineSchema,
  LinkSchema,
  LocationSchema,
  MappingSchema,
  type ProfilesDictionary,
  StackSchema,
  type ValueType,
  ValueTypeSchema,
} from "./gen/opentelemetry/proto/profiles/v1development/profiles_pb.ts";
import { copyUnknown, type DictionaryBuilder } from "./dictionary.ts";

/**
 * Thrown by a remapper for an index outside its source table; callers turn it into a precise
 * `ProfileReferenceError` by validating the input, which knows the path of the reference.
 */
export class SourceIndexOutOfRange extends Error {
  constructor() {
    super("profiles: an index is outside its dictionary table");
  }
}

/**
 * Per-table memo: target index of each source index, -1 until it is first translated. A missing
 * or empty table still has a slot for index 0, which stands for the table's zero value.
 */
function memo(length: number): Int32Array {
  return new Int32Array(Math.max(length, 1)).fill(-1);
}

/**
 * Translates indices of one source dictionary into a `DictionaryBuilder`, copying each
 * referenced source entry (and what it references) the first time it is seen. Entry 0 of every
 * source table is translated at once when the builder has none at index 0 yet.
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
    if (!target.strings.zeroClaimed) this.string(0);
    if (!target.attributes.zeroClaimed) this.attribute(0);
    if (!target.functions.zeroClaimed) this.function(0);
    if (!target.mappings.zeroClaimed) this.mapping(0);
    if (!target.locations.zeroClaimed) this.location(0);
    if (!target.stacks.zeroClaimed) this.stack(0);
    if (!target.links.zeroClaimed) this.link(0);
  }

  /** Target index of source string `index`. */
  string(index: number): number {
    const known = this.#lookup(this.#strings, index);
    if (known >= 0) return known;
    const text = this.#source?.stringTable[index] ?? "";
    return (this.#strings[index] = this.#target.addString(text, index === 0));
  }

  /** Target index of source function `index`. */
  function(index: number): number {
    const known = this.#lookup(this.#functions, index);
    if (known >= 0) return known;
    const fn = this.#source?.functionTable[index] ?? create(FunctionSchema);
    return (this.#functions[index] = this.#target.addFunction(
      fn,
      this.string(fn.nameStrindex),
      this.string(fn.systemNameStrindex),
      this.string(fn.filenameStrindex),
      index === 0,
    ));
  }

  /** Target index of source mapping `index`. */
  mapping(index: number): number {
    const known = this.#lookup(this.#mappings, index);
    if (known >= 0) return known;
    const m = this.#source?.mappingTable[index] ?? create(MappingSchema);
    return (this.#mappings[index] = this.#target.addMapping(
      m,
      this.string(m.filenameStrindex),
      this.attributeIndices(m.attributeIndices),
      index === 0,
    ));
  }

  /** Target index of source location `index`. */
  location(index: number): number {
    const known = this.#lookup(this.#locations, index);
    if (known >= 0) return known;
    const location = this.#source?.locationTable[index] ?? create(LocationSchema);
    const lines = location.lines.map((line) =>
      copyUnknown(
        line,
        create(LineSchema, {
          functionIndex: this.function(line.functionIndex),
          line: line.line,
          column: line.column,
        }),
      )
    );
    return (this.#locations[index] = this.#target.addLocation(
      location,
      this.mapping(location.mappingIndex),
      lines,
      this.attributeIndices(location.attributeIndices),
      index === 0,
    ));
  }

  /** Target index of source stack `index`. */
  stack(index: number): number {
    const known = this.#lookup(this.#stacks, index);
    if (known >= 0) return known;
    const stack = this.#source?.stackTable[index] ?? create(StackSchema);
    const source = stack.locationIndices;
    const locationIndices = new Array<number>(source.length);
    for (let i = 0; i < source.length; i++) locationIndices[i] = this.location(source[i]);
    return (this.#stacks[index] = this.#target.addStack(stack, locationIndices, index === 0));
  }

  /** Target index of source link `index`. */
  link(index: number): number {
    const known = this.#lookup(this.#links, index);
    if (known >= 0) return known;
    const link = this.#source?.linkTable[index] ?? create(LinkSchema);
    return (this.#links[index] = this.#target.addLink(link, index === 0));
  }

  /** Target index of source attribute `index`. */
  attribute(index: number): number {
    const known = this.#lookup(this.#attributes, index);
    if (known >= 0) return known;
    const attribute = this.#source?.attributeTable[index] ?? create(KeyValueAndUnitSchema);
    return (this.#attributes[index] = this.#target.addAttribute(
      attribute,
      this.string(attribute.keyStrindex),
      attribute.value === undefined ? undefined : this.anyValue(attribute.value),
      this.string(attribute.unitStrindex),
      index === 0,
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
    return copyUnknown(
      valueType,
      create(ValueTypeSchema, {
        typeStrindex: this.string(valueType.typeStrindex),
        unitStrindex: this.string(valueType.unitStrindex),
      }),
    );
  }

  /** A deep copy of `value` whose string indices point into the target string table. */
  anyValue(value: AnyValue): AnyValue {
    const v = value.value;
    let copy: AnyValue;
    switch (v.case) {
      case "stringValueStrindex":
        copy = create(AnyValueSchema, {
          value: { case: "stringValueStrindex", value: this.string(v.value) },
        });
        break;
      case "arrayValue":
        copy = create(AnyValueSchema, {
          value: {
            case: "arrayValue",
            value: copyUnknown(
              v.value,
              create(ArrayValueSchema, {
                values: v.value.values.map((item) => this.anyValue(item)),
              }),
            ),
          },
        });
        break;
      case "kvlistValue":
        copy = create(AnyValueSchema, {
          value: {
            case: "kvlistValue",
            value: copyUnknown(
              v.value,
              create(KeyValueListSchema, { values: this.keyValues(v.value.values) }),
            ),
          },
        });
        break;
      case "bytesValue":
        copy = create(AnyValueSchema, { value: { case: "bytesValue", value: v.value.slice() } });
        break;
      default:
        copy = create(AnyValueSchema, { value: { ...v } });
    }
    return copyUnknown(value, copy);
  }

  /** Deep copies of `keyValues` whose `keyStrindex` and nested string indices are translated. */
  keyValues(keyValues: readonly KeyValue[]): KeyValue[] {
    return keyValues.map((kv) =>
      copyUnknown(
        kv,
        create(KeyValueSchema, {
          key: kv.key,
          // key_strindex 0 is "no index" (the key is in `key`): keep it 0 rather than intern "".
          keyStrindex: kv.keyStrindex === 0 ? 0 : this.string(kv.keyStrindex),
          value: kv.value === undefined ? undefined : this.anyValue(kv.value),
        }),
      )
    );
  }

  /** The memoized target index, or -1 when it must be computed; throws for a bad index. */
  #lookup(table: Int32Array, index: number): number {
    if (index >= 0 && index < table.length) return table[index];
    throw new SourceIndexOutOfRange();
  }
}
