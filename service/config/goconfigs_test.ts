// Configurations in the shapes the Go collector's documentation shows for core components
// (written out here, not copied), and the mistakes that documentation warns about.

import assert from "node:assert/strict";
import { loadConfig } from "./load.ts";
import { resolveConfig } from "./validate.ts";
import { newFeatureGateRegistry } from "./featuregate.ts";
import { at, configErrorsOf, coreCatalog, expectProblem } from "./testutil_test.ts";

async function validateFile(text: string, gates = "") {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/config.yaml`;
  try {
    await Deno.writeTextFile(file, text);
    const { root, warnings } = await loadConfig({ configs: [file], getEnv: () => undefined });
    const featureGates = newFeatureGateRegistry();
    featureGates.applyFlag(gates);
    const resolved = resolveConfig(root, coreCatalog(), { featureGates });
    return { ...resolved, loadWarnings: warnings, file };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Like the collector configuration guide's complete example. */
const GUIDE = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318

processors:
  batch:
  memory_limiter:
    check_interval: 1s
    limit_mib: 4000
    spike_limit_mib: 800

exporters:
  otlp:
    endpoint: otelcol:4317
  debug:
    verbosity: detailed

extensions:
  health_check:
  pprof:
  zpages:

service:
  extensions: [health_check, pprof, zpages]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlp]
    metrics:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlp]
    logs:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlp, debug]
  telemetry:
    logs:
      level: debug
    metrics:
      level: detailed
`;

/** Like the OTLP receiver and exporter READMEs: named instances, TLS, CORS, headers. */
const OTLP = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318
        cors:
          allowed_origins:
            - http://test.com
            - https://*.example.com
          allowed_headers:
            - Example-Header
          max_age: 7200
  otlp/2:
    protocols:
      grpc:
        endpoint: 0.0.0.0:55690

processors:
  batch/test:
    send_batch_size: 10000
    timeout: 10s

exporters:
  otlp:
    endpoint: otelcol2:4317
    tls:
      cert_file: file.cert
      key_file: file.key
  otlp/2:
    endpoint: otelcol2:4317
    tls:
      insecure: true
    headers:
      api-key: \${env:OTLP_API_KEY:-none}
    sending_queue:
      num_consumers: 4
      queue_size: 100
    retry_on_failure:
      enabled: true
      initial_interval: 10s
      max_elapsed_time: 10m
  otlphttp:
    endpoint: https://example.com:4318
    compression: zstd
    encoding: json

service:
  pipelines:
    traces:
      receivers: [otlp, otlp/2]
      processors: [batch/test]
      exporters: [otlp, otlp/2]
    metrics:
      receivers: [otlp]
      exporters: [otlphttp]
`;

/** Like the forward connector README: one pipeline's output becomes another's input. */
const FORWARD = `receivers:
  otlp:
    protocols:
      grpc:
processors:
  batch:
exporters:
  debug:
  otlp:
    endpoint: backend:4317
connectors:
  forward:
service:
  pipelines:
    traces/in:
      receivers: [otlp]
      processors: [batch]
      exporters: [forward]
    traces/out:
      receivers: [forward]
      exporters: [debug, otlp]
    profiles:
      receivers: [otlp]
      exporters: [debug]
`;

Deno.test("documented configurations of the core components validate", async () => {
  for (
    const [name, text, gates] of [["guide", GUIDE, ""], ["otlp", OTLP, ""], [
      "forward",
      FORWARD,
      "service.profilesSupport",
    ]]
  ) {
    const { warnings, loadWarnings, components } = await validateFile(text, gates);
    assert.deepEqual(warnings.map(String), [], name);
    assert.deepEqual(loadWarnings.map(String), [], name);
    assert.ok(components.receiver.size >= 1, name);
  }
  const { components, config } = await validateFile(OTLP);
  const otlp2 = components.exporter.get("otlp/2") as {
    headers: Record<string, string>;
    tls: { insecure: boolean; cert_file: unknown };
    sending_queue: { enabled: boolean; num_consumers: number };
    retry_on_failure: { initial_interval: string; multiplier: number };
  };
  assert.deepEqual(otlp2.headers, { "api-key": "none" });
  assert.equal(otlp2.tls.insecure, true);
  assert.equal(otlp2.tls.cert_file, null);
  assert.deepEqual(otlp2.sending_queue, {
    enabled: true,
    num_consumers: 4,
    queue_size: 100,
    storage: null,
  });
  assert.equal(otlp2.retry_on_failure.initial_interval, "10s");
  assert.equal(otlp2.retry_on_failure.multiplier, 1.5);
  assert.deepEqual(config.service.pipelines.get("traces")?.receivers.map((r) => r.id.toString()), [
    "otlp",
    "otlp/2",
  ]);
});

Deno.test("documented mistakes are rejected with path and file:line:column", async () => {
  // Each mistake is made in an otherwise valid config; all are reported together.
  const text = GUIDE
    .replace("    protocols:\n      grpc:\n", "    protocol:\n      grpc:\n")
    .replace("  batch:\n", "  batch:\n    send_batch_size: 10000\n    send_batch_max_size: 1000\n")
    .replace("    check_interval: 1s\n", "")
    .replace("    endpoint: otelcol:4317\n", "    endpoint: otelcol:4317\n    compresion: gzip\n")
    .replace("    verbosity: detailed\n", "    verbosity: verbose\n")
    .replace("exporters: [otlp, debug]", "exporters: [otlp, debug, logging]");
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/config.yaml`;
    await Deno.writeTextFile(file, text);
    const errors = await configErrorsOf(async () => {
      const { root } = await loadConfig({ configs: [file] });
      return resolveConfig(root, coreCatalog());
    });
    expectProblem(
      errors,
      'unknown key "protocol" (did you mean "protocols"?)',
      "receivers.otlp.protocol",
      at(file, text, "protocol:"),
    );
    expectProblem(
      errors,
      "send_batch_max_size must be greater or equal to send_batch_size",
      "processors.batch.send_batch_max_size",
      at(file, text, "send_batch_max_size"),
    );
    expectProblem(
      errors,
      "check_interval must be greater than zero",
      "processors.memory_limiter.check_interval",
      at(file, text, "memory_limiter:"),
    );
    expectProblem(
      errors,
      'unknown key "compresion" (did you mean "compression"?)',
      "exporters.otlp.compresion",
      at(file, text, "compresion"),
    );
    expectProblem(
      errors,
      'verbosity must be basic, normal or detailed, got "verbose"',
      "exporters.debug.verbosity",
      at(file, text, "verbosity"),
    );
    expectProblem(
      errors,
      'exporter "logging" is used by pipeline "logs" but not configured',
      "service.pipelines.logs.exporters[2]",
      at(file, text, "logging"),
    );
    assert.equal(errors.errors.length, 6, errors.message);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an otlp exporter without endpoint and a forward connector across signals are rejected", async () => {
  const text = FORWARD.replace("    endpoint: backend:4317\n", "    timeout: 10s\n")
    .replace("    traces/out:", "    metrics/out:");
  const errors = await configErrorsOf(() => validateFile(text, "service.profilesSupport"));
  assert.equal(errors.errors.length, 3, errors.message);
  assert.ok(
    errors.errors.some((e) =>
      e.path === "exporters.otlp.endpoint" && /endpoint must be specified/.test(e.message)
    ),
  );
  assert.ok(
    errors.errors.some((e) =>
      e.path === "service.pipelines.traces/in.exporters[0]" && /cannot take traces/.test(e.message)
    ),
  );
  assert.ok(
    errors.errors.some((e) =>
      e.path === "service.pipelines.metrics/out.receivers[0]" &&
      /cannot produce metrics/.test(e.message)
    ),
  );
  for (const error of errors.errors) assert.match(error.file ?? "", /config\.yaml$/);
});
