import assert from "node:assert/strict";
import {
  type Component,
  ID,
  MetricsRegistry,
  newComponent,
  SignalNotSupportedError,
  withValidateConfig,
} from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { newMetricsSink, newTracesSink } from "@denocol/consumer/consumertest";
import { PermanentError } from "@denocol/consumer";
import * as pdata from "@denocol/pdata";
import { newFactory, ObsReport, withLogs, withMetrics, withTraces } from "./mod.ts";
import { checkReceiverFactory } from "./receivertest/mod.ts";

/** A receiver that does nothing, the smallest thing the contract accepts. */
function newNopReceiverFactory() {
  return newFactory(
    "nop",
    () => ({}),
    withTraces(() => newComponent(), "beta"),
    withMetrics(() => newComponent(), "beta"),
    withLogs(() => newComponent(), "beta"),
  );
}

interface BurstConfig {
  spans: number;
}

/** A receiver that sends one batch of `spans` spans when it starts, reporting through ObsReport. */
const burstFactory = newFactory<BurstConfig>(
  "burst",
  () => ({ spans: 2 }),
  withTraces((settings, config, next): Component => {
    const obs = new ObsReport({ settings, transport: "memory" });
    return newComponent({
      start: async () => {
        const data = pdata.traces.decodeJson(JSON.stringify({
          resourceSpans: [{
            scopeSpans: [{
              spans: Array.from({ length: config.spans }, (_, i) => ({ name: `s${i}` })),
            }],
          }],
        }));
        await obs.observe("traces", pdata.traces.count(data), () => next.consume(data));
      },
    });
  }, "development"),
  withValidateConfig((config) => {
    if (!Number.isInteger(config.spans) || config.spans < 1) {
      throw new Error(`burst: spans: expected a positive integer, got ${config.spans}`);
    }
  }),
);

Deno.test("nop receiver factory passes the receiver contract", async () => {
  await checkReceiverFactory(newNopReceiverFactory());
});

Deno.test("burst receiver passes the contract including bad config rejection", async () => {
  await checkReceiverFactory(burstFactory, {
    invalidConfigs: [(c) => ({ ...c, spans: 0 }), (c) => ({ ...c, spans: 1.5 })],
  });
});

Deno.test("newFactory reports stability and refuses unsupported signals by name", () => {
  const factory = burstFactory;
  assert.equal(factory.type, "burst");
  assert.equal(factory.tracesStability, "development");
  assert.equal(factory.metricsStability, "undefined");
  assert.equal(factory.logsStability, "undefined");
  assert.throws(
    () => factory.createMetrics(nopSettings("receiver"), { spans: 1 }, newMetricsSink()),
    (e: unknown) =>
      e instanceof SignalNotSupportedError && e.signal === "metrics" &&
      e.message === 'receiver "burst" does not support the metrics signal',
  );
  assert.throws(
    () =>
      newFactory(
        "dup",
        () => ({}),
        withLogs(() => newComponent(), "alpha"),
        withLogs(() => newComponent(), "beta"),
      ),
    /logs is configured twice/,
  );
});

Deno.test("ObsReport counts accepted and refused items per receiver and transport", async () => {
  const registry = new MetricsRegistry();
  const settings = nopSettings("receiver", new ID("burst", "a"), { meter: registry });
  const sink = newTracesSink();
  const receiver = burstFactory.createTraces(settings, { spans: 3 }, sink);
  await receiver.start(nopHost());
  await receiver.shutdown();
  assert.equal(sink.count, 3);
  const attributes = { receiver: "burst/a", transport: "memory" };
  assert.equal(registry.value("otelcol_receiver_accepted_spans", attributes), 3);

  const obs = new ObsReport({ settings, transport: "grpc" });
  const refusal = new PermanentError("no");
  await assert.rejects(obs.observe("logs", 4, () => Promise.reject(refusal)), (e) => e === refusal);
  assert.equal(
    registry.value("otelcol_receiver_refused_log_records", {
      receiver: "burst/a",
      transport: "grpc",
    }),
    4,
  );
  obs.accepted("metrics", 5);
  assert.equal(registry.value("otelcol_receiver_accepted_metric_points", { transport: "grpc" }), 5);
  assert.equal(registry.value("otelcol_receiver_accepted_spans", { transport: "grpc" }), undefined);
  assert.match(
    registry.renderPrometheus(),
    /otelcol_receiver_accepted_spans_total\{receiver="burst\/a",transport="memory"\} 3/,
  );
});
