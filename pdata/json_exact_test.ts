// OTLP/JSON numbers are read and written exactly: 64-bit integers sent as JSON numbers beyond 2^53
// keep every digit, values out of a field's range are refused naming the field, and doubles keep
// -0, NaN and the infinities through a round trip.

import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import {
  AnyValueSchema,
  DecodeError,
  KeyValueSchema,
  logs,
  metrics,
  ResourceSchema,
  traces,
} from "./mod.ts";

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A metrics document with one metric, written out as a client would send it. */
function metricDocument(metric: string, extra = ""): string {
  return `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m",${metric}}]${extra}}]}]}`;
}

function decodeError(decode: () => unknown): DecodeError {
  try {
    decode();
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${error}`);
    assert.equal(error.format, "json");
    return error;
  }
  assert.fail("decoded without an error");
}

Deno.test("JSON.parse hands revivers the source text of numbers in this runtime", () => {
  const sources: string[] = [];
  JSON.parse("[18446744073709551615, -0, 1e3]", (_key, value, context?: { source?: string }) => {
    if (typeof value === "number") sources.push(context?.source ?? "(none)");
    return value;
  });
  assert.deepStrictEqual(sources, ["18446744073709551615", "-0", "1e3"]);
});

Deno.test("64-bit integers written as JSON numbers beyond 2^53 keep every digit", () => {
  const data = metrics.decodeJson(metricDocument(`
    "sum": {"dataPoints": [
      {"asInt": 9007199254740993, "startTimeUnixNano": 1700000000123456789,
       "timeUnixNano": 18446744073709551615},
      {"asInt": -9223372036854775808, "timeUnixNano": 9007199254740993,
       "exemplars": [{"asInt": 9223372036854775807, "timeUnixNano": 1700000000000000001}]}
    ]}},
    {"name": "h", "histogram": {"dataPoints": [
      {"count": 18446744073709551615, "bucketCounts": [9007199254740993, 18446744073709551614, 1],
       "timeUnixNano": 1700000000000000003}]}},
    {"name": "e", "exponentialHistogram": {"dataPoints": [
      {"count": 9007199254740995, "zeroCount": 12345678901234567890,
       "positive": {"bucketCounts": [9007199254740997]}}]}`));
  const [sum, histogram, exponential] = data.resourceMetrics[0].scopeMetrics[0].metrics;
  assert.equal(sum.data.case, "sum");
  const [first, second] = sum.data.value.dataPoints;
  assert.deepStrictEqual(first.value, { case: "asInt", value: 9007199254740993n });
  assert.equal(first.startTimeUnixNano, 1700000000123456789n);
  assert.equal(first.timeUnixNano, UINT64_MAX);
  assert.deepStrictEqual(second.value, { case: "asInt", value: INT64_MIN });
  assert.equal(second.timeUnixNano, 9007199254740993n);
  assert.deepStrictEqual(second.exemplars[0].value, { case: "asInt", value: INT64_MAX });
  assert.equal(second.exemplars[0].timeUnixNano, 1700000000000000001n);
  assert.equal(histogram.data.case, "histogram");
  const point = histogram.data.value.dataPoints[0];
  assert.equal(point.count, UINT64_MAX);
  assert.deepStrictEqual(point.bucketCounts, [9007199254740993n, UINT64_MAX - 1n, 1n]);
  assert.equal(point.timeUnixNano, 1700000000000000003n);
  assert.equal(exponential.data.case, "exponentialHistogram");
  const exp = exponential.data.value.dataPoints[0];
  assert.equal(exp.count, 9007199254740995n);
  assert.equal(exp.zeroCount, 12345678901234567890n);
  assert.deepStrictEqual(exp.positive?.bucketCounts, [9007199254740997n]);

  const span = traces.decodeJson(`{"resourceSpans":[{"scopeSpans":[{"spans":[{
    "startTimeUnixNano": 1700000000123456789, "endTimeUnixNano": 1700000000223456789,
    "attributes": [{"key": "big", "value": {"intValue": -9007199254740993}}],
    "events": [{"timeUnixNano": 1700000000133456789}]}]}]}]}`)
    .resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(span.startTimeUnixNano, 1700000000123456789n);
  assert.equal(span.endTimeUnixNano, 1700000000223456789n);
  assert.deepStrictEqual(span.attributes[0].value?.value, {
    case: "intValue",
    value: -9007199254740993n,
  });
  assert.equal(span.events[0].timeUnixNano, 1700000000133456789n);

  const record = logs.decodeJson(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{
    "timeUnixNano": 1700000000500000001, "observedTimeUnixNano": 1700000000600000001}]}]}]}`)
    .resourceLogs[0].scopeLogs[0].logRecords[0];
  assert.equal(record.timeUnixNano, 1700000000500000001n);
  assert.equal(record.observedTimeUnixNano, 1700000000600000001n);
});

Deno.test("integral JSON numbers in any notation are exact; fractions are refused", () => {
  const asInt = (literal: string) => {
    const data = metrics.decodeJson(
      metricDocument(`"gauge":{"dataPoints":[{"asInt":${literal}}]}`),
    );
    const metric = data.resourceMetrics[0].scopeMetrics[0].metrics[0];
    assert.equal(metric.data.case, "gauge");
    return metric.data.value.dataPoints[0].value.value;
  };
  assert.equal(asInt("1e3"), 1000n);
  assert.equal(asInt("12.50e1"), 125n);
  assert.equal(asInt("9.223372036854775807E18"), INT64_MAX);
  assert.equal(asInt('"1e3"'), 1000n);
  assert.equal(asInt("-0"), 0n);
  assert.equal(asInt("0e999999999"), 0n);
  // Each of these rounds to an integer as a double, but is not one.
  for (const literal of ["1.0000000000000001", "4503599627370496.5", "1e-400", '"2.5"']) {
    const error = decodeError(() => asInt(literal));
    assert.match(error.message, /dataPoints\[0\]\.asInt: expected a signed 64-bit integer/);
    assert.equal(
      error.path,
      "resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asInt",
    );
  }
});

Deno.test("integers out of their field's range are refused naming the field and the range", () => {
  const cases: [string, string, RegExp][] = [
    [
      `"sum":{"dataPoints":[{"timeUnixNano":-1}]}`,
      "sum.dataPoints[0].timeUnixNano",
      /expected an unsigned 64-bit integer \(0 to 18446744073709551615\), got -1$/,
    ],
    [
      `"sum":{"dataPoints":[{"timeUnixNano":18446744073709551616}]}`,
      "sum.dataPoints[0].timeUnixNano",
      /got 18446744073709551616$/,
    ],
    [
      `"sum":{"dataPoints":[{"startTimeUnixNano":"-5"}]}`,
      "sum.dataPoints[0].startTimeUnixNano",
      /unsigned 64-bit integer \(0 to 18446744073709551615\), got "-5"$/,
    ],
    [
      `"histogram":{"dataPoints":[{"bucketCounts":[1,-1]}]}`,
      "histogram.dataPoints[0].bucketCounts[1]",
      /unsigned 64-bit integer .*got -1$/,
    ],
    [
      `"histogram":{"dataPoints":[{"count":1e20}]}`,
      "histogram.dataPoints[0].count",
      /got 1e20$/,
    ],
    [
      `"gauge":{"dataPoints":[{"asInt":9223372036854775808}]}`,
      "gauge.dataPoints[0].asInt",
      /signed 64-bit integer \(-9223372036854775808 to 9223372036854775807\), got 9223372036854775808$/,
    ],
    [
      `"gauge":{"dataPoints":[{"asInt":-9223372036854775809}]}`,
      "gauge.dataPoints[0].asInt",
      /got -9223372036854775809$/,
    ],
    [
      `"gauge":{"dataPoints":[{"flags":4294967296}]}`,
      "gauge.dataPoints[0].flags",
      /unsigned 32-bit integer \(0 to 4294967295\), got 4294967296$/,
    ],
    [
      `"exponentialHistogram":{"dataPoints":[{"scale":-2147483649}]}`,
      "exponentialHistogram.dataPoints[0].scale",
      /signed 32-bit integer \(-2147483648 to 2147483647\), got -2147483649$/,
    ],
  ];
  for (const [metric, path, message] of cases) {
    const error = decodeError(() => metrics.decodeJson(metricDocument(metric)));
    const fullPath = `resourceMetrics[0].scopeMetrics[0].metrics[0].${path}`;
    assert.equal(error.path, fullPath, metric);
    assert.ok(error.message.startsWith(`${fullPath}: `), error.message);
    assert.match(error.message, message);
  }
});

Deno.test("doubles keep -0, NaN and the infinities through OTLP/JSON like protojson", () => {
  const specials: [number, string][] = [
    [-0, "-0"],
    [NaN, '"NaN"'],
    [Infinity, '"Infinity"'],
    [-Infinity, '"-Infinity"'],
    [0.5, "0.5"],
  ];
  for (const [value, written] of specials) {
    const data = metrics.decodeJson(metricDocument(`"gauge":{"dataPoints":[{"asDouble":1}]}`));
    const gauge = data.resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    assert.equal(gauge.case, "gauge");
    gauge.value.dataPoints[0].value = { case: "asDouble", value };
    data.resourceMetrics[0].resource = create(ResourceSchema, {
      attributes: [create(KeyValueSchema, {
        key: "d",
        value: create(AnyValueSchema, { value: { case: "doubleValue", value } }),
      })],
    });
    const text = metrics.encodeJson(data);
    assert.ok(text.includes(`"asDouble":${written}`), text);
    assert.ok(text.includes(`"doubleValue":${written}`), text);
    const back = metrics.decodeJson(text);
    const point = back.resourceMetrics[0].scopeMetrics[0].metrics[0].data;
    assert.equal(point.case, "gauge");
    assert.ok(Object.is(point.value.dataPoints[0].value.value, value), `${value}`);
    assert.ok(Object.is(back.resourceMetrics[0].resource?.attributes[0].value?.value.value, value));
    assert.deepStrictEqual(back, data);
  }
  // Histogram bounds and optional sums too.
  const histogram = metrics.decodeJson(
    metricDocument(
      `"histogram":{"dataPoints":[{"sum":-0,"min":"-Infinity","explicitBounds":[-0,"NaN"]}]}`,
    ),
  );
  const text = metrics.encodeJson(histogram);
  assert.ok(text.includes(`"sum":-0,`), text);
  assert.ok(text.includes(`"min":"-Infinity"`), text);
  assert.ok(text.includes(`"explicitBounds":[-0,"NaN"]`), text);
});

Deno.test("number-like text inside strings changes nothing that is read", () => {
  const data = traces.decodeJson(`{"resourceSpans":[{"scopeSpans":[{"spans":[{
    "name": "[1.0000000000000001, 18446744073709551616,1e3",
    "kind": 2, "startTimeUnixNano": "1700000000123456789", "droppedAttributesCount": 3,
    "attributes": [{"key": "k:9007199254740993", "value": {"intValue": 7}}]}]}]}]}`);
  const span = data.resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(span.name, "[1.0000000000000001, 18446744073709551616,1e3");
  assert.equal(span.kind, 2);
  assert.equal(span.startTimeUnixNano, 1700000000123456789n);
  assert.equal(span.droppedAttributesCount, 3);
  assert.equal(span.attributes[0].key, "k:9007199254740993");
  assert.deepStrictEqual(span.attributes[0].value?.value, { case: "intValue", value: 7n });
});
