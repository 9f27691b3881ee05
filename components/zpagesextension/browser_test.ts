// The status page in a real headless Chromium, against a running service with real components:
// the graph shows every component of the configuration, counters move under load, a known
// profile draws as a flame graph, samples come on demand, and secrets stay out of the page.

import assert from "node:assert/strict";
import { factory as batch } from "@denocol/batchprocessor";
import { factory as forward } from "@denocol/forwardconnector";
import { factory as nopExporter } from "@denocol/nopexporter";
import { factory as otlpHttpExporter } from "@denocol/otlphttpexporter";
import { factory as otlpReceiver } from "@denocol/otlpreceiver";
import { type Factories, Service, validateCollectorConfig } from "@denocol/service";
import { Browser, findChromium } from "./browser_testutil_test.ts";
import { factory as zpages } from "./mod.ts";

const chromium = findChromium();
if (chromium === undefined) {
  console.log("status page browser test skipped: chromium not found (apt-get install chromium)");
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

const FACTORIES: Factories = {
  receivers: [otlpReceiver],
  processors: [batch],
  exporters: [otlpHttpExporter, nopExporter],
  connectors: [forward],
  extensions: [zpages],
};

function spans(name: string, count: number): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
      scopeSpans: [{
        spans: Array.from({ length: count }, (_, i) => ({
          traceId: "0102030405060708090a0b0c0d0e0f10",
          spanId: `01020304050607${i.toString(16).padStart(2, "0")}`,
          name,
        })),
      }],
    }],
  });
}

/** One profile of service `checkout`: 5 samples in main>work>leaf, 3 in main>idle. */
const PROFILE = JSON.stringify({
  dictionary: {
    stringTable: ["", "main", "work", "leaf", "idle", "samples", "count"],
    functionTable: [{}, { nameStrindex: 1 }, { nameStrindex: 2 }, { nameStrindex: 3 }, {
      nameStrindex: 4,
    }],
    locationTable: [
      {},
      { lines: [{ functionIndex: 1 }] },
      { lines: [{ functionIndex: 2 }] },
      { lines: [{ functionIndex: 3 }] },
      { lines: [{ functionIndex: 4 }] },
    ],
    stackTable: [{}, { locationIndices: [3, 2, 1] }, { locationIndices: [4, 1] }],
    mappingTable: [{}],
    attributeTable: [{}],
    linkTable: [{}],
  },
  resourceProfiles: [{
    resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
    scopeProfiles: [{
      profiles: [{
        sampleType: { typeStrindex: 5, unitStrindex: 6 },
        samples: [
          { stackIndex: 1, values: ["5"] },
          { stackIndex: 2, values: ["3"] },
        ],
      }],
    }],
  }],
});

Deno.test({
  name: "status page in Chromium: graph of every component, live counters, flame graph, samples",
  ignore: chromium === undefined,
  async fn() {
    const backend = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (r) => {
        await r.arrayBuffer();
        return new Response(new Uint8Array(0), {
          headers: { "content-type": "application/x-protobuf" },
        });
      },
    );
    const receiverPort = freePort();
    const zpagesPort = freePort();
    const config = await validateCollectorConfig({
      factories: FACTORIES,
      featureGates: "service.profilesSupport",
      config: {
        receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${receiverPort}` } } } },
        processors: { batch: { timeout: "50ms" } },
        exporters: {
          otlphttp: {
            endpoint: `http://127.0.0.1:${backend.addr.port}`,
            headers: { authorization: "Bearer very-secret-value" },
          },
          nop: null,
        },
        connectors: { forward: null },
        extensions: { zpages: { endpoint: `127.0.0.1:${zpagesPort}` } },
        service: {
          extensions: ["zpages"],
          telemetry: { metrics: { level: "none" } },
          pipelines: {
            traces: {
              receivers: ["otlp"],
              processors: ["batch"],
              exporters: ["otlphttp", "forward"],
            },
            "traces/copy": { receivers: ["forward"], exporters: ["nop"] },
            profiles: { receivers: ["otlp"], exporters: ["nop"] },
          },
        },
      },
    });
    const service = new Service({
      factories: FACTORIES,
      config,
      buildInfo: { command: "otelcol", description: "denocol test", version: "0.0.0" },
      reportFatalError: () => {},
      writeLog: () => {},
    });
    const post = async (path: string, body: string) => {
      const response = await fetch(`http://127.0.0.1:${receiverPort}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      assert.equal(response.status, 200, await response.text());
    };
    let browser: Browser | undefined;
    try {
      await service.start();
      browser = await Browser.launch(chromium!);
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${zpagesPort}/?refresh_ms=250`);
      await page.waitFor("the page to load", `document.body?.dataset.ready === "true"`);
      assert.equal(await page.evaluate("document.body.dataset.error ?? null"), null);

      // Every component of every pipeline is drawn, connectors on both sides.
      const nodes = await page.evaluate<string[]>(`[...document.querySelectorAll("#graph .node")]
        .map((n) => n.dataset.kind + " " + n.dataset.id + " in " + n.dataset.pipeline).sort()`);
      assert.deepEqual(nodes, [
        "connector forward in traces",
        "connector forward in traces/copy",
        "exporter nop in profiles",
        "exporter nop in traces/copy",
        "exporter otlphttp in traces",
        "processor batch in traces",
        "receiver otlp in profiles",
        "receiver otlp in traces",
      ]);
      assert.ok(
        await page.evaluate<number>(
          `document.querySelectorAll("#graph path.edge.connector").length`,
        ) >= 1,
        "a connector edge joins the two pipelines",
      );
      assert.equal(
        await page.evaluate(
          `document.querySelector('#graph .node[data-id="otlp"]').dataset.status`,
        ),
        "ok",
      );

      // Counters move while the page is open.
      const counter = (kind: string, id: string, pipeline: string, name: string) =>
        `Number(document.querySelector('#graph .node[data-kind="${kind}"][data-id="${id}"]` +
        `[data-pipeline="${pipeline}"] tspan[data-counter="${name}"]')?.dataset.value ?? -1)`;
      await page.waitFor(
        "the receiver's accepted counter, at 0 before any data",
        `${counter("receiver", "otlp", "traces", "accepted")} === 0`,
      );
      const acceptedBefore = 0;
      for (let i = 0; i < 5; i++) await post("/v1/traces", spans("load", 4));
      await page.waitFor(
        "accepted spans to rise by 20",
        `${counter("receiver", "otlp", "traces", "accepted")} >= ${acceptedBefore + 20}`,
      );
      await page.waitFor(
        "the exporter to count 20 sent spans",
        `${counter("exporter", "otlphttp", "traces", "sent")} >= 20`,
      );
      await page.waitFor(
        "the queue gauge",
        `document.querySelector('#graph .node[data-id="otlphttp"] tspan[data-counter="queue_size"]')`,
      );

      // A known profile, sent once the flame graph section watches, draws its stacks.
      await page.evaluate(`document.getElementById("profiles").open = true`);
      await page.waitFor(
        "the flame graph section to start watching",
        `document.querySelector("#flame-graphs .hint") !== null`,
      );
      await post("/v1development/profiles", PROFILE);
      await page.waitFor(
        "the flame graph of checkout",
        `document.querySelector('.flame[data-service="checkout"] .frame[data-name="leaf"]') !== null`,
      );
      const frames = await page.evaluate<Record<string, number>>(`Object.fromEntries(
        [...document.querySelectorAll('.flame[data-service="checkout"] .frame')]
          .map((f) => [f.dataset.name, Number(f.dataset.value)]))`);
      assert.deepEqual(frames, { all: 8, main: 8, work: 5, leaf: 5, idle: 3 });
      const width = (name: string) =>
        `Number(document.querySelector('.flame .frame[data-name="${name}"] rect').getAttribute("width"))`;
      const [leaf, idle] = [
        await page.evaluate<number>(width("leaf")),
        await page.evaluate<number>(width("idle")),
      ];
      assert.ok(Math.abs(leaf / idle - 5 / 3) < 0.01, `widths in proportion: ${leaf} / ${idle}`);

      // Samples come on demand: nothing is watched until the section opens.
      await page.evaluate(`document.getElementById("sample-pipeline").value = "traces"`);
      await page.evaluate(`document.getElementById("samples").open = true`);
      await page.waitFor(
        "the samples section to start watching",
        `document.querySelector("#sample-list .hint") !== null`,
      );
      await post("/v1/traces", spans("sampled-span", 3));
      const sample = await page.waitFor<string>(
        "a sample of the traces pipeline",
        `[...document.querySelectorAll("#sample-list pre")].map((p) => p.textContent)
          .find((t) => t.includes("sampled-span"))`,
      );
      assert.match(sample, /"resourceSpans"/);

      // Feature gates and the effective configuration, secrets redacted.
      assert.equal(
        await page.evaluate(
          `document.querySelector('#gates tr[data-gate="service.profilesSupport"] td:nth-child(2)').textContent`,
        ),
        "on",
      );
      const shownConfig = await page.evaluate<string>(
        `document.getElementById("config").textContent`,
      );
      assert.match(shownConfig, /"otlphttp"/);
      assert.match(shownConfig, /\[REDACTED\]/);
      assert.doesNotMatch(shownConfig, /very-secret-value/);
      const html = await page.evaluate<string>("document.documentElement.outerHTML");
      assert.doesNotMatch(html, /very-secret-value/);
    } finally {
      await browser?.close();
      await service.shutdown(10_000);
      await backend.shutdown();
    }
  },
});
