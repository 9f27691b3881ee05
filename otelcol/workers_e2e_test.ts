// `otelcol --workers=2` as users run it (a child process with --unstable-net): one collector on
// its ports and its metrics endpoint, logs once, the batches of every worker drained at SIGTERM,
// a worker that dies restarted, the exit status saying when one cannot be, and the persistent
// queue of every worker kept across a SIGKILL of the whole collector and a restart with fewer
// workers.

import assert from "node:assert/strict";
import * as http2 from "node:http2";
import { create } from "@bufbuild/protobuf";
import { frameGrpc, rawGrpcCall } from "@denocol/config/configtest";
import { freePort } from "@denocol/exporter/exportertest";
import { logs, LogsDataSchema, traces, TracesDataSchema } from "@denocol/pdata";
import { CollectorProcess, sleep, until } from "./process_testutil_test.ts";

const SPANS = 20;
const BODY = "x".repeat(3000);
const TRACE_EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
const UNSTABLE_NET = ["--unstable-net"];

function tracesBody(first: number): Uint8Array {
  return traces.encodeProto(create(TracesDataSchema, {
    resourceSpans: [{
      scopeSpans: [{
        spans: Array.from({ length: SPANS }, (_, i) => ({
          traceId: new Uint8Array(16).fill(1),
          spanId: new Uint8Array(8).fill(2),
          name: String(first + i),
          startTimeUnixNano: 1n,
          endTimeUnixNano: 2n,
        })),
      }],
    }],
  }));
}

function logsBody(index: number): Uint8Array {
  return logs.encodeProto(create(LogsDataSchema, {
    resourceLogs: [{
      scopeLogs: [{
        logRecords: [{
          body: { value: { case: "stringValue", value: `marker-${index}-${BODY}` } },
        }],
      }],
    }],
  }));
}

/** An OTLP/HTTP backend that counts the spans it was sent, answering 200 or, while down, 503. */
class Backend {
  readonly port = freePort();
  readonly spans = new Set<string>();
  requests = 0;
  down = false;
  readonly #server: Deno.HttpServer;

  constructor() {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: this.port, onListen: () => {} },
      async (request) => {
        const data = traces.decodeProto(new Uint8Array(await request.arrayBuffer()));
        if (this.down) return new Response(null, { status: 503 });
        this.requests++;
        for (const rs of data.resourceSpans) {
          for (const ss of rs.scopeSpans) for (const span of ss.spans) this.spans.add(span.name);
        }
        return new Response(null, { status: 200 });
      },
    );
  }

  close(): Promise<void> {
    return this.#server.shutdown();
  }
}

/** Posts an OTLP/HTTP request on a connection of its own (the kernel picks a worker for each). */
async function post(port: number, path: string, body: Uint8Array): Promise<number> {
  const client = Deno.createHttpClient({});
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: body as Uint8Array<ArrayBuffer>,
      client,
    });
    await response.body?.cancel();
    return response.status;
  } finally {
    client.close();
  }
}

/** Sends an OTLP/gRPC traces request on a connection of its own; the gRPC status. */
async function exportGrpc(port: number, body: Uint8Array): Promise<number> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on("error", () => {});
  try {
    return (await rawGrpcCall(session, TRACE_EXPORT, frameGrpc(body))).status;
  } finally {
    session.close();
  }
}

interface Ports {
  grpc: number;
  http: number;
  metrics: number;
}

function config(ports: Ports, backend: number, extra: { storage?: string } = {}): string {
  const storage = extra.storage !== undefined;
  return `
${storage ? `extensions:\n  file_storage:\n    directory: ${extra.storage}\n` : ""}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${ports.grpc}
      http:
        endpoint: 127.0.0.1:${ports.http}
processors:
  batch:
    send_batch_size: 1000000
    timeout: 10m
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${backend}
    compression: none
    retry_on_failure:
      initial_interval: 50ms
      max_interval: 200ms
      max_elapsed_time: 0s
${storage ? "    sending_queue:\n      storage: file_storage\n" : ""}
  debug:
    verbosity: detailed
service:
${storage ? "  extensions: [file_storage]\n" : ""}
  telemetry:
    logs:
      encoding: json
    metrics:
      address: 127.0.0.1:${ports.metrics}
  pipelines:
    traces:
      receivers: [otlp]
      processors: ${storage ? "[]" : "[batch]"}
      exporters: [otlphttp]
    logs:
      receivers: [otlp]
      exporters: [debug]
`;
}

async function withConfig(
  text: string,
  run: (file: string, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "denocol-workers-e2e-" });
  try {
    await Deno.writeTextFile(`${dir}/config.yaml`, text);
    await run(`${dir}/config.yaml`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const freePorts = (): Ports => ({ grpc: freePort(), http: freePort(), metrics: freePort() });

const e2e = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: "workers e2e: --workers=2 needs --unstable-net; a bad --workers is a usage error",
  ...e2e,
}, async () => {
  await withConfig(config(freePorts(), freePort()), async (file) => {
    const without = new CollectorProcess(["--config", file, "--workers=2"]);
    assert.equal((await without.status).code, 2);
    await without.logs.done;
    assert.match(without.logs.text.join("\n"), /--workers=2 needs .*--unstable-net/);
    const bad = new CollectorProcess(["--config", file, "--workers=0"], {
      denoFlags: UNSTABLE_NET,
    });
    assert.equal((await bad.status).code, 2);
    await bad.logs.done;
    assert.match(bad.logs.text.join("\n"), /--workers: expected a number .* got "0"/);
  });
});

Deno.test({
  name: "workers e2e: an invalid configuration is reported once and nothing starts (exit 1)",
  ...e2e,
}, async () => {
  const text = config(freePorts(), freePort()).replace("send_batch_size: 1000000", "sendbatch: 1");
  await withConfig(text, async (file) => {
    const collector = new CollectorProcess(["--config", file, "--workers=2"], {
      denoFlags: UNSTABLE_NET,
    });
    assert.equal((await collector.status).code, 1);
    await collector.logs.done;
    const output = collector.logs.text.join("\n");
    assert.equal(output.match(/invalid configuration/g)?.length, 1, output);
    assert.match(output, /processors\.batch\.sendbatch: unknown key/);
    assert.equal(collector.logs.withMessage("worker started").length, 0, output);
  });
});

Deno.test({
  name: "workers e2e: two workers share the ports, one scrape sums them, startup logs once, " +
    "debug lines whole, SIGTERM drains the batches of both (exit 0)",
  ...e2e,
}, async () => {
  const backend = new Backend();
  const ports = freePorts();
  await withConfig(config(ports, backend.port), async (file) => {
    const collector = new CollectorProcess(["--config", file, "--workers=2"], {
      denoFlags: UNSTABLE_NET,
    });
    try {
      await collector.ready();
      const requests = 30;
      const answers = await Promise.all([
        ...Array.from(
          { length: requests },
          (_, i) => post(ports.http, "/v1/traces", tracesBody(i * SPANS)),
        ),
        ...Array.from(
          { length: requests },
          (_, i) => exportGrpc(ports.grpc, tracesBody((requests + i) * SPANS)),
        ),
        ...Array.from({ length: requests }, (_, i) => post(ports.http, "/v1/logs", logsBody(i))),
      ]);
      assert.deepEqual(answers, [
        ...new Array(requests).fill(200),
        ...new Array(requests).fill(0),
        ...new Array(requests).fill(200),
      ]);
      const scrape = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
      for (const transport of ["http", "grpc"]) {
        assert.match(
          scrape,
          new RegExp(
            `^otelcol_receiver_accepted_spans_total\\{receiver="otlp",transport="${transport}"\\} ` +
              `${requests * SPANS}$`,
            "m",
          ),
        );
      }
      assert.match(
        scrape,
        new RegExp(`^otelcol_receiver_accepted_log_records_total\\{[^}]*\\} ${requests}$`, "m"),
      );
      assert.equal(backend.spans.size, 0, "the batches wait for the shutdown");

      const exit = await collector.stop();
      const output = collector.logs.tail(60);
      assert.equal(exit.code, 0, output);
      // Each worker flushed its batch into the backend: both took connections, both drained.
      assert.equal(backend.spans.size, 2 * requests * SPANS, output);
      assert.equal(backend.requests, 2, output);
      const { logs } = collector;
      for (const msg of ["everything is ready; begin running and processing data", "starting"]) {
        assert.equal(logs.withMessage(msg).length, 1, `${msg}: ${output}`);
      }
      assert.ok(logs.withMessage("Starting HTTP server").every((r) => !("otelcol.worker" in r)));
      // After the start, a line says which worker wrote it.
      const workersStopping = logs.withMessage("shutdown complete")
        .map((r) => r["otelcol.worker"]).sort();
      assert.deepEqual(workersStopping, [0, 1, undefined]);
      // Every debug exporter line is whole: each body once, in full, and every log record
      // line parses.
      const bodies = logs.text.filter((line) => line.includes("Body: Str(marker-"));
      assert.equal(bodies.length, requests);
      for (const line of bodies) {
        assert.match(line, new RegExp(`^ +Body: Str\\(marker-\\d+-${BODY}\\)$`));
      }
      assert.equal(logs.text.filter((line) => line.startsWith("{")).length, logs.records.length);
      assert.deepEqual(logs.text.filter((line) => line.indexOf('{"level"') > 0), []);
    } finally {
      await collector.kill();
      await backend.close();
    }
  });
});

Deno.test({
  name: "workers e2e: a worker that dies is logged and restarted; one that cannot be makes the " +
    "collector exit 1",
  ...e2e,
}, async () => {
  const backend = new Backend();
  const ports = freePorts();
  await withConfig("", async (_, dir) => {
    const storage = `${dir}/storage`;
    await Deno.mkdir(storage);
    const file = `${dir}/config.yaml`;
    await Deno.writeTextFile(file, config(ports, backend.port, { storage }));
    const collector = new CollectorProcess(["--config", file, "--workers=2"], {
      denoFlags: UNSTABLE_NET,
    });
    try {
      await collector.ready();
      const first = collector.workerPids().get(1)!;
      Deno.kill(first, "SIGKILL");
      await until(
        "worker 1 is started again",
        () => collector.workerPids().get(1) !== first,
      );
      const exited = collector.logs.withMessage("worker exited unexpectedly; restarting it");
      assert.equal(exited.length, 1, collector.logs.tail());
      assert.equal(exited[0]["otelcol.worker"], 1);
      assert.equal(exited[0].signal, "SIGKILL");
      // Both still serve: every request on a new connection is answered.
      await sleep(1000);
      for (let i = 0; i < 10; i++) {
        assert.equal(await post(ports.http, "/v1/traces", tracesBody(i * SPANS)), 200);
      }
      assert.equal(
        collector.logs.withMessage("everything is ready; begin running and processing data")
          .length,
        1,
        "a restarted worker's start repeats nothing said before",
      );

      // The storage directory is gone: worker 1 can no longer start.
      await Deno.remove(storage, { recursive: true });
      Deno.kill(collector.workerPids().get(1)!, "SIGKILL");
      const exit = await collector.status;
      await collector.logs.done;
      const output = collector.logs.tail(30);
      assert.equal(exit.code, 1, output);
      const givenUp = collector.logs.withMessage(
        "worker could not be restarted; shutting down the collector",
      );
      assert.equal(givenUp.length, 1, output);
      assert.match(String(givenUp[0].error), /file_storage::directory: .* does not exist/);
      assert.equal(
        collector.logs.withMessage("shutdown complete").at(-1)?.["otelcol.worker"],
        undefined,
      );
    } finally {
      await collector.kill();
      await backend.close();
    }
  });
});

Deno.test({
  name: "workers e2e: the persistent queues of two workers survive a SIGKILL of the whole " +
    "collector; a run with one worker sends what both held",
  ...e2e,
}, async () => {
  const backend = new Backend();
  backend.down = true;
  const ports = freePorts();
  await withConfig("", async (_, dir) => {
    const storage = `${dir}/storage`;
    await Deno.mkdir(storage);
    const file = `${dir}/config.yaml`;
    await Deno.writeTextFile(file, config(ports, backend.port, { storage }));
    const two = new CollectorProcess(["--config", file, "--workers=2"], {
      denoFlags: UNSTABLE_NET,
    });
    const requests = 40;
    try {
      await two.ready();
      for (let i = 0; i < requests; i++) {
        assert.equal(await post(ports.http, "/v1/traces", tracesBody(i * SPANS)), 200);
      }
    } finally {
      await two.kill();
    }
    const files = [...Deno.readDirSync(storage)].map((e) => e.name);
    assert.ok(files.includes("exporter_otlphttp__traces~i1.sqlite"), files.join(", "));
    backend.down = false;
    const one = new CollectorProcess(["--config", file], { denoFlags: UNSTABLE_NET });
    try {
      await one.ready();
      await until(
        "every acknowledged span delivered",
        () => backend.spans.size === requests * SPANS,
      );
      assert.equal((await one.stop()).code, 0, one.logs.tail());
    } finally {
      await one.kill();
      await backend.close();
    }
    const left = [...Deno.readDirSync(storage)].map((e) => e.name).filter((n) =>
      n.endsWith(".sqlite")
    );
    assert.deepEqual(left, ["exporter_otlphttp__traces.sqlite"], "the taken-over store is removed");
  });
});
