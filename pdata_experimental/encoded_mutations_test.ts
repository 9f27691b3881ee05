// Received profiles as other encoders write them (fields out of order, repeated or cut in two,
// explicit zeros, unpacked lists, unknown fields and groups, long varints) and with random bytes
// changed: validating and merging them on their bytes must give what decoding them first gives.

import assert from "node:assert/strict";
import { mutateWire, seededRandom } from "@denocol/pdata/pdatatest";
import { DecodeError, encodedForm } from "@denocol/pdata";
import { type Profiles, profiles, ProfilesDataSchema, validateProfiles } from "./mod.ts";
import { generateProfiles, SeededRandom } from "./profilestest/mod.ts";
import { resolveAll } from "./testutil_test.ts";

const cache = new Map<number, Uint8Array>();

/** Generated profiles of `seed`, encoded (made once per seed). */
function generated(seed: number): Uint8Array {
  let bytes = cache.get(seed);
  if (bytes === undefined) {
    bytes = generate(seed);
    cache.set(seed, bytes);
  }
  return bytes;
}

function generate(seed: number): Uint8Array {
  const random = new SeededRandom(seed);
  return profiles.encodeProto(generateProfiles({
    seed,
    maxResources: random.int(1, 3),
    maxScopes: random.int(1, 2),
    maxProfiles: random.int(1, 2),
    maxSamples: random.int(0, 20),
    duplicates: random.next() < 0.5,
    unknownFields: random.next() < 0.5,
  }));
}

/** What validating `bytes` decoded throws (undefined when it passes). */
function decodedVerdict(bytes: Uint8Array): unknown {
  try {
    validateProfiles(profiles.decodeProto(bytes));
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Validates the received value of `bytes`, expecting the verdict of the decoded data. */
function receive(bytes: Uint8Array, name: string): Profiles | undefined {
  const expected = decodedVerdict(bytes);
  const data = profiles.fromProto(bytes);
  if (expected === undefined) {
    validateProfiles(data);
    return data;
  }
  assert.throws(() => validateProfiles(data), (error: unknown) => {
    assert.equal((error as Error).message, (expected as Error).message, name);
    return true;
  });
  return undefined;
}

/** Merges received values and checks every sample against the merge of the decoded data. */
function assertMergesAsDecoded(parts: Uint8Array[], name: string): boolean {
  const expected = resolveAll(profiles.merge(parts.map((bytes) => profiles.decodeProto(bytes))));
  const merged = profiles.merge(parts.map((bytes) => profiles.fromProto(bytes)));
  const onBytes = encodedForm(merged) !== undefined;
  const actual = resolveAll(profiles.decodeProto(profiles.encodeProto(merged)));
  assert.deepStrictEqual(actual, expected, name);
  return onBytes;
}

Deno.test("received profiles as other encoders write them validate and merge as decoded", () => {
  const rng = seededRandom(14);
  let valid = 0;
  let onBytes = 0;
  for (let round = 0; round < 100; round++) {
    // One rewritten request among requests as this encoder writes them.
    const rate = [0.005, 0.01, 0.02, 0.05, 0.2][round % 5];
    const parts = [0, 1, 2].map((i) => generated(round * 3 + i));
    parts[round % 3] = mutateWire(ProfilesDataSchema, parts[round % 3], rng, rate);
    // Reordering may put a replaced oneof member after its replacement, whose string index then
    // counts and may be out of range: both paths must refuse that alike.
    const accepted = parts.filter((bytes, i) => receive(bytes, `round ${round}, part ${i}`));
    if (accepted.length === parts.length) valid++;
    if (accepted.length > 1 && assertMergesAsDecoded(accepted, `round ${round}`)) onBytes++;
  }
  assert.ok(valid >= 90, `only ${valid} of 100 rounds kept every index in range`);
  // A dictionary value sent twice, or a value before the one that counts pointing outside its
  // table, is left to the decoded merge; the other rewritings are merged on the bytes.
  assert.ok(onBytes >= 10, `only ${onBytes} of 100 merges were made on the bytes`);
});

Deno.test("received profiles with random bytes changed validate and merge as decoded", () => {
  const rng = seededRandom(15);
  let taken = 0;
  let refused = 0;
  for (let round = 0; round < 400; round++) {
    const input = generated(1000 + (round % 10)).slice();
    input[Math.floor(rng() * input.length)] = Math.floor(rng() * 256);
    try {
      profiles.decodeProto(input);
    } catch (error) {
      assert.ok(error instanceof DecodeError);
      continue;
    }
    taken++;
    if (receive(input, `round ${round}`) === undefined) {
      refused++;
      continue;
    }
    assertMergesAsDecoded([generated(round % 10), input], `round ${round}`);
  }
  assert.ok(taken > 100, `the decoder took only ${taken} inputs`);
  assert.ok(refused > 10, `only ${refused} inputs had an index out of range`);
});
