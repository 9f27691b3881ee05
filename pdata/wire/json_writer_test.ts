// The value writers of the protobuf → OTLP/JSON transcoder, one scalar type at a time, against
// what pdata's JSON encoder writes for the decoded value (String of a bigint in quotes, JSON
// numbers, "NaN"/"Infinity"/"-Infinity", -0, base64, hex), including the types no OTLP message
// uses today (sint64, sfixed32, float), which the message-level tests cannot reach.

import assert from "node:assert/strict";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { seededRandom } from "@denocol/pdata/pdatatest";
import { JsonWriter } from "./json_writer.ts";
import { WireError, WireReader } from "./reader.ts";
import { SizeStack, WireWriter } from "./writer.ts";

type Method = "int32" | "uint32" | "sint32" | "fixed32" | "sfixed32" | "bool" | "double" | "float";
type Method64 = "int64" | "uint64" | "sint64" | "fixed64" | "sfixed64";

/** Writes every value with `write`, then transcodes them all with `method` into a JSON array. */
function transcode<V>(
  values: readonly V[],
  write: (w: WireWriter, value: V) => void,
  method: (out: JsonWriter, r: WireReader) => boolean,
): { text: string; zeros: boolean[] } {
  const w = new WireWriter(16 * values.length + 1024, new SizeStack());
  for (const value of values) write(w, value);
  const r = new WireReader(w.buf.subarray(0, w.pos), 100, false);
  // A tiny buffer, so that growing is exercised too.
  const out = new JsonWriter(new Uint8Array(2));
  const zeros: boolean[] = [];
  out.byte(0x5b);
  for (let i = 0; i < values.length; i++) {
    out.item();
    zeros.push(method(out, r));
  }
  out.byte(0x5d);
  assert.equal(r.pos, r.len, "every value read");
  return { text: new TextDecoder().decode(out.buf.subarray(0, out.pos)), zeros };
}

/** What pdata's JSON encoder writes for a double (JSON.stringify of what writeScalar returns). */
function jsonDouble(value: number): string {
  if (Object.is(value, -0)) return "-0";
  if (Number.isNaN(value)) return '"NaN"';
  if (!Number.isFinite(value)) return value > 0 ? '"Infinity"' : '"-Infinity"';
  return JSON.stringify(value);
}

const random = seededRandom(7);

Deno.test("json writer: 32-bit integers, bools, doubles and floats", () => {
  const ints = [0, 1, -1, 127, 128, 2 ** 31 - 1, -(2 ** 31), 300, -300];
  for (let i = 0; i < 200; i++) ints.push(Math.floor(random() * 2 ** 32) - 2 ** 31);
  const uints = ints.map((n) => n >>> 0);
  const doubles = [0, -0, NaN, Infinity, -Infinity, 1e21, 1e-7, 5e-324, -1.5, 2 ** 53, 0.1];
  for (let i = 0; i < 200; i++) {
    doubles.push((random() - 0.5) * 10 ** Math.floor(random() * 40 - 20));
    doubles.push(Math.floor((random() - 0.5) * 2 ** 40));
  }
  const cases: [
    Method,
    readonly number[],
    (w: WireWriter, v: number) => void,
    (v: number) => number,
  ][] = [
    ["int32", ints, (w, v) => w.int32(v), (v) => v],
    ["uint32", uints, (w, v) => w.uint32(v), (v) => v],
    ["sint32", ints, (w, v) => w.sint32(v), (v) => v],
    ["fixed32", uints, (w, v) => w.fixed32(v), (v) => v],
    ["sfixed32", ints, (w, v) => w.sfixed32(v), (v) => v],
    ["double", doubles, (w, v) => w.double(v), (v) => v],
    ["float", doubles, (w, v) => w.float(v), Math.fround],
  ];
  for (const [method, values, write, decoded] of cases) {
    const { text, zeros } = transcode(values, write, (out, r) => out[method](r));
    const expected = values.map((v) => jsonDouble(decoded(v)));
    assert.equal(text, `[${expected.join(",")}]`, method);
    assert.deepStrictEqual(zeros, values.map((v) => Object.is(decoded(v), 0)), `${method} zeros`);
  }
  const bools = transcode([true, false], (w, v) => w.bool(v), (out, r) => out.bool(r));
  assert.equal(bools.text, "[true,false]");
  assert.deepStrictEqual(bools.zeros, [false, true]);
});

Deno.test("json writer: 64-bit integers as quoted decimals", () => {
  const unsigned = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n];
  unsigned.push(2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, 10n ** 19n, 10n ** 14n * 90n);
  for (let i = 0; i < 500; i++) {
    const bits = 1 + Math.floor(random() * 64);
    let value = 0n;
    for (let b = 0; b < bits; b++) value = (value << 1n) | (random() < 0.5 ? 1n : 0n);
    unsigned.push(value);
  }
  const signed = unsigned.map((u) => BigInt.asIntN(64, u));
  const cases: [Method64, readonly bigint[], (w: WireWriter, v: bigint) => void][] = [
    ["uint64", unsigned, (w, v) => w.varint64(v)],
    ["int64", signed, (w, v) => w.varint64(v)],
    ["sint64", signed, (w, v) => w.sint64(v)],
    ["fixed64", unsigned, (w, v) => w.fixed64(v)],
    ["sfixed64", signed, (w, v) => w.fixed64(v)],
  ];
  for (const [method, values, write] of cases) {
    const { text, zeros } = transcode(values, write, (out, r) => out[method](r));
    assert.equal(text, `[${values.map((v) => `"${v}"`).join(",")}]`, method);
    assert.deepStrictEqual(zeros, values.map((v) => v === 0n), `${method} zeros`);
  }
  // Ten bytes is the most a varint has.
  const tooLong = new WireReader(new Uint8Array(11).fill(0x80), 100, false);
  assert.throws(() => new JsonWriter(new Uint8Array(8)).uint64(tooLong), WireError);
});

Deno.test("json writer: strings, base64 and ids", () => {
  const texts = ["", "plain", 'q"b\\s/', "\u0000\u0008\u0009\u000a\u000b\u000c\u000d\u001f\u007f"];
  texts.push("é日本😀\u2028\u2029\ufeff");
  const encoder = new TextEncoder();
  const strings = transcode(
    texts,
    (w, v) => w.bytes(encoder.encode(v)),
    (out, r) => out.string(r),
  );
  assert.equal(strings.text, JSON.stringify(texts));
  assert.deepStrictEqual(strings.zeros, texts.map((t) => t === ""));

  const blobs = [0, 1, 2, 3, 4, 5, 33, 256].map((n) =>
    Uint8Array.from({ length: n }, () => Math.floor(random() * 256))
  );
  const base64 = transcode(blobs, (w, v) => w.bytes(v), (out, r) => out.bytes(r));
  assert.equal(base64.text, JSON.stringify(blobs.map((b) => base64Encode(b))));

  const ids = [new Uint8Array(0), Uint8Array.of(0, 1, 0xab, 0xff, 0x10, 0x9a, 0xcd, 0xef)];
  const hex = transcode(ids, (w, v) => w.bytes(v), (out, r) => out.id(r, 8, "spanId"));
  assert.equal(hex.text, '["","0001abff109acdef"]');
  assert.deepStrictEqual(hex.zeros, [true, false]);
  const threeBytes = new WireReader(Uint8Array.of(3, 1, 2, 3), 100, false);
  assert.throws(
    () => new JsonWriter(new Uint8Array(8)).id(threeBytes, 8, "spanId"),
    /expected 8 bytes, got 3/,
  );
});

Deno.test("json writer: keys and elements are separated by commas where JSON needs them", () => {
  const out = new JsonWriter(new Uint8Array(1));
  const key = new TextEncoder().encode('"k":');
  out.byte(0x7b);
  out.key(key);
  out.byte(0x5b);
  out.item();
  out.byte(0x7b);
  out.byte(0x7d);
  out.item();
  out.byte(0x5b);
  out.byte(0x5d);
  out.byte(0x5d);
  const mark = out.key(key);
  out.byte(0x30);
  out.pos = mark; // taken back, as a field at its zero value is
  out.key(key);
  out.byte(0x31);
  out.byte(0x7d);
  assert.equal(new TextDecoder().decode(out.buf.subarray(0, out.pos)), '{"k":[{},[]],"k":1}');
});
