// The collector's own metrics and logs pushed over OTLP (service.telemetry.metrics.readers and
// service.telemetry.logs.processors), to another collector over each protocol, and to itself
// without a feedback loop.

import assert from "node:assert/strict";
import {
  captureFactory,
  freePort,
  logBodies,
  metricNames,
  plain as text,
  until,
} from "./capture_testutil_test.ts";
import { Collector, components } from "./mod.ts";

Deno.test("self-telemetry: metrics and logs reach another collector over grpc, http/protobuf and http/json", async (t) => {
  const capture = captureFactory();
  const grpcPort = freePort();
  const httpPort = freePort();
  const base = components();
  const backend = new Collector({
    factories: { ...base, exporters: [...base.exporters ?? [], capture.factory] },
    config: {
      receivers: {
        otlp: {
          protocols: {
            grpc: { endpoint: `127.0.0.1:${grpcPort}` },
            http: { endpoint: `127.0.0.1:${httpPort}` },
          },
        },
      },
      exporters: { capture: null },
      service: {
        telemetry: { metrics: { level: "none" } },
        pipelines: {
          metrics: { receivers: ["otlp"], exporters: ["capture"] },
          logs: { receivers: ["otlp"], exporters: ["capture"] },
        },
      },
    },
    writeLog: () => {},
  });
  await backend.start();
  try {
    for (
      const [protocol, endpoint] of [
        ["grpc", `127.0.0.1:${grpcPort}`],
        ["http/protobuf", `http://127.0.0.1:${httpPort}`],
        ["http/json", `http://127.0.0.1:${httpPort}/v1/logs`],
      ] as const
    ) {
      await t.step(protocol, async () => {
        capture.received.metrics.length = 0;
        capture.received.logs.length = 0;
        const otlp = {
          protocol,
          endpoint: protocol === "http/json" ? `http://127.0.0.1:${httpPort}` : endpoint,
          insecure: true,
          headers: [{ name: "x-tenant", value: "acme" }],
        };
        const subject = new Collector({
          factories: components(),
          config: {
            receivers: { nop: null },
            exporters: { nop: null },
            service: {
              telemetry: {
                resource: { "deployment.environment": "test" },
                metrics: {
                  readers: [{ periodic: { interval: 200, exporter: { otlp } } }],
                },
                logs: {
                  processors: [{ batch: { schedule_delay: 100, exporter: { otlp } } }],
                },
              },
              pipelines: { traces: { receivers: ["nop"], exporters: ["nop"] } },
            },
          },
          writeLog: () => {},
        });
        await subject.start();
        try {
          await until(
            "the subject's process metrics",
            () => metricNames(capture.received.metrics).has("otelcol_process_uptime"),
          );
          await until(
            "the subject's start log",
            () => logBodies(capture.received.logs).some((b) => b.startsWith("everything is ready")),
          );
        } finally {
          await subject.shutdown(10_000);
        }
        const resource = capture.received.metrics[0].resourceMetrics[0].resource!;
        const attributes = Object.fromEntries(
          resource.attributes.map((kv) => [kv.key, text(kv.value)]),
        );
        assert.equal(attributes["service.name"], "otelcol");
        assert.equal(attributes["deployment.environment"], "test");
        assert.match(String(attributes["service.instance.id"]), /^[0-9a-f-]{36}$/);
        const record = capture.received.logs[0].resourceLogs[0].scopeLogs[0].logRecords[0];
        assert.ok(record.severityNumber > 0);
        // The shutdown's own lines go out with the last flush.
        await until(
          "the subject's shutdown log",
          () => logBodies(capture.received.logs).includes("shutting down"),
        );
      });
    }
  } finally {
    await backend.shutdown(10_000);
  }
});

Deno.test("self-telemetry: logs sent to the collector itself, through an exporter that fails, make no loop", async () => {
  let backendRequests = 0;
  const failing = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
    await r.arrayBuffer();
    backendRequests++;
    return new Response("down", { status: 503 });
  });
  const httpPort = freePort();
  const localLines: string[] = [];
  const self = { protocol: "http/protobuf", endpoint: `http://127.0.0.1:${httpPort}` };
  const collector = new Collector({
    factories: components(),
    config: {
      receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${httpPort}` } } } },
      exporters: {
        otlphttp: {
          endpoint: `http://127.0.0.1:${failing.addr.port}`,
          // Queued and not retried: each failed request is dropped with an error record.
          retry_on_failure: { enabled: false },
        },
      },
      service: {
        telemetry: {
          metrics: { level: "none" },
          logs: { processors: [{ batch: { schedule_delay: 50, exporter: { otlp: self } } }] },
        },
        pipelines: {
          logs: { receivers: ["otlp"], exporters: ["otlphttp"] },
        },
      },
    },
    writeLog: (line) => localLines.push(line),
  });
  await collector.start();
  try {
    // The start's own records fail at the backend...
    await until("the first failed export", () => backendRequests >= 1);
    await new Promise((wake) => setTimeout(wake, 1_000));
    const settled = backendRequests;
    await new Promise((wake) => setTimeout(wake, 1_500));
    // ...and nothing more: the record of that failure is kept local, where exporting it would
    // fail again and make another record every 50 ms batch (about 40 requests in this time).
    const logsRequests = localLines.filter((line) =>
      line.includes("Exporting failed") && line.includes('"otelcol.signal":"logs"')
    ).length;
    assert.ok(
      localLines.some((line) =>
        line.includes("Exporting failed")
      ),
      "the failures are logged locally",
    );
    const growth = backendRequests - settled;
    assert.ok(growth <= 2, `no requests made by the failures themselves, got ${growth}`);
    assert.ok(logsRequests <= 2, `the failed log exports were not exported again: ${logsRequests}`);
  } finally {
    await collector.shutdown(10_000);
    await failing.shutdown();
  }
});
