// Issue 12, item 5, at small scale: a collector process (otlp receiver → batch → otlphttp exporter
// with an in-memory sending queue) whose backend answers the first request at once and holds
// every later one far longer than the drain time. After SIGTERM the exporter may send for
// service.shutdown.drain_timeout; then what is still in flight, in the queue and in the batch
// processor is dropped: one log line naming the exporter, signal and exact item count, the
// same count in otelcol_exporter_send_failed_spans, and the process exits 0 because every
// component stopped. Every span the receiver accepted is either delivered or counted as dropped.
// With a persistent queue (file_storage) nothing is dropped: what was queued or in flight at the
// deadline is sent by the next run.

import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { traces, TracesDataSchema } from "@denocol/pdata";
import { freePort } from "@denocol/exporter/exportertest";
import { CollectorProcess, until } from "./process_testutil_test.ts";

const SPANS_PER_REQUEST = 100;
const REQUESTS = 25;
const ACCEPTED = SPANS_PER_REQUEST * REQUESTS;
/** The batch processor sends 1,000-span batches: two fill up, 500 spans stay in it. */
const BATCH = 1_000;
const DRAIN_MS = 1_000;
/** Far beyond the drain time: a held request is only ever ended by the exporter giving up. */
const HOLD_MS = 120_000;

function requestBody(index: number): Uint8Array {
  return traces.encodeProto(create(TracesDataSchema, {
    resourceSpans: [{
      scopeSpans: [{
        spans: Array.from({ length: SPANS_PER_REQUEST }, (_, i) => ({
          traceId: new Uint8Array(16).fill(1),
          spanId: new Uint8Array(8).fill(2),
          name: String(index * SPANS_PER_REQUEST + i),
          startTimeUnixNano: 1n,
          endTimeUnixNano: 2n,
        })),
      }],
    }],
  }));
}

/**
 * Answers the first request with 200 and, while `holding`, holds every later one until the
 * client gives up; otherwise answers at once. Counts the distinct spans it answered 200 for.
 */
class SlowBackend {
  readonly port = freePort();
  readonly delivered = new Set<string>();
  holding = true;
  answered = 0;
  heldRequests = 0;
  abandonedRequests = 0;
  readonly #release = Promise.withResolvers<void>();
  readonly #server: Deno.HttpServer;

  constructor() {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: this.port, onListen: () => {} },
      async (request) => {
        const data = traces.decodeProto(new Uint8Array(await request.arrayBuffer()));
        if (this.holding && this.answered > 0) {
          this.heldRequests++;
          const abandoned = new Promise<boolean>((resolve) => {
            request.signal.addEventListener("abort", () => resolve(true), { once: true });
            this.#release.promise.then(() => resolve(false));
            setTimeout(() => resolve(false), HOLD_MS);
          });
          if (await abandoned) this.abandonedRequests++;
          return new Response(null, { status: 503 });
        }
        this.answered++;
        for (const rs of data.resourceSpans) {
          for (const ss of rs.scopeSpans) {
            for (const span of ss.spans) this.delivered.add(span.name);
          }
        }
        return new Response(null, { status: 200 });
      },
    );
  }

  async close(): Promise<void> {
    this.#release.resolve();
    await this.#server.shutdown();
  }
}

/** Sends every request to the receiver; each must be answered 200. */
async function sendAll(receiverPort: number): Promise<void> {
  for (let i = 0; i < REQUESTS; i++) {
    const response = await fetch(`http://127.0.0.1:${receiverPort}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: requestBody(i) as Uint8Array<ArrayBuffer>,
    });
    await response.body?.cancel();
    assert.equal(response.status, 200, `request ${i}`);
  }
}

function configText(options: {
  receiverPort: number;
  backendPort: number;
  metricsPort: number;
  storageDir?: string;
}): string {
  const storage = options.storageDir !== undefined;
  return `
${storage ? `extensions:\n  file_storage:\n    directory: ${options.storageDir}\n` : ""}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${options.receiverPort}
processors:
  batch:
    send_batch_size: ${BATCH}
    send_batch_max_size: ${BATCH}
    timeout: 10m
exporters:
  otlphttp/slow:
    endpoint: http://127.0.0.1:${options.backendPort}
    compression: none
    timeout: 10m
    sending_queue:
      num_consumers: 1
${storage ? "      storage: file_storage\n" : ""}
service:
${storage ? "  extensions: [file_storage]\n" : ""}
  shutdown:
    drain_timeout: ${DRAIN_MS}ms
  telemetry:
    logs:
      encoding: json
    metrics:
      address: 127.0.0.1:${options.metricsPort}
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlphttp/slow]
`;
}

Deno.test({
  name: "shutdown e2e: queued, in-flight and batched spans left at the drain deadline are " +
    "logged with their exact count and counted, delivered + dropped = accepted, exit 0",
  // The collector's sockets live in the child; the test's own fetch connections may still be
  // closing when it ends.
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const backend = new SlowBackend();
  const receiverPort = freePort();
  const metricsPort = freePort();
  const dir = await Deno.makeTempDir({ prefix: "denocol-shutdown-e2e-" });
  const configFile = `${dir}/config.yaml`;
  await Deno.writeTextFile(
    configFile,
    configText({ receiverPort, backendPort: backend.port, metricsPort }),
  );
  const collector = new CollectorProcess(["--config", configFile]);
  try {
    await collector.ready();
    await sendAll(receiverPort);
    // The first batch went through; the second is in flight, held by the backend.
    await until("the backend holds the second batch", () => backend.heldRequests === 1);
    assert.equal(backend.delivered.size, BATCH);
    const before = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    assert.match(
      before,
      new RegExp(`^otelcol_receiver_accepted_spans_total\\{[^}]*\\} ${ACCEPTED}$`, "m"),
    );
    assert.doesNotMatch(before, /^otelcol_exporter_send_failed_spans/m);

    const exit = await collector.stop();
    const { logs } = collector;
    const output = logs.tail();

    assert.equal(exit.code, 0, `exit status; log:\n${output}`);
    const drops = logs.records.filter((r) =>
      r.msg === "Exporting failed. Dropping data." && r.reason === "shutdown"
    );
    assert.equal(drops.length, 1, `one shutdown drop line; log:\n${output}`);
    const [drop] = drops;
    // In flight: the second batch (1,000); queued: the batch processor's last 500.
    const dropped = ACCEPTED - BATCH;
    assert.equal(drop.dropped_spans, dropped, output);
    assert.equal(drop.requests, 2, output);
    assert.equal(drop["otelcol.component.id"], "otlphttp/slow");
    assert.equal(drop["otelcol.signal"], "traces");
    assert.equal(drop.exporter, "otlphttp/slow");
    assert.equal(drop.data_type, "traces");
    // The counter, as it stood when the collector stopped (no scrape can see it after that).
    const totals = logs.records.find((r) =>
      r.msg === "exporter totals at shutdown" && r.exporter === "otlphttp/slow"
    );
    assert.ok(totals !== undefined, `no totals line; log:\n${output}`);
    assert.equal(totals.send_failed_spans, dropped);
    assert.equal(totals.sent_spans, BATCH);
    assert.equal(backend.delivered.size + Number(totals.send_failed_spans), ACCEPTED);
    // The exporter let go of the held request instead of waiting for its answer.
    await until(
      "the backend saw the held request abandoned",
      () => backend.abandonedRequests === 1,
    );
    assert.ok(logs.records.some((r) => r.msg === "shutdown complete"));
    assert.ok(!logs.records.some((r) => /did not finish within/.test(String(r.msg))), output);
  } finally {
    await collector.kill();
    await backend.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "shutdown e2e: with file_storage, what is queued or in flight at the drain deadline " +
    "stays on disk and the next run delivers every accepted span",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const backend = new SlowBackend();
  const receiverPort = freePort();
  const dir = await Deno.makeTempDir({ prefix: "denocol-shutdown-e2e-" });
  await Deno.mkdir(`${dir}/storage`);
  const configFile = `${dir}/config.yaml`;
  const writeConfig = () =>
    Deno.writeTextFile(
      configFile,
      configText({
        receiverPort,
        backendPort: backend.port,
        metricsPort: freePort(),
        storageDir: `${dir}/storage`,
      }),
    );
  await writeConfig();
  let collector = new CollectorProcess(["--config", configFile]);
  try {
    await collector.ready();
    await sendAll(receiverPort);
    await until("the backend holds the second batch", () => backend.heldRequests === 1);
    const first = await collector.stop();
    const firstOutput = collector.logs.tail();
    assert.equal(first.code, 0, `exit status; log:\n${firstOutput}`);
    assert.ok(
      !collector.logs.records.some((r) => r.reason === "shutdown"),
      `nothing is dropped with a persistent queue; log:\n${firstOutput}`,
    );
    const kept = collector.logs.records.find((r) =>
      r.msg === "Unsent requests stay in the persistent queue for the next start"
    );
    // The batch in flight at the deadline and the batch processor's last flush.
    assert.equal(kept?.queue_size, 2, firstOutput);
    const totals = collector.logs.records.find((r) => r.msg === "exporter totals at shutdown");
    assert.equal(totals?.send_failed_spans, 0, firstOutput);
    await until(
      "the backend saw the held request abandoned",
      () => backend.abandonedRequests === 1,
    );
    assert.equal(backend.delivered.size, BATCH);

    backend.holding = false;
    await writeConfig();
    collector = new CollectorProcess(["--config", configFile]);
    await collector.ready();
    await until("every accepted span delivered", () => backend.delivered.size === ACCEPTED);
    const second = await collector.stop();
    assert.equal(second.code, 0, collector.logs.tail());
    assert.ok(
      collector.logs.records.some((r) =>
        r.msg === "Resuming requests left in the persistent queue by an earlier run" &&
        r.requests === 2
      ),
      collector.logs.tail(),
    );
  } finally {
    await collector.kill();
    await backend.close();
    await Deno.remove(dir, { recursive: true });
  }
});
