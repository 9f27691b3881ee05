// OTLP/JSON written straight from protobuf bytes against the object path: for every fixture and
// for valid inputs rewritten the ways other encoders write them, the transcoded text is the text
// `encodeJson(decodeProto(bytes))` gives, byte for byte, and reads back as the decoded data;
// `encodeJson` of data still in its encoded form uses it without decoding.

import assert from "node:assert/strict";
import type { DescMessage } from "@bufbuild/protobuf";
import {
  edgeLogs,
  edgeMetrics,
  edgeTraces,
  mutateWire,
  randomLogs,
  randomMetrics,
  randomTraces,
  seededRandom,
} from "@denocol/pdata/pdatatest";
import {
  DecodeError,
  logs,
  LogsDataSchema,
  metrics,
  MetricsDataSchema,
  type SignalDescriptor,
  traces,
  TracesDataSchema,
} from "./mod.ts";
import { encodedForm } from "./encoded.ts";
import { createJsonTranscoder } from "./wire/json_transcode.ts";
import { jsonLogsData, jsonMetricsData, jsonTracesData } from "./wire/gen/otlp_json.ts";

interface Case {
  signal: SignalDescriptor<never>;
  schema: DescMessage;
  transcode: (bytes: Uint8Array) => string;
  fixtures: () => Uint8Array[];
}

const shapes = [
  { resources: 0, scopes: 0, items: 0, attributes: 0 },
  { resources: 1, scopes: 1, items: 1, attributes: 1 },
  { resources: 3, scopes: 2, items: 4, attributes: 3 },
  { resources: 2, scopes: 3, items: 12, attributes: 8 },
];

function fixtures<T>(
  signal: SignalDescriptor<T>,
  edge: () => T,
  random: (rng: () => number, shape: (typeof shapes)[number], exact: boolean) => T,
): () => Uint8Array[] {
  return () => {
    const rng = seededRandom(23);
    const out = [signal.encodeProto(edge()), signal.encodeProto(signal.empty())];
    for (const shape of shapes) {
      out.push(signal.encodeProto(random(rng, shape, true)));
      for (let i = 0; i < 3; i++) out.push(signal.encodeProto(random(rng, shape, false)));
    }
    return out;
  };
}

const cases: Case[] = [
  {
    signal: traces as SignalDescriptor<never>,
    schema: TracesDataSchema,
    transcode: createJsonTranscoder(TracesDataSchema.typeName, jsonTracesData),
    fixtures: fixtures(traces, edgeTraces, randomTraces),
  },
  {
    signal: metrics as SignalDescriptor<never>,
    schema: MetricsDataSchema,
    transcode: createJsonTranscoder(MetricsDataSchema.typeName, jsonMetricsData),
    fixtures: fixtures(
      metrics,
      edgeMetrics,
      (rng, shape, exact) => randomMetrics(rng, shape, 3, exact),
    ),
  },
  {
    signal: logs as SignalDescriptor<never>,
    schema: LogsDataSchema,
    transcode: createJsonTranscoder(LogsDataSchema.typeName, jsonLogsData),
    fixtures: fixtures(logs, edgeLogs, randomLogs),
  },
];

/** The decoded data without unknown fields, which OTLP/JSON does not carry. */
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

/** Asserts that `bytes` transcode to what the object path writes and read back as decoded. */
function assertSameJson(c: Case, bytes: Uint8Array, what: string): void {
  const expected = c.signal.encodeJson(c.signal.decodeProto(bytes));
  const actual = c.transcode(bytes);
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
    c.signal.decodeJson(actual),
    withoutUnknown(c.signal.decodeProto(bytes)),
    `${what}: read back`,
  );
}

for (const c of cases) {
  const name = c.signal.name;

  Deno.test(`JSON from bytes, ${name}: every fixture gives the object path's text`, () => {
    for (const [i, bytes] of c.fixtures().entries()) assertSameJson(c, bytes, `fixture ${i}`);
  });

  Deno.test(`JSON from bytes, ${name}: inputs as other encoders write them`, () => {
    const rng = seededRandom(97);
    const all = c.fixtures();
    let changed = 0;
    for (let round = 0; round < 150; round++) {
      const bytes = all[round % all.length];
      const rate = [0.05, 0.2, 0.5][round % 3];
      const mutated = mutateWire(c.schema, bytes, rng, rate);
      if (mutated.length !== bytes.length || mutated.some((b, i) => b !== bytes[i])) changed++;
      // The rewriting keeps the input valid: the decoder (and so the transcoder) takes it.
      assertSameJson(c, mutated, `round ${round}`);
    }
    assert.ok(changed > 75, `only ${changed} of 150 inputs were rewritten`);
  });

  Deno.test(`JSON from bytes, ${name}: bytes changed at random, where the decoder takes them`, () => {
    const rng = seededRandom(31);
    const valid = c.fixtures()[0];
    let taken = 0;
    for (let round = 0; round < 400; round++) {
      const input = valid.slice();
      for (let flips = 1 + Math.floor(rng() * 3); flips > 0; flips--) {
        input[Math.floor(rng() * input.length)] = Math.floor(rng() * 256);
      }
      let decoded = true;
      try {
        c.signal.decodeProto(input);
      } catch (error) {
        assert.ok(error instanceof DecodeError);
        decoded = false;
      }
      if (!decoded) continue;
      taken++;
      assertSameJson(c, input, `round ${round}`);
    }
    assert.ok(taken > 40, `the decoder took only ${taken} inputs`);
  });

  Deno.test(`JSON from bytes, ${name}: encodeJson of encoded data reads no field`, () => {
    for (const [i, bytes] of c.fixtures().entries()) {
      const kept = c.signal.fromProto(bytes);
      const text = c.signal.encodeJson(kept);
      assert.ok(encodedForm(kept) !== undefined, `fixture ${i}: still encoded after encodeJson`);
      assert.equal(text, c.signal.encodeJson(c.signal.decodeProto(bytes)), `fixture ${i}`);
    }
    // Once read (and so possibly changed), the data is written from its fields.
    const kept = c.signal.fromProto(c.fixtures()[0]) as Record<string, unknown[]>;
    const field = Object.keys(kept).find((k) => Array.isArray(kept[k]))!;
    kept[field] = [];
    assert.equal(c.signal.encodeJson(kept as never), c.signal.encodeJson(c.signal.empty()));
  });

  Deno.test(`JSON from bytes, ${name}: malformed input throws a DecodeError`, () => {
    const valid = c.fixtures()[0];
    const malformed: [string, Uint8Array][] = [
      ["truncated", valid.subarray(0, valid.length - 1)],
      ["bad wire type of a known field", Uint8Array.of(0x0b, 0x0c)],
      ["length past the end", Uint8Array.of(0x0a, 0x05, 0x00)],
      ["field number 0", Uint8Array.of(0x02, 0x00)],
      ["nested too deep", nestedTooDeep(c.schema)],
    ];
    for (const [what, bytes] of malformed) {
      assert.throws(() => c.signal.decodeProto(bytes), DecodeError, `decoder, ${what}`);
      assert.throws(() => c.transcode(bytes), DecodeError, what);
    }
  });
}

/**
 * A resource group whose first attribute's value nests arrays of arrays deeper than decoding
 * allows (`AnyValue.arrayValue` → `ArrayValue.values` → `AnyValue` …).
 */
function nestedTooDeep(schema: DescMessage): Uint8Array {
  let value: number[] = [];
  for (let i = 0; i < 200; i++) {
    const array = [0x0a, ...lengthPrefix(value)]; // ArrayValue.values
    value = [0x2a, ...lengthPrefix(array)]; // AnyValue.arrayValue
  }
  const keyValue = [0x12, ...lengthPrefix(value)]; // KeyValue.value
  const resource = [0x0a, ...lengthPrefix(keyValue)]; // Resource.attributes
  const group = [0x0a, ...lengthPrefix(resource)]; // Resource*.resource
  assert.ok(schema.fields[0].number === 1);
  return Uint8Array.from([0x0a, ...lengthPrefix(group)]);
}

function lengthPrefix(bytes: number[]): number[] {
  const out: number[] = [];
  let n = bytes.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return [...out, ...bytes];
}

Deno.test("JSON from bytes: strings are escaped as JSON.stringify escapes them", () => {
  const every = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join("");
  for (const text of [every, "\u2028\u2029 ✓ 😀 \ufeff", "\ufefflead"]) {
    const data = traces.decodeJson(
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: text }] }] }] }),
    );
    assertSameJson(cases[0], traces.encodeProto(data), JSON.stringify(text));
  }
  // A string that is not UTF-8 is refused, as the decoder refuses it.
  const bad = Uint8Array.of(0x0a, 0x0a, 0x12, 0x08, 0x12, 0x06, 0x2a, 0x04, 0x0a, 0x02, 0xc3, 0x28);
  assert.throws(() => traces.decodeProto(bad), DecodeError);
  assert.throws(() => cases[0].transcode(bad), DecodeError);
});

Deno.test("JSON from bytes: doubles, optional fields and enums are written as the encoder writes them", () => {
  // "-0" as a string: JSON.stringify would write the number -0 as 0.
  const data = metrics.decodeJson(JSON.stringify({
    resourceMetrics: [{
      scopeMetrics: [{
        metrics: [
          {
            name: "g",
            gauge: {
              dataPoints: [
                ...["-0", 0, "NaN", "-Infinity", 1e-7, 1e21, 123456789012, -2147483648, 0.1].map(
                  (asDouble) => ({ asDouble }),
                ),
                { asInt: "0" },
                { asInt: "-1" },
              ],
            },
          },
          {
            name: "h",
            histogram: {
              aggregationTemporality: -3,
              dataPoints: [{
                sum: 0,
                min: "-0",
                max: "-Infinity",
                explicitBounds: ["-0", 0, "NaN", "Infinity", 0.1],
                bucketCounts: ["0", "18446744073709551615", "9007199254740993"],
              }, { sum: "-0" }],
            },
          },
          {
            name: "e",
            exponentialHistogram: {
              aggregationTemporality: 99,
              dataPoints: [{
                scale: -20,
                zeroThreshold: "-0",
                positive: { offset: -1, bucketCounts: ["0"] },
                negative: {},
              }],
            },
          },
          {
            name: "s",
            summary: {
              dataPoints: [{ sum: "-0", quantileValues: [{ quantile: "-0", value: 0 }] }],
            },
          },
        ],
      }],
    }],
  }));
  const bytes = metrics.encodeProto(data);
  assertSameJson(cases[1], bytes, "corner values");
  const text = cases[1].transcode(bytes);
  for (
    const expected of [
      '"asDouble":-0',
      '"sum":0',
      '"min":-0',
      '"zeroThreshold":-0',
      '"negative":{}',
    ]
  ) {
    assert.ok(text.includes(expected), `${expected} in ${text}`);
  }
});

Deno.test("JSON from bytes: 64-bit integers of every width and sign", () => {
  const rng = seededRandom(64);
  const bits = (n: number) => {
    let value = 0n;
    for (let i = 0; i < n; i++) value = (value << 1n) | (rng() < 0.5 ? 1n : 0n);
    return value;
  };
  const unsigned: bigint[] = [
    0n,
    1n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 64n - 1n,
  ];
  for (let i = 0; i < 400; i++) unsigned.push(bits(1 + Math.floor(rng() * 64)));
  const signed = unsigned.map((u) => BigInt.asIntN(64, u));
  const data = metrics.decodeJson(JSON.stringify({
    resourceMetrics: [{
      scopeMetrics: [{
        metrics: [{
          name: "sum",
          sum: {
            dataPoints: unsigned.map((u, i) => ({
              timeUnixNano: String(u), // fixed64
              asInt: String(signed[i]), // sfixed64
              attributes: [{ key: "k", value: { intValue: String(signed[i]) } }], // int64
            })),
          },
        }, {
          name: "exponential",
          exponentialHistogram: {
            dataPoints: [{ positive: { bucketCounts: unsigned.map(String) } }], // uint64
          },
        }],
      }],
    }],
  }));
  assertSameJson(cases[1], metrics.encodeProto(data), "64-bit values");
});
