// Data kept in its encoded form (`fromProto`) against data decoded at once (`decodeProto`): the
// same items, the same objects when read, the same bytes on the wire after merging, copying and
// changing, and the same errors for malformed input.

import assert from "node:assert/strict";
import { encodedFixtures, seededRandom } from "@denocol/pdata/pdatatest";
import { DecodeError } from "./mod.ts";
import { encodedForm } from "./encoded.ts";

const random = seededRandom(11);
const shape = { resources: 3, scopes: 2, items: 4, attributes: 3 };

const cases = encodedFixtures(random, shape, { count: 6, points: 3 });

for (const [signal, fixtures] of cases) {
  Deno.test(`encoded ${signal.name}: counted, sent as received, and read as decoded`, () => {
    for (const [i, bytes] of fixtures().entries()) {
      const decoded = signal.decodeProto(bytes);
      const kept = signal.fromProto(bytes);
      assert.equal(signal.count(kept), signal.count(decoded), `fixture ${i}: count`);
      assert.equal(signal.encodeProto(kept), bytes, `fixture ${i}: the same bytes go out`);
      assert.ok(encodedForm(kept) !== undefined, `fixture ${i}: still encoded`);
      assert.deepStrictEqual(kept, decoded, `fixture ${i}: read, it is the decoded data`);
      assert.equal(encodedForm(kept), undefined, `fixture ${i}: read means decoded`);
      assert.deepStrictEqual(signal.encodeProto(kept), bytes, `fixture ${i}: re-encoded`);
    }
  });

  Deno.test(`encoded ${signal.name}: merge, copy and change give what the decoded data gives`, () => {
    const all = fixtures();
    // Pass-through: merged as bytes, then decoded; decode-then-merge: decoded, merged as objects.
    const passThrough = signal.encodeProto(signal.merge(all.map((b) => signal.fromProto(b))));
    const objects = signal.merge(all.map((b) => signal.decodeProto(b)));
    assert.deepStrictEqual(signal.decodeProto(passThrough), objects);
    assert.equal(signal.count(signal.fromProto(passThrough)), signal.count(objects));

    // A mixed merge (some parts read, some still encoded) gives the same data.
    const mixed = all.map((b, i) => {
      const value = signal.fromProto(b);
      if (i % 2 === 0) signal.count(structuredClone(value));
      return i % 3 === 0 ? signal.decodeProto(b) : value;
    });
    assert.deepStrictEqual(signal.decodeProto(signal.encodeProto(signal.merge(mixed))), objects);

    // A copy is independent: changing it leaves the original's bytes and form alone.
    const original = signal.fromProto(all[1]);
    const copy = signal.clone(original) as { [k: string]: unknown[] };
    const field = Object.keys(copy).find((k) => Array.isArray(copy[k]))!;
    copy[field].splice(0, 1);
    assert.ok(encodedForm(original) !== undefined);
    assert.equal(signal.encodeProto(original), all[1]);
    const resources = (data: unknown) => (data as { [k: string]: unknown[] })[field].length;
    const changed = signal.decodeProto(signal.encodeProto(copy as never));
    assert.equal(resources(changed), resources(signal.decodeProto(all[1])) - 1);
  });

  Deno.test(`encoded ${signal.name}: decoded data held encoded is the same data`, () => {
    for (const [i, bytes] of fixtures().entries()) {
      const decoded = signal.decodeProto(bytes);
      const held = signal.encoded(decoded);
      assert.ok(encodedForm(held) !== undefined, `fixture ${i}: encoded`);
      assert.equal(signal.count(held), signal.count(decoded), `fixture ${i}: count`);
      assert.deepStrictEqual(signal.encodeProto(held), bytes, `fixture ${i}: its bytes`);
      // Later changes of the decoded value do not reach what is held.
      const groups = decoded as { [k: string]: unknown[] };
      const field = Object.keys(groups).find((k) => Array.isArray(groups[k]))!;
      groups[field].length = 0;
      assert.deepStrictEqual(held, signal.decodeProto(bytes), `fixture ${i}: held as it was`);
      // Data that still has its encoded form is itself.
      const kept = signal.fromProto(bytes);
      assert.equal(signal.encoded(kept), kept, `fixture ${i}: kept as it is`);
    }
    // What does not encode stays as it is, for the exporter to report.
    const broken = signal.decodeProto(fixtures()[1]) as { [k: string]: unknown };
    const field = Object.keys(broken).find((k) => Array.isArray(broken[k]))!;
    broken[field] = [{ not: "a resource group" }, 42];
    assert.equal(signal.encoded(broken as never), broken);
  });

  Deno.test(`encoded ${signal.name}: malformed input throws the decoder's error`, () => {
    const rng = seededRandom(5);
    const valid = fixtures().reduce((a, b) => (b.length > a.length ? b : a));
    let refused = 0;
    for (let round = 0; round < 500; round++) {
      const input = valid.slice();
      input[Math.floor(rng() * input.length)] = Math.floor(rng() * 256);
      let expected: unknown;
      try {
        signal.decodeProto(input);
      } catch (error) {
        expected = error;
      }
      if (expected === undefined) {
        assert.deepStrictEqual(signal.fromProto(input), signal.decodeProto(input));
        continue;
      }
      refused++;
      assert.ok(expected instanceof DecodeError);
      assert.throws(() => signal.fromProto(input), { message: expected.message });
    }
    assert.ok(refused > 50, `only ${refused} inputs were refused`);
  });
}
