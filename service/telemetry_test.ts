import assert from "node:assert/strict";
import { MetricsRegistry } from "@denocol/component";
import { registerProcessMetrics, servePrometheusText, sumMetrics } from "./telemetry.ts";

Deno.test("sumMetrics: series add up across processes; the uptime takes the longest", () => {
  const processes = [0, 1, 2].map((n) => {
    const registry = new MetricsRegistry();
    registerProcessMetrics(registry, () => 0);
    registry.counter("otelcol_process_uptime").add(10 + n);
    registry.counter("otelcol_receiver_accepted_spans", { description: "Spans accepted." })
      .add(100 * (n + 1), { receiver: "otlp", transport: "grpc" });
    if (n > 0) {
      registry.counter("otelcol_receiver_accepted_spans").add(5, {
        receiver: "otlp",
        transport: "http",
      });
    }
    registry.gauge("otelcol_exporter_queue_size").record(n, { exporter: "otlp" });
    registry.upDownCounter("in_flight").add(n - 1);
    return registry.collect();
  });
  const merged = sumMetrics(processes);
  assert.equal(merged.value("otelcol_receiver_accepted_spans", { transport: "grpc" }), 600);
  assert.equal(merged.value("otelcol_receiver_accepted_spans", { transport: "http" }), 10);
  assert.equal(merged.value("otelcol_exporter_queue_size"), 3);
  assert.equal(merged.value("in_flight"), 0);
  assert.equal(merged.value("otelcol_process_uptime"), 12);
  const text = merged.renderPrometheus();
  assert.match(text, /# HELP otelcol_receiver_accepted_spans_total Spans accepted\./);
  assert.match(
    text,
    /^otelcol_receiver_accepted_spans_total\{receiver="otlp",transport="grpc"\} 600$/m,
  );
});

Deno.test("servePrometheusText: serves what the render function resolves at each scrape", async () => {
  let scrapes = 0;
  const server = await servePrometheusText("127.0.0.1:0", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return `scrapes ${++scrapes}\n`;
  });
  try {
    const first = await fetch(`http://${server.address}/metrics`);
    assert.equal(await first.text(), "scrapes 1\n");
    assert.match(first.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const second = await fetch(`http://${server.address}/metrics`);
    assert.equal(await second.text(), "scrapes 2\n");
    const missing = await fetch(`http://${server.address}/other`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    await server.close();
  }
});
