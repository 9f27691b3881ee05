import assert from "node:assert/strict";
import { type Host, newComponent, type Settings } from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import * as exporter from "@denocol/exporter";
import { defaultQueueConfig, newTraces } from "@denocol/exporter/exporterhelper";
import type * as pdata from "@denocol/pdata";
import * as receiver from "@denocol/receiver";
import { SHUTDOWN_ACCOUNTING_MS, shutdownTiming } from "./service.ts";
import { newTestService, tracesWithSpans } from "./testutil_test.ts";

Deno.test("shutdownTiming: drain time, then the accounting time; an explicit deadline keeps room for it", () => {
  assert.equal(SHUTDOWN_ACCOUNTING_MS, 5_000);
  assert.deepEqual(shutdownTiming(10_000), { drainMs: 10_000, deadlineMs: 15_000 });
  assert.deepEqual(shutdownTiming(2_000), { drainMs: 2_000, deadlineMs: 7_000 });
  assert.deepEqual(shutdownTiming(0), { drainMs: Infinity, deadlineMs: Infinity });
  assert.deepEqual(shutdownTiming(10_000, 30_000), { drainMs: 10_000, deadlineMs: 30_000 });
  assert.deepEqual(shutdownTiming(10_000, 12_000), { drainMs: 7_000, deadlineMs: 12_000 });
  assert.deepEqual(shutdownTiming(10_000, 5_000), { drainMs: 2_500, deadlineMs: 5_000 });
  assert.deepEqual(shutdownTiming(0, 5_000), { drainMs: 2_500, deadlineMs: 5_000 });
});

/** A receiver whose `state.push` feeds its pipeline. */
function pushReceiver(state: { push?: (data: pdata.Traces) => Promise<void> }) {
  return receiver.newFactory(
    "push",
    () => ({}),
    receiver.withTraces((_settings: Settings, _config, next: Consumer<pdata.Traces>) => {
      state.push = (data) => next.consume(data);
      return newComponent({ start: (_host: Host) => {} });
    }, "development"),
  );
}

/** An exporter on the helper's in-memory queue whose backend never answers. */
function stuckBackendExporter(aborted: string[]) {
  return exporter.newFactory(
    "stuck",
    () => ({}),
    exporter.withTraces(
      (settings: Settings) =>
        newTraces(settings, (_data, context) =>
          new Promise((_, reject) => {
            context.signal.addEventListener("abort", () => {
              aborted.push(String(context.signal.reason));
              reject(context.signal.reason);
            }, { once: true });
          }), { timeout: { timeout: 0 }, queue: { ...defaultQueueConfig(), num_consumers: 1 } }),
      "development",
    ),
  );
}

Deno.test("service: at service.shutdown.drain_timeout exporters drop what they hold, logged and counted; no shutdown error", async () => {
  const state: { push?: (data: pdata.Traces) => Promise<void> } = {};
  const aborted: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const service = await newTestService({
    factories: { receivers: [pushReceiver(state)], exporters: [stuckBackendExporter(aborted)] },
    config: {
      receivers: { push: null },
      exporters: { stuck: null },
      service: {
        shutdown: { drain_timeout: "200ms" },
        telemetry: { logs: { encoding: "json" }, metrics: { level: "none" } },
        pipelines: { traces: { receivers: ["push"], exporters: ["stuck"] } },
      },
    },
    writeLog: (line) => lines.push(JSON.parse(line)),
  });
  await service.start();
  await state.push!(tracesWithSpans("in-flight", "a", "b"));
  await state.push!(tracesWithSpans("queued"));

  assert.deepEqual(await service.shutdown(), []);
  const shuttingDown = lines.find((r) => r.msg === "shutting down");
  assert.equal(shuttingDown?.drain_timeout_ms, 200);
  assert.equal(shuttingDown?.deadline_ms, 200 + SHUTDOWN_ACCOUNTING_MS);
  assert.equal(aborted.length, 1, "the attempt in flight was cancelled");
  const drops = lines.filter((r) => r.reason === "shutdown");
  assert.equal(drops.length, 1, JSON.stringify(drops));
  assert.equal(drops[0].dropped_spans, 4);
  assert.equal(drops[0]["otelcol.component.id"], "stuck");
  assert.equal(drops[0]["otelcol.signal"], "traces");
  assert.equal(service.metrics.value("otelcol_exporter_send_failed_spans"), 4);
  const totals = lines.find((r) => r.msg === "exporter totals at shutdown");
  assert.ok(totals !== undefined);
  const { level: _level, ts: _ts, ...fields } = totals;
  assert.deepEqual(fields, {
    msg: "exporter totals at shutdown",
    exporter: "stuck",
    sent_spans: 0,
    send_failed_spans: 4,
    enqueue_failed_spans: 0,
  });
});
