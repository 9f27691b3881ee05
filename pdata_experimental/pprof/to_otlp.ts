// pprof -> OTLP profiles. OTLP gives each profile one sample type, so a pprof profile with N
// sample types becomes N profiles that share the dictionary entries of their samples (stacks,
// labels) and carry the group attributes that let an exporter write them back as one file.

import { create } from "@bufbuild/protobuf";
import {
  type AnyValue,
  AnyValueSchema,
  ArrayValueSchema,
  InstrumentationScopeSchema,
  type KeyValue,
  KeyValueSchema,
  type PlainValue,
  ResourceSchema,
  toAnyValue,
} from "@denocol/pdata";
import {
  DictionaryWriter,
  FunctionSchema,
  KeyValueAndUnitSchema,
  LinkSchema,
  LocationSchema,
  MappingSchema,
  type Profile,
  type Profiles,
  ProfileSchema,
  ProfilesDataSchema,
  ProfilesDictionarySchema,
  ResourceProfilesSchema,
  type Sample,
  SampleSchema,
  ScopeProfilesSchema,
  StackSchema,
  ValueTypeSchema,
} from "../mod.ts";
import type { PprofProfile, PprofValueType } from "./profile.ts";
import {
  BUILD_ID_KEY,
  COMMENT_KEY,
  DEFAULT_SAMPLE_TYPE_KEY,
  DOC_URL_KEY,
  DROP_FRAMES_KEY,
  GROUP_KEY,
  HAS_FILENAMES_KEY,
  HAS_FUNCTIONS_KEY,
  HAS_INLINE_FRAMES_KEY,
  HAS_LINE_NUMBERS_KEY,
  IS_FOLDED_KEY,
  KEEP_FRAMES_KEY,
  SAMPLE_TYPE_INDEX_KEY,
} from "./attributes.ts";

/** Where converted profiles come from: the resource and scope they are put under. */
export interface ConvertOptions {
  /** Resource attributes, such as `{ "service.name": "checkout" }`. */
  resource?: Readonly<Record<string, PlainValue>>;
  /** Name of the instrumentation scope; default `denocol/pprof`. */
  scopeName?: string;
  /** Version of the instrumentation scope; default none. */
  scopeVersion?: string;
  /** Random bytes source, for tests; default `crypto.getRandomValues`. */
  random?: (bytes: Uint8Array) => Uint8Array;
}

/** A new `ProfilesData` with one resource and one scope, and a dictionary of zero values. */
export function newProfilesData(
  options: ConvertOptions,
): { data: Profiles; writer: DictionaryWriter; profiles: Profile[] } {
  // Every table starts with its zero value at index 0, as the specification requires.
  const dictionary = create(ProfilesDictionarySchema, {
    stringTable: [""],
    mappingTable: [create(MappingSchema)],
    locationTable: [create(LocationSchema)],
    functionTable: [create(FunctionSchema)],
    linkTable: [create(LinkSchema)],
    attributeTable: [create(KeyValueAndUnitSchema)],
    stackTable: [create(StackSchema)],
  });
  const writer = new DictionaryWriter(dictionary);
  const attributes: KeyValue[] = Object.entries(options.resource ?? {}).map(([key, value]) =>
    create(KeyValueSchema, { key, value: toAnyValue(value) })
  );
  const data = create(ProfilesDataSchema, {
    dictionary,
    resourceProfiles: [create(ResourceProfilesSchema, {
      resource: create(ResourceSchema, { attributes }),
      scopeProfiles: [create(ScopeProfilesSchema, {
        scope: create(InstrumentationScopeSchema, {
          name: options.scopeName ?? "denocol/pprof",
          version: options.scopeVersion ?? "",
        }),
      })],
    })],
  });
  // create() copies lists it is given: the profiles are added to the scope's own list.
  const profiles: Profile[] = data.resourceProfiles[0].scopeProfiles[0].profiles;
  return { data, writer, profiles };
}

/** 16 random bytes that are not all zero (an all-zero id is invalid). */
export function randomId(random: (bytes: Uint8Array) => Uint8Array): Uint8Array {
  for (;;) {
    const id = random(new Uint8Array(16));
    if (id.some((b) => b !== 0)) return id;
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const boolValue = (value: boolean) =>
  create(AnyValueSchema, { value: { case: "boolValue", value } });
const stringValue = (value: string) =>
  create(AnyValueSchema, { value: { case: "stringValue", value } });
const intValue = (value: bigint) => create(AnyValueSchema, { value: { case: "intValue", value } });

/**
 * Converts a pprof profile into OTLP profiles: one profile per sample type, in order, each
 * holding every sample with that type's value, and sharing one dictionary.
 */
export function pprofToProfiles(pprof: PprofProfile, options: ConvertOptions = {}): Profiles {
  const { data, writer, profiles } = newProfilesData(options);
  const dictionary = writer.dictionary;
  const str = (i: number) => pprof.stringTable[i] ?? "";

  // Mappings keep their order (the first is the main binary), each its own entry.
  const mappingIndex = new Map<bigint, number>();
  for (const m of pprof.mapping) {
    const attributeIndices: number[] = [];
    if (m.buildId) {
      attributeIndices.push(writer.attribute(BUILD_ID_KEY, stringValue(str(m.buildId))));
    }
    const flags: [boolean, string][] = [
      [m.hasFunctions, HAS_FUNCTIONS_KEY],
      [m.hasFilenames, HAS_FILENAMES_KEY],
      [m.hasLineNumbers, HAS_LINE_NUMBERS_KEY],
      [m.hasInlineFrames, HAS_INLINE_FRAMES_KEY],
    ];
    for (const [set, key] of flags) {
      if (set) attributeIndices.push(writer.attribute(key, boolValue(true)));
    }
    mappingIndex.set(m.id, dictionary.mappingTable.length);
    dictionary.mappingTable.push(create(MappingSchema, {
      memoryStart: m.memoryStart,
      memoryLimit: m.memoryLimit,
      fileOffset: m.fileOffset,
      filenameStrindex: writer.string(str(m.filename)),
      attributeIndices,
    }));
  }

  const functionIndex = new Map<bigint, number>();
  for (const f of pprof.function) {
    functionIndex.set(
      f.id,
      writer.function(str(f.name), str(f.systemName), str(f.filename), f.startLine),
    );
  }

  const folded = writer.attribute(IS_FOLDED_KEY, boolValue(true));
  const locationIndex = new Map<bigint, number>();
  for (const l of pprof.location) {
    locationIndex.set(
      l.id,
      writer.location(
        l.mappingId === 0n ? 0 : mappingIndex.get(l.mappingId)!,
        l.address,
        l.line.map((ln) => ({
          functionIndex: functionIndex.get(ln.functionId)!,
          line: ln.line,
          column: ln.column,
        })),
        l.isFolded ? [folded] : [],
      ),
    );
  }

  // Stacks and labels are the same for every sample type: computed once per sample.
  const shared = pprof.sample.map((s) => ({
    stackIndex: writer.stack(s.locationId.map((id) => locationIndex.get(id)!)),
    attributeIndices: labelAttributes(pprof, s.label, writer),
  }));

  const group = hex(randomId(options.random ?? ((b) => crypto.getRandomValues(b))));
  const profileAttributes: number[] = [writer.attribute(GROUP_KEY, stringValue(group))];
  const optional: [number, string][] = [
    [pprof.dropFrames, DROP_FRAMES_KEY],
    [pprof.keepFrames, KEEP_FRAMES_KEY],
  ];
  for (const [strindex, key] of optional) {
    if (strindex) profileAttributes.push(writer.attribute(key, stringValue(str(strindex))));
  }
  if (pprof.comment.length > 0) {
    const values = pprof.comment.map((c) => stringValue(str(c)));
    profileAttributes.push(writer.attribute(
      COMMENT_KEY,
      create(AnyValueSchema, {
        value: { case: "arrayValue", value: create(ArrayValueSchema, { values }) },
      }),
    ));
  }
  if (pprof.docUrl) {
    profileAttributes.push(writer.attribute(DOC_URL_KEY, stringValue(pprof.docUrl)));
  }
  if (pprof.defaultSampleType) {
    profileAttributes.push(
      writer.attribute(DEFAULT_SAMPLE_TYPE_KEY, stringValue(str(pprof.defaultSampleType))),
    );
  }
  const valueType = (t: PprofValueType | undefined) =>
    t === undefined ? undefined : create(ValueTypeSchema, {
      typeStrindex: writer.string(str(t.type)),
      unitStrindex: writer.string(str(t.unit)),
    });
  const random = options.random ?? ((b: Uint8Array) => crypto.getRandomValues(b));
  pprof.sampleType.forEach((sampleType, t) => {
    const samples: Sample[] = pprof.sample.map((s, i) =>
      create(SampleSchema, {
        stackIndex: shared[i].stackIndex,
        attributeIndices: shared[i].attributeIndices.slice(),
        values: [s.value[t]],
      })
    );
    profiles.push(create(ProfileSchema, {
      sampleType: valueType(sampleType),
      samples,
      timeUnixNano: pprof.timeNanos < 0n ? 0n : pprof.timeNanos,
      durationNano: pprof.durationNanos < 0n ? 0n : pprof.durationNanos,
      periodType: valueType(pprof.periodType),
      period: pprof.period,
      profileId: randomId(random),
      attributeIndices: [
        ...profileAttributes,
        writer.attribute(SAMPLE_TYPE_INDEX_KEY, intValue(BigInt(t))),
      ],
    }));
  });
  return data;
}

/**
 * The attribute indices of a sample's labels: a string label as a string, a numeric one as an
 * int with its unit; a key with several values becomes a list of them, in order.
 */
function labelAttributes(
  pprof: PprofProfile,
  labels: PprofProfile["sample"][number]["label"],
  writer: DictionaryWriter,
): number[] {
  if (labels.length === 0) return [];
  const byKey = new Map<string, { values: AnyValue[]; unit: string }>();
  for (const label of labels) {
    const key = pprof.stringTable[label.key] ?? "";
    const value = label.str !== 0 ? stringValue(pprof.stringTable[label.str]) : intValue(label.num);
    const entry = byKey.get(key);
    if (entry === undefined) {
      byKey.set(key, { values: [value], unit: pprof.stringTable[label.numUnit] ?? "" });
    } else entry.values.push(value);
  }
  return [...byKey].map(([key, { values, unit }]) =>
    writer.attribute(
      key,
      values.length === 1 ? values[0] : create(AnyValueSchema, {
        value: { case: "arrayValue", value: create(ArrayValueSchema, { values }) },
      }),
      unit,
    )
  );
}
