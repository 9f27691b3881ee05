import { create } from "@bufbuild/protobuf";
import {
  type AnyValue,
  AnyValueSchema,
  ArrayValueSchema,
  type KeyValue,
  KeyValueListSchema,
  KeyValueSchema,
} from "@denocol/pdata/gen/opentelemetry/proto/common/v1/common_pb.js";
import type {
  ProfilesDictionary,
  Sample,
  ValueType,
} from "./gen/opentelemetry/proto/profiles/v1development/profiles_pb.ts";
import { ProfileReferenceError, type ProfileTable } from "./reference_error.ts";

/**
 * An attribute of the dictionary's attribute table with its key and unit as strings and its
 * value free of string-table references.
 */
export interface ResolvedAttribute {
  /** The attribute key. */
  key: string;
  /** The value; a `stringValueStrindex` is replaced by the `stringValue` it points at. */
  value: AnyValue | undefined;
  /** The unit (UCUM), empty when none is given. */
  unit: string;
}

/** One source line of a location: the function and the position in its file. */
export interface ResolvedFrame {
  /** Human-readable function name, empty when unknown. */
  functionName: string;
  /** Function name as the system knows it (for example a mangled C++ name), empty when unknown. */
  systemName: string;
  /** Source file of the function, empty when unknown. */
  fileName: string;
  /** First line of the function in its file, 0 when unset. */
  startLine: bigint;
  /** Line number (1-based), 0 when unset. */
  line: bigint;
  /** Column number (1-based), 0 when unset. */
  column: bigint;
}

/** A mapped binary or library, resolved. */
export interface ResolvedMapping {
  /** Start address of the mapping. */
  memoryStart: bigint;
  /** Limit address of the mapping. */
  memoryLimit: bigint;
  /** File offset of the first mapped address. */
  fileOffset: bigint;
  /** The mapped file (or a name such as `[vdso]`), empty when unknown. */
  fileName: string;
  /** Attributes of the mapping. */
  attributes: ResolvedAttribute[];
}

/** One entry of a stack: an address with the lines it belongs to. */
export interface ResolvedLocation {
  /** Instruction address, 0 when not available. */
  address: bigint;
  /** The mapping the address belongs to; undefined when it is the zero value (no mapping). */
  mapping: ResolvedMapping | undefined;
  /** Lines, innermost first: several lines mean inlined calls, the last is the caller. */
  lines: ResolvedFrame[];
  /** Attributes of the location. */
  attributes: ResolvedAttribute[];
}

/** The span a sample was recorded in, with ids as lower-case hex. */
export interface ResolvedLink {
  /** Trace id as hex (32 digits for a well-formed id). */
  traceId: string;
  /** Span id as hex (16 digits for a well-formed id). */
  spanId: string;
}

/** A sample with every dictionary reference replaced by what it points at. */
export interface ResolvedSample {
  /** The stack, leaf first. */
  locations: ResolvedLocation[];
  /** The stack as a flat list of frames, leaf first (inlined frames before their caller). */
  frames: ResolvedFrame[];
  /** The sample's attributes. */
  attributes: ResolvedAttribute[];
  /** The linked span, undefined when the sample has no link (index 0). */
  link: ResolvedLink | undefined;
  /** The measured values. */
  values: bigint[];
  /** The observation times, nanoseconds since the UNIX epoch. */
  timestampsUnixNano: bigint[];
}

/** Fetches entry `index` of `table`; index 0 of an empty table is the zero value (undefined). */
function entry<T>(
  dictionary: ProfilesDictionary | undefined,
  table: ProfileTable,
  index: number,
  path: string,
): T | undefined {
  const entries = (dictionary?.[table] ?? []) as T[];
  if (index >= 0 && index < entries.length) return entries[index];
  if (index === 0) return undefined;
  throw new ProfileReferenceError(table, index, entries.length, path);
}

/**
 * The string at `index` of the dictionary's string table.
 *
 * @throws {ProfileReferenceError} when `index` is out of range; `path` says where it came from.
 */
export function resolveString(
  dictionary: ProfilesDictionary | undefined,
  index: number,
  path = "strindex",
): string {
  return entry<string>(dictionary, "stringTable", index, path) ?? "";
}

/**
 * The type and unit of a `ValueType` (such as a profile's sample type) as strings.
 *
 * @throws {ProfileReferenceError} when an index is out of range.
 */
export function resolveValueType(
  dictionary: ProfilesDictionary | undefined,
  valueType: ValueType | undefined,
): { type: string; unit: string } {
  return {
    type: resolveString(dictionary, valueType?.typeStrindex ?? 0, "valueType.typeStrindex"),
    unit: resolveString(dictionary, valueType?.unitStrindex ?? 0, "valueType.unitStrindex"),
  };
}

/**
 * A copy of `value` in which every `stringValueStrindex` (and, in key/value lists, every
 * `keyStrindex`) is replaced by the string it points at.
 *
 * @throws {ProfileReferenceError} when an index is out of range.
 */
export function resolveAnyValue(
  dictionary: ProfilesDictionary | undefined,
  value: AnyValue,
): AnyValue {
  const v = value.value;
  switch (v.case) {
    case "stringValueStrindex":
      return create(AnyValueSchema, {
        value: {
          case: "stringValue",
          value: resolveString(dictionary, v.value, "anyValue.stringValueStrindex"),
        },
      });
    case "arrayValue":
      return create(AnyValueSchema, {
        value: {
          case: "arrayValue",
          value: create(ArrayValueSchema, {
            values: v.value.values.map((item) => resolveAnyValue(dictionary, item)),
          }),
        },
      });
    case "kvlistValue":
      return create(AnyValueSchema, {
        value: {
          case: "kvlistValue",
          value: create(KeyValueListSchema, {
            values: resolveKeyValues(dictionary, v.value.values),
          }),
        },
      });
    case "bytesValue":
      return create(AnyValueSchema, { value: { case: "bytesValue", value: v.value.slice() } });
    default:
      return create(AnyValueSchema, { value: { ...v } });
  }
}

/**
 * Copies of `keyValues` (such as resource or scope attributes of profiles) with `keyStrindex`
 * turned into `key` and string indices in values turned into strings.
 *
 * @throws {ProfileReferenceError} when an index is out of range.
 */
export function resolveKeyValues(
  dictionary: ProfilesDictionary | undefined,
  keyValues: readonly KeyValue[],
): KeyValue[] {
  return keyValues.map((kv) =>
    create(KeyValueSchema, {
      key: kv.keyStrindex === 0
        ? kv.key
        : resolveString(dictionary, kv.keyStrindex, "keyValue.keyStrindex"),
      value: kv.value === undefined ? undefined : resolveAnyValue(dictionary, kv.value),
    })
  );
}

/**
 * The attributes at `indices` of the dictionary's attribute table, resolved.
 *
 * @throws {ProfileReferenceError} when an index is out of range.
 */
export function resolveAttributes(
  dictionary: ProfilesDictionary | undefined,
  indices: readonly number[],
): ResolvedAttribute[] {
  return indices.map((index, i) => {
    const attribute = entry<{
      keyStrindex: number;
      value?: AnyValue;
      unitStrindex: number;
    }>(dictionary, "attributeTable", index, `attributeIndices[${i}]`);
    const path = `attributeTable[${index}]`;
    return {
      key: resolveString(dictionary, attribute?.keyStrindex ?? 0, `${path}.keyStrindex`),
      value: attribute?.value === undefined
        ? undefined
        : resolveAnyValue(dictionary, attribute.value),
      unit: resolveString(dictionary, attribute?.unitStrindex ?? 0, `${path}.unitStrindex`),
    };
  });
}

const HEX = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Resolves `sample` through `dictionary`: its stack (locations, lines, functions and mappings),
 * its attributes and its link, so that the result no longer depends on any table index.
 * Two samples from different dictionaries mean the same thing exactly when their resolved
 * forms are deeply equal.
 *
 * @throws {ProfileReferenceError} when an index is out of range (run `validateProfiles` first
 * for an error that names the full path).
 */
export function resolveSample(
  dictionary: ProfilesDictionary | undefined,
  sample: Sample,
): ResolvedSample {
  const stack = entry<{ locationIndices: number[] }>(
    dictionary,
    "stackTable",
    sample.stackIndex,
    "sample.stackIndex",
  );
  const locations = (stack?.locationIndices ?? []).map((locationIndex, i) =>
    resolveLocation(
      dictionary,
      locationIndex,
      `stackTable[${sample.stackIndex}].locationIndices[${i}]`,
    )
  );
  const link = entry<{ traceId: Uint8Array; spanId: Uint8Array }>(
    dictionary,
    "linkTable",
    sample.linkIndex,
    "sample.linkIndex",
  );
  const isZeroLink = link === undefined ||
    (link.traceId.every((b) => b === 0) && link.spanId.every((b) => b === 0));
  return {
    locations,
    frames: locations.flatMap((location) => location.lines),
    attributes: resolveAttributes(dictionary, sample.attributeIndices),
    link: isZeroLink ? undefined : { traceId: HEX(link.traceId), spanId: HEX(link.spanId) },
    values: sample.values.slice(),
    timestampsUnixNano: sample.timestampsUnixNano.slice(),
  };
}

function resolveLocation(
  dictionary: ProfilesDictionary | undefined,
  index: number,
  path: string,
): ResolvedLocation {
  const location = entry<ProfilesDictionary["locationTable"][number]>(
    dictionary,
    "locationTable",
    index,
    path,
  );
  const here = `locationTable[${index}]`;
  const mappingIndex = location?.mappingIndex ?? 0;
  const mappingEntry = entry<ProfilesDictionary["mappingTable"][number]>(
    dictionary,
    "mappingTable",
    mappingIndex,
    `${here}.mappingIndex`,
  );
  let mapping: ResolvedMapping | undefined;
  if (mappingEntry !== undefined) {
    mapping = {
      memoryStart: mappingEntry.memoryStart,
      memoryLimit: mappingEntry.memoryLimit,
      fileOffset: mappingEntry.fileOffset,
      fileName: resolveString(
        dictionary,
        mappingEntry.filenameStrindex,
        `mappingTable[${mappingIndex}].filenameStrindex`,
      ),
      attributes: resolveAttributes(dictionary, mappingEntry.attributeIndices),
    };
    // The zero value means "no mapping", whichever index holds it.
    if (
      mapping.memoryStart === 0n && mapping.memoryLimit === 0n && mapping.fileOffset === 0n &&
      mapping.fileName === "" && mapping.attributes.length === 0
    ) {
      mapping = undefined;
    }
  }
  return {
    address: location?.address ?? 0n,
    mapping,
    lines: (location?.lines ?? []).map((line, l) => {
      const fn = entry<ProfilesDictionary["functionTable"][number]>(
        dictionary,
        "functionTable",
        line.functionIndex,
        `${here}.lines[${l}].functionIndex`,
      );
      const fnPath = `functionTable[${line.functionIndex}]`;
      return {
        functionName: resolveString(dictionary, fn?.nameStrindex ?? 0, `${fnPath}.nameStrindex`),
        systemName: resolveString(
          dictionary,
          fn?.systemNameStrindex ?? 0,
          `${fnPath}.systemNameStrindex`,
        ),
        fileName: resolveString(
          dictionary,
          fn?.filenameStrindex ?? 0,
          `${fnPath}.filenameStrindex`,
        ),
        startLine: fn?.startLine ?? 0n,
        line: line.line,
        column: line.column,
      };
    }),
    attributes: resolveAttributes(dictionary, location?.attributeIndices ?? []),
  };
}
