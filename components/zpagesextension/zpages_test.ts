import assert from "node:assert/strict";
import { ID, MetricsRegistry } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import type { PipelineView, ServiceIntrospection, TapListener } from "@denocol/extension";
import { traces } from "@denocol/pdata";
import { createDefaultConfig, nodeCounters, PipelineWatch, ZPagesExtension } from "./mod.ts";

const PIPELINES: PipelineView[] = [
  {
    id: "traces",
    signal: "traces",
    itemName: "spans",
    receivers: ["otlp"],
    processors: [],
    exporters: ["otlp"],
  },
  {
    id: "logs",
    signal: "logs",
    itemName: "log_records",
    receivers: ["otlp"],
    processors: [],
    exporters: ["otlp"],
  },
];

Deno.test("nodeCounters: series go to their component and signal, summed over other attributes", () => {
  const registry = new MetricsRegistry();
  registry.counter("otelcol_receiver_accepted_spans").add(3, {
    receiver: "otlp",
    transport: "grpc",
  });
  registry.counter("otelcol_receiver_accepted_spans").add(4, {
    receiver: "otlp",
    transport: "http",
  });
  registry.counter("otelcol_receiver_refused_log_records").add(1, {
    receiver: "otlp",
    transport: "http",
  });
  registry.counter("otelcol_exporter_sent_spans").add(7, { exporter: "otlp" });
  registry.gauge("otelcol_exporter_queue_size").record(2, { exporter: "otlp", data_type: "logs" });
  registry.counter("otelcol_processor_batch_timeout_trigger_send").add(5, { processor: "batch" });
  registry.gauge("otelcol_process_memory_rss").record(1);
  assert.deepEqual(nodeCounters(registry.collect(), PIPELINES), {
    "receiver|otlp|traces": { accepted: 7 },
    "receiver|otlp|logs": { refused: 1 },
    "exporter|otlp|traces": { sent: 7 },
    "exporter|otlp|logs": { queue_size: 2 },
    "processor|batch|*": { batch_timeout_trigger_send: 5 },
  });
});

/** An introspection with one traces pipeline whose tap the test drives. */
function fakeIntrospection() {
  const listeners = new Set<TapListener>();
  const view = {
    pipelines: () => PIPELINES,
    tapPipeline: (pipeline: string, listener: TapListener) => {
      if (pipeline !== "traces") throw new RangeError(`no pipeline ${JSON.stringify(pipeline)}`);
      listeners.add(listener);
      return { close: () => listeners.delete(listener) };
    },
  } as unknown as ServiceIntrospection;
  const push = (names: string[]) => {
    const data = traces.decodeJson(JSON.stringify({
      resourceSpans: [{
        scopeSpans: [{
          spans: names.map((name, i) => ({
            traceId: "0102030405060708090a0b0c0d0e0f10",
            spanId: `01020304050607${i.toString(16).padStart(2, "0")}`,
            name,
          })),
        }],
      }],
    }));
    for (const listener of listeners) listener(data, traces);
  };
  return { view, listeners, push };
}

Deno.test("samples: on demand, bounded in count, items and bytes, and closed when nobody asks", async () => {
  const { view, listeners, push } = fakeIntrospection();
  const watch = new PipelineWatch(view, {
    idleMs: 100,
    maxSamples: 3,
    maxItems: 2,
    maxJsonBytes: 10_000,
  });
  try {
    push(["before"]);
    assert.equal(listeners.size, 0, "nothing watches before the page asks");
    assert.deepEqual(watch.samples("traces"), []);
    assert.equal(listeners.size, 1);
    for (let i = 0; i < 5; i++) push([`r${i}-a`, `r${i}-b`, `r${i}-c`]);
    const samples = watch.samples("traces");
    assert.equal(samples.length, 3, "only the last 3 are kept");
    assert.match(samples[0].json, /r4-a/, "the newest first");
    assert.doesNotMatch(samples[0].json, /r4-c/, "at most 2 items each");
    assert.equal(samples[0].items, 3);
    assert.equal(samples[0].shownItems, 2);
    assert.throws(() => watch.samples("metrics"), RangeError);
    await new Promise((wake) => setTimeout(wake, 250));
    assert.equal(listeners.size, 0, "the tap closes once the page stops asking");
    assert.deepEqual(watch.tapped(), []);
    assert.deepEqual(watch.samples("traces"), [], "and what it kept is gone");
  } finally {
    watch.close();
  }
  assert.equal(listeners.size, 0);
});

Deno.test("samples: a long request is cut at maxJsonBytes", () => {
  const { view, push } = fakeIntrospection();
  const watch = new PipelineWatch(view, { maxJsonBytes: 100 });
  try {
    watch.samples("traces");
    push(["x".repeat(500)]);
    const [sample] = watch.samples("traces");
    assert.equal(sample.truncated, true);
    assert.equal(sample.json.length, 100);
  } finally {
    watch.close();
  }
});

Deno.test("zpages: routes, expvar, and a host without a service", async () => {
  const zpages = new ZPagesExtension(
    nopSettings("extension", ID.parse("zpages")),
    { ...createDefaultConfig(), endpoint: "127.0.0.1:0", expvar: { enabled: true } },
  );
  await zpages.start(nopHost());
  const base = `http://127.0.0.1:${zpages.address!.port}`;
  try {
    for (const path of ["/", "/debug/servicez", "/debug/pipelinez", "/debug/featurez"]) {
      const page = await fetch(`${base}${path}`);
      assert.equal(page.status, 200, path);
      assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'none'/);
      const html = await page.text();
      assert.doesNotMatch(html, /<script src=|<link /, "nothing is loaded from elsewhere");
    }
    const expvar = await fetch(`${base}/debug/expvarz`);
    assert.equal(expvar.status, 200);
    assert.ok((await expvar.json()).memstats.rss > 0);
    const api = await fetch(`${base}/debug/api/overview`);
    assert.equal(api.status, 503);
    await api.body?.cancel();
    const missing = await fetch(`${base}/nowhere`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    const post = await fetch(base, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
    await post.body?.cancel();
  } finally {
    await zpages.shutdown();
  }
});
