import assert from "node:assert/strict";
import { ProblemCollector } from "./errors.ts";
import { readTelemetry } from "./telemetry.ts";
import { parseYaml } from "./yaml.ts";

function read(yaml: string) {
  const problems = new ProblemCollector();
  const telemetry = readTelemetry(parseYaml(yaml, "<telemetry>"), problems);
  return { telemetry, problems };
}

Deno.test("service.telemetry: Go's v0.3 metrics readers (periodic otlp next to pull prometheus)", () => {
  const { telemetry, problems } = read(`
metrics:
  level: detailed
  readers:
    - periodic:
        exporter:
          otlp:
            protocol: http/protobuf
            endpoint: 127.0.0.1:4317
            headers:
            - name: "key1"
              value: "value1"
    - pull:
        exporter:
          prometheus:
            host: 127.0.0.1
            port: 8902
`);
  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.warnings, []);
  assert.equal(telemetry.metrics.address, "127.0.0.1:8902");
  const [reader] = telemetry.metrics.periodicReaders;
  assert.equal(reader.intervalMs, 60_000);
  assert.equal(reader.timeoutMs, 30_000);
  assert.deepEqual(reader.exporter, {
    kind: "otlp",
    otlp: {
      protocol: "http/protobuf",
      endpoint: "127.0.0.1:4317",
      headers: { key1: "value1" },
      compression: "none",
      timeoutMs: 10_000,
      insecure: false,
    },
  });
});

Deno.test("service.telemetry: Go's v0.3 log processors (batch and simple, otlp and console)", () => {
  const { telemetry, problems } = read(`
logs:
  level: "info"
  processors:
    - batch:
        exporter:
          otlp:
            protocol: http/protobuf
            endpoint: 127.0.0.1:4317
            headers:
            - name: "key1"
              value: "value1"
    - simple:
        exporter:
          console: {}
    - simple:
        exporter:
          otlp:
            protocol: grpc
            endpoint: http://127.0.0.1:4317
            compression: gzip
            timeout: 5000
  error_output_paths: []
  output_paths: []
`);
  assert.deepEqual(problems.errors, []);
  const [batch, console, grpc] = telemetry.logs.processors;
  assert.deepEqual(
    [batch.kind, batch.scheduleDelayMs, batch.maxQueueSize, batch.maxExportBatchSize],
    ["batch", 1000, 2048, 512],
  );
  assert.deepEqual(console.exporter, { kind: "console" });
  assert.equal(grpc.kind, "simple");
  assert.equal(grpc.exporter.kind === "otlp" && grpc.exporter.otlp.compression, "gzip");
  assert.equal(grpc.exporter.kind === "otlp" && grpc.exporter.otlp.timeoutMs, 5000);
});

Deno.test("service.telemetry: only periodic readers means no Prometheus endpoint, as in Go", () => {
  const { telemetry } = read(`
metrics:
  readers:
    - periodic: { interval: 1000, exporter: { console: {} } }
`);
  assert.equal(telemetry.metrics.address, null);
  assert.equal(telemetry.metrics.periodicReaders[0].intervalMs, 1000);
});

Deno.test("service.telemetry: mistakes in readers and processors name their config path", () => {
  const { problems } = read(`
metrics:
  readers:
    - periodic: { exporter: { otlp: { protocol: http, endpoint: "x:1" } } }
    - periodic: { exporter: { zipkin: {} } }
    - periodic: { exporter: { otlp: { endpoint: "x:1", tls: {} } } }
logs:
  processors:
    - batch: { exporter: { otlp: {} } }
    - fancy: {}
`);
  const messages = problems.errors.map((e) => e.message);
  const expect = (pattern: RegExp) =>
    assert.ok(messages.some((m) => pattern.test(m)), `${pattern} in ${messages.join("\n")}`);
  expect(
    /readers\[0\]\.periodic\.exporter\.otlp\.protocol.*expected grpc, http\/protobuf or http\/json/,
  );
  expect(/readers\[1\]\.periodic\.exporter\.zipkin.*unsupported exporter/);
  expect(/readers\[2\]\.periodic\.exporter\.otlp\.tls.*unknown key/);
  expect(/processors\[0\]\.batch\.exporter\.otlp\.endpoint.*required/);
  expect(/processors\[1\]\.fancy.*expected batch or simple/);
  assert.equal(problems.errors.length, 5);
});
