// Profiles received as bytes are validated and merged on their bytes: the results must be exactly
// what decoding first gives (the same merged bytes, the same refusals), and the data must stay
// encoded.

import assert from "node:assert/strict";
import { create, equals } from "@bufbuild/protobuf";
import { AnyValueSchema, encodedForm, KeyValueListSchema, KeyValueSchema } from "@denocol/pdata";
import {
  KeyValueAndUnitSchema,
  LinkSchema,
  ProfileReferenceError,
  type Profiles,
  profiles,
  ProfilesDataSchema,
  validateProfiles,
} from "./mod.ts";
import { type GenerateOptions, generateProfiles, SeededRandom } from "./profilestest/mod.ts";
import { mergeEncodedProfiles } from "./encoded_merge.ts";

/** Encoded values of `parts`, as the otlp receiver hands them on. */
function received(parts: readonly Profiles[]): Profiles[] {
  return parts.map((part) => profiles.fromProto(profiles.encodeProto(part)));
}

/** The object merge of `parts`, decoded from their bytes, encoded. */
function decodedMerge(parts: readonly Profiles[]): Uint8Array {
  const decoded = parts.map((part) => profiles.decodeProto(profiles.encodeProto(part)));
  const merged = profiles.merge(decoded);
  assert.equal(encodedForm(merged), undefined, "decoded parts were merged as bytes");
  return profiles.encodeProto(merged);
}

function shapes(seed: number): GenerateOptions {
  const random = new SeededRandom(seed);
  return {
    seed,
    maxResources: random.int(1, 3),
    maxScopes: random.int(1, 3),
    maxProfiles: random.int(1, 3),
    maxSamples: random.int(0, 30),
    duplicates: random.next() < 0.5,
    unknownFields: random.next() < 0.5,
  };
}

Deno.test("merging received profiles gives the bytes of the decoded merge, and decodes nothing", () => {
  for (let seed = 1; seed <= 60; seed++) {
    const count = 2 + (seed % 4);
    const parts = Array.from({ length: count }, (_, i) => generateProfiles(shapes(seed * 8 + i)));
    const inputs = received(parts);
    inputs.forEach((input) => validateProfiles(input));
    const merged = profiles.merge(inputs);
    const form = encodedForm(merged);
    assert.ok(form !== undefined, `seed ${seed}: the merge was not made on the bytes`);
    assert.deepStrictEqual(form.bytes, decodedMerge(parts), `seed ${seed}: merged bytes differ`);
    assert.equal(profiles.count(merged), parts.reduce((n, p) => n + profiles.count(p), 0));
    for (const input of inputs) assert.ok(encodedForm(input) !== undefined, "an input was decoded");
  }
});

Deno.test("unknown fields with long tags are kept as they are, never read as known ones", () => {
  const data = generateProfiles(shapes(13));
  const d = data.dictionary!;
  // Field numbers whose tags, taken modulo a byte or two, look like known fields' tags.
  let no = 32;
  for (const table of [d.mappingTable, d.locationTable, d.functionTable, d.attributeTable]) {
    for (const entry of table.slice(1)) {
      entry.$unknown = [{ no: no++, wireType: 0, data: Uint8Array.of(3) }];
    }
  }
  const parts = [data, generateProfiles(shapes(14))];
  const merged = profiles.merge(received(parts));
  assert.deepStrictEqual(encodedForm(merged)?.bytes, decodedMerge(parts));
});

Deno.test("an empty request merges on the bytes wherever it is", () => {
  const data = generateProfiles(shapes(3));
  for (const parts of [[data, profiles.empty()], [data, profiles.empty(), data]]) {
    const bytes = parts.map((part) => profiles.encodeProto(part));
    assert.ok(mergeEncodedProfiles(bytes) !== undefined, "left to the decoded merge");
    const merged = profiles.merge(received(parts));
    assert.deepStrictEqual(encodedForm(merged)?.bytes, decodedMerge(parts));
  }
  // First, its empty tables set the output's entries 0; the generated link entry 0 (zero-filled
  // ids) then differs, which the decoded merge handles.
  const parts = [profiles.empty(), data];
  assert.equal(mergeEncodedProfiles(parts.map((part) => profiles.encodeProto(part))), undefined);
  assert.deepStrictEqual(
    profiles.encodeProto(profiles.merge(received(parts))),
    decodedMerge(parts),
  );
});

Deno.test("merging received profiles with decoded ones encodes those and merges the bytes", () => {
  const parts = [1, 2, 3].map((seed) => generateProfiles(shapes(seed)));
  const [first, ...rest] = received(parts);
  const merged = profiles.merge([first, parts[1], rest[1]]);
  assert.deepStrictEqual(encodedForm(merged)?.bytes, decodedMerge(parts));
});

/** A length-delimited field `no` holding `body` (shorter than 128 bytes). */
function field(no: number, ...body: number[]): number[] {
  return [(no << 3) | 2, body.length, ...body];
}

/**
 * A hand-written `ProfilesData`: one sample whose fields are `sample`, and a dictionary of the
 * strings "", "k", "v", the attribute entries `attributes` (after an empty entry 0), and a link
 * entry 0 with zero-filled ids (as the generator writes it).
 */
function handWritten(sample: number[], attributes: number[][]): Uint8Array {
  // resource_profiles > scope_profiles > profiles > samples
  const samples = field(1, ...field(2, ...field(2, ...field(2, ...sample))));
  const dictionary = field(
    2,
    ...field(5),
    ...field(5, 0x6b),
    ...field(5, 0x76),
    ...field(6),
    ...attributes.flatMap((entry) => field(6, ...entry)),
    ...field(4, ...field(1, ...new Array(16).fill(0)), ...field(2, ...new Array(8).fill(0))),
  );
  return new Uint8Array([...samples, ...dictionary]);
}

Deno.test("what the byte merge leaves to the decoded merge comes out the same", () => {
  // Entry 0 of the link table differs between the parts (zero-filled ids, then empty): samples
  // of the second part that leave their link index out would need it written.
  const emptyLink = generateProfiles(shapes(5));
  emptyLink.dictionary!.linkTable[0] = create(LinkSchema);
  // key_strindex 1, value { int_value: 5 }, value { bool_value: true }: decoding merges the two
  // values into one, the bool.
  const twice = handWritten([0x10, 1], [[0x08, 1, ...field(2, 0x18, 5), ...field(2, 0x10, 1)]]);
  assert.equal(
    profiles.decodeProto(twice).dictionary!.attributeTable[1].value?.value.case,
    "boolValue",
  );
  const cases: [string, Uint8Array[]][] = [
    ["entry 0 differs", [generateProfiles(shapes(4)), emptyLink].map(profiles.encodeProto)],
    ["a value given twice", [profiles.encodeProto(generateProfiles(shapes(6))), twice]],
  ];
  for (const [name, parts] of cases) {
    assert.equal(mergeEncodedProfiles(parts), undefined, `${name}: merged as bytes`);
    const expected = profiles.encodeProto(
      profiles.merge(parts.map((b) => profiles.decodeProto(b))),
    );
    const merged = profiles.merge(parts.map((b) => profiles.fromProto(b)));
    assert.deepStrictEqual(profiles.encodeProto(merged), expected, name);
  }
});

Deno.test("indices sent unpacked are rewritten where they are", () => {
  // attribute_indices 1 and 2 as two varints, not a packed list.
  const unpacked = handWritten([0x10, 1, 0x10, 2], [
    [0x08, 1, ...field(2, 0x18, 5)],
    [0x08, 2, ...field(2, 0x40, 1)],
  ]);
  const first = profiles.encodeProto(generateProfiles(shapes(8)));
  const merged = profiles.merge([first, unpacked].map((b) => profiles.fromProto(b)));
  const bytes = encodedForm(merged)?.bytes;
  assert.ok(bytes !== undefined, "not merged as bytes");
  const expected = profiles.merge([first, unpacked].map((b) => profiles.decodeProto(b)));
  assert.ok(equals(ProfilesDataSchema, profiles.decodeProto(bytes), expected));
});

Deno.test("an index out of range in received profiles is reported by merge as when decoded", () => {
  const bad = generateProfiles(shapes(11));
  const stacks = bad.dictionary!.stackTable.length;
  const sample = bad.resourceProfiles[0].scopeProfiles[0].profiles[0]?.samples[0];
  assert.ok(sample !== undefined, "the generator made no sample");
  sample.stackIndex = stacks;
  const expected = captured(() => profiles.merge([bad, generateProfiles(shapes(12))]));
  assert.ok(expected instanceof ProfileReferenceError);
  const actual = captured(() => profiles.merge(received([bad, generateProfiles(shapes(12))])));
  assert.ok(actual instanceof ProfileReferenceError);
  assert.equal(actual.message, expected.message);
});

function captured(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Ways to point one reference of `data` outside its table; each returns false if it cannot. */
const BREAKERS: ((data: Profiles, random: SeededRandom) => boolean)[] = [
  (d, random) => {
    const samples = d.resourceProfiles.flatMap((rp) =>
      rp.scopeProfiles.flatMap((sp) => sp.profiles.flatMap((p) => p.samples))
    );
    if (samples.length === 0) return false;
    const sample = random.pick(samples);
    const which = random.int(0, 2);
    if (which === 0) sample.stackIndex = d.dictionary!.stackTable.length + random.int(0, 3);
    else if (which === 1) sample.linkIndex = -random.int(1, 3);
    else sample.attributeIndices.push(d.dictionary!.attributeTable.length);
    return true;
  },
  (d, random) => {
    const profile = random.pick(
      d.resourceProfiles.flatMap((rp) => rp.scopeProfiles.flatMap((sp) => sp.profiles)),
    );
    if (profile?.sampleType === undefined) return false;
    profile.sampleType.unitStrindex = d.dictionary!.stringTable.length;
    return true;
  },
  (d, random) => {
    const stack = random.pick(d.dictionary!.stackTable.slice(1));
    stack.locationIndices.push(d.dictionary!.locationTable.length + 5);
    return true;
  },
  (d, random) => {
    const location = random.pick(d.dictionary!.locationTable.slice(1));
    if (location.lines.length === 0) location.mappingIndex = d.dictionary!.mappingTable.length;
    else location.lines[0].functionIndex = d.dictionary!.functionTable.length;
    return true;
  },
  (d, random) => {
    random.pick(d.dictionary!.mappingTable.slice(1)).filenameStrindex = -1;
    return true;
  },
  (d, random) => {
    random.pick(d.dictionary!.functionTable.slice(1)).systemNameStrindex = 1 << 20;
    return true;
  },
  (d, random) => {
    const attribute = random.pick(d.dictionary!.attributeTable.slice(1));
    // Deep inside a value: a key index of a key-value list in an array.
    attribute.value = create(AnyValueSchema, {
      value: {
        case: "kvlistValue",
        value: create(KeyValueListSchema, {
          values: [create(KeyValueSchema, {
            keyStrindex: d.dictionary!.stringTable.length,
            value: create(AnyValueSchema),
          })],
        }),
      },
    });
    return true;
  },
  (d) => {
    const resource = d.resourceProfiles[0].resource;
    if (resource === undefined || resource.attributes.length === 0) return false;
    resource.attributes[0].value = create(AnyValueSchema, {
      value: { case: "stringValueStrindex", value: d.dictionary!.stringTable.length },
    });
    return true;
  },
  (d) => {
    d.dictionary!.attributeTable.push(
      create(KeyValueAndUnitSchema, { keyStrindex: 1, unitStrindex: -7 }),
    );
    return true;
  },
];

Deno.test("validateProfiles refuses received profiles exactly as decoded ones, and keeps the rest encoded", () => {
  let refused = 0;
  for (let seed = 1; seed <= 120; seed++) {
    const random = new SeededRandom(seed);
    const data = generateProfiles(shapes(seed));
    const broken = seed % 4 !== 0 && random.pick(BREAKERS)(data, random);
    const bytes = profiles.encodeProto(data);
    const expected = captured(() => validateProfiles(profiles.decodeProto(bytes)));
    const input = profiles.fromProto(bytes);
    const actual = captured(() => validateProfiles(input));
    if (expected === undefined) {
      assert.equal(actual, undefined, `seed ${seed}: refused what decoding accepts`);
      assert.ok(encodedForm(input) !== undefined, `seed ${seed}: validation decoded the data`);
      continue;
    }
    assert.ok(broken, `seed ${seed}: generated profiles were refused`);
    refused++;
    assert.ok(actual instanceof ProfileReferenceError, `seed ${seed}: accepted ${expected}`);
    assert.equal(actual.message, (expected as Error).message, `seed ${seed}`);
  }
  assert.ok(refused > 60, `only ${refused} inputs were broken`);
});
