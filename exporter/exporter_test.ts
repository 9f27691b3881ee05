import assert from "node:assert/strict";
import {
  ID,
  MetricsRegistry,
  newComponent,
  SignalNotSupportedError,
  withValidateConfig,
} from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { type Consumer, newConsumer, RetryableError } from "@denocol/consumer";
import * as pdata from "@denocol/pdata";
import { type Exporter, newFactory, ObsReport, withLogs, withMetrics, withTraces } from "./mod.ts";
import { checkExporterFactory } from "./exportertest/mod.ts";

/** An exporter that drops everything; the smallest thing the contract accepts. */
function nopExporter<T>(): Exporter<T> {
  return { ...newComponent(), ...newConsumer<T>(() => {}) };
}

const nopFactory = newFactory(
  "nop",
  () => ({}),
  withTraces(() => nopExporter<pdata.Traces>(), "beta"),
  withMetrics(() => nopExporter<pdata.Metrics>(), "beta"),
  withLogs(() => nopExporter<pdata.Logs>(), "beta"),
);

interface MemoryConfig {
  capacity: number;
}

/** Keeps exported spans in memory, refusing beyond capacity; reports through ObsReport. */
const memoryFactory = newFactory<MemoryConfig>(
  "memory",
  () => ({ capacity: 10 }),
  withTraces((settings, config) => {
    const obs = new ObsReport({ settings });
    const stored: pdata.Traces[] = [];
    let open = false;
    const lifecycle = newComponent({
      start: () => void (open = true),
      shutdown: () => void (open = false),
    });
    const consumer: Consumer<pdata.Traces> = newConsumer((data) => {
      const count = pdata.traces.count(data);
      return obs.observe("traces", count, () => {
        if (!open) return Promise.reject(new Error("memory exporter is not started"));
        if (stored.reduce((n, d) => n + pdata.traces.count(d), 0) + count > config.capacity) {
          return Promise.reject(new RetryableError("memory full", { retryAfterMs: 10 }));
        }
        stored.push(data);
        return Promise.resolve();
      });
    });
    return { ...lifecycle, ...consumer };
  }, "development"),
  withValidateConfig((config) => {
    if (config.capacity < 1) {
      throw new Error(`memory: capacity: expected >= 1, got ${config.capacity}`);
    }
  }),
);

Deno.test("nop exporter factory passes the exporter contract, consuming empty data", async () => {
  await checkExporterFactory(nopFactory, { consumeEmpty: true });
});

Deno.test("memory exporter passes the contract and rejects a bad capacity", async () => {
  await checkExporterFactory(memoryFactory, {
    consumeEmpty: true,
    invalidConfigs: [(c) => ({ ...c, capacity: 0 })],
  });
});

Deno.test("the exporter contract fails an exporter that cannot consume", async () => {
  const broken = newFactory(
    "broken",
    () => ({}),
    withLogs(() => ({
      ...newComponent(),
      ...newConsumer<pdata.Logs>(() => Promise.reject(new Error("no destination"))),
    }), "alpha"),
  );
  await assert.rejects(
    checkExporterFactory(broken, { consumeEmpty: true }),
    /lifecycle of logs failed/,
  );
  await checkExporterFactory(broken);
});

Deno.test("exporter factory refuses unsupported signals", () => {
  assert.equal(memoryFactory.metricsStability, "undefined");
  assert.throws(
    () => memoryFactory.createLogs(nopSettings("exporter"), { capacity: 1 }),
    (e: unknown) =>
      e instanceof SignalNotSupportedError && e.kind === "exporter" && e.signal === "logs",
  );
});

Deno.test("ObsReport counts sent and failed items per exporter", async () => {
  const registry = new MetricsRegistry();
  const settings = nopSettings("exporter", new ID("memory", "x"), { meter: registry });
  const exporter = memoryFactory.createTraces(settings, { capacity: 3 });
  const twoSpans = () =>
    pdata.traces.decodeJson(JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ name: "a" }, { name: "b" }] }] }],
    }));
  await exporter.start(nopHost());
  await exporter.consume(twoSpans());
  await assert.rejects(exporter.consume(twoSpans()), RetryableError);
  await exporter.shutdown();
  assert.equal(registry.value("otelcol_exporter_sent_spans", { exporter: "memory/x" }), 2);
  assert.equal(registry.value("otelcol_exporter_send_failed_spans", { exporter: "memory/x" }), 2);
  const obs = new ObsReport({ settings });
  obs.enqueueFailed("logs", 7);
  assert.equal(registry.value("otelcol_exporter_enqueue_failed_log_records"), 7);
});
