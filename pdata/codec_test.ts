import assert from "node:assert/strict";
import { create, toBinary } from "@bufbuild/protobuf";
import {
  AnyValueSchema,
  DecodeError,
  ExportLogsServiceRequestSchema,
  ExportMetricsServiceRequestSchema,
  ExportTraceServiceRequestSchema,
  logs,
  logsFromRequest,
  logsToRequest,
  MAX_NESTING_DEPTH,
  metrics,
  metricsToRequest,
  type SignalDescriptor,
  traces,
  tracesFromRequest,
  tracesToRequest,
} from "./mod.ts";
import { fromBinary } from "@bufbuild/protobuf";
import {
  bytes,
  edgeLogs,
  edgeMetrics,
  edgeTraces,
  MAX_UINT64,
  randomTraces,
  seededRandom,
} from "./pdatatest/mod.ts";

function roundTrips<T>(name: string, helpers: SignalDescriptor<T>, fixture: () => T): void {
  Deno.test(`${name}: binary round trip keeps every value`, () => {
    const original = fixture();
    const decoded = helpers.decodeProto(helpers.encodeProto(original));
    assert.deepStrictEqual(decoded, fixture());
  });
  Deno.test(`${name}: JSON round trip keeps every value`, () => {
    const original = fixture();
    const text = helpers.encodeJson(original);
    const decoded = helpers.decodeJson(text);
    assert.deepStrictEqual(decoded, fixture());
    // The same document as bytes decodes the same.
    assert.deepStrictEqual(helpers.decodeJson(new TextEncoder().encode(text)), fixture());
  });
  Deno.test(`${name}: empty data round trips in both formats`, () => {
    const empty = helpers.empty();
    assert.equal(helpers.encodeProto(empty).length, 0);
    assert.equal(helpers.encodeJson(empty), "{}");
    assert.deepStrictEqual(helpers.decodeProto(new Uint8Array(0)), empty);
    assert.deepStrictEqual(helpers.decodeJson("{}"), empty);
    assert.equal(helpers.count(empty), 0);
  });
  Deno.test(`${name}: clone is deep and equal`, () => {
    const original = fixture();
    const copy = helpers.clone(original);
    assert.deepStrictEqual(copy, original);
    assert.notEqual(copy, original);
    // Mutating the copy everywhere leaves the original intact.
    const wipe = (value: unknown): void => {
      if (value instanceof Uint8Array) value.fill(0xaa);
      else if (Array.isArray(value)) value.forEach(wipe);
      else if (value && typeof value === "object") {
        for (const [key, child] of Object.entries(value)) {
          if (typeof child === "string" && key !== "$typeName" && key !== "case") {
            (value as Record<string, unknown>)[key] = "changed";
          } else wipe(child);
        }
      }
    };
    wipe(copy);
    assert.deepStrictEqual(original, fixture());
  });
}

roundTrips("traces", traces, edgeTraces);
roundTrips("metrics", metrics, edgeMetrics);
roundTrips("logs", logs, edgeLogs);

Deno.test("JSON output follows OTLP/JSON: hex ids, integer enums, camelCase, string int64", () => {
  const json = JSON.parse(traces.encodeJson(edgeTraces()));
  const span = json.resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(span.traceId, "0102030405060708090a0b0c0d0e0f10");
  assert.equal(span.spanId, "0203040506070809");
  assert.equal(span.parentSpanId, "030405060708090a");
  assert.equal(span.links[0].traceId, "6465666768696a6b6c6d6e6f70717273");
  assert.equal(span.kind, 2);
  assert.equal(span.status.code, 2);
  assert.equal(span.endTimeUnixNano, "18446744073709551615");
  assert.equal(span.startTimeUnixNano, undefined, "zero values are omitted");
  assert.equal(span.flags, 4294967295);
  const attribute = (key: string) =>
    span.attributes.find((a: { key: string }) => a.key === key).value;
  assert.deepEqual(attribute("nan"), { doubleValue: "NaN" });
  assert.deepEqual(attribute("inf"), { doubleValue: "Infinity" });
  assert.deepEqual(attribute("-inf"), { doubleValue: "-Infinity" });
  assert.deepEqual(attribute("int zero"), { intValue: "0" }, "a set oneof member is written");
  assert.deepEqual(attribute("zero double"), { doubleValue: 0 });
  assert.deepEqual(attribute("empty bytes"), { bytesValue: "" });
  assert.deepEqual(attribute("unset"), {});
  // Bytes that are not ids stay base64: 250..255,0..26 is "+vv8/f7/AAEC..."
  assert.equal(attribute("bytes").bytesValue.slice(0, 8), "+vv8/f7/");
  assert.equal(json.resourceSpans[0].resource.droppedAttributesCount, 3);

  const logJson = JSON.parse(logs.encodeJson(edgeLogs()));
  const record = logJson.resourceLogs[0].scopeLogs[0].logRecords[0];
  assert.equal(record.traceId, "0708090a0b0c0d0e0f10111213141516");
  assert.equal(record.spanId, "0708090a0b0c0d0e");
  assert.equal(record.severityNumber, 24);

  const metricJson = JSON.parse(metrics.encodeJson(edgeMetrics()));
  const exemplar = metricJson.resourceMetrics[0].scopeMetrics[0].metrics[1].sum.dataPoints[0]
    .exemplars[0];
  assert.equal(exemplar.traceId, "090a0b0c0d0e0f101112131415161718");
  assert.equal(exemplar.spanId, "090a0b0c0d0e0f10");
  assert.equal(exemplar.asDouble, "NaN");
  const histogram = metricJson.resourceMetrics[0].scopeMetrics[0].metrics[2].histogram;
  assert.deepEqual(histogram.dataPoints[0].bucketCounts, ["0", "1", "18446744073709551615"]);
  assert.deepEqual(histogram.dataPoints[0].explicitBounds, ["-Infinity", 0.5]);
  assert.equal(histogram.aggregationTemporality, 1);
  assert.deepEqual(histogram.dataPoints[1], { count: undefined }.count ?? {}, "unset optionals");
});

Deno.test("export requests are wire-identical to the data messages", () => {
  const data = edgeTraces();
  const requestBytes = toBinary(ExportTraceServiceRequestSchema, tracesToRequest(data));
  assert.deepStrictEqual(traces.decodeProto(requestBytes), edgeTraces());
  const request = fromBinary(ExportTraceServiceRequestSchema, traces.encodeProto(data));
  assert.deepStrictEqual(tracesFromRequest(request), edgeTraces());

  const logRequest = fromBinary(ExportLogsServiceRequestSchema, logs.encodeProto(edgeLogs()));
  assert.deepStrictEqual(logsFromRequest(logRequest), edgeLogs());
  assert.deepStrictEqual(
    logs.decodeProto(toBinary(ExportLogsServiceRequestSchema, logsToRequest(edgeLogs()))),
    edgeLogs(),
  );
  const metricRequest = toBinary(
    ExportMetricsServiceRequestSchema,
    metricsToRequest(edgeMetrics()),
  );
  assert.deepStrictEqual(metrics.decodeProto(metricRequest), edgeMetrics());
});

function decodeError(run: () => unknown, format: "proto" | "json"): DecodeError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${error}`);
    assert.equal(error.format, format);
    return error;
  }
  assert.fail("expected a DecodeError, decoding succeeded");
}

Deno.test("JSON ids of the wrong length or not hex are errors naming the path", () => {
  const document = (traceId: string, spanId = "0102030405060708") =>
    `{"resourceSpans":[{"scopeSpans":[{"spans":[{},{},{},{"traceId":"${traceId}","spanId":"${spanId}"}]}]}]}`;
  const short = decodeError(() => traces.decodeJson(document("0".repeat(30))), "json");
  assert.equal(
    short.message,
    "resourceSpans[0].scopeSpans[0].spans[3].traceId: expected 32 hex characters, got 30",
  );
  assert.equal(short.path, "resourceSpans[0].scopeSpans[0].spans[3].traceId");
  const notHex = decodeError(() => traces.decodeJson(document("g".repeat(32))), "json");
  assert.match(notHex.message, /spans\[3\]\.traceId: expected 32 hex characters/);
  const longSpan = decodeError(
    () => traces.decodeJson(document("a".repeat(32), "b".repeat(18))),
    "json",
  );
  assert.match(longSpan.message, /spans\[3\]\.spanId: expected 16 hex characters, got 18/);
  // Upper-case hex is accepted; an empty id means "no id".
  const upper = traces.decodeJson(document("ABCDEF".padEnd(32, "0"), ""));
  const span = upper.resourceSpans[0].scopeSpans[0].spans[3];
  assert.deepStrictEqual([...span.traceId.slice(0, 3)], [0xab, 0xcd, 0xef]);
  assert.equal(span.spanId.length, 0);
  // Ids in log records and exemplars are checked too.
  const log = decodeError(
    () => logs.decodeJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"spanId":"abc"}]}]}]}'),
    "json",
  );
  assert.equal(log.path, "resourceLogs[0].scopeLogs[0].logRecords[0].spanId");
  const exemplar = decodeError(
    () =>
      metrics.decodeJson(
        '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"exemplars":[{"traceId":"00"}]}]}}]}]}]}',
      ),
    "json",
  );
  assert.match(exemplar.message, /exemplars\[0\]\.traceId: expected 32 hex characters, got 2/);
});

Deno.test("binary ids of the wrong length are errors naming the field", () => {
  const data = edgeTraces();
  data.resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId = bytes(7);
  const error = decodeError(() => traces.decodeProto(traces.encodeProto(data)), "proto");
  assert.equal(
    error.message,
    "TracesData.resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId: expected 8 bytes, got 7",
  );
  const log = edgeLogs();
  log.resourceLogs[0].scopeLogs[0].logRecords[1].traceId = bytes(15);
  assert.match(
    decodeError(() => logs.decodeProto(logs.encodeProto(log)), "proto").message,
    /logRecords\[1\]\.traceId: expected 16 bytes, got 15/,
  );
});

Deno.test("JSON values of the wrong type are errors saying what was expected and where", () => {
  const cases: [string, RegExp][] = [
    ['{"resourceSpans":{}}', /^resourceSpans: expected an array, got an object$/],
    ['{"resourceSpans":[1]}', /^resourceSpans\[0\]: expected an object for .*ResourceSpans/],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":5}]}]}]}',
      /spans\[0\]\.name: expected a string/,
    ],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"12x"}]}]}]}',
      /startTimeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"18446744073709551616"}]}]}]}',
      /startTimeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":-1}]}]}]}',
      /startTimeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SERVER"}]}]}]}',
      /kind: expected a value of/,
    ],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":1.5}]}]}]}',
      /kind: expected an enum number/,
    ],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"flags":-1}]}]}]}',
      /flags: expected an unsigned 32-bit/,
    ],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"flags":4294967296}]}]}]}',
      /flags: expected an unsigned/,
    ],
    [
      '{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"boolValue":"true"}}]}}]}',
      /resource\.attributes\[0\]\.value\.boolValue: expected true or false/,
    ],
    [
      '{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"doubleValue":"nope"}}]}}]}',
      /doubleValue: expected a number, "NaN"/,
    ],
    [
      '{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"bytesValue":"***"}}]}}]}',
      /bytesValue: expected base64 bytes/,
    ],
    [
      '{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"intValue":"1","stringValue":"x"}}]}}]}',
      /stringValue: only one of the value fields may be set/,
    ],
    ["[]", /^expected an object for .*TracesData, got an array$/],
    ['"text"', /^expected an object/],
    ['{"resourceSpans":[null]}', /resourceSpans\[0\]: expected a value, got null/],
  ];
  for (const [document, pattern] of cases) {
    const error = decodeError(() => traces.decodeJson(document), "json");
    assert.match(error.message, pattern, document);
  }
});

Deno.test("invalid JSON and invalid UTF-8 are DecodeErrors", () => {
  for (const text of ["", "{", '{"resourceSpans":[}', "nul", "{}}", "\u0000"]) {
    assert.match(decodeError(() => traces.decodeJson(text), "json").message, /^invalid JSON/);
  }
  const badUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]);
  assert.match(decodeError(() => traces.decodeJson(badUtf8), "json").message, /not valid UTF-8/);
});

Deno.test("JSON accepts snake_case names, enum names, numbers for int64, and ignores unknowns", () => {
  const data = metrics.decodeJson(`{
    "resource_metrics": [{
      "unknownField": {"anything": [1, 2, {"x": null}]},
      "scope_metrics": [{
        "metrics": [{
          "name": "m",
          "sum": {
            "aggregation_temporality": "AGGREGATION_TEMPORALITY_CUMULATIVE",
            "is_monotonic": true,
            "data_points": [
              {"as_int": -42, "time_unix_nano": 1700000000000000000, "start_time_unix_nano": null},
              {"asDouble": "-Infinity", "timeUnixNano": "18446744073709551615", "flags": "1"}
            ]
          }
        }]
      }]
    }]
  }`);
  const metric = data.resourceMetrics[0].scopeMetrics[0].metrics[0];
  assert.equal(metric.data.case, "sum");
  if (metric.data.case !== "sum") return;
  assert.equal(metric.data.value.aggregationTemporality, 2);
  assert.equal(metric.data.value.isMonotonic, true);
  const [first, second] = metric.data.value.dataPoints;
  assert.deepStrictEqual(first.value, { case: "asInt", value: -42n });
  assert.equal(first.timeUnixNano, 1700000000000000000n);
  assert.equal(first.startTimeUnixNano, 0n);
  assert.deepStrictEqual(second.value, { case: "asDouble", value: -Infinity });
  assert.equal(second.timeUnixNano, MAX_UINT64);
  assert.equal(second.flags, 1);
});

function nestedAnyValueJson(depth: number): string {
  let value = '{"stringValue":"leaf"}';
  for (let i = 0; i < depth; i++) value = `{"arrayValue":{"values":[${value}]}}`;
  return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${value}}]}]}]}`;
}

Deno.test("deeply nested AnyValue: accepted up to the limit, a DecodeError beyond it", () => {
  // Each AnyValue level is two message levels (AnyValue, ArrayValue); the body starts at depth 4.
  const allowed = Math.floor((MAX_NESTING_DEPTH - 5) / 2);
  const data = logs.decodeJson(nestedAnyValueJson(allowed));
  assert.equal(logs.count(data), 1);
  // It survives the binary format as well.
  assert.deepStrictEqual(logs.decodeProto(logs.encodeProto(data)), data);
  assert.deepStrictEqual(logs.decodeJson(logs.encodeJson(data)), data);

  const tooDeep = decodeError(() => logs.decodeJson(nestedAnyValueJson(allowed + 10)), "json");
  assert.match(tooDeep.message, /nest deeper than/);
  // Far deeper than any stack: still a typed error, no crash.
  decodeError(() => logs.decodeJson(nestedAnyValueJson(100_000)), "json");

  // The same in binary: nest AnyValue by hand, byte by byte.
  let inner: Uint8Array = toBinary(
    AnyValueSchema,
    create(AnyValueSchema, { value: { case: "boolValue", value: true } }),
  );
  for (let i = 0; i < 2000; i++) {
    // ArrayValue { values: [inner] } then AnyValue { array_value: that }
    inner = wrap(5, wrap(1, inner));
  }
  const body = wrap(5, inner); // LogRecord.body = 5
  const bytesOfLogs = wrap(1, wrap(2, wrap(2, body))); // LogsData > ResourceLogs > ScopeLogs > LogRecord
  assert.match(
    decodeError(() => logs.decodeProto(bytesOfLogs), "proto").message,
    /recursion depth/,
  );
});

/** A length-delimited field `field` holding `payload`. */
function wrap(field: number, payload: Uint8Array): Uint8Array {
  const header: number[] = [(field << 3) | 2];
  let length = payload.length;
  while (length >= 0x80) {
    header.push((length & 0x7f) | 0x80);
    length >>>= 7;
  }
  header.push(length);
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  return out;
}

Deno.test("truncated protobuf input is a DecodeError at every cut", () => {
  const encoded = traces.encodeProto(edgeTraces());
  let failures = 0;
  for (let cut = 1; cut < encoded.length; cut++) {
    try {
      traces.decodeProto(encoded.subarray(0, cut));
    } catch (error) {
      assert.ok(error instanceof DecodeError, `cut ${cut}: ${error}`);
      assert.equal(error.format, "proto");
      failures++;
    }
  }
  // Cuts that fall between top-level fields are valid shorter messages; all others must fail.
  assert.ok(failures >= encoded.length - 3, `${failures} of ${encoded.length - 1} cuts failed`);
});

Deno.test("wrong wire types are DecodeErrors naming the message", () => {
  // TracesData.resource_spans (field 1) sent as a varint instead of a message.
  const error = decodeError(() => traces.decodeProto(new Uint8Array([0x08, 0x01])), "proto");
  assert.match(error.message, /TracesData/);
  // Span.name (field 5 of Span) as a fixed64.
  const span = new Uint8Array([0x29, 1, 2, 3, 4, 5, 6, 7, 8]);
  decodeError(() => traces.decodeProto(wrap(1, wrap(2, wrap(2, span)))), "proto");
  // A string field holding invalid UTF-8.
  decodeError(
    () => traces.decodeProto(wrap(1, wrap(2, wrap(2, wrap(5, new Uint8Array([0xff])))))),
    "proto",
  );
  // Wire types 6 and 7 do not exist.
  decodeError(() => traces.decodeProto(new Uint8Array([0x0e])), "proto");
  decodeError(() => traces.decodeProto(new Uint8Array([0x0f])), "proto");
});

Deno.test("random and mutated bytes either decode or raise a DecodeError", () => {
  const random = seededRandom(7);
  const valid = traces.encodeProto(
    randomTraces(random, { resources: 2, scopes: 2, items: 3, attributes: 2 }, true),
  );
  let decoded = 0;
  let rejected = 0;
  for (let round = 0; round < 2000; round++) {
    let input: Uint8Array;
    if (round % 2 === 0) {
      input = Uint8Array.from(
        { length: Math.floor(random() * 64) },
        () => Math.floor(random() * 256),
      );
    } else {
      input = valid.slice();
      for (let flips = 0; flips < 3; flips++) {
        input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
      }
    }
    for (const helpers of [traces, metrics, logs] as SignalDescriptor[]) {
      try {
        helpers.decodeProto(input);
        decoded++;
      } catch (error) {
        assert.ok(error instanceof DecodeError, `round ${round}: ${error}`);
        rejected++;
      }
    }
  }
  assert.ok(rejected > 0 && decoded > 0, `decoded ${decoded}, rejected ${rejected}`);
});

Deno.test("random JSON-ish text either decodes or raises a DecodeError", () => {
  const random = seededRandom(11);
  const valid = traces.encodeJson(
    randomTraces(random, { resources: 2, scopes: 2, items: 2, attributes: 2 }, true),
  );
  const alphabet = '{}[]":,0123456789abcdef-.eE truefalsnul\\';
  let rejected = 0;
  for (let round = 0; round < 1000; round++) {
    const chars = valid.split("");
    for (let edits = 0; edits < 2; edits++) {
      chars[Math.floor(random() * chars.length)] = alphabet[Math.floor(random() * alphabet.length)];
    }
    try {
      traces.decodeJson(chars.join(""));
    } catch (error) {
      assert.ok(error instanceof DecodeError, `round ${round}: ${error}`);
      rejected++;
    }
  }
  assert.ok(rejected > 0);
});
