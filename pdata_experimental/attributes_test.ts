import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { AttributeMap } from "@denocol/pdata";
import {
  ProfileAttributes,
  profiles,
  ProfilesDictionarySchema,
  resolveSample,
  sampleStack,
  setSampleStack,
  validateProfiles,
} from "@denocol/pdata-experimental";

function twoSamples() {
  return profiles.decodeJson(JSON.stringify({
    dictionary: {
      stringTable: ["", "thread.name", "main", "bytes"],
      attributeTable: [
        {},
        { keyStrindex: 1, value: { stringValueStrindex: 2 } },
        { keyStrindex: 3, value: { intValue: "7" }, unitStrindex: 3 },
      ],
      functionTable: [{}, { nameStrindex: 2 }],
      locationTable: [{}, { lines: [{ functionIndex: 1 }] }],
      stackTable: [{}, { locationIndices: [1] }],
      mappingTable: [{}],
      linkTable: [{}],
    },
    resourceProfiles: [{
      scopeProfiles: [{
        profiles: [{
          attributeIndices: [2],
          samples: [
            { stackIndex: 1, attributeIndices: [1, 2] },
            { stackIndex: 1, attributeIndices: [1] },
          ],
        }],
      }],
    }],
  }));
}

Deno.test("ProfileAttributes resolves keys, string-table values and units", () => {
  const data = twoSamples();
  const sample = data.resourceProfiles[0].scopeProfiles[0].profiles[0].samples[0];
  const attributes = new ProfileAttributes(data.dictionary!, sample);
  assert.deepEqual(attributes.keys(), ["thread.name", "bytes"]);
  assert.equal(attributes.get("thread.name"), "main");
  assert.equal(attributes.get("bytes"), 7n);
  assert.equal(attributes.unit("bytes"), "bytes");
  assert.equal(attributes.has("missing"), false);
  assert.deepEqual(attributes.toObject(), { "thread.name": "main", bytes: 7n });
});

Deno.test("ProfileAttributes writes through the dictionary without touching shared entries", () => {
  const data = twoSamples();
  const [first, second] = data.resourceProfiles[0].scopeProfiles[0].profiles[0].samples;
  const attributes = new ProfileAttributes(data.dictionary!, first);
  attributes.put("thread.name", "worker").put("new", { nested: [1n] });
  attributes.remove("bytes");
  validateProfiles(data);
  assert.deepEqual(
    resolveSample(data.dictionary, first).attributes.map((a) => a.key),
    ["thread.name", "new"],
  );
  assert.deepEqual(attributes.toObject(), { "thread.name": "worker", new: { nested: [1n] } });
  assert.deepEqual(new ProfileAttributes(data.dictionary!, second).toObject(), {
    "thread.name": "main",
  });
  // Entry 0 of every table is still the zero value, and writing the same value again reuses
  // the entry written before.
  assert.equal(data.dictionary!.stringTable[0], "");
  assert.equal(data.dictionary!.attributeTable[0].keyStrindex, 0);
  const tableSize = data.dictionary!.attributeTable.length;
  new ProfileAttributes(data.dictionary!, second).put("thread.name", "worker");
  assert.equal(data.dictionary!.attributeTable.length, tableSize);
  assert.equal(second.attributeIndices[0], first.attributeIndices[0]);
  // The data still encodes and decodes to the same resolved attributes.
  const roundTrip = profiles.decodeProto(profiles.encodeProto(data));
  const again = roundTrip.resourceProfiles[0].scopeProfiles[0].profiles[0].samples[1];
  assert.equal(new ProfileAttributes(roundTrip.dictionary!, again).get("thread.name"), "worker");
});

Deno.test("ProfileAttributes replaces all attributes from a map and keeps units of kept keys", () => {
  const data = twoSamples();
  const profile = data.resourceProfiles[0].scopeProfiles[0].profiles[0];
  const attributes = new ProfileAttributes(data.dictionary!, profile);
  const copy = attributes.toAttributeMap();
  copy.put("bytes", 8n).put("added", true);
  assert.equal(attributes.get("bytes"), 7n, "the copy is detached");
  attributes.replaceWith(copy);
  assert.deepEqual(attributes.toObject(), { bytes: 8n, added: true });
  assert.equal(attributes.unit("bytes"), "bytes");
  attributes.replaceWith({ only: "one" });
  assert.deepEqual(attributes.keys(), ["only"]);
  attributes.removeIf(() => true);
  assert.equal(attributes.size, 0);
  validateProfiles(data);
  assert.ok(new AttributeMap(copy.keyValues).has("added"));
});

Deno.test("a dictionary with empty tables gets its zero values before the first entry", () => {
  const data = profiles.decodeJson(JSON.stringify({
    resourceProfiles: [{ scopeProfiles: [{ profiles: [{ samples: [{}] }] }] }],
  }));
  data.dictionary ??= create(ProfilesDictionarySchema);
  const dictionary = data.dictionary!;
  const sample = data.resourceProfiles[0].scopeProfiles[0].profiles[0].samples[0];
  new ProfileAttributes(dictionary, sample).put("k", "v");
  setSampleStack(dictionary, sample, [{ functionName: "leaf", line: 3n }, {
    functionName: "main",
  }]);
  validateProfiles(data);
  assert.equal(dictionary.stringTable[0], "");
  assert.equal(dictionary.attributeTable[0].keyStrindex, 0);
  assert.notEqual(sample.stackIndex, 0);
  assert.deepEqual(
    sampleStack(dictionary, sample).flatMap((l) => l.lines.map((f) => [f.functionName, f.line])),
    [["leaf", 3n], ["main", 0n]],
  );
  // The same stack again is the same entry.
  const other = { ...sample, stackIndex: 0 };
  setSampleStack(dictionary, other, [{ functionName: "leaf", line: 3n }, {
    functionName: "main",
  }]);
  assert.equal(other.stackIndex, sample.stackIndex);
});
