// OTLP profiles -> pprof. The profiles of one resource and scope that carry the same group
// attribute (made from one pprof or V8 profile) become one pprof profile with all their sample
// types, in their original order; profiles without it are grouped by what one collection shares
// (time, duration, period). Samples of the group with the same stack, attributes and link are
// one pprof sample with a value per sample type (0 where a type has none), so batching and
// splitting on the way change no total.

import type { AnyValue, InstrumentationScope, KeyValue, Resource } from "@denocol/pdata";
import {
  type Profile,
  type Profiles,
  type ProfilesDictionary,
  resolveAnyValue,
  type Sample,
} from "../mod.ts";
import {
  emptyPprof,
  type PprofLabel,
  type PprofProfile,
  type PprofSample,
  type PprofValueType,
} from "./profile.ts";
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

/** One pprof profile made of a group of OTLP profiles, with where it came from. */
export interface PprofOutput {
  /** The pprof profile. */
  profile: PprofProfile;
  /** The resource of the OTLP profiles. */
  resource: Resource | undefined;
  /** Their instrumentation scope. */
  scope: InstrumentationScope | undefined;
  /** The resource's `service.name`, `""` when it has none. */
  serviceName: string;
  /** What was profiled: the period type (`cpu`, `space`), else the first sample type. */
  profileType: string;
  /** Start of the collection, nanoseconds since the UNIX epoch. */
  timeUnixNano: bigint;
}

/** The total a sample stands for: the sum of its values, or one per timestamp without values. */
export function sampleTotal(sample: Pick<Sample, "values" | "timestampsUnixNano">): bigint {
  if (sample.values.length === 0) return BigInt(sample.timestampsUnixNano.length);
  let total = 0n;
  for (const v of sample.values) total += v;
  return total;
}

/** An attribute of the dictionary resolved to key, value (strings resolved) and unit. */
interface Attr {
  key: string;
  value: AnyValue | undefined;
  unit: string;
}

function attrs(dictionary: ProfilesDictionary, indices: readonly number[]): Attr[] {
  return indices.map((i) => {
    const entry = dictionary.attributeTable[i];
    return {
      key: dictionary.stringTable[entry?.keyStrindex ?? 0] ?? "",
      value: entry?.value === undefined ? undefined : resolveAnyValue(dictionary, entry.value),
      unit: dictionary.stringTable[entry?.unitStrindex ?? 0] ?? "",
    };
  });
}

function scalar(value: AnyValue | undefined): string | bigint | boolean | number | undefined {
  const v = value?.value;
  switch (v?.case) {
    case "stringValue":
    case "boolValue":
    case "intValue":
    case "doubleValue":
      return v.value;
    default:
      return undefined;
  }
}

function valueText(value: AnyValue | undefined): string {
  const s = scalar(value);
  if (s !== undefined) return String(s);
  if (value?.value.case === "arrayValue") return value.value.value.values.map(valueText).join(",");
  return "";
}

/** Builds one pprof profile: its string table, and ids for functions, locations, mappings. */
class PprofBuilder {
  readonly profile: PprofProfile = emptyPprof();
  readonly #strings = new Map<string, number>([["", 0]]);
  readonly #functions = new Map<number, bigint>();
  readonly #locations = new Map<number, bigint>();
  readonly #mappings = new Map<number, bigint>();
  readonly #dictionary: ProfilesDictionary;

  constructor(dictionary: ProfilesDictionary) {
    this.#dictionary = dictionary;
  }

  string(text: string): number {
    let i = this.#strings.get(text);
    if (i === undefined) {
      i = this.profile.stringTable.length;
      this.profile.stringTable.push(text);
      this.#strings.set(text, i);
    }
    return i;
  }

  #dictString(index: number): number {
    return this.string(this.#dictionary.stringTable[index] ?? "");
  }

  valueType(t: { typeStrindex: number; unitStrindex: number }): PprofValueType {
    return { type: this.#dictString(t.typeStrindex), unit: this.#dictString(t.unitStrindex) };
  }

  #function(index: number): bigint {
    let id = this.#functions.get(index);
    if (id === undefined) {
      const f = this.#dictionary.functionTable[index];
      id = BigInt(this.profile.function.length + 1);
      this.#functions.set(index, id);
      this.profile.function.push({
        id,
        name: this.#dictString(f?.nameStrindex ?? 0),
        systemName: this.#dictString(f?.systemNameStrindex ?? 0),
        filename: this.#dictString(f?.filenameStrindex ?? 0),
        startLine: f?.startLine ?? 0n,
      });
    }
    return id;
  }

  location(index: number): bigint {
    let id = this.#locations.get(index);
    if (id === undefined) {
      const l = this.#dictionary.locationTable[index];
      id = BigInt(this.profile.location.length + 1);
      this.#locations.set(index, id);
      const mappingIndex = l?.mappingIndex ?? 0;
      if (mappingIndex !== 0 && !this.#mappings.has(mappingIndex)) {
        this.#mappings.set(mappingIndex, 0n);
      }
      this.profile.location.push({
        id,
        // Mapping ids are given once every mapping is known (see finish).
        mappingId: BigInt(mappingIndex),
        address: l?.address ?? 0n,
        line: (l?.lines ?? []).map((ln) => ({
          functionId: this.#function(ln.functionIndex),
          line: ln.line,
          column: ln.column,
        })),
        isFolded: attrs(this.#dictionary, l?.attributeIndices ?? []).some((a) =>
          a.key === IS_FOLDED_KEY && scalar(a.value) === true
        ),
      });
    }
    return id;
  }

  /** Adds the mappings the locations use, lowest address first (the main binary usually). */
  finish(): PprofProfile {
    const table = this.#dictionary.mappingTable;
    const used = [...this.#mappings.keys()].sort((a, b) => {
      const x = table[a]?.memoryStart ?? 0n, y = table[b]?.memoryStart ?? 0n;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
    used.forEach((index, i) => {
      const m = table[index];
      const id = BigInt(i + 1);
      this.#mappings.set(index, id);
      const a = attrs(this.#dictionary, m?.attributeIndices ?? []);
      const flag = (key: string) => a.some((x) => x.key === key && scalar(x.value) === true);
      const buildId = a.find((x) => x.key === BUILD_ID_KEY) ??
        a.find((x) => x.key.startsWith("process.executable.build_id."));
      this.profile.mapping.push({
        id,
        memoryStart: m?.memoryStart ?? 0n,
        memoryLimit: m?.memoryLimit ?? 0n,
        fileOffset: m?.fileOffset ?? 0n,
        filename: this.#dictString(m?.filenameStrindex ?? 0),
        buildId: buildId === undefined ? 0 : this.string(valueText(buildId.value)),
        hasFunctions: flag(HAS_FUNCTIONS_KEY),
        hasFilenames: flag(HAS_FILENAMES_KEY),
        hasLineNumbers: flag(HAS_LINE_NUMBERS_KEY),
        hasInlineFrames: flag(HAS_INLINE_FRAMES_KEY),
      });
    });
    for (const location of this.profile.location) {
      if (location.mappingId !== 0n) {
        location.mappingId = this.#mappings.get(Number(location.mappingId))!;
      }
    }
    return this.profile;
  }

  labels(attributes: readonly Attr[]): PprofLabel[] {
    const labels: PprofLabel[] = [];
    const add = (key: number, value: AnyValue | undefined, unit: string) => {
      const v = value?.value;
      if (v?.case === "arrayValue") {
        for (const item of v.value.values) add(key, item, unit);
      } else if (v?.case === "intValue") {
        labels.push({ key, str: 0, num: v.value, numUnit: unit ? this.string(unit) : 0 });
      } else {
        labels.push({ key, str: this.string(valueText(value)), num: 0n, numUnit: 0 });
      }
    };
    for (const a of attributes) add(this.string(a.key), a.value, a.unit);
    return labels;
  }
}

/** The profiles of one group, by sample type. */
interface Group {
  /** Sample type key -> its position and the profiles holding it. */
  types: Map<string, { order: number; profiles: Profile[] }>;
  first: Profile;
  firstAttributes: Attr[];
}

function groupsOf(dictionary: ProfilesDictionary, profiles: readonly Profile[]): Group[] {
  const groups = new Map<string, Group>();
  for (const profile of profiles) {
    const a = attrs(dictionary, profile.attributeIndices);
    const groupId = a.find((x) => x.key === GROUP_KEY);
    const position = scalar(a.find((x) => x.key === SAMPLE_TYPE_INDEX_KEY)?.value);
    const t = profile.sampleType;
    const typeKey = `${dictionary.stringTable[t?.typeStrindex ?? 0]}/${
      dictionary.stringTable[t?.unitStrindex ?? 0]
    }`;
    let key: string;
    if (groupId !== undefined) key = `g:${valueText(groupId.value)}`;
    else {
      const p = profile.periodType;
      const base =
        `t:${profile.timeUnixNano}|${profile.durationNano}|${p?.typeStrindex}|${p?.unitStrindex}|${profile.period}`;
      // A sample type seen twice without a group id belongs to another collection.
      let n = 0;
      while (groups.get(`${base}#${n}`)?.types.has(typeKey)) n++;
      key = `${base}#${n}`;
    }
    let group = groups.get(key);
    if (group === undefined) {
      groups.set(key, group = { types: new Map(), first: profile, firstAttributes: a });
    }
    let type = group.types.get(typeKey);
    if (type === undefined) {
      const order = typeof position === "bigint" ? Number(position) : group.types.size;
      group.types.set(typeKey, type = { order, profiles: [] });
    }
    type.profiles.push(profile);
  }
  return [...groups.values()];
}

function buildGroup(dictionary: ProfilesDictionary, group: Group): PprofProfile {
  const b = new PprofBuilder(dictionary);
  const profile = b.profile;
  const types = [...group.types.values()].sort((x, y) => x.order - y.order);
  profile.sampleType = types.map((t) =>
    b.valueType(t.profiles[0].sampleType ?? { typeStrindex: 0, unitStrindex: 0 })
  );
  const samples = new Map<string, PprofSample>();
  types.forEach((type, t) => {
    for (const p of type.profiles) {
      for (const s of p.samples) {
        const key = `${s.stackIndex}|${s.attributeIndices.join(",")}|${s.linkIndex}`;
        let sample = samples.get(key);
        if (sample === undefined) {
          const stack = dictionary.stackTable[s.stackIndex]?.locationIndices ?? [];
          sample = {
            locationId: stack.map((l) => b.location(l)),
            value: types.map(() => 0n),
            label: b.labels(attrs(dictionary, s.attributeIndices)),
          };
          samples.set(key, sample);
        }
        sample.value[t] += sampleTotal(s);
      }
    }
  });
  profile.sample = [...samples.values()];
  const first = group.first;
  profile.timeNanos = first.timeUnixNano;
  profile.durationNanos = first.durationNano;
  profile.periodType = first.periodType === undefined ? undefined : b.valueType(first.periodType);
  profile.period = first.period;
  for (const a of group.firstAttributes) {
    if (a.key === DROP_FRAMES_KEY) profile.dropFrames = b.string(valueText(a.value));
    else if (a.key === KEEP_FRAMES_KEY) profile.keepFrames = b.string(valueText(a.value));
    else if (a.key === DOC_URL_KEY) profile.docUrl = valueText(a.value);
    else if (a.key === DEFAULT_SAMPLE_TYPE_KEY) {
      profile.defaultSampleType = b.string(valueText(a.value));
    } else if (a.key === COMMENT_KEY) {
      const values = a.value?.value.case === "arrayValue" ? a.value.value.value.values : [a.value];
      profile.comment = values.map((v) => b.string(valueText(v)));
    }
  }
  return b.finish();
}

function serviceNameOf(
  dictionary: ProfilesDictionary,
  attributes: readonly KeyValue[] | undefined,
): string {
  const found = attributes?.find((kv) => kv.key === "service.name")?.value;
  const value = found === undefined ? undefined : resolveAnyValue(dictionary, found).value;
  return value?.case === "stringValue" ? value.value : "";
}

/**
 * Converts OTLP profiles into pprof profiles: one per group of profiles (see the module
 * comment), in the order the groups appear.
 */
export function profilesToPprof(data: Profiles): PprofOutput[] {
  const dictionary = data.dictionary;
  if (dictionary === undefined) return [];
  // Profiles of equal resources and scopes are grouped together: a split request merged back
  // has several resource groups holding parts of one collection.
  const buckets = new Map<
    string,
    { resource: Resource | undefined; scope: InstrumentationScope | undefined; profiles: Profile[] }
  >();
  for (const rp of data.resourceProfiles) {
    const resourceKey = `${keyOf(dictionary, rp.resource?.attributes)}|${rp.schemaUrl}`;
    for (const sp of rp.scopeProfiles) {
      const key = `${resourceKey}|${sp.scope?.name}|${sp.scope?.version}|${
        keyOf(dictionary, sp.scope?.attributes)
      }|${sp.schemaUrl}`;
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        buckets.set(key, bucket = { resource: rp.resource, scope: sp.scope, profiles: [] });
      }
      bucket.profiles.push(...sp.profiles);
    }
  }
  const outputs: PprofOutput[] = [];
  for (const bucket of buckets.values()) {
    for (const group of groupsOf(dictionary, bucket.profiles)) {
      const profile = buildGroup(dictionary, group);
      const period = profile.periodType === undefined
        ? ""
        : profile.stringTable[profile.periodType.type];
      outputs.push({
        profile,
        resource: bucket.resource,
        scope: bucket.scope,
        serviceName: serviceNameOf(dictionary, bucket.resource?.attributes),
        profileType: period || profile.stringTable[profile.sampleType[0]?.type ?? 0] ||
          "profile",
        timeUnixNano: profile.timeNanos,
      });
    }
  }
  return outputs;
}

/** A text equal for equal attribute lists (string indices resolved). */
function keyOf(
  dictionary: ProfilesDictionary,
  attributes: readonly KeyValue[] | undefined,
): string {
  return JSON.stringify(
    (attributes ?? []).map((kv) => [
      kv.key,
      kv.value === undefined ? null : resolveAnyValue(dictionary, kv.value).value,
    ]),
    (_key, value) => typeof value === "bigint" ? `${value}n` : value,
  );
}
