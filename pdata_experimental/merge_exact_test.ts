// Merge keeps every dictionary entry exactly as it was sent (unknown fields included), while
// entries that are equal in every field are still stored once.

import assert from "node:assert/strict";
import { clone, create, toBinary } from "@bufbuild/protobuf";
import { AnyValueSchema } from "@denocol/pdata";
import {
  FunctionSchema,
  KeyValueAndUnitSchema,
  LineSchema,
  LinkSchema,
  LocationSchema,
  type Profiles,
  profiles,
  ProfileSchema,
  ProfilesDataSchema,
  ProfilesDictionarySchema,
  ResourceProfilesSchema,
  SampleSchema,
  ScopeProfilesSchema,
  StackSchema,
  validateProfiles,
} from "./mod.ts";
import { generateProfiles } from "./profilestest/mod.ts";
import { resolveAll } from "./testutil_test.ts";

/** `message` with an unknown varint field, as the binary decoder keeps it (`create` drops it). */
function withUnknown<T extends object>(message: T, no: number, value: number): T {
  return Object.assign(message, { $unknown: [{ no, wireType: 0, data: Uint8Array.of(value) }] });
}

/**
 * One profile whose samples use function `name` plain and with an unknown field, a link with
 * zero-filled ids and one with an unknown field, and the given link table entry 0.
 */
function withVariants(link0: ReturnType<typeof create<typeof LinkSchema>>): Profiles {
  const stackOf = (functionIndex: number) =>
    create(LocationSchema, { lines: [create(LineSchema, { functionIndex })] });
  return create(ProfilesDataSchema, {
    dictionary: create(ProfilesDictionarySchema, {
      stringTable: ["", "name"],
      functionTable: [
        create(FunctionSchema),
        create(FunctionSchema, { nameStrindex: 1 }),
        withUnknown(create(FunctionSchema, { nameStrindex: 1 }), 9, 1),
        withUnknown(create(FunctionSchema, { nameStrindex: 1 }), 9, 2),
      ],
      locationTable: [create(LocationSchema), stackOf(1), stackOf(2), stackOf(3)],
      stackTable: [
        create(StackSchema),
        create(StackSchema, { locationIndices: [1] }),
        create(StackSchema, { locationIndices: [2] }),
        create(StackSchema, { locationIndices: [3] }),
      ],
      linkTable: [
        link0,
        create(LinkSchema, { traceId: new Uint8Array(16), spanId: new Uint8Array(8) }),
        withUnknown(
          create(LinkSchema, { traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8) }),
          3,
          7,
        ),
      ],
      attributeTable: [
        create(KeyValueAndUnitSchema),
        create(KeyValueAndUnitSchema, { keyStrindex: 1 }),
        create(KeyValueAndUnitSchema, { keyStrindex: 1, value: create(AnyValueSchema) }),
        create(KeyValueAndUnitSchema, {
          keyStrindex: 1,
          value: withUnknown(
            create(AnyValueSchema, { value: { case: "intValue", value: 1n } }),
            20,
            5,
          ),
        }),
      ],
    }),
    resourceProfiles: [create(ResourceProfilesSchema, {
      scopeProfiles: [create(ScopeProfilesSchema, {
        profiles: [create(ProfileSchema, {
          samples: [
            create(SampleSchema, { stackIndex: 1, values: [1n], attributeIndices: [1] }),
            create(SampleSchema, { stackIndex: 2, linkIndex: 1, attributeIndices: [2] }),
            create(SampleSchema, { stackIndex: 3, linkIndex: 2, attributeIndices: [3] }),
            create(SampleSchema, { stackIndex: 2, linkIndex: 0 }),
          ],
        })],
      })],
    })],
  });
}

Deno.test("merge keeps a link table entry 0 with empty ids empty, and zero-filled ids zero-filled", () => {
  const empty = withVariants(create(LinkSchema));
  const merged = profiles.merge([empty, clone(ProfilesDataSchema, empty)]);
  validateProfiles(merged);
  // Entry 0 is written exactly as it came: no fields at all.
  assert.equal(toBinary(LinkSchema, merged.dictionary!.linkTable[0]).length, 0);
  assert.deepStrictEqual(resolveAll(merged), [...resolveAll(empty), ...resolveAll(empty)]);

  const zeroFilled = withVariants(
    create(LinkSchema, { traceId: new Uint8Array(16), spanId: new Uint8Array(8) }),
  );
  // Both forms in one merge: each keeps its bytes; neither is rewritten into the other.
  const mixed = profiles.merge([zeroFilled, empty]);
  validateProfiles(mixed);
  const links = mixed.dictionary!.linkTable.map((link) => toBinary(LinkSchema, link).length);
  assert.equal(links[0], 2 + 16 + 2 + 8);
  assert.ok(links.includes(0), `no empty link among ${links}`);
  assert.deepStrictEqual(resolveAll(mixed), [...resolveAll(zeroFilled), ...resolveAll(empty)]);
});

Deno.test("merge keeps unknown fields of dictionary entries and of every level", () => {
  const parts = [1, 2, 3].map((seed) =>
    profiles.decodeProto(profiles.encodeProto(
      generateProfiles({ seed, unknownFields: true, duplicates: seed === 2 }),
    ))
  );
  const withUnknown = parts[0].dictionary!.functionTable.filter((f) => f.$unknown?.length);
  assert.ok(withUnknown.length > 0, "the generator gave no function an unknown field");
  const expected = parts.flatMap(resolveAll);
  const merged = profiles.merge(parts);
  validateProfiles(merged);
  assert.deepStrictEqual(resolveAll(merged), expected);
  // The kept fields are written and read back.
  assert.deepStrictEqual(resolveAll(profiles.decodeProto(profiles.encodeProto(merged))), expected);
  // Split keeps them too, and so does merging the chunks back.
  const chunks = profiles.split(merged, 5);
  assert.deepStrictEqual(chunks.flatMap(resolveAll), expected);
  assert.deepStrictEqual(resolveAll(profiles.merge(chunks)), expected);
});

Deno.test("merge shares entries equal in every field and keeps apart entries that differ at all", () => {
  const data = withVariants(create(LinkSchema));
  const d = data.dictionary!;
  const merged = profiles.merge([data, clone(ProfilesDataSchema, data)]);
  const m = merged.dictionary!;
  // The copy adds nothing: every entry of the second input equals one of the first.
  assert.equal(m.functionTable.length, d.functionTable.length);
  assert.equal(m.locationTable.length, d.locationTable.length);
  assert.equal(m.stackTable.length, d.stackTable.length);
  assert.equal(m.linkTable.length, d.linkTable.length);
  assert.equal(m.attributeTable.length, d.attributeTable.length);
  // Functions differing only in an unknown field stay three entries (plus the zero value).
  const functions = m.functionTable.map((f) => toBinary(FunctionSchema, f));
  assert.equal(new Set(functions.map((bytes) => bytes.join())).size, 4);
  // An attribute without a value and one with an empty value encode differently, so both stay.
  const attributes = m.attributeTable.map((a) => toBinary(KeyValueAndUnitSchema, a).join());
  assert.equal(new Set(attributes).size, attributes.length);
  assert.deepStrictEqual(resolveAll(merged), [...resolveAll(data), ...resolveAll(data)]);
});

Deno.test("split keeps resource and scope groups that hold no profiles, where they were", () => {
  const data = generateProfiles({ seed: 3, maxResources: 2, maxScopes: 2, maxSamples: 30 });
  data.resourceProfiles.splice(1, 0, create(ResourceProfilesSchema, { schemaUrl: "no scopes" }));
  data.resourceProfiles[0].scopeProfiles.push(
    create(ScopeProfilesSchema, { schemaUrl: "no profiles" }),
  );
  validateProfiles(data);
  const expected = resolveAll(data);
  const chunks = profiles.split(data, 4);
  assert.ok(chunks.length > 2, `only ${chunks.length} chunks`);
  assert.deepStrictEqual(chunks.flatMap(resolveAll), expected);
  assert.deepStrictEqual(resolveAll(profiles.merge(chunks)), expected);
});
