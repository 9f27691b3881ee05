// Differential tests of the generated profiles codec against protobuf-es (the oracle).
import assert from "node:assert/strict";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { createProtoCodec, DecodeError, OTLP_ID_FIELDS } from "@denocol/pdata";
import { type Profiles, profiles, ProfilesDataSchema } from "../mod.ts";
import { generateProfiles } from "../profilestest/mod.ts";

const oracle = createProtoCodec(ProfilesDataSchema, { ...OTLP_ID_FIELDS, profile_id: 16 });

function fixtures(): Profiles[] {
  return [
    profiles.empty(),
    ...Array.from(
      { length: 12 },
      (_, seed) => generateProfiles({ seed, duplicates: seed % 2 === 0 }),
    ),
  ];
}

function attempt(decode: () => Profiles): { value: Profiles } | { error: DecodeError } {
  try {
    return { value: decode() };
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${error}`);
    return { error };
  }
}

/** Same value or both fail; the fast reader alone may reject only what it rejects on purpose. */
function agree(bytes: Uint8Array, what: string): boolean {
  const fast = attempt(() => profiles.decodeProto(bytes));
  const slow = attempt(() => oracle.decode(bytes));
  if ("value" in fast) {
    assert.ok("value" in slow, `${what}: only protobuf-es rejected`);
    assert.deepStrictEqual(fast.value, slow.value, what);
    return true;
  }
  if ("error" in slow) return false;
  const message = fast.error.message;
  if (/expected wire type|runs past the end of its message/.test(message)) return false;
  // protobuf-es takes a length modulo 2^32; the generated reader refuses a length of 2^32 or more.
  const length = /length (\d+) at byte \d+ runs past the end of the input/.exec(message);
  assert.ok(length !== null && BigInt(length[1]) >= 2n ** 32n, `${what}: ${message}`);
  return false;
}

Deno.test("profiles: fixtures decode and encode exactly as protobuf-es", () => {
  for (const [i, fixture] of fixtures().entries()) {
    const bytes = toBinary(ProfilesDataSchema, fixture);
    assert.deepStrictEqual(profiles.decodeProto(bytes), fromBinary(ProfilesDataSchema, bytes));
    assert.deepStrictEqual(profiles.encodeProto(fixture), bytes, `fixture ${i}`);
  }
});

Deno.test("profiles: truncated, random and mutated bytes agree with protobuf-es", () => {
  const bytes = toBinary(ProfilesDataSchema, generateProfiles({ seed: 5, maxSamples: 4 }));
  for (let cut = 0; cut < bytes.length; cut++) agree(bytes.subarray(0, cut), `cut ${cut}`);
  let state = 17;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  let decoded = 0;
  for (let round = 0; round < 2000; round++) {
    const input = bytes.slice();
    for (let f = 0; f < 2; f++) input[Math.floor(next() * input.length)] = Math.floor(next() * 256);
    if (agree(input, `round ${round}`)) decoded++;
  }
  assert.ok(decoded > 50, `only ${decoded} inputs decoded`);
});

Deno.test("profiles: sample values and indices decode unpacked as well as packed", () => {
  // Sample: stack_index 1 (varint), attribute_indices 2, values 4 (int64), timestamps 5 (fixed64)
  const sample = [
    0x08,
    3,
    0x10,
    1,
    0x10,
    2, // attribute_indices unpacked
    0x20,
    0x7f, // values unpacked: 127
    0x22,
    2,
    0x05,
    0x06, // values packed: 5, 6
    0x29,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0, // one unpacked fixed64 timestamp
  ];
  const wrap = (field: number, body: number[]) => [(field << 3) | 2, body.length, ...body];
  // ProfilesData.resource_profiles (1) > scope_profiles (2) > profiles (2) > samples (2)
  const bytes = new Uint8Array(wrap(1, wrap(2, wrap(2, wrap(2, sample)))));
  assert.ok(agree(bytes, "unpacked"));
  const decoded = profiles.decodeProto(bytes).resourceProfiles[0].scopeProfiles[0].profiles[0];
  assert.deepStrictEqual(decoded.samples[0].values, [127n, 5n, 6n]);
  assert.deepStrictEqual(decoded.samples[0].attributeIndices, [1, 2]);
  assert.deepStrictEqual(decoded.samples[0].timestampsUnixNano, [1n]);
});
