// The pprof `profile.proto` message (package perftools.profiles), written for denocol from the
// published schema: plain objects, a decoder that accepts packed and unpacked repeated fields and
// skips fields it does not know, and (in profile_encode.ts) an encoder that writes what
// `go tool pprof` reads.

import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

/** What a value measures and its unit, as string table indices. */
export interface PprofValueType {
  /** Index into the string table of the type, such as `cpu`. */
  type: number;
  /** Index into the string table of the unit, such as `nanoseconds`. */
  unit: number;
}

/** A label of a sample: a string or a number (with an optional unit). */
export interface PprofLabel {
  /** Index into the string table of the key. */
  key: number;
  /** Index into the string table of a string value, 0 for a numeric label. */
  str: number;
  /** The numeric value. */
  num: bigint;
  /** Index into the string table of the numeric value's unit, 0 when none. */
  numUnit: number;
}

/** One sample: a stack (leaf first), one value per sample type, and labels. */
export interface PprofSample {
  /** Location ids, leaf first. */
  locationId: bigint[];
  /** One value per sample type. */
  value: bigint[];
  /** Labels. */
  label: PprofLabel[];
}

/** A binary or library mapped into memory. */
export interface PprofMapping {
  /** Non-zero id, referenced by locations. */
  id: bigint;
  /** First address of the mapping. */
  memoryStart: bigint;
  /** Limit address of the mapping. */
  memoryLimit: bigint;
  /** File offset of the first address. */
  fileOffset: bigint;
  /** Index into the string table of the file name. */
  filename: number;
  /** Index into the string table of the build id. */
  buildId: number;
  /** Whether function names are known. */
  hasFunctions: boolean;
  /** Whether file names are known. */
  hasFilenames: boolean;
  /** Whether line numbers are known. */
  hasLineNumbers: boolean;
  /** Whether inlined frames are known. */
  hasInlineFrames: boolean;
}

/** A source line of a location. */
export interface PprofLine {
  /** Id of the function. */
  functionId: bigint;
  /** Line number, 0 when unknown. */
  line: bigint;
  /** Column number, 0 when unknown. */
  column: bigint;
}

/** An instruction address with its mapping and lines (inlined calls first). */
export interface PprofLocation {
  /** Non-zero id, referenced by samples. */
  id: bigint;
  /** Id of the mapping, 0 when none. */
  mappingId: bigint;
  /** Instruction address, 0 when unknown. */
  address: bigint;
  /** Lines, innermost first; the last is the caller the others were inlined into. */
  line: PprofLine[];
  /** Whether several symbols share this address. */
  isFolded: boolean;
}

/** A function. */
export interface PprofFunction {
  /** Non-zero id, referenced by lines. */
  id: bigint;
  /** Index into the string table of the readable name. */
  name: number;
  /** Index into the string table of the name as the system knows it. */
  systemName: number;
  /** Index into the string table of the source file. */
  filename: number;
  /** First line of the function, 0 when unknown. */
  startLine: bigint;
}

/** A pprof profile (`perftools.profiles.Profile`). */
export interface PprofProfile {
  /** What each sample value measures. */
  sampleType: PprofValueType[];
  /** Samples. */
  sample: PprofSample[];
  /** Mappings; the first is the main binary. */
  mapping: PprofMapping[];
  /** Locations. */
  location: PprofLocation[];
  /** Functions. */
  function: PprofFunction[];
  /** Strings, `""` first. */
  stringTable: string[];
  /** Index into the string table of a regular expression of frames to drop. */
  dropFrames: number;
  /** Index into the string table of a regular expression of frames to keep. */
  keepFrames: number;
  /** Start of the collection, nanoseconds since the UNIX epoch. */
  timeNanos: bigint;
  /** Length of the collection in nanoseconds. */
  durationNanos: bigint;
  /** What the period counts, when set. */
  periodType: PprofValueType | undefined;
  /** Events between two samples. */
  period: bigint;
  /** String table indices of free-form comments. */
  comment: number[];
  /** Index into the string table of the type of the sample value shown by default. */
  defaultSampleType: number;
  /** Documentation link of the profile type. */
  docUrl: string;
}

/** An empty profile with a string table holding `""`. */
export function emptyPprof(): PprofProfile {
  return {
    sampleType: [],
    sample: [],
    mapping: [],
    location: [],
    function: [],
    stringTable: [""],
    dropFrames: 0,
    keepFrames: 0,
    timeNanos: 0n,
    durationNanos: 0n,
    periodType: undefined,
    period: 0n,
    comment: [],
    defaultSampleType: 0,
    docUrl: "",
  };
}

/** A pprof message that cannot be read; the message says where. */
export class PprofDecodeError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PprofDecodeError";
  }
}

function index(value: bigint, what: string): number {
  if (value < 0n || value > 0x7fffffffn) {
    throw new PprofDecodeError(`${what}: string index ${value} is out of range`);
  }
  return Number(value);
}

/** Reads a repeated scalar field that may be packed or not. */
function repeated<T>(
  reader: BinaryReader,
  wireType: WireType,
  read: () => T,
  into: T[],
): void {
  if (wireType === WireType.LengthDelimited) {
    const end = reader.uint32() + reader.pos;
    while (reader.pos < end) into.push(read());
    if (reader.pos !== end) throw new PprofDecodeError("packed field overruns its length");
  } else {
    into.push(read());
  }
}

function valueType(bytes: Uint8Array): PprofValueType {
  const reader = new BinaryReader(bytes);
  const result: PprofValueType = { type: 0, unit: 0 };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) result.type = index(BigInt(reader.int64()), "sample_type.type");
    else if (field === 2) result.unit = index(BigInt(reader.int64()), "sample_type.unit");
    else reader.skip(wireType);
  }
  return result;
}

function label(bytes: Uint8Array): PprofLabel {
  const reader = new BinaryReader(bytes);
  const result: PprofLabel = { key: 0, str: 0, num: 0n, numUnit: 0 };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) result.key = index(BigInt(reader.int64()), "label.key");
    else if (field === 2) result.str = index(BigInt(reader.int64()), "label.str");
    else if (field === 3) result.num = BigInt(reader.int64());
    else if (field === 4) result.numUnit = index(BigInt(reader.int64()), "label.num_unit");
    else reader.skip(wireType);
  }
  return result;
}

function sample(bytes: Uint8Array): PprofSample {
  const reader = new BinaryReader(bytes);
  const result: PprofSample = { locationId: [], value: [], label: [] };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) repeated(reader, wireType, () => BigInt(reader.uint64()), result.locationId);
    else if (field === 2) repeated(reader, wireType, () => BigInt(reader.int64()), result.value);
    else if (field === 3) result.label.push(label(reader.bytes()));
    else reader.skip(wireType);
  }
  return result;
}

function mapping(bytes: Uint8Array): PprofMapping {
  const reader = new BinaryReader(bytes);
  const m: PprofMapping = {
    id: 0n,
    memoryStart: 0n,
    memoryLimit: 0n,
    fileOffset: 0n,
    filename: 0,
    buildId: 0,
    hasFunctions: false,
    hasFilenames: false,
    hasLineNumbers: false,
    hasInlineFrames: false,
  };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        m.id = BigInt(reader.uint64());
        break;
      case 2:
        m.memoryStart = BigInt(reader.uint64());
        break;
      case 3:
        m.memoryLimit = BigInt(reader.uint64());
        break;
      case 4:
        m.fileOffset = BigInt(reader.uint64());
        break;
      case 5:
        m.filename = index(BigInt(reader.int64()), "mapping.filename");
        break;
      case 6:
        m.buildId = index(BigInt(reader.int64()), "mapping.build_id");
        break;
      case 7:
        m.hasFunctions = reader.bool();
        break;
      case 8:
        m.hasFilenames = reader.bool();
        break;
      case 9:
        m.hasLineNumbers = reader.bool();
        break;
      case 10:
        m.hasInlineFrames = reader.bool();
        break;
      default:
        reader.skip(wireType);
    }
  }
  return m;
}

function line(bytes: Uint8Array): PprofLine {
  const reader = new BinaryReader(bytes);
  const result: PprofLine = { functionId: 0n, line: 0n, column: 0n };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) result.functionId = BigInt(reader.uint64());
    else if (field === 2) result.line = BigInt(reader.int64());
    else if (field === 3) result.column = BigInt(reader.int64());
    else reader.skip(wireType);
  }
  return result;
}

function location(bytes: Uint8Array): PprofLocation {
  const reader = new BinaryReader(bytes);
  const result: PprofLocation = { id: 0n, mappingId: 0n, address: 0n, line: [], isFolded: false };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) result.id = BigInt(reader.uint64());
    else if (field === 2) result.mappingId = BigInt(reader.uint64());
    else if (field === 3) result.address = BigInt(reader.uint64());
    else if (field === 4) result.line.push(line(reader.bytes()));
    else if (field === 5) result.isFolded = reader.bool();
    else reader.skip(wireType);
  }
  return result;
}

function func(bytes: Uint8Array): PprofFunction {
  const reader = new BinaryReader(bytes);
  const result: PprofFunction = { id: 0n, name: 0, systemName: 0, filename: 0, startLine: 0n };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) result.id = BigInt(reader.uint64());
    else if (field === 2) result.name = index(BigInt(reader.int64()), "function.name");
    else if (field === 3) {
      result.systemName = index(BigInt(reader.int64()), "function.system_name");
    } else if (field === 4) result.filename = index(BigInt(reader.int64()), "function.filename");
    else if (field === 5) result.startLine = BigInt(reader.int64());
    else reader.skip(wireType);
  }
  return result;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes a pprof profile (not gzipped) and checks that every id and string index it holds
 * points at something.
 *
 * @throws {PprofDecodeError} naming what is wrong.
 */
export function decodePprof(bytes: Uint8Array): PprofProfile {
  const profile = emptyPprof();
  profile.stringTable = [];
  const reader = new BinaryReader(bytes);
  try {
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      switch (field) {
        case 1:
          profile.sampleType.push(valueType(reader.bytes()));
          break;
        case 2:
          profile.sample.push(sample(reader.bytes()));
          break;
        case 3:
          profile.mapping.push(mapping(reader.bytes()));
          break;
        case 4:
          profile.location.push(location(reader.bytes()));
          break;
        case 5:
          profile.function.push(func(reader.bytes()));
          break;
        case 6:
          profile.stringTable.push(utf8.decode(reader.bytes()));
          break;
        case 7:
          profile.dropFrames = index(BigInt(reader.int64()), "drop_frames");
          break;
        case 8:
          profile.keepFrames = index(BigInt(reader.int64()), "keep_frames");
          break;
        case 9:
          profile.timeNanos = BigInt(reader.int64());
          break;
        case 10:
          profile.durationNanos = BigInt(reader.int64());
          break;
        case 11:
          profile.periodType = valueType(reader.bytes());
          break;
        case 12:
          profile.period = BigInt(reader.int64());
          break;
        case 13:
          repeated(
            reader,
            wireType,
            () => index(BigInt(reader.int64()), "comment"),
            profile.comment,
          );
          break;
        case 14:
          profile.defaultSampleType = index(BigInt(reader.int64()), "default_sample_type");
          break;
        case 15:
          if (wireType === WireType.LengthDelimited) profile.docUrl = utf8.decode(reader.bytes());
          else reader.skip(wireType);
          break;
        default:
          reader.skip(wireType);
      }
    }
  } catch (error) {
    if (error instanceof PprofDecodeError) throw error;
    throw new PprofDecodeError(
      `not a pprof profile: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  checkPprof(profile);
  return profile;
}

/**
 * Checks what the format requires: `""` first in the string table, string indices in range,
 * ids unique and non-zero, every referenced id present, one value per sample type.
 *
 * @throws {PprofDecodeError} naming the first problem.
 */
export function checkPprof(profile: PprofProfile): void {
  const strings = profile.stringTable.length;
  if (strings === 0 || profile.stringTable[0] !== "") {
    throw new PprofDecodeError(`not a pprof profile: string_table[0] must be ""`);
  }
  const str = (i: number, what: string) => {
    if (i >= strings) {
      throw new PprofDecodeError(`${what}: string index ${i} is outside the string table`);
    }
  };
  if (profile.sampleType.length === 0) {
    throw new PprofDecodeError("not a pprof profile: it has no sample_type");
  }
  profile.sampleType.forEach((t, i) => {
    str(t.type, `sample_type[${i}].type`);
    str(t.unit, `sample_type[${i}].unit`);
  });
  if (profile.periodType) {
    str(profile.periodType.type, "period_type.type");
    str(profile.periodType.unit, "period_type.unit");
  }
  str(profile.dropFrames, "drop_frames");
  str(profile.keepFrames, "keep_frames");
  str(profile.defaultSampleType, "default_sample_type");
  profile.comment.forEach((c, i) => str(c, `comment[${i}]`));
  const ids = (items: { id: bigint }[], what: string) => {
    const seen = new Set<bigint>();
    items.forEach((item, i) => {
      if (item.id === 0n) throw new PprofDecodeError(`${what}[${i}]: id 0 is not allowed`);
      if (seen.has(item.id)) throw new PprofDecodeError(`${what}[${i}]: id ${item.id} repeats`);
      seen.add(item.id);
    });
    return seen;
  };
  const mappings = ids(profile.mapping, "mapping");
  const functions = ids(profile.function, "function");
  const locations = ids(profile.location, "location");
  profile.mapping.forEach((m, i) => {
    str(m.filename, `mapping[${i}].filename`);
    str(m.buildId, `mapping[${i}].build_id`);
  });
  profile.function.forEach((f, i) => {
    str(f.name, `function[${i}].name`);
    str(f.systemName, `function[${i}].system_name`);
    str(f.filename, `function[${i}].filename`);
  });
  profile.location.forEach((l, i) => {
    if (l.mappingId !== 0n && !mappings.has(l.mappingId)) {
      throw new PprofDecodeError(`location[${i}]: mapping id ${l.mappingId} does not exist`);
    }
    l.line.forEach((ln, j) => {
      if (!functions.has(ln.functionId)) {
        throw new PprofDecodeError(
          `location[${i}].line[${j}]: function id ${ln.functionId} does not exist`,
        );
      }
    });
  });
  const types = profile.sampleType.length;
  profile.sample.forEach((s, i) => {
    if (s.value.length !== types) {
      throw new PprofDecodeError(
        `sample[${i}]: ${s.value.length} values for ${types} sample types`,
      );
    }
    for (const id of s.locationId) {
      if (!locations.has(id)) {
        throw new PprofDecodeError(`sample[${i}]: location id ${id} does not exist`);
      }
    }
    s.label.forEach((l, j) => {
      str(l.key, `sample[${i}].label[${j}].key`);
      str(l.str, `sample[${i}].label[${j}].str`);
      str(l.numUnit, `sample[${i}].label[${j}].num_unit`);
    });
  });
}

export { encodePprof } from "./profile_encode.ts";
