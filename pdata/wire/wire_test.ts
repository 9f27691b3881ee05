// Differential tests: protobuf-es (fromBinary / toBinary through createProtoCodec) is the oracle
// for the generated codec behind traces, metrics and logs.
import assert from "node:assert/strict";
import { type DescMessage, fromBinary, type Message, toBinary } from "@bufbuild/protobuf";
import {
  createProtoCodec,
  DecodeError,
  type Logs,
  logs,
  LogsDataSchema,
  type Metrics,
  metrics,
  MetricsDataSchema,
  type ProtoCodec,
  type Traces,
  traces,
  TracesDataSchema,
} from "../mod.ts";
import {
  edgeLogs,
  edgeMetrics,
  edgeTraces,
  randomLogs,
  randomMetrics,
  randomTraces,
  seededRandom,
} from "../pdatatest/mod.ts";
import { createWireCodec } from "./codec.ts";
import { decodeTracesData, sizeTracesData, writeTracesData } from "./gen/otlp_wire.ts";

interface Signal<T extends Message> {
  name: string;
  fast: ProtoCodec<T>;
  oracle: ProtoCodec<T>;
  schema: DescMessage;
  fixtures: () => T[];
}

const random = seededRandom(2024);
const shape = { resources: 3, scopes: 3, items: 6, attributes: 4 };

const signals = [
  {
    name: "traces",
    fast: { decode: traces.decodeProto, encode: traces.encodeProto },
    oracle: createProtoCodec(TracesDataSchema),
    schema: TracesDataSchema,
    fixtures: () => [
      edgeTraces(),
      traces.empty(),
      ...Array.from({ length: 20 }, () => randomTraces(random, shape)),
    ],
  } satisfies Signal<Traces>,
  {
    name: "metrics",
    fast: { decode: metrics.decodeProto, encode: metrics.encodeProto },
    oracle: createProtoCodec(MetricsDataSchema),
    schema: MetricsDataSchema,
    fixtures: () => [
      edgeMetrics(),
      metrics.empty(),
      ...Array.from({ length: 20 }, () => randomMetrics(random, shape, 3)),
    ],
  } satisfies Signal<Metrics>,
  {
    name: "logs",
    fast: { decode: logs.decodeProto, encode: logs.encodeProto },
    oracle: createProtoCodec(LogsDataSchema),
    schema: LogsDataSchema,
    fixtures: () => [
      edgeLogs(),
      logs.empty(),
      ...Array.from({ length: 20 }, () => randomLogs(random, shape)),
    ],
  } satisfies Signal<Logs>,
] as unknown as Signal<Message>[];

/** The outcome of decoding: the value, or the error (which must be a DecodeError). */
function attempt<T>(decode: () => T): { value: T } | { error: DecodeError } {
  try {
    return { value: decode() };
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${error}`);
    assert.equal(error.format, "proto");
    return { error };
  }
}

/**
 * Fast and oracle agree on `bytes`: the same value, or both fail. The fast reader may also fail
 * alone, but only for what it rejects on purpose ({@link rejectedOnPurpose}), never the other way
 * round.
 */
function agree<T extends Message>(signal: Signal<T>, bytes: Uint8Array, what: string): boolean {
  const fast = attempt(() => signal.fast.decode(bytes));
  const oracle = attempt(() => signal.oracle.decode(bytes));
  if ("value" in fast) {
    assert.ok(
      "value" in oracle,
      `${what}: only protobuf-es rejected: ${"error" in oracle && oracle.error.message}`,
    );
    assert.deepStrictEqual(fast.value, oracle.value, what);
    return true;
  }
  if ("error" in oracle) return false;
  assert.ok(
    rejectedOnPurpose(fast.error.message),
    `${what}: only the fast reader rejected: ${fast.error.message}`,
  );
  return false;
}

/**
 * Whether the generated reader rejected on purpose what protobuf-es reads on: a known field with
 * another wire type, a value running past its message's end, or a length of 2^32 or more (which
 * protobuf-es takes modulo 2^32).
 */
function rejectedOnPurpose(message: string): boolean {
  if (/expected wire type|runs past the end of its message/.test(message)) return true;
  const length = /length (\d+) at byte \d+ runs past the end of the input/.exec(message);
  return length !== null && BigInt(length[1]) >= 2n ** 32n;
}

for (const signal of signals) {
  Deno.test(`${signal.name}: every fixture decodes and encodes exactly as protobuf-es`, () => {
    for (const [i, fixture] of signal.fixtures().entries()) {
      const oracleBytes = toBinary(signal.schema, fixture);
      // Decoding protobuf-es's bytes gives protobuf-es's objects.
      assert.deepStrictEqual(
        signal.fast.decode(oracleBytes),
        fromBinary(signal.schema, oracleBytes),
        `fixture ${i}`,
      );
      // Encoding gives protobuf-es's bytes, byte for byte (same field order, same presence).
      const fastBytes = signal.fast.encode(fixture);
      assert.deepStrictEqual(fastBytes, oracleBytes, `fixture ${i}`);
      assert.deepStrictEqual(fromBinary(signal.schema, fastBytes), fixture, `fixture ${i}`);
    }
  });

  Deno.test(`${signal.name}: truncation at every byte fails exactly where protobuf-es fails`, () => {
    const bytes = toBinary(signal.schema, signal.fixtures()[0]);
    for (let cut = 0; cut < bytes.length; cut++) {
      agree(signal, bytes.subarray(0, cut), `cut at ${cut}`);
    }
  });

  Deno.test(`${signal.name}: random and mutated bytes agree with protobuf-es`, () => {
    const rng = seededRandom(99);
    const valid = toBinary(signal.schema, signal.fixtures()[2]);
    let decoded = 0;
    for (let round = 0; round < 3000; round++) {
      let input: Uint8Array;
      if (round % 3 === 0) {
        input = Uint8Array.from({ length: Math.floor(rng() * 48) }, () => Math.floor(rng() * 256));
      } else {
        input = valid.slice();
        const flips = 1 + Math.floor(rng() * 3);
        for (let f = 0; f < flips; f++) {
          input[Math.floor(rng() * input.length)] = Math.floor(rng() * 256);
        }
      }
      if (agree(signal, input, `round ${round}`)) decoded++;
    }
    assert.ok(decoded > 100, `only ${decoded} inputs decoded`);
  });
}

// Hand-made wire records.
function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tag = (field: number, wireType: number) => varint(BigInt((field << 3) | wireType));
const len = (field: number, payload: number[]) => [
  ...tag(field, 2),
  ...varint(BigInt(payload.length)),
  ...payload,
];
const str = (field: number, text: string) => len(field, [...new TextEncoder().encode(text)]);
const fixed64 = (field: number, value: bigint) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
  return [...tag(field, 1), ...bytes];
};
const double = (field: number, value: number) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return [...tag(field, 1), ...bytes];
};
/** TracesData { resource_spans { scope_spans { spans: [span] } } } */
const inTraces = (span: number[]) => new Uint8Array(len(1, len(2, len(2, span))));
const inMetrics = (metric: number[]) => new Uint8Array(len(1, len(2, len(2, metric))));

const [tracesSignal, metricsSignal, logsSignal] = signals;

Deno.test("unknown fields of every wire type are kept at every level and written back", () => {
  const unknowns = [
    ...tag(100, 0),
    ...varint(-5n),
    ...fixed64(101, 7n),
    ...len(102, [1, 2, 3]),
    ...tag(103, 5),
    1,
    2,
    3,
    4,
    // A group holding a varint and a nested group.
    ...tag(104, 3),
    ...tag(1, 0),
    9,
    ...tag(2, 3),
    ...tag(2, 4),
    ...tag(104, 4),
  ];
  const span = [...str(5, "op"), ...unknowns, ...fixed64(7, 12n)];
  const data = new Uint8Array([
    ...len(1, [...len(2, [...len(2, span), ...unknowns]), ...unknowns]),
    ...unknowns,
  ]);
  assert.ok(agree(tracesSignal, data, "unknown fields"));
  const decoded = traces.decodeProto(data);
  assert.equal(decoded.$unknown?.length, 5);
  assert.equal(decoded.resourceSpans[0].scopeSpans[0].spans[0].$unknown?.length, 5);
  // Written back like protobuf-es writes them (after the known fields).
  assert.deepStrictEqual(
    traces.encodeProto(decoded),
    toBinary(TracesDataSchema, fromBinary(TracesDataSchema, data)),
  );
});

Deno.test("repeated numbers decode from both packed and unpacked encodings", () => {
  // HistogramDataPoint (Metric.histogram = 9, Histogram.data_points = 1): bucket_counts (6,
  // fixed64) and explicit_bounds (7, double), once unpacked, once packed, then unpacked again.
  const packedCounts = len(6, [...fixed64(0, 3n).slice(1), ...fixed64(0, 4n).slice(1)]);
  const packedBounds = len(7, [...double(0, 1.5).slice(1), ...double(0, -2).slice(1)]);
  const point = [
    ...fixed64(6, 1n),
    ...packedCounts,
    ...fixed64(6, 5n),
    ...double(7, 0.5),
    ...packedBounds,
  ];
  const histogram = inMetrics([...str(1, "h"), ...len(9, len(1, point))]);
  assert.ok(agree(metricsSignal, histogram, "histogram"));
  const decoded = metrics.decodeProto(histogram);
  const data = decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].data;
  assert.equal(data.case, "histogram");
  assert.deepStrictEqual(data.value.dataPoints[0].bucketCounts, [1n, 3n, 4n, 5n]);
  assert.deepStrictEqual(data.value.dataPoints[0].explicitBounds, [0.5, 1.5, -2]);

  // ExponentialHistogram (10) > data_points (1) > positive (8) > bucket_counts (2, uint64).
  const buckets = [
    ...tag(2, 0),
    ...varint(7n),
    ...len(2, [...varint(2n ** 63n), ...varint(0n)]),
  ];
  const exponential = inMetrics(len(10, len(1, len(8, buckets))));
  assert.ok(agree(metricsSignal, exponential, "exponential"));
  const exp = metrics.decodeProto(exponential).resourceMetrics[0].scopeMetrics[0].metrics[0].data;
  assert.equal(exp.case, "exponentialHistogram");
  assert.deepStrictEqual(exp.value.dataPoints[0].positive?.bucketCounts, [7n, 2n ** 63n, 0n]);

  // A packed list whose length is not a whole number of values is an error, not a misread.
  const ragged = inMetrics(len(9, len(1, len(6, [1, 2, 3, 4, 5, 6, 7, 8, 9]))));
  assert.throws(() => metrics.decodeProto(ragged), DecodeError);
});

Deno.test("fields in any order, and repeated singular fields: last wins, messages merge", () => {
  const span = [
    ...fixed64(8, 20n),
    ...str(5, "first"),
    ...len(15, str(2, "status message")), // status { message }
    ...len(9, [...str(1, "k"), ...len(2, str(1, "v"))]), // attributes
    ...fixed64(7, 10n),
    ...str(5, "second"),
    ...len(15, [...tag(3, 0), 2]), // status { code: ERROR } merges into the first status
    ...len(1, Array(16).fill(1)),
  ];
  const data = inTraces(span);
  assert.ok(agree(tracesSignal, data, "reordered"));
  const decoded = traces.decodeProto(data).resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(decoded.name, "second");
  assert.equal(decoded.startTimeUnixNano, 10n);
  assert.equal(decoded.status?.message, "status message");
  assert.equal(decoded.status?.code, 2);

  // A oneof: a second message of the same case merges, another case replaces.
  const kvlist = (key: string) => len(6, len(1, str(1, key)));
  const anyMerged = [...kvlist("a"), ...kvlist("b")];
  const anyReplaced = [...kvlist("a"), ...tag(3, 0), ...varint(-1n)];
  for (const body of [anyMerged, anyReplaced]) {
    const log = new Uint8Array(len(1, len(2, len(2, len(5, body)))));
    assert.ok(agree(logsSignal, log, "oneof"));
  }
  const merged = logs.decodeProto(new Uint8Array(len(1, len(2, len(2, len(5, anyMerged))))));
  const body = merged.resourceLogs[0].scopeLogs[0].logRecords[0].body?.value;
  assert.equal(body?.case, "kvlistValue");
  assert.deepStrictEqual(body.value.values.map((kv) => kv.key), ["a", "b"]);
});

Deno.test("errors name the field path and what was wrong", () => {
  // The fourth span's name is not UTF-8.
  const spans = [
    ...len(2, str(5, "a")),
    ...len(2, str(5, "b")),
    ...len(2, str(5, "c")),
    ...len(2, len(5, [0xc3, 0x28])),
  ];
  try {
    traces.decodeProto(new Uint8Array(len(1, len(2, spans))));
    assert.fail("decoded invalid UTF-8");
  } catch (e) {
    assert.ok(e instanceof DecodeError);
    assert.equal(e.path, "TracesData.resourceSpans[0].scopeSpans[0].spans[3].name");
    assert.match(e.message, /^cannot decode opentelemetry\.proto\.trace\.v1\.TracesData from/);
    assert.match(e.message, /spans\[3\]\.name: invalid UTF-8/);
  }
  // Span.name (5) as a varint.
  try {
    traces.decodeProto(inTraces([...tag(5, 0), 1]));
    assert.fail("decoded a varint name");
  } catch (e) {
    assert.ok(e instanceof DecodeError);
    assert.equal(e.path, "TracesData.resourceSpans[0].scopeSpans[0].spans[0].name");
    assert.match(e.message, /expected wire type 2 \(LEN\), got 0 \(VARINT\)/);
  }
  // A sub-message claiming more bytes than its parent has.
  const overrun = new Uint8Array([...len(1, [...tag(2, 2), 5, ...str(3, "x")])]);
  assert.throws(() => traces.decodeProto(overrun), DecodeError);
});

Deno.test("nesting: accepted up to the depth limit, a DecodeError beyond it, like protobuf-es", () => {
  const nested = (levels: number) => {
    let inner: number[] = [...tag(2, 0), 1];
    for (let i = 0; i < levels; i++) inner = len(5, len(1, inner));
    return new Uint8Array(len(1, len(2, len(2, len(5, inner)))));
  };
  for (const levels of [10, 124, 125, 126, 200]) {
    agree(logsSignal, nested(levels), `${levels} levels`);
  }
  assert.throws(() => logs.decodeProto(nested(200)), /recursion depth/);
});

Deno.test("copyBytes: decoded ids are copies that do not share the input's buffer", () => {
  const data = edgeTraces();
  const bytes = traces.encodeProto(data);
  const copying = createWireCodec({
    typeName: TracesDataSchema.typeName,
    decode: decodeTracesData,
    size: sizeTracesData,
    write: writeTracesData,
  }, { copyBytes: true });
  const copied = copying.decode(bytes);
  assert.deepStrictEqual(copied, traces.decodeProto(bytes));
  const span = copied.resourceSpans[0].scopeSpans[0].spans[0];
  assert.notEqual(span.traceId.buffer, bytes.buffer);
  // The default returns views, as protobuf-es does.
  const viewed = traces.decodeProto(bytes).resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(viewed.traceId.buffer, bytes.buffer);
});

Deno.test("encoding a value of the wrong type is an EncodeError", () => {
  const data = edgeTraces();
  (data.resourceSpans[0].scopeSpans[0].spans[0] as unknown as { startTimeUnixNano: unknown })
    .startTimeUnixNano = "not a number";
  assert.throws(() => traces.encodeProto(data), { name: "EncodeError" });
});

Deno.test("length prefixes of 2^32 and more are errors, never taken modulo 2^32", () => {
  /** A varint of `value` padded with continuation bytes to `width` bytes. */
  const wide = (value: bigint, width: number) => {
    const out: number[] = [];
    for (let i = 0; i < width; i++) {
      const low = Number((value >> BigInt(7 * i)) & 0x7fn);
      out.push(i < width - 1 ? low | 0x80 : low);
    }
    return out;
  };
  // Span.name (5) announcing `length` and followed by one byte "x".
  const named = (length: number[]) => inTraces([...tag(5, 2), ...length, 0x78]);
  // Padding a small length out to 5 or 10 bytes is valid protobuf, and both readers accept it.
  for (const width of [1, 2, 5, 10]) {
    const data = named(wide(1n, width));
    assert.ok(agree(tracesSignal, data, `padded to ${width} bytes`));
    assert.equal(traces.decodeProto(data).resourceSpans[0].scopeSpans[0].spans[0].name, "x");
  }
  const wrapping = [2n ** 32n + 1n, 2n ** 35n + 1n, 2n ** 63n + 1n, 2n ** 64n - 1n];
  for (const length of wrapping) {
    for (const width of [5, 6, 10]) {
      if (length >= 2n ** BigInt(7 * width)) continue;
      assert.throws(
        () => traces.decodeProto(named(wide(length, width))),
        (e: unknown) =>
          e instanceof DecodeError &&
          e.path === "TracesData.resourceSpans[0].scopeSpans[0].spans[0].name" &&
          e.message.includes(`length ${length} at byte`) &&
          e.message.includes("runs past the end of the input"),
        `${length} in ${width} bytes`,
      );
    }
  }
  // Eleven bytes are no varint at all.
  assert.throws(() => traces.decodeProto(named(wide(1n, 11))), /varint longer than 10 bytes/);
  // Every kind of length-delimited value: a sub-message, a packed list, bytes, an unknown field.
  const huge = wide(2n ** 32n + 2n, 5);
  const inputs: [string, (bytes: Uint8Array) => unknown, Uint8Array, string][] = [
    [
      "sub-message",
      traces.decodeProto,
      inTraces([...tag(15, 2), ...huge, 0]),
      "spans[0].status",
    ],
    [
      "packed list",
      metrics.decodeProto,
      inMetrics(len(9, len(1, [...tag(6, 2), ...huge, 0]))),
      "histogram.dataPoints[0].bucketCounts[0]",
    ],
    ["bytes", traces.decodeProto, inTraces([...tag(1, 2), ...huge, 0]), "spans[0].traceId"],
    ["unknown field", traces.decodeProto, inTraces([...tag(99, 2), ...huge, 0]), "spans[0].#99"],
    [
      "top level",
      traces.decodeProto,
      new Uint8Array([...tag(1, 2), ...huge, 0]),
      "Data.resourceSpans[0]",
    ],
  ];
  for (const [what, decode, data, path] of inputs) {
    assert.throws(
      () => decode(data),
      (e: unknown) =>
        e instanceof DecodeError && e.path.endsWith(path) &&
        e.message.includes(`length ${2n ** 32n + 2n} at byte`),
      what,
    );
  }
});

Deno.test("tags: field numbers up to 2^29-1 are read, larger tags and padded tags are errors", () => {
  const largest = 2 ** 29 - 1;
  const data = inTraces([...varint(BigInt(largest) * 8n), 7]);
  assert.ok(agree(tracesSignal, data, "largest field number"));
  const span = traces.decodeProto(data).resourceSpans[0].scopeSpans[0].spans[0];
  assert.deepStrictEqual(span.$unknown?.map((u) => u.no), [largest]);
  // 2^29 and beyond need bits above 32 in the tag; so does a tag padded past five bytes.
  for (
    const bytes of [
      varint(2n ** 29n * 8n),
      varint(2n ** 35n * 8n + 1n),
      [0x88, 0x80, 0x80, 0x80, 0x80, 0x00],
      [...Array(10).fill(0x88), 0x00],
    ]
  ) {
    assert.throws(
      () => traces.decodeProto(inTraces([...bytes, 7])),
      (e: unknown) =>
        e instanceof DecodeError &&
        /tag at byte \d+ does not fit in 32 bits|varint longer than 10 bytes/.test(e.message),
      bytes.join(","),
    );
  }
});
