// Shared by the profiles tests: a resolved, index-free view of a whole Profiles value, and the
// set of dictionary entries a value actually references. Named *_test.ts so that it is not
// published; it holds no tests itself.

import { create, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import {
  type KeyValue,
  type Profiles,
  type ProfilesDictionary,
  ProfilesDictionarySchema,
  ResourceProfilesSchema,
} from "./mod.ts";
import { bytesToHex } from "@denocol/pdata";

/**
 * The tables that fields point into, by field name; a field ending in `_strindex` points into the
 * string table. The oracle refuses any other field named like an index, so that a new reference
 * field in the schema cannot slip through compared as a bare number.
 */
const REFERENCES: Readonly<Record<string, keyof ProfilesDictionary>> = {
  stack_index: "stackTable",
  link_index: "linkTable",
  mapping_index: "mappingTable",
  function_index: "functionTable",
  location_indices: "locationTable",
  attribute_indices: "attributeTable",
};

function tableOf(field: DescField): keyof ProfilesDictionary | undefined {
  if (field.name.endsWith("_strindex")) return "stringTable";
  const table = REFERENCES[field.name];
  if (table !== undefined) return table;
  if (/_(index|indices)$/.test(field.name)) {
    throw new Error(
      `oracle: ${field.parent.typeName}.${field.name} looks like a reference it does not know`,
    );
  }
  return undefined;
}

/** The message type of each table's entries (undefined for the string table). */
const ENTRY_SCHEMAS = new Map<string, DescMessage | undefined>(
  ProfilesDictionarySchema.fields.map((f) => [f.localName, f.message]),
);

/**
 * Every field of `message`, by the schema, with every reference replaced by the (resolved) entry
 * it points at, bytes as hex and unknown fields kept: two messages from different dictionaries
 * mean the same thing exactly when their views are deeply equal. Index 0 of a missing table is
 * the table's zero value; any other index outside its table throws.
 */
export function resolvedView(
  d: ProfilesDictionary | undefined,
  desc: DescMessage,
  message: Message,
  omit?: string,
): Record<string, unknown> {
  const source = message as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { $typeName: desc.typeName };
  for (const field of desc.fields) {
    if (field.localName === omit) continue;
    let value: unknown;
    if (field.oneof !== undefined) {
      const group = source[field.oneof.localName] as { case?: string; value?: unknown };
      if (group.case !== field.localName) continue;
      value = group.value;
    } else value = source[field.localName];
    const one = (item: unknown): unknown => resolvedValue(d, field, item);
    out[field.localName] = Array.isArray(value) ? value.map(one) : one(value);
  }
  const unknown = (message as { $unknown?: { no: number; wireType: number; data: Uint8Array }[] })
    .$unknown;
  if (unknown !== undefined && unknown.length > 0) {
    out.$unknown = unknown.map((u) => `${u.no}/${u.wireType}/${bytesToHex(u.data)}`);
  }
  return out;
}

function resolvedValue(
  d: ProfilesDictionary | undefined,
  field: DescField,
  value: unknown,
): unknown {
  if (value === undefined) return undefined;
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (field.message !== undefined) return resolvedView(d, field.message, value as Message);
  const table = tableOf(field);
  if (table === undefined) return value;
  const index = value as number;
  const entries = (d?.[table] ?? []) as unknown[];
  const entrySchema = ENTRY_SCHEMAS.get(table);
  let entry = entries[index];
  if (index < 0 || index >= entries.length) {
    if (index !== 0) throw new Error(`oracle: ${table}[${index}] is outside the table`);
    entry = entrySchema === undefined ? "" : create(entrySchema);
  }
  return entrySchema === undefined
    ? entry
    : { [table]: resolvedView(d, entrySchema, entry as Message) };
}

/**
 * One profile, or one sample of it, with everything around it: every field of the resource
 * group, scope group and profile (their lists of children left out) and of the sample, resolved.
 */
export interface ResolvedEntry {
  resourceProfiles: Record<string, unknown>;
  /** Undefined for a resource group without scope groups, which counts as one entry. */
  scopeProfiles: Record<string, unknown> | undefined;
  /** Undefined for a scope group without profiles, which counts as one entry. */
  profile: Record<string, unknown> | undefined;
  /** Undefined for a profile without samples, which counts as one entry. */
  sample: Record<string, unknown> | undefined;
}

/**
 * Every sample of `data`, in order, and every profile, scope group and resource group holding
 * none, resolved through its dictionary: what merge and split must preserve exactly.
 */
export function resolveAll(data: Profiles): ResolvedEntry[] {
  const d = data.dictionary;
  const rpSchema = ResourceProfilesSchema;
  const spSchema = rpSchema.field.scopeProfiles.message!;
  const profileSchema = spSchema.field.profiles.message!;
  const sampleSchema = profileSchema.field.samples.message!;
  const out: ResolvedEntry[] = [];
  for (const rp of data.resourceProfiles) {
    const resourceProfiles = resolvedView(d, rpSchema, rp, "scopeProfiles");
    if (rp.scopeProfiles.length === 0) {
      out.push({
        resourceProfiles,
        scopeProfiles: undefined,
        profile: undefined,
        sample: undefined,
      });
    }
    for (const sp of rp.scopeProfiles) {
      const scopeProfiles = resolvedView(d, spSchema, sp, "profiles");
      if (sp.profiles.length === 0) {
        out.push({ resourceProfiles, scopeProfiles, profile: undefined, sample: undefined });
      }
      for (const p of sp.profiles) {
        const profile = resolvedView(d, profileSchema, p, "samples");
        if (p.samples.length === 0) {
          out.push({ resourceProfiles, scopeProfiles, profile, sample: undefined });
        }
        for (const sample of p.samples) {
          out.push({
            resourceProfiles,
            scopeProfiles,
            profile,
            sample: resolvedView(d, sampleSchema, sample),
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
