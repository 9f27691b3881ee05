import assert from "node:assert/strict";
import * as pdata from "@denocol/pdata";
import { fanOutTraces, newLogs, newMetrics, newTraces } from "./mod.ts";
import { newLogsSink, newMetricsSink, newTracesSink } from "./consumertest/mod.ts";

function twoSpans(): pdata.Traces {
  return pdata.traces.decodeJson(JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
      scopeSpans: [{ spans: [{ name: "a" }, { name: "b" }] }],
    }],
  }));
}

Deno.test("fanOutTraces deep-copies for a mutating consumer", async () => {
  const mutating = newTracesSink({ capabilities: { mutatesData: true } });
  const reading = newTracesSink();
  const data = twoSpans();
  await fanOutTraces([mutating, reading]).consume(data);
  assert.equal(reading.all[0], data);
  assert.notEqual(mutating.all[0], data);
  mutating.all[0].resourceSpans[0].scopeSpans[0].spans[0].name = "changed";
  assert.equal(data.resourceSpans[0].scopeSpans[0].spans[0].name, "a");
  assert.equal(mutating.count, 2);
  assert.equal(reading.count, 2);
});

Deno.test("signal sinks count items with pdata", async () => {
  const metricsSink = newMetricsSink();
  await metricsSink.consume(pdata.metrics.empty());
  assert.equal(metricsSink.count, 0);
  assert.equal(metricsSink.all.length, 1);
  const logsSink = newLogsSink();
  await logsSink.consume(pdata.logs.decodeJson(JSON.stringify({
    resourceLogs: [{ scopeLogs: [{ logRecords: [{}, {}, {}] }] }],
  })));
  assert.equal(logsSink.count, 3);
});

Deno.test("signal constructors wrap functions with capabilities", async () => {
  let spans = 0;
  const traces = newTraces((data) => void (spans += pdata.traces.count(data)), {
    capabilities: { mutatesData: true },
  });
  await traces.consume(twoSpans());
  assert.equal(spans, 2);
  assert.deepEqual(traces.capabilities(), { mutatesData: true });
  assert.deepEqual(newMetrics(() => {}).capabilities(), { mutatesData: false });
  await assert.rejects(
    newLogs(() => Promise.reject(new Error("down"))).consume(pdata.logs.empty()),
    /down/,
  );
});
