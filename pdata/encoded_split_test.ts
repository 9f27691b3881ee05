// Splitting on the bytes against splitting the decoded data: for every fixture and chunk size,
// the same chunks with the same items, and no decoding on the way.

import assert from "node:assert/strict";
import {
  encodedFixtures,
  randomMetrics,
  randomTraces,
  seededRandom,
} from "@denocol/pdata/pdatatest";
import { encodedForm, metrics, traces } from "./mod.ts";
import { fieldsOf, lengthDelimited, splitEncoded } from "./encoded_split.ts";

const random = seededRandom(23);
const shape = { resources: 3, scopes: 3, items: 5, attributes: 2 };

const cases = encodedFixtures(random, shape, { count: 5, points: 7, exact: 3 });

for (const [signal, fixtures] of cases) {
  Deno.test(`split on bytes, ${signal.name}: the chunks the decoded split makes`, () => {
    for (const [i, bytes] of fixtures().entries()) {
      const total = signal.count(signal.decodeProto(bytes));
      for (const max of [1, 2, 3, 7, Math.max(1, total - 1)]) {
        const expected = signal.split(signal.decodeProto(bytes), max);
        const chunks = signal.split(signal.fromProto(bytes), max);
        assert.equal(chunks.length, expected.length, `fixture ${i}, max ${max}: chunk count`);
        for (const [c, chunk] of chunks.entries()) {
          const form = encodedForm(chunk);
          assert.ok(form !== undefined, `fixture ${i}, max ${max}, chunk ${c}: still bytes`);
          assert.equal(form.items, signal.count(expected[c]), `chunk ${c}: items`);
          assert.ok(form.items <= max, `chunk ${c}: ${form.items} items over ${max}`);
          // Read, the chunk is what the decoded split gave.
          assert.deepStrictEqual(chunk, expected[c], `fixture ${i}, max ${max}, chunk ${c}`);
        }
      }
    }
  });
}

Deno.test("split on bytes: fields of the data itself other than its resource groups are left out", () => {
  const data = traces.encodeProto(randomTraces(random, shape, true));
  // An unknown field 9 (varint 5) at the top level, as a decoded split drops it too.
  const withUnknown = new Uint8Array([...data, 9 << 3, 5]);
  const chunks = splitEncoded({ resourceField: 1, scopeField: 2, itemField: 2 }, withUnknown, 4);
  for (const chunk of chunks) {
    assert.deepEqual(new Set(fieldsOf(chunk.bytes).map((f) => f.field)), new Set([1]));
  }
});

Deno.test("split on bytes: a metric setting its aggregation twice is split decoded", () => {
  const data = metrics.encodeProto(randomMetrics(random, shape, 4, true));
  // Appending a second `gauge` to the first metric of the first scope group of the first
  // resource group: decoding keeps the last aggregation, which the byte split leaves to it.
  const resource = fieldsOf(data)[0];
  const resourceBytes = data.subarray(resource.valueStart, resource.end);
  const scope = fieldsOf(resourceBytes).find((f) => f.field === 2)!;
  const scopeBytes = resourceBytes.subarray(scope.valueStart, scope.end);
  const metric = fieldsOf(scopeBytes).find((f) => f.field === 2)!;
  const point = lengthDelimited(1, [new Uint8Array([0x31, 1, 0, 0, 0, 0, 0, 0, 0])]);
  const twice = lengthDelimited(2, [
    scopeBytes.subarray(metric.valueStart, metric.end),
    lengthDelimited(5, [point, point, point]),
  ]);
  const newScope = lengthDelimited(2, [
    scopeBytes.subarray(0, metric.start),
    twice,
    scopeBytes.subarray(metric.end),
  ]);
  const newResource = lengthDelimited(1, [
    resourceBytes.subarray(0, scope.start),
    newScope,
    resourceBytes.subarray(scope.end),
  ]);
  const bytes = new Uint8Array([...newResource, ...data.subarray(resource.end)]);
  const expected = metrics.split(metrics.decodeProto(bytes), 2);
  const chunks = metrics.split(metrics.fromProto(bytes), 2);
  assert.deepStrictEqual(chunks, expected);
});
