// OTLP/JSON of profiles written straight from protobuf bytes against the object path: the same
// text, byte for byte, for generated profiles (dictionary, hex profile and link ids, base64
// payloads, packed index lists, unknown fields) and for those bytes rewritten the ways other
// encoders write them; `encodeJson` of profiles still in their encoded form reads no field.

import assert from "node:assert/strict";
import { DecodeError, encodedForm } from "@denocol/pdata";
import { mutateWire, seededRandom } from "@denocol/pdata/pdatatest";
import { createJsonTranscoder } from "@denocol/pdata/wire";
import { type Profiles, profiles, ProfilesDataSchema } from "./mod.ts";
import { generateProfiles } from "./profilestest/mod.ts";
import { jsonProfilesData } from "./wire/gen/profiles_json.ts";

const transcode = createJsonTranscoder(ProfilesDataSchema.typeName, jsonProfilesData);

function fixtures(): Uint8Array[] {
  const out = [profiles.encodeProto(profiles.empty())];
  for (let seed = 1; seed <= 8; seed++) {
    out.push(profiles.encodeProto(generateProfiles({
      seed,
      unknownFields: seed % 2 === 0,
      duplicates: seed % 3 === 0,
      maxSamples: 5 + seed,
    })));
  }
  return out;
}

/** The decoded profiles without unknown fields, which OTLP/JSON does not carry. */
function withoutUnknown<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const item of value) withoutUnknown(item);
  } else if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    const record = value as Record<string, unknown>;
    delete record.$unknown;
    for (const key of Object.keys(record)) withoutUnknown(record[key]);
  }
  return value;
}

function assertSameJson(bytes: Uint8Array, what: string): void {
  const expected = profiles.encodeJson(profiles.decodeProto(bytes));
  const actual = transcode(bytes);
  if (actual !== expected) {
    let at = 0;
    while (actual[at] === expected[at]) at++;
    assert.fail(
      `${what}: texts differ at character ${at}:\n  object path: …${
        expected.slice(Math.max(0, at - 80), at + 40)
      }\n  transcoded:  …${actual.slice(Math.max(0, at - 80), at + 40)}`,
    );
  }
  assert.equal(typeof JSON.parse(actual), "object", `${what}: JSON`);
  assert.deepStrictEqual(
    profiles.decodeJson(actual),
    withoutUnknown(profiles.decodeProto(bytes)),
    `${what}: read back`,
  );
}

Deno.test("JSON from bytes, profiles: every fixture gives the object path's text", () => {
  const all = fixtures();
  for (const [i, bytes] of all.entries()) assertSameJson(bytes, `fixture ${i}`);
  // The fixtures reach the parts written differently from the stable signals.
  const text = all.map(transcode).join("");
  for (
    const field of ['"profileId":"', '"originalPayload":"', '"stringTable":[', '"dictionary":{']
  ) {
    assert.ok(text.includes(field), `${field} in the fixtures' JSON`);
  }
});

Deno.test("JSON from bytes, profiles: inputs as other encoders write them", () => {
  const rng = seededRandom(41);
  const all = fixtures();
  for (let round = 0; round < 80; round++) {
    const bytes = all[round % all.length];
    assertSameJson(
      mutateWire(ProfilesDataSchema, bytes, rng, [0.05, 0.2, 0.5][round % 3]),
      `round ${round}`,
    );
  }
});

Deno.test("JSON from bytes, profiles: bytes changed at random, where the decoder takes them", () => {
  const rng = seededRandom(43);
  const valid = fixtures()[3];
  let taken = 0;
  for (let round = 0; round < 300; round++) {
    const input = valid.slice();
    input[Math.floor(rng() * input.length)] = Math.floor(rng() * 256);
    try {
      profiles.decodeProto(input);
    } catch (error) {
      assert.ok(error instanceof DecodeError);
      continue;
    }
    taken++;
    assertSameJson(input, `round ${round}`);
  }
  assert.ok(taken > 30, `the decoder took only ${taken} inputs`);
});

Deno.test("JSON from bytes, profiles: encodeJson of encoded profiles reads no field", () => {
  for (const [i, bytes] of fixtures().entries()) {
    const kept: Profiles = profiles.fromProto(bytes);
    const text = profiles.encodeJson(kept);
    assert.ok(encodedForm(kept) !== undefined, `fixture ${i}: still encoded after encodeJson`);
    assert.equal(text, profiles.encodeJson(profiles.decodeProto(bytes)), `fixture ${i}`);
  }
});
