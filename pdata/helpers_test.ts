import assert from "node:assert/strict";
import {
  dataPointCount,
  type Logs,
  logs,
  type Metric,
  type Metrics,
  metrics,
  type Traces,
  traces,
} from "./mod.ts";
import {
  edgeLogs,
  edgeMetrics,
  edgeTraces,
  randomLogs,
  randomMetrics,
  randomTraces,
  seededRandom,
  type Shape,
} from "./pdatatest/mod.ts";

// Flattened views: one row per item with everything that identifies where it belongs, so that
// "split then merge preserves every item and attribute" is a comparison of row lists.

function traceRows(data: Traces): string[] {
  const rows: string[] = [];
  for (const resource of data.resourceSpans) {
    for (const scope of resource.scopeSpans) {
      for (const span of scope.spans) {
        rows.push(
          traces.encodeJson({
            ...data,
            resourceSpans: [{ ...resource, scopeSpans: [{ ...scope, spans: [span] }] }],
          }),
        );
      }
    }
  }
  return rows;
}

function logRows(data: Logs): string[] {
  const rows: string[] = [];
  for (const resource of data.resourceLogs) {
    for (const scope of resource.scopeLogs) {
      for (const record of scope.logRecords) {
        rows.push(
          logs.encodeJson({
            ...data,
            resourceLogs: [{ ...resource, scopeLogs: [{ ...scope, logRecords: [record] }] }],
          }),
        );
      }
    }
  }
  return rows;
}

/** One row per data point, carrying the metric's name, unit, type and temporality. */
function metricRows(data: Metrics): string[] {
  const rows: string[] = [];
  for (const resource of data.resourceMetrics) {
    for (const scope of resource.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (let i = 0; i < dataPointCount(metric); i++) {
          const single = {
            ...metric,
            data: {
              case: metric.data.case,
              value: { ...metric.data.value, dataPoints: [metric.data.value!.dataPoints[i]] },
            },
          } as Metric;
          rows.push(
            metrics.encodeJson({
              ...data,
              resourceMetrics: [{ ...resource, scopeMetrics: [{ ...scope, metrics: [single] }] }],
            }),
          );
        }
      }
    }
  }
  return rows;
}

const SHAPE: Shape = { resources: 4, scopes: 3, items: 12, attributes: 3 };

Deno.test("property: traces split into chunks of <= N and merge back to every span", () => {
  const random = seededRandom(1);
  for (let round = 0; round < 60; round++) {
    const data = randomTraces(random, SHAPE);
    const expected = traceRows(data);
    const total = traces.count(data);
    assert.equal(total, expected.length);
    const maxItems = 1 + Math.floor(random() * 20);
    const chunks = traces.split(traces.clone(data), maxItems);
    for (const chunk of chunks) assert.ok(traces.count(chunk) <= maxItems);
    assert.equal(chunks.reduce((sum, chunk) => sum + traces.count(chunk), 0), total);
    if (total > 0) assert.equal(chunks.length, Math.ceil(total / maxItems), "chunks are full");
    // Only the last chunk may be partly filled.
    for (const chunk of chunks.slice(0, -1)) assert.equal(traces.count(chunk), maxItems);
    assert.deepStrictEqual(traceRows(traces.merge(chunks)), expected, `round ${round}`);
    // Chunks survive the wire formats.
    for (const chunk of chunks) {
      assert.deepStrictEqual(traces.decodeProto(traces.encodeProto(chunk)), chunk);
    }
  }
});

Deno.test("property: logs split into chunks of <= N and merge back to every record", () => {
  const random = seededRandom(2);
  for (let round = 0; round < 60; round++) {
    const data = randomLogs(random, SHAPE);
    const expected = logRows(data);
    const maxItems = 1 + Math.floor(random() * 20);
    const chunks = logs.split(logs.clone(data), maxItems);
    for (const chunk of chunks) assert.ok(logs.count(chunk) <= maxItems);
    assert.equal(chunks.reduce((sum, chunk) => sum + logs.count(chunk), 0), expected.length);
    assert.deepStrictEqual(logRows(logs.merge(chunks)), expected, `round ${round}`);
  }
});

Deno.test("property: metrics split by data point keep each metric's description in every chunk", () => {
  const random = seededRandom(3);
  for (let round = 0; round < 60; round++) {
    const data = randomMetrics(random, { resources: 3, scopes: 2, items: 4, attributes: 2 }, 9);
    const expected = metricRows(data);
    const maxItems = 1 + Math.floor(random() * 7);
    const chunks = metrics.split(metrics.clone(data), maxItems);
    for (const chunk of chunks) assert.ok(metrics.count(chunk) <= maxItems);
    assert.equal(chunks.reduce((sum, chunk) => sum + metrics.count(chunk), 0), expected.length);
    // Rows carry name, description, unit, type, temporality and monotonicity, so equal rows
    // mean every piece of a cut metric kept them.
    assert.deepStrictEqual(metricRows(metrics.merge(chunks)), expected, `round ${round}`);
  }
});

Deno.test("split keeps empty groups and metrics without points, and the edge fixtures", () => {
  const traceChunks = traces.split(edgeTraces(), 1);
  // Two spans, one per chunk; the empty scope and empty resource follow into the last chunk.
  assert.equal(traceChunks.length, 2);
  const merged = traces.merge(traceChunks);
  assert.deepStrictEqual(traceRows(merged), traceRows(edgeTraces()));
  const scopeNames = merged.resourceSpans.flatMap((r) => r.scopeSpans.map((s) => s.scope?.name));
  assert.ok(scopeNames.includes("empty scope"));
  assert.ok(
    merged.resourceSpans.some((r) => r.resource?.attributes[0].value?.value.value === "empty"),
  );

  const metricChunks = metrics.split(edgeMetrics(), 2);
  const names = metricChunks.flatMap((c) =>
    c.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name)))
  );
  assert.ok(names.includes("no data"));
  assert.deepStrictEqual(metricRows(metrics.merge(metricChunks)), metricRows(edgeMetrics()));
  // The three gauge points are cut 2 + 1, both pieces described in full.
  const gauges = metricChunks.flatMap((c) =>
    c.resourceMetrics[0].scopeMetrics[0].metrics.filter((m) => m.name === "gauge")
  );
  assert.deepStrictEqual(gauges.map(dataPointCount), [2, 1]);
  for (const gauge of gauges) {
    assert.equal(gauge.description, "a gauge");
    assert.equal(gauge.unit, "1");
    assert.equal(gauge.metadata[0].key, "m");
  }
  assert.deepStrictEqual(logRows(logs.merge(logs.split(edgeLogs(), 3))), logRows(edgeLogs()));
});

Deno.test("split chunks do not share resources or scopes", () => {
  const data = randomTraces(
    seededRandom(4),
    { resources: 1, scopes: 1, items: 4, attributes: 1 },
    true,
  );
  const [first, second] = traces.split(data, 2);
  assert.notEqual(first.resourceSpans[0].resource, second.resourceSpans[0].resource);
  first.resourceSpans[0].resource!.attributes[0].key = "changed";
  assert.equal(second.resourceSpans[0].resource!.attributes[0].key, "service.name");
  assert.notEqual(
    first.resourceSpans[0].scopeSpans[0].scope,
    second.resourceSpans[0].scopeSpans[0].scope,
  );
});

Deno.test("split returns the data itself when it fits, and rejects a bad maxItems", () => {
  const data = edgeTraces();
  assert.equal(traces.split(data, 2)[0], data);
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => traces.split(data, bad), /maxItems must be a positive integer/);
  }
  assert.deepStrictEqual(traces.split(traces.empty(), 1), [traces.empty()]);
});

Deno.test("merge concatenates resource groups in order; count adds up", () => {
  const random = seededRandom(5);
  const parts = [0, 1, 2].map(() => randomLogs(random, SHAPE));
  const expected = parts.flatMap(logRows);
  const merged = logs.merge(parts.map((p) => logs.clone(p)));
  assert.equal(logs.count(merged), parts.reduce((sum, p) => sum + logs.count(p), 0));
  assert.deepStrictEqual(logRows(merged), expected);
  assert.deepStrictEqual(logs.merge([]), logs.empty());
});

Deno.test("count counts spans, data points of every metric type, and log records", () => {
  assert.equal(traces.count(edgeTraces()), 2);
  // gauge 3 + sum 1 + histogram 2 + exponential 1 + summary 1 + no data 0
  assert.equal(metrics.count(edgeMetrics()), 8);
  assert.equal(logs.count(edgeLogs()), 4);
});
