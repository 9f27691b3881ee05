// OTLP/JSON documents written by hand to the OTLP specification, as an SDK sends them over
// OTLP/HTTP: they must decode to the values they spell, and re-encode to equivalent documents.

import assert from "node:assert/strict";
import { logs, metrics, type SignalDescriptor, traces } from "./mod.ts";

const TRACES = `{
  "resourceSpans": [{
    "resource": {
      "attributes": [
        {"key": "service.name", "value": {"stringValue": "cart"}},
        {"key": "host.cpus", "value": {"intValue": "8"}}
      ]
    },
    "scopeSpans": [{
      "scope": {"name": "cart.instrumentation", "version": "2.1.0",
                "attributes": [{"key": "lib.flag", "value": {"boolValue": true}}]},
      "spans": [{
        "traceId": "4BF92F3577B34DA6A3CE929D0E0E4736",
        "spanId": "00F067AA0BA902B7",
        "parentSpanId": "53995C3F42CD8AD8",
        "name": "POST /cart/items",
        "kind": 2,
        "startTimeUnixNano": "1700000000123456789",
        "endTimeUnixNano": "1700000000223456789",
        "attributes": [
          {"key": "http.status", "value": {"intValue": 201}},
          {"key": "ratio", "value": {"doubleValue": 0.25}},
          {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"stringValue": "b"}]}}}
        ],
        "events": [{"timeUnixNano": "1700000000133456789", "name": "validated",
                    "attributes": [{"key": "items", "value": {"intValue": "3"}}]}],
        "links": [{"traceId": "0AF7651916CD43DD8448EB211C80319C", "spanId": "B7AD6B7169203331"}],
        "status": {"code": 1, "message": ""}
      }]
    }]
  }]
}`;

const METRICS = `{
  "resourceMetrics": [{
    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "cart"}}]},
    "scopeMetrics": [{
      "scope": {"name": "cart.meter"},
      "metrics": [
        {"name": "cart.items", "unit": "{item}", "description": "Items in carts",
         "sum": {"aggregationTemporality": 2, "isMonotonic": true,
                 "dataPoints": [{"asInt": "42", "startTimeUnixNano": "1700000000000000000",
                                 "timeUnixNano": "1700000060000000000",
                                 "attributes": [{"key": "region", "value": {"stringValue": "eu"}}]}]}},
        {"name": "cpu.temp", "unit": "Cel",
         "gauge": {"dataPoints": [{"asDouble": 61.5, "timeUnixNano": "1700000060000000000"}]}},
        {"name": "request.duration", "unit": "ms",
         "histogram": {"aggregationTemporality": 1,
                       "dataPoints": [{"startTimeUnixNano": "1700000000000000000",
                                       "timeUnixNano": "1700000060000000000",
                                       "count": "7", "sum": 350.5, "min": 1, "max": 200,
                                       "bucketCounts": ["1", "4", "2"], "explicitBounds": [10, 100],
                                       "exemplars": [{"asDouble": 200, "timeUnixNano": "1700000059000000000",
                                                      "traceId": "4BF92F3577B34DA6A3CE929D0E0E4736",
                                                      "spanId": "00F067AA0BA902B7"}]}]}},
        {"name": "payload.size", "unit": "By",
         "exponentialHistogram": {"aggregationTemporality": 2,
                                  "dataPoints": [{"count": "5", "sum": 1200, "scale": 3, "zeroCount": "1",
                                                  "positive": {"offset": 7, "bucketCounts": ["1", "0", "3"]},
                                                  "negative": {}, "timeUnixNano": "1700000060000000000"}]}},
        {"name": "gc.pause", "unit": "s",
         "summary": {"dataPoints": [{"count": "10", "sum": 0.75, "timeUnixNano": "1700000060000000000",
                                     "quantileValues": [{"quantile": 0.5, "value": 0.05},
                                                        {"quantile": 0.99, "value": 0.3}]}]}}
      ]
    }]
  }]
}`;

const LOGS = `{
  "resourceLogs": [{
    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "cart"}}]},
    "scopeLogs": [{
      "scope": {"name": "cart.logger"},
      "logRecords": [{
        "timeUnixNano": "1700000000500000000",
        "observedTimeUnixNano": "1700000000600000000",
        "severityNumber": 17,
        "severityText": "ERROR",
        "traceId": "4BF92F3577B34DA6A3CE929D0E0E4736",
        "spanId": "00F067AA0BA902B7",
        "body": {"kvlistValue": {"values": [
          {"key": "msg", "value": {"stringValue": "payment failed: card déclinée"}},
          {"key": "raw", "value": {"bytesValue": "AAECAw=="}}
        ]}},
        "attributes": [{"key": "retry", "value": {"boolValue": false}}],
        "flags": 1
      }]
    }]
  }]
}`;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Lower-cases ids so that the hand-written upper-case hex compares with the encoder's output. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (/^(traceId|spanId|parentSpanId)$/.test(key)) out[key] = String(child).toLowerCase();
      // The encoder omits zero values; the documents spell one (an empty status message).
      else if (child === "") continue;
      else out[key] = normalize(child);
    }
    return out;
  }
  return value;
}

function reencodes<T>(helpers: SignalDescriptor<T>, document: string, int64Keys: string[]): void {
  const decoded = helpers.decodeJson(document);
  const text = helpers.encodeJson(decoded);
  assert.deepStrictEqual(helpers.decodeJson(text), decoded);
  assert.deepStrictEqual(helpers.decodeProto(helpers.encodeProto(decoded)), decoded);
  const expected = JSON.parse(
    document,
    (key, value) => int64Keys.includes(key) && typeof value === "number" ? String(value) : value,
  );
  assert.deepStrictEqual(JSON.parse(text), normalize(expected));
}

Deno.test("hand-written OTLP/JSON traces decode to the values they spell", () => {
  const data = traces.decodeJson(TRACES);
  assert.equal(traces.count(data), 1);
  const resource = data.resourceSpans[0].resource!;
  assert.equal(resource.attributes[0].key, "service.name");
  assert.deepStrictEqual(resource.attributes[1].value?.value, { case: "intValue", value: 8n });
  const scope = data.resourceSpans[0].scopeSpans[0];
  assert.equal(scope.scope?.version, "2.1.0");
  const span = scope.spans[0];
  assert.equal(hex(span.traceId), "4bf92f3577b34da6a3ce929d0e0e4736");
  assert.equal(span.traceId.length, 16);
  assert.equal(hex(span.spanId), "00f067aa0ba902b7");
  assert.equal(hex(span.parentSpanId), "53995c3f42cd8ad8");
  assert.equal(span.kind, 2);
  assert.equal(span.startTimeUnixNano, 1700000000123456789n);
  assert.equal(span.endTimeUnixNano - span.startTimeUnixNano, 100_000_000n);
  assert.deepStrictEqual(span.attributes[0].value?.value, { case: "intValue", value: 201n });
  assert.deepStrictEqual(span.attributes[1].value?.value, { case: "doubleValue", value: 0.25 });
  assert.equal(span.events[0].name, "validated");
  assert.equal(hex(span.links[0].spanId), "b7ad6b7169203331");
  assert.equal(span.status?.code, 1);
  reencodes(traces, TRACES, ["intValue"]);
});

Deno.test("hand-written OTLP/JSON metrics of all five types decode and re-encode", () => {
  const data = metrics.decodeJson(METRICS);
  assert.equal(metrics.count(data), 5);
  const [sum, gauge, histogram, exponential, summary] = data.resourceMetrics[0].scopeMetrics[0]
    .metrics;
  assert.equal(sum.data.case, "sum");
  assert.equal(gauge.data.case, "gauge");
  assert.equal(histogram.data.case, "histogram");
  assert.equal(exponential.data.case, "exponentialHistogram");
  assert.equal(summary.data.case, "summary");
  if (sum.data.case === "sum") {
    assert.equal(sum.data.value.aggregationTemporality, 2);
    assert.deepStrictEqual(sum.data.value.dataPoints[0].value, { case: "asInt", value: 42n });
  }
  if (histogram.data.case === "histogram") {
    const point = histogram.data.value.dataPoints[0];
    assert.deepStrictEqual(point.bucketCounts, [1n, 4n, 2n]);
    assert.equal(point.sum, 350.5);
    assert.equal(hex(point.exemplars[0].traceId), "4bf92f3577b34da6a3ce929d0e0e4736");
  }
  if (exponential.data.case === "exponentialHistogram") {
    const point = exponential.data.value.dataPoints[0];
    assert.equal(point.scale, 3);
    assert.equal(point.positive?.offset, 7);
    assert.ok(point.negative, "an empty object still sets the message");
  }
  if (summary.data.case === "summary") {
    assert.equal(summary.data.value.dataPoints[0].quantileValues[1].quantile, 0.99);
  }
  reencodes(metrics, METRICS, []);
});

Deno.test("hand-written OTLP/JSON logs decode and re-encode", () => {
  const data = logs.decodeJson(LOGS);
  assert.equal(logs.count(data), 1);
  const record = data.resourceLogs[0].scopeLogs[0].logRecords[0];
  assert.equal(record.severityNumber, 17);
  assert.equal(hex(record.spanId), "00f067aa0ba902b7");
  const body = record.body?.value;
  assert.equal(body?.case, "kvlistValue");
  if (body?.case === "kvlistValue") {
    assert.deepStrictEqual(body.value.values[0].value?.value, {
      case: "stringValue",
      value: "payment failed: card déclinée",
    });
    assert.deepStrictEqual(body.value.values[1].value?.value, {
      case: "bytesValue",
      value: new Uint8Array([0, 1, 2, 3]),
    });
  }
  reencodes(logs, LOGS, []);
});
