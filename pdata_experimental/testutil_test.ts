// Shared by the profiles tests: a resolved, index-free view of a whole Profiles value, and the
// set of dictionary entries a value actually references. Named *_test.ts so that it is not
// published; it holds no tests itself.

import {
  type KeyValue,
  type Profiles,
  type ProfilesDictionary,
  resolveAttributes,
  type ResolvedAttribute,
  type ResolvedSample,
  resolveKeyValues,
  resolveSample,
  resolveValueType,
} from "./mod.ts";
import { bytesToHex } from "@denocol/pdata";

/** One sample with everything around it (resource, scope, profile) resolved. */
export interface ResolvedEntry {
  resource: KeyValue[];
  resourceSchemaUrl: string;
  scope: { name: string; version: string; attributes: KeyValue[] } | undefined;
  profile: {
    sampleType: { type: string; unit: string };
    periodType: { type: string; unit: string };
    period: bigint;
    timeUnixNano: bigint;
    profileId: string;
    attributes: ResolvedAttribute[];
  };
  sample: ResolvedSample;
}

/** Every sample of `data`, in order, resolved through its dictionary. */
export function resolveAll(data: Profiles): ResolvedEntry[] {
  const d = data.dictionary;
  const out: ResolvedEntry[] = [];
  for (const rp of data.resourceProfiles) {
    for (const sp of rp.scopeProfiles) {
      for (const profile of sp.profiles) {
        for (const sample of profile.samples) {
          out.push({
            resource: resolveKeyValues(d, rp.resource?.attributes ?? []),
            resourceSchemaUrl: rp.schemaUrl,
            scope: sp.scope && {
              name: sp.scope.name,
              version: sp.scope.version,
              attributes: resolveKeyValues(d, sp.scope.attributes),
            },
            profile: {
              sampleType: resolveValueType(d, profile.sampleType),
              periodType: resolveValueType(d, profile.periodType),
              period: profile.period,
              timeUnixNano: profile.timeUnixNano,
              profileId: bytesToHex(profile.profileId),
              attributes: resolveAttributes(d, profile.attributeIndices),
            },
            sample: resolveSample(d, sample),
          });
        }
      }
    }
  }
  return out;
}

/** Indices referenced (directly or through other entries) per table; index 0 always counts. */
export interface Used {
  strings: Set<number>;
  functions: Set<number>;
  mappings: Set<number>;
  locations: Set<number>;
  stacks: Set<number>;
  links: Set<number>;
  attributes: Set<number>;
}

/** Marks every dictionary entry `data` reaches from its samples, profiles, resources, scopes. */
export function usedEntries(data: Profiles): Used {
  const d: ProfilesDictionary = data.dictionary!;
  const used: Used = {
    strings: new Set([0]),
    functions: new Set([0]),
    mappings: new Set([0]),
    locations: new Set([0]),
    stacks: new Set([0]),
    links: new Set([0]),
    attributes: new Set([0]),
  };
  // deno-lint-ignore no-explicit-any
  const markValue = (value: any): void => {
    if (value === undefined) return;
    const v = value.value;
    if (v.case === "stringValueStrindex") used.strings.add(v.value);
    if (v.case === "arrayValue") v.value.values.forEach(markValue);
    if (v.case === "kvlistValue") markKeyValues(v.value.values);
  };
  const markKeyValues = (kvs: KeyValue[]) => {
    for (const kv of kvs) {
      used.strings.add(kv.keyStrindex);
      markValue(kv.value);
    }
  };
  const markAttribute = (i: number) => {
    used.attributes.add(i);
    const a = d.attributeTable[i];
    used.strings.add(a.keyStrindex);
    used.strings.add(a.unitStrindex);
    markValue(a.value);
  };
  for (const rp of data.resourceProfiles) {
    markKeyValues(rp.resource?.attributes ?? []);
    for (const sp of rp.scopeProfiles) {
      markKeyValues(sp.scope?.attributes ?? []);
      for (const p of sp.profiles) {
        for (const vt of [p.sampleType, p.periodType]) {
          if (vt) used.strings.add(vt.typeStrindex).add(vt.unitStrindex);
        }
        p.attributeIndices.forEach(markAttribute);
        for (const s of p.samples) {
          used.links.add(s.linkIndex);
          s.attributeIndices.forEach(markAttribute);
          used.stacks.add(s.stackIndex);
          for (const li of d.stackTable[s.stackIndex].locationIndices) {
            used.locations.add(li);
            const loc = d.locationTable[li];
            loc.attributeIndices.forEach(markAttribute);
            used.mappings.add(loc.mappingIndex);
            const m = d.mappingTable[loc.mappingIndex];
            used.strings.add(m.filenameStrindex);
            m.attributeIndices.forEach(markAttribute);
            for (const line of loc.lines) {
              used.functions.add(line.functionIndex);
              const f = d.functionTable[line.functionIndex];
              used.strings.add(f.nameStrindex).add(f.systemNameStrindex).add(f.filenameStrindex);
            }
          }
        }
      }
    }
  }
  return used;
}

/** JSON text of each entry of a table, to find duplicates by value. */
export function entryTexts(
  d: ProfilesDictionary,
): Record<keyof Used, string[]> {
  // deno-lint-ignore no-explicit-any
  const text = (schemaless: any) =>
    JSON.stringify(schemaless, (_k, v) => typeof v === "bigint" ? `${v}n` : v);
  return {
    strings: d.stringTable.map((s) => JSON.stringify(s)),
    functions: d.functionTable.map(text),
    mappings: d.mappingTable.map(text),
    locations: d.locationTable.map(text),
    stacks: d.stackTable.map(text),
    links: d.linkTable.map(text),
    attributes: d.attributeTable.map(text),
  };
}
