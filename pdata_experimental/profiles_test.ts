import assert from "node:assert/strict";
import { clone, create, equals } from "@bufbuild/protobuf";
import { AnyValueSchema, DecodeError, KeyValueSchema, ResourceSchema } from "@denocol/pdata";
import {
  FunctionSchema,
  KeyValueAndUnitSchema,
  LineSchema,
  LinkSchema,
  LocationSchema,
  MappingSchema,
  ProfileReferenceError,
  type Profiles,
  profiles,
  ProfileSchema,
  ProfilesDataSchema,
  ProfilesDictionarySchema,
  profilesFromRequest,
  profilesToRequest,
  resolveSample,
  ResourceProfilesSchema,
  SampleSchema,
  ScopeProfilesSchema,
  StackSchema,
  validateProfiles,
  ValueTypeSchema,
} from "./mod.ts";
import { generateProfiles, SeededRandom } from "./profilestest/mod.ts";
import { entryTexts, resolveAll, type Used, usedEntries } from "./testutil_test.ts";

const TABLES: (keyof Used)[] = [
  "strings",
  "functions",
  "mappings",
  "locations",
  "stacks",
  "links",
  "attributes",
];

/** A small profile written by hand: main -> parse (with inlined readByte) in app.ts. */
function handMade(): Profiles {
  return create(ProfilesDataSchema, {
    dictionary: create(ProfilesDictionarySchema, {
      stringTable: ["", "main", "parse", "readByte", "app.ts", "libapp.so", "thread", "worker-1"],
      functionTable: [
        create(FunctionSchema),
        create(FunctionSchema, { nameStrindex: 1, filenameStrindex: 4, startLine: 1n }),
        create(FunctionSchema, { nameStrindex: 2, filenameStrindex: 4, startLine: 10n }),
        create(FunctionSchema, { nameStrindex: 3, systemNameStrindex: 3, filenameStrindex: 4 }),
      ],
      mappingTable: [
        create(MappingSchema),
        create(MappingSchema, { memoryStart: 0x1000n, memoryLimit: 0x9000n, filenameStrindex: 5 }),
      ],
      locationTable: [
        create(LocationSchema),
        create(LocationSchema, {
          mappingIndex: 1,
          address: 0x1234n,
          lines: [create(LineSchema, { functionIndex: 1, line: 5n, column: 3n })],
        }),
        create(LocationSchema, {
          mappingIndex: 1,
          address: 0x2345n,
          lines: [
            create(LineSchema, { functionIndex: 3, line: 40n, column: 7n }),
            create(LineSchema, { functionIndex: 2, line: 12n }),
          ],
        }),
      ],
      stackTable: [create(StackSchema), create(StackSchema, { locationIndices: [2, 1] })],
      linkTable: [
        create(LinkSchema),
        create(LinkSchema, {
          traceId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
          spanId: Uint8Array.from({ length: 8 }, (_, i) => 0xa0 + i),
        }),
      ],
      attributeTable: [
        create(KeyValueAndUnitSchema),
        create(KeyValueAndUnitSchema, {
          keyStrindex: 6,
          value: create(AnyValueSchema, { value: { case: "stringValueStrindex", value: 7 } }),
        }),
      ],
    }),
    resourceProfiles: [create(ResourceProfilesSchema, {
      resource: create(ResourceSchema, {
        attributes: [create(KeyValueSchema, {
          keyStrindex: 1,
          value: create(AnyValueSchema, { value: { case: "stringValue", value: "svc" } }),
        })],
      }),
      scopeProfiles: [create(ScopeProfilesSchema, {
        profiles: [create(ProfileSchema, {
          sampleType: create(ValueTypeSchema, { typeStrindex: 2, unitStrindex: 3 }),
          profileId: new Uint8Array(16).fill(0xee),
          samples: [
            create(SampleSchema, {
              stackIndex: 1,
              attributeIndices: [1],
              linkIndex: 1,
              values: [42n],
            }),
            create(SampleSchema, { stackIndex: 0, values: [1n] }),
          ],
        })],
      })],
    })],
  });
}

function samplesOf(data: Profiles) {
  return data.resourceProfiles.flatMap((rp) =>
    rp.scopeProfiles.flatMap((sp) => sp.profiles.flatMap((p) => p.samples))
  );
}

Deno.test("resolveSample gives the frames, attributes and link of a hand-written profile", () => {
  const data = handMade();
  const [first, second] = samplesOf(data);
  const resolved = resolveSample(data.dictionary, first);
  assert.deepEqual(
    resolved.frames.map((f) => [f.functionName, f.systemName, f.fileName, f.line, f.column]),
    [
      ["readByte", "readByte", "app.ts", 40n, 7n],
      ["parse", "", "app.ts", 12n, 0n],
      ["main", "", "app.ts", 5n, 3n],
    ],
  );
  assert.equal(resolved.locations[0].mapping?.fileName, "libapp.so");
  assert.equal(resolved.locations[0].address, 0x2345n);
  assert.equal(resolved.attributes.length, 1);
  assert.equal(resolved.attributes[0].key, "thread");
  assert.deepEqual(resolved.attributes[0].value?.value, { case: "stringValue", value: "worker-1" });
  assert.deepEqual(resolved.link, {
    traceId: "0102030405060708090a0b0c0d0e0f10",
    spanId: "a0a1a2a3a4a5a6a7",
  });
  const empty = resolveSample(data.dictionary, second);
  assert.deepEqual(empty.frames, []);
  assert.equal(empty.link, undefined);
});

Deno.test("binary round trip keeps edge values and unicode", () => {
  const data = handMade();
  const profile = data.resourceProfiles[0].scopeProfiles[0].profiles[0];
  profile.timeUnixNano = 2n ** 64n - 1n;
  profile.durationNano = 2n ** 64n - 1n;
  profile.period = -(2n ** 63n);
  profile.originalPayloadFormat = "pprof";
  profile.originalPayload = new Uint8Array([0, 255, 1]);
  profile.samples[0].values = [2n ** 63n - 1n, -(2n ** 63n), 0n];
  profile.samples[0].timestampsUnixNano = [0n, 2n ** 64n - 1n, 1n];
  data.dictionary!.stringTable.push('naïve 日本語 🔥 \u0000 "quoted"');
  const specials = [NaN, Infinity, -Infinity, -0];
  for (const special of specials) {
    data.dictionary!.attributeTable.push(create(KeyValueAndUnitSchema, {
      keyStrindex: 8,
      value: create(AnyValueSchema, { value: { case: "doubleValue", value: special } }),
    }));
  }
  const bytes = profiles.encodeProto(data);
  const decoded = profiles.decodeProto(bytes);
  const decodedSpecials = decoded.dictionary!.attributeTable.splice(-4)
    .map((a) => a.value?.value.value);
  assert.ok(Number.isNaN(decodedSpecials[0]));
  assert.ok(Object.is(decodedSpecials[3], -0));
  assert.deepEqual(decodedSpecials.slice(1, 3), [Infinity, -Infinity]);
  // NaN is not equal to itself: compare the rest with the special values taken out.
  data.dictionary!.attributeTable.splice(-4);
  assert.ok(equals(ProfilesDataSchema, decoded, data));
  assert.equal(profiles.count(decoded), 2);
  // Encoding the decoded value gives the same bytes: nothing was lost or reordered.
  assert.deepEqual(profiles.encodeProto(profiles.decodeProto(bytes)), bytes);
});

Deno.test("JSON round trip writes ids as hex and keeps every value", () => {
  const data = generateProfiles({ seed: 7, duplicates: true });
  data.dictionary!.stringTable.push("emoji 🔥 and 中文");
  const text = profiles.encodeJson(data);
  const document = JSON.parse(text);
  const firstProfile = document.resourceProfiles[0].scopeProfiles[0].profiles[0];
  assert.match(firstProfile.profileId, /^[0-9a-f]{32}$/);
  assert.match(document.dictionary.linkTable[1].traceId, /^[0-9a-f]{32}$/);
  assert.match(document.dictionary.linkTable[1].spanId, /^[0-9a-f]{16}$/);
  const decoded = profiles.decodeJson(text);
  assert.ok(equals(ProfilesDataSchema, decoded, data));
  assert.deepEqual(resolveAll(decoded), resolveAll(data));
});

Deno.test("a hand-written OTLP/JSON profiles document decodes to the frames it describes", () => {
  const document = {
    resourceProfiles: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
      scopeProfiles: [{
        scope: { name: "ebpf-profiler" },
        profiles: [{
          sampleType: { typeStrindex: 1, unitStrindex: 2 },
          timeUnixNano: "1700000000000000000",
          durationNano: 1000000000,
          profileId: "0102030405060708090A0B0C0D0E0F10",
          samples: [{ stackIndex: 1, linkIndex: 1, values: ["17"], unknownField: true }],
        }],
      }],
    }],
    dictionary: {
      stringTable: ["", "cpu", "nanoseconds", "handle", "server.go"],
      functionTable: [{}, { nameStrindex: 3, filenameStrindex: 4 }],
      locationTable: [{}, { address: "4096", lines: [{ functionIndex: 1, line: "88" }] }],
      stackTable: [{}, { locationIndices: [1] }],
      linkTable: [{}, { traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b174" }],
      mappingTable: [{}],
      attributeTable: [{}],
    },
  };
  const data = profiles.decodeJson(JSON.stringify(document));
  validateProfiles(data);
  const [sample] = samplesOf(data);
  const resolved = resolveSample(data.dictionary, sample);
  assert.deepEqual(resolved.frames.map((f) => [f.functionName, f.fileName, f.line]), [
    ["handle", "server.go", 88n],
  ]);
  assert.deepEqual(resolved.link, {
    traceId: "5b8efff798038103d269b633813fc60c",
    spanId: "eee19b7ec3c1b174",
  });
  assert.deepEqual(resolved.values, [17n]);
  const profile = data.resourceProfiles[0].scopeProfiles[0].profiles[0];
  assert.deepEqual([...profile.profileId], Array.from({ length: 16 }, (_, i) => i + 1));
  assert.equal(profile.timeUnixNano, 1700000000000000000n);
});

Deno.test("decoding bad input throws DecodeError", () => {
  const bytes = profiles.encodeProto(handMade());
  for (const cut of [1, 7, bytes.length - 1]) {
    assert.throws(() => profiles.decodeProto(bytes.subarray(0, cut)), DecodeError);
  }
  assert.throws(() => profiles.decodeJson("{"), DecodeError);
  assert.throws(() => profiles.decodeJson('{"resourceProfiles": 3}'), DecodeError);
  assert.throws(
    () =>
      profiles.decodeJson(
        '{"resourceProfiles":[{"scopeProfiles":[{"profiles":[{"profileId":"abcd"}]}]}]}',
      ),
    (error: unknown) =>
      error instanceof DecodeError && error.format === "json" && /profileId/.test(error.message),
  );
  assert.throws(
    () => profiles.decodeJson('{"dictionary":{"linkTable":[{"spanId":"zz00000000000000"}]}}'),
    DecodeError,
  );
});

Deno.test("request conversion keeps the wire layout", () => {
  const data = handMade();
  const request = profilesToRequest(data);
  const back = profilesFromRequest(request);
  assert.ok(equals(ProfilesDataSchema, back, data));
});

Deno.test("merge of inputs with different dictionaries resolves every sample the same", () => {
  const parts = [
    generateProfiles({ seed: 1 }),
    generateProfiles({ seed: 2, strings: 5, functions: 4 }),
    handMade(),
    generateProfiles({ seed: 3, duplicates: true }),
  ];
  const expected = parts.flatMap(resolveAll);
  const originals = parts.map((p) => clone(ProfilesDataSchema, p));
  const merged = profiles.merge(parts);
  validateProfiles(merged);
  assert.equal(profiles.count(merged), parts.reduce((n, p) => n + profiles.count(p), 0));
  assert.deepEqual(resolveAll(merged), expected);
  // The inputs are left untouched.
  parts.forEach((p, i) => assert.ok(equals(ProfilesDataSchema, p, originals[i])));
  // Index 0 of every table is the zero value.
  const d = merged.dictionary!;
  assert.equal(d.stringTable[0], "");
  assert.ok(equals(FunctionSchema, d.functionTable[0], create(FunctionSchema)));
  assert.ok(equals(LocationSchema, d.locationTable[0], create(LocationSchema)));
  assert.ok(equals(MappingSchema, d.mappingTable[0], create(MappingSchema)));
  assert.ok(equals(StackSchema, d.stackTable[0], create(StackSchema)));
  assert.ok(d.linkTable[0].traceId.every((b) => b === 0));
  assert.ok(equals(KeyValueAndUnitSchema, d.attributeTable[0], create(KeyValueAndUnitSchema)));
});

Deno.test("merge stores equal entries once", () => {
  const a = generateProfiles({ seed: 11, duplicates: true });
  const merged = profiles.merge([a, clone(ProfilesDataSchema, a)]);
  const before = a.dictionary!;
  const after = merged.dictionary!;
  // The generator added duplicates to every table; a copy adds nothing new.
  assert.ok(after.stringTable.length < before.stringTable.length);
  assert.ok(after.functionTable.length < before.functionTable.length);
  assert.ok(after.locationTable.length < before.locationTable.length);
  assert.ok(after.attributeTable.length < before.attributeTable.length);
  for (const [table, texts] of Object.entries(entryTexts(after))) {
    assert.equal(new Set(texts).size, texts.length, `duplicate entries in ${table}`);
  }
  assert.deepEqual(resolveAll(merged), [...resolveAll(a), ...resolveAll(a)]);
});

Deno.test("split keeps metadata, prunes each chunk's dictionary, and merges back", () => {
  const data = generateProfiles({ seed: 5, maxSamples: 40, maxProfiles: 3 });
  const total = profiles.count(data);
  assert.ok(total > 20, `generator gave only ${total} samples`);
  const chunks = profiles.split(data, 7);
  assert.equal(chunks.length, Math.ceil(total / 7));
  assert.deepEqual(chunks.map(profiles.count).reduce((a, b) => a + b), total);
  for (const chunk of chunks) {
    assert.ok(profiles.count(chunk) <= 7);
    validateProfiles(chunk);
    const used = usedEntries(chunk);
    const d = chunk.dictionary!;
    const lengths: Record<keyof Used, number> = {
      strings: d.stringTable.length,
      functions: d.functionTable.length,
      mappings: d.mappingTable.length,
      locations: d.locationTable.length,
      stacks: d.stackTable.length,
      links: d.linkTable.length,
      attributes: d.attributeTable.length,
    };
    for (const table of TABLES) {
      assert.equal(used[table].size, lengths[table], `unused entries in ${table}`);
    }
    assert.ok(d.stringTable.length < data.dictionary!.stringTable.length);
  }
  assert.deepEqual(chunks.flatMap(resolveAll), resolveAll(data));
  assert.deepEqual(resolveAll(profiles.merge(chunks)), resolveAll(data));
});

Deno.test("split rejects a non-positive size and returns small data as is", () => {
  const data = handMade();
  assert.throws(() => profiles.split(data, 0), RangeError);
  assert.deepEqual(profiles.split(data, 2), [data]);
  assert.equal(profiles.count(profiles.empty()), 0);
});

Deno.test("property: split then merge preserves every sample, for random shapes", () => {
  for (let seed = 100; seed < 140; seed++) {
    const random = new SeededRandom(seed);
    const data = generateProfiles({
      seed,
      maxResources: random.int(1, 3),
      maxScopes: random.int(1, 3),
      maxProfiles: random.int(1, 3),
      maxSamples: random.int(0, 30),
      duplicates: random.next() < 0.5,
    });
    validateProfiles(data);
    const expected = resolveAll(data);
    const max = random.int(1, 10);
    const chunks = profiles.split(data, max);
    for (const chunk of chunks) {
      assert.ok(profiles.count(chunk) <= max, `seed ${seed}: chunk over ${max}`);
      validateProfiles(chunk);
    }
    assert.deepEqual(chunks.flatMap(resolveAll), expected, `seed ${seed}: split changed samples`);
    const merged = profiles.merge(chunks);
    validateProfiles(merged);
    assert.deepEqual(resolveAll(merged), expected, `seed ${seed}: merge changed samples`);
    const roundTrip = profiles.decodeProto(profiles.encodeProto(merged));
    assert.ok(equals(ProfilesDataSchema, roundTrip, merged), `seed ${seed}: binary round trip`);
  }
});

Deno.test("validateProfiles names the table, the index and where it was found", () => {
  const data = generateProfiles({ seed: 9, maxProfiles: 2, maxSamples: 20 });
  validateProfiles(data);
  const stacks = data.dictionary!.stackTable.length;
  const sample = data.resourceProfiles[0].scopeProfiles[0].profiles[0].samples[0] ??
    assert.fail("generator made no sample");
  sample.stackIndex = stacks;
  assert.throws(() => validateProfiles(data), (error: unknown) => {
    assert.ok(error instanceof ProfileReferenceError);
    assert.equal(error.table, "stackTable");
    assert.equal(error.index, stacks);
    assert.equal(error.tableLength, stacks);
    assert.equal(
      error.path,
      "resourceProfiles[0].scopeProfiles[0].profiles[0].samples[0].stackIndex",
    );
    assert.match(error.message, /stackTable/);
    assert.match(error.message, new RegExp(`= ${stacks} `));
    return true;
  });
  // merge and split report the same precise error.
  assert.throws(() => profiles.merge([data, handMade()]), ProfileReferenceError);
  assert.throws(() => profiles.split(data, 1), ProfileReferenceError);
});

Deno.test("validateProfiles checks the dictionary's own references", () => {
  const cases: [(data: Profiles) => void, string, string][] = [
    [
      (d) => (d.dictionary!.locationTable[2].lines[1].functionIndex = 99),
      "functionTable",
      "dictionary.locationTable[2].lines[1].functionIndex",
    ],
    [
      (d) => (d.dictionary!.locationTable[1].mappingIndex = -1),
      "mappingTable",
      "dictionary.locationTable[1].mappingIndex",
    ],
    [
      (d) => (d.dictionary!.stackTable[1].locationIndices[1] = 3),
      "locationTable",
      "dictionary.stackTable[1].locationIndices[1]",
    ],
    [
      (d) => (d.dictionary!.attributeTable[1].value!.value = {
        case: "stringValueStrindex",
        value: 8,
      }),
      "stringTable",
      "dictionary.attributeTable[1].value.stringValueStrindex",
    ],
    [
      (d) => (d.resourceProfiles[0].resource!.attributes[0].keyStrindex = 100),
      "stringTable",
      "resourceProfiles[0].resource.attributes[0].keyStrindex",
    ],
    [
      (d) => (d.resourceProfiles[0].scopeProfiles[0].profiles[0].sampleType!.unitStrindex = 8),
      "stringTable",
      "resourceProfiles[0].scopeProfiles[0].profiles[0].sampleType.unitStrindex",
    ],
    [
      (d) => (d.resourceProfiles[0].scopeProfiles[0].profiles[0].samples[1].linkIndex = 2),
      "linkTable",
      "resourceProfiles[0].scopeProfiles[0].profiles[0].samples[1].linkIndex",
    ],
    [
      (d) => (d.resourceProfiles[0].scopeProfiles[0].profiles[0].attributeIndices = [1, 2]),
      "attributeTable",
      "resourceProfiles[0].scopeProfiles[0].profiles[0].attributeIndices[1]",
    ],
  ];
  for (const [breakIt, table, path] of cases) {
    const data = handMade();
    validateProfiles(data);
    breakIt(data);
    assert.throws(() => validateProfiles(data), (error: unknown) => {
      assert.ok(error instanceof ProfileReferenceError, String(error));
      assert.equal(error.table, table);
      assert.equal(error.path, path);
      return true;
    });
  }
});

Deno.test("index 0 is valid without a dictionary and resolves to nothing", () => {
  const data = create(ProfilesDataSchema, {
    resourceProfiles: [create(ResourceProfilesSchema, {
      scopeProfiles: [create(ScopeProfilesSchema, {
        profiles: [create(ProfileSchema, { samples: [create(SampleSchema, { values: [3n] })] })],
      })],
    })],
  });
  validateProfiles(data);
  const merged = profiles.merge([data, handMade()]);
  validateProfiles(merged);
  assert.deepEqual(resolveAll(merged), [...resolveAll(data), ...resolveAll(handMade())]);
});
