import assert from "node:assert/strict";
import { MetricsRegistry, newLogger } from "./mod.ts";

Deno.test("MetricsRegistry sums counters per attribute set regardless of key order", () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter("otelcol_receiver_accepted_spans");
  counter.add(3, { receiver: "otlp", transport: "grpc" });
  counter.add(4, { transport: "grpc", receiver: "otlp" });
  counter.add(5, { receiver: "otlp", transport: "http" });
  assert.equal(registry.value("otelcol_receiver_accepted_spans", { transport: "grpc" }), 7);
  assert.equal(registry.value("otelcol_receiver_accepted_spans"), 12);
  assert.equal(registry.value("otelcol_receiver_accepted_spans", { transport: "udp" }), undefined);
  assert.equal(registry.value("missing"), undefined);
});

Deno.test("MetricsRegistry returns the same instrument for the same name", () => {
  const registry = new MetricsRegistry();
  registry.counter("c").add(1);
  registry.counter("c").add(2);
  assert.equal(registry.value("c"), 3);
  assert.throws(() => registry.gauge("c"), /already registered as a counter/);
});

Deno.test("MetricsRegistry rejects negative counter increments and bad names", () => {
  const registry = new MetricsRegistry();
  assert.throws(() => registry.counter("c").add(-1), /negative/);
  assert.throws(() => registry.counter("bad-name"), /invalid metric name/);
  assert.throws(() => registry.gauge("g").record(Number.NaN), /finite/);
});

Deno.test("gauges keep the last value and up-down counters go both ways", () => {
  const registry = new MetricsRegistry();
  registry.gauge("g").record(5);
  registry.gauge("g").record(2);
  registry.upDownCounter("q").add(5);
  registry.upDownCounter("q").add(-3);
  assert.equal(registry.value("g"), 2);
  assert.equal(registry.value("q"), 2);
});

Deno.test("renderPrometheus writes help, type, escaped labels and the counter suffix", () => {
  const registry = new MetricsRegistry();
  registry.counter("otelcol_exporter_sent_spans", { description: "Spans sent." })
    .add(2, { exporter: 'otlp/"a"', "service.name": "x" });
  registry.gauge("otelcol_queue_size").record(1.5);
  const text = registry.renderPrometheus();
  assert.equal(
    text,
    [
      "# HELP otelcol_exporter_sent_spans_total Spans sent.",
      "# TYPE otelcol_exporter_sent_spans_total counter",
      'otelcol_exporter_sent_spans_total{exporter="otlp/\\"a\\"",service_name="x"} 2',
      "# TYPE otelcol_queue_size gauge",
      "otelcol_queue_size 1.5",
      "",
    ].join("\n"),
  );
});

Deno.test("collect copies state so callers cannot change the registry", () => {
  const registry = new MetricsRegistry();
  registry.counter("c").add(1, { a: "b" });
  const snapshot = registry.collect();
  snapshot[0].series[0].value = 100;
  assert.equal(registry.value("c"), 1);
  assert.equal(snapshot[0].kind, "counter");
});

Deno.test("console logger filters by level and merges attributes", () => {
  const lines: string[] = [];
  const logger = newLogger({ level: "warn", write: (line) => lines.push(line) });
  logger.info("dropped");
  logger.with({ component: "otlp" }).warn("kept", { port: 4317 });
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /^\d{4}-\d\d-\d\dT[\d:.]+Z\twarn\tkept\t\{"component":"otlp","port":4317\}$/,
  );
});
