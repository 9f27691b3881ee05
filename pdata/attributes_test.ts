import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import {
  AttributeList,
  AttributeMap,
  idFromHex,
  idToHex,
  KeyValueSchema,
  logs,
  toAnyValue,
  valueType,
} from "@denocol/pdata";

Deno.test("AttributeMap reads each OTLP value type as a plain value", () => {
  const data = logs.decodeJson(JSON.stringify({
    resourceLogs: [{
      scopeLogs: [{
        logRecords: [{
          attributes: [
            { key: "s", value: { stringValue: "text" } },
            { key: "b", value: { boolValue: true } },
            { key: "i", value: { intValue: "9007199254740993" } },
            { key: "d", value: { doubleValue: 1.5 } },
            { key: "x", value: { bytesValue: "AQI=" } },
            {
              key: "l",
              value: { arrayValue: { values: [{ stringValue: "a" }, { intValue: "1" }] } },
            },
            {
              key: "m",
              value: { kvlistValue: { values: [{ key: "k", value: { boolValue: false } }] } },
            },
            { key: "e", value: {} },
          ],
        }],
      }],
    }],
  }));
  const attributes = new AttributeMap(data.resourceLogs[0].scopeLogs[0].logRecords[0].attributes);
  assert.equal(attributes.get("s"), "text");
  assert.equal(attributes.get("b"), true);
  assert.equal(attributes.get("i"), 9007199254740993n);
  assert.equal(attributes.get("d"), 1.5);
  assert.deepEqual(attributes.get("x"), new Uint8Array([1, 2]));
  assert.ok(attributes.get("l") instanceof AttributeList);
  assert.ok(attributes.get("m") instanceof AttributeMap);
  assert.equal(attributes.get("e"), undefined);
  assert.equal(attributes.has("e"), true);
  assert.equal(attributes.get("missing"), undefined);
  assert.equal(attributes.has("missing"), false);
  assert.deepEqual(attributes.toObject(), {
    s: "text",
    b: true,
    i: 9007199254740993n,
    d: 1.5,
    x: new Uint8Array([1, 2]),
    l: ["a", 1n],
    m: { k: false },
    e: null,
  });
});

Deno.test("AttributeMap writes plain values in place and keeps key order", () => {
  const keyValues = [create(KeyValueSchema, { key: "a", value: toAnyValue("1") })];
  const attributes = new AttributeMap(keyValues);
  attributes.put("b", 2).put("a", 3n).putInt("c", 4.9);
  assert.deepEqual(keyValues.map((kv) => kv.key), ["a", "b", "c"]);
  assert.equal(valueType(keyValues[0].value), "Int");
  assert.equal(valueType(keyValues[1].value), "Double");
  assert.equal(attributes.get("c"), 4n);
  attributes.put("nested", { list: [1n, "x", null], map: { deep: true } });
  const nested = attributes.get("nested") as AttributeMap;
  nested.put("added", "yes");
  assert.deepEqual(attributes.toObject().nested, {
    list: [1n, "x", null],
    map: { deep: true },
    added: "yes",
  });
  // A map written into itself is copied first, not aliased.
  attributes.put("self", attributes);
  assert.equal((attributes.get("self") as AttributeMap).size, 5);
  assert.equal(attributes.remove("b"), true);
  assert.equal(attributes.remove("b"), false);
  attributes.removeIf((key) => key.startsWith("n"));
  assert.deepEqual(attributes.keys(), ["a", "c", "self"]);
  const seen: string[] = [];
  attributes.range((key) => {
    seen.push(key);
    return key !== "c";
  });
  assert.deepEqual(seen, ["a", "c"]);
});

Deno.test("AttributeList reads, sets, appends and removes items", () => {
  const map = new AttributeMap();
  const list = map.putEmptyList("tags");
  list.append("a").append(2n).append([true]);
  list.set(0, "z");
  assert.throws(() => list.set(5, "x"), RangeError);
  assert.deepEqual(list.toArray(), ["z", 2n, [true]]);
  list.removeRange(0, 2);
  assert.deepEqual([...list].map((item) => (item as AttributeList).toArray()), [[true]]);
  assert.equal(map.putEmptyMap("m").size, 0);
});

Deno.test("ids convert to hex and back, refusing the wrong length or digits", () => {
  const id = idFromHex("0102030405060708", 8);
  assert.deepEqual(id, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  assert.equal(idToHex(id), "0102030405060708");
  assert.throws(() => idFromHex("0102", 8), /16 hex digits/);
  assert.throws(() => idFromHex("zz02030405060708", 8), /hex digits/);
});
