// Every key of the Go core components' configurations, in configurations shaped as the Go
// collector's own component testdata (written out here, not copied): what Go accepts validates,
// what Go refuses is refused with the config path.

import assert from "node:assert/strict";
import { ConfigErrors, validateCollectorConfig } from "@denocol/service";
import { components } from "./mod.ts";

/** A configuration with `section` (YAML under the top-level keys) around a minimal pipeline. */
function wrap(kind: "receivers" | "exporters" | "processors", id: string, body: string): string {
  const indented = body.trim().split("\n").map((line) => `    ${line}`).join("\n");
  const receivers = kind === "receivers" ? "" : "  nop:\n";
  const exporters = kind === "exporters" ? "" : "  nop:\n";
  return `receivers:
${receivers}${kind === "receivers" ? `  ${id}:\n${indented}\n` : ""}processors:
${kind === "processors" ? `  ${id}:\n${indented}\n` : "  batch:\n"}exporters:
${exporters}${kind === "exporters" ? `  ${id}:\n${indented}\n` : ""}extensions:
  bearertokenauth: { token: "t" }
service:
  extensions: [bearertokenauth]
  pipelines:
    traces:
      receivers: [${kind === "receivers" ? id : "nop"}]
      processors: [${kind === "processors" ? id : "batch"}]
      exporters: [${kind === "exporters" ? id : "nop"}]
`;
}

async function accepts(kind: "receivers" | "exporters" | "processors", id: string, body: string) {
  try {
    return await validateCollectorConfig({ factories: components(), config: wrap(kind, id, body) });
  } catch (error) {
    if (error instanceof ConfigErrors) assert.fail(`${kind}.${id} refused:\n${error.message}`);
    throw error;
  }
}

async function refuses(
  kind: "receivers" | "exporters" | "processors",
  id: string,
  body: string,
  message: RegExp,
) {
  await assert.rejects(
    validateCollectorConfig({ factories: components(), config: wrap(kind, id, body) }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigErrors, String(error));
      assert.match(error.message, message);
      return true;
    },
  );
}

Deno.test("Go keys: the otlp receiver's full configuration", async () => {
  await accepts(
    "receivers",
    "otlp",
    `
protocols:
  grpc:
    endpoint: 0.0.0.0:4317
    max_recv_msg_size_mib: 16
    max_concurrent_streams: 8
    read_buffer_size: 2048
    write_buffer_size: 2048
    keepalive:
      server_parameters:
        max_connection_idle: 10s
        max_connection_age: 20s
        max_connection_age_grace: 5s
        time: 1m
        timeout: 3s
      enforcement_policy:
        min_time: 5s
        permit_without_stream: true
  http:
    endpoint: 0.0.0.0:4318
    auth:
      authenticator: bearertokenauth
    cors:
      allowed_origins: [https://*.example.com, https://example.com]
      max_age: 3600
    traces_url_path: spans
    metrics_url_path: /v2/metrics
    logs_url_path: log/ingest
`,
  );
});

Deno.test("Go keys: the otlp receiver on Unix sockets", async () => {
  await accepts(
    "receivers",
    "otlp",
    `
protocols:
  grpc:
    transport: unix
    endpoint: /tmp/denocol-otlp-grpc.sock
  http:
    transport: unix
    endpoint: /tmp/denocol-otlp-http.sock
`,
  );
});

Deno.test("Go keys: the otlp receiver refuses what Go refuses", async () => {
  await refuses(
    "receivers",
    "otlp",
    `
protocols:
  http:
    traces_url_path: ":invalid"
`,
    /traces_url_path/,
  );
  await refuses(
    "receivers",
    "otlp",
    `
protocols:
  thrift:
    endpoint: 0.0.0.0:1
`,
    /thrift/,
  );
});

Deno.test("Go keys: the otlp exporter's full configuration", async () => {
  await accepts(
    "exporters",
    "otlp",
    `
endpoint: "10.0.0.1:4317"
compression: zstd
tls:
  insecure: true
timeout: 15s
read_buffer_size: 4096
write_buffer_size: 4096
wait_for_ready: true
authority: collector.example
sending_queue:
  enabled: true
  sizer: items
  num_consumers: 4
  queue_size: 50000
  batch:
    flush_timeout: 100ms
    min_size: 500
    max_size: 5000
retry_on_failure:
  enabled: true
  initial_interval: 2s
  randomization_factor: 0.3
  multiplier: 2
  max_interval: 20s
  max_elapsed_time: 5m
auth:
  authenticator: bearertokenauth
headers:
  "x.dotted": "v"
  tenant: "acme"
keepalive:
  time: 15s
  timeout: 5s
  permit_without_stream: true
balancer_name: round_robin
`,
  );
  await accepts(
    "exporters",
    "otlp",
    `
endpoint: "10.0.0.1:4317"
sending_queue:
  batch:
`,
  );
});

Deno.test("Go keys: the otlphttp exporter's full configuration", async () => {
  await accepts(
    "exporters",
    "otlphttp",
    `
endpoint: "https://10.0.0.1:4318"
tls:
  insecure_skip_verify: true
timeout: 12s
read_buffer_size: 1024
write_buffer_size: 2048
max_idle_conns: 50
max_idle_conns_per_host: 10
max_conns_per_host: 20
idle_conn_timeout: 30s
disable_keep_alives: false
http2_read_idle_timeout: 10s
http2_ping_timeout: 5s
compression: snappy
auth:
  authenticator: bearertokenauth
sending_queue:
  enabled: true
  num_consumers: 3
  queue_size: 20
retry_on_failure:
  enabled: true
  initial_interval: 2s
headers:
  "x.dotted": "v"
profiles_endpoint: "https://profiles.example:8080/v1development/profiles"
`,
  );
});

Deno.test("Go keys: the otlp exporter refuses what Go refuses", async () => {
  await refuses("exporters", "otlp", "timeout: 10s", /endpoint/);
  await refuses("exporters", "otlp", 'endpoint: "example.com"', /endpoint/);
  await refuses("exporters", "otlp", "endpoint: example.com:443\ntimeout: -5s", /timeout/);
  await refuses(
    "exporters",
    "otlp",
    "endpoint: example.com:443\nretry_on_failure: { randomization_factor: -5 }",
    /randomization_factor/,
  );
  await refuses(
    "exporters",
    "otlp",
    "endpoint: example.com:443\ntls: { min_version: asd }",
    /min_version/,
  );
});

Deno.test("Go keys: the batch processor and debug exporter", async () => {
  await accepts(
    "processors",
    "batch",
    `
timeout: 10s
send_batch_size: 10000
send_batch_max_size: 11000
metadata_keys: [tenant]
metadata_cardinality_limit: 100
`,
  );
  await accepts(
    "exporters",
    "debug",
    `
verbosity: detailed
sampling_initial: 10
sampling_thereafter: 50
use_internal_logger: false
`,
  );
  await refuses("exporters", "debug", "verbosity: detalied", /verbosity/);
});
