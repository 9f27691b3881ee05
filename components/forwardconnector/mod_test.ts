import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { clientMetadata, RetryableError } from "@denocol/consumer";
import { errorConsumer, SinkConsumer } from "@denocol/consumer/consumertest";
import { type Logs, logs, type Metrics, metrics, type Traces, traces } from "@denocol/pdata";
import { type Profiles, profiles } from "@denocol/pdata-experimental";
import { factory } from "./mod.ts";

const settings = nopSettings("connector", "forward");

Deno.test("forward connector: passes each stable signal through with its context", async () => {
  const context = { client: { metadata: clientMetadata({ tenant: "a" }) } };
  const traceSink = new SinkConsumer<Traces>();
  const metricSink = new SinkConsumer<Metrics>();
  const logSink = new SinkConsumer<Logs>();
  const t = factory.createTracesToTraces(settings, {}, traceSink);
  const m = factory.createMetricsToMetrics(settings, {}, metricSink);
  const l = factory.createLogsToLogs(settings, {}, logSink);
  const td = traces.decodeJson('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a"}]}]}]}');
  const md = metrics.empty();
  const ld = logs.empty();
  for (const c of [t, m, l]) await c.start(nopHost());
  await t.consume(td, context);
  await m.consume(md, context);
  await l.consume(ld, context);
  assert.equal(traceSink.all[0], td, "traces were copied or replaced");
  assert.equal(metricSink.all[0], md);
  assert.equal(logSink.all[0], ld);
  assert.equal(traceSink.contexts[0], context);
  for (const c of [t, m, l]) await c.shutdown();
  for (const [from, to] of [["traces", "traces"], ["metrics", "metrics"], ["logs", "logs"]]) {
    assert.equal(factory.stability(from, to), "beta");
  }
});

Deno.test("forward connector: returns the next consumer's error", async () => {
  const refusal = new RetryableError("full");
  const connector = factory.createLogsToLogs(settings, {}, errorConsumer<Logs>(refusal));
  await assert.rejects(connector.consume(logs.empty()), (e) => e === refusal);
});

Deno.test("forward connector: refuses to connect different signals", () => {
  assert.throws(() => factory.createTracesToLogs(settings, {}, new SinkConsumer<Logs>()));
});

Deno.test("forward connector: passes profiles through", async () => {
  const sink = new SinkConsumer<Profiles>();
  const connector = factory.createProfilesToProfiles(settings, {}, sink);
  const data = profiles.empty();
  await connector.start(nopHost());
  await connector.consume(data);
  await connector.shutdown();
  assert.equal(sink.all[0], data);
  assert.equal(factory.stability("profiles", "profiles"), "alpha");
});
