// Deno's own telemetry: a program run with `OTEL_DENO=true` sends its spans, metrics and
// console logs over OTLP/HTTP (protobuf) to the collector's default HTTP endpoint path.

import assert from "node:assert/strict";
import {
  captureFactory,
  freePort,
  logBodies,
  metricNames,
  plain,
  spanNames,
  until,
} from "./capture_testutil_test.ts";
import { Collector, components } from "./mod.ts";

Deno.test("OTEL_DENO=true: a Deno program's spans, metrics and logs arrive at the collector", async () => {
  const capture = captureFactory();
  const port = freePort();
  const base = components();
  const collector = new Collector({
    factories: { ...base, exporters: [...base.exporters ?? [], capture.factory] },
    config: {
      receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${port}` } } } },
      exporters: { capture: null },
      service: {
        telemetry: { metrics: { level: "none" } },
        pipelines: {
          traces: { receivers: ["otlp"], exporters: ["capture"] },
          metrics: { receivers: ["otlp"], exporters: ["capture"] },
          logs: { receivers: ["otlp"], exporters: ["capture"] },
        },
      },
    },
    writeLog: () => {},
  });
  await collector.start();
  try {
    const app = new URL("./testdata/deno_otel_app.ts", import.meta.url);
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        `--config=${new URL("../deno.json", import.meta.url).pathname}`,
        app.pathname,
      ],
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_SERVICE_NAME: "deno-otel-app",
        OTEL_METRIC_EXPORT_INTERVAL: "100",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 0, stderr);
    await until(
      "the program's span",
      () => spanNames(capture.received.traces).includes("checkout"),
    );
    await until(
      "the program's console line",
      () => logBodies(capture.received.logs).some((b) => b.includes("hello from a deno program")),
    );
    await until(
      "the program's counter",
      () => metricNames(capture.received.metrics).has("app.requests"),
    );
    const resource = capture.received.traces[0].resourceSpans[0].resource!;
    const service = resource.attributes.find((kv) => kv.key === "service.name");
    assert.equal(plain(service?.value), "deno-otel-app");
    const span = capture.received.traces.flatMap((t) =>
      t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))
    ).find((s) => s.name === "checkout")!;
    const record = capture.received.logs.flatMap((l) =>
      l.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords))
    ).find((r) => String(plain(r.body)).includes("hello from a deno program"))!;
    // The console line was written inside the span, and carries its trace.
    assert.deepEqual(record.traceId, span.traceId);
  } finally {
    await collector.shutdown(10_000);
  }
});
