import assert from "node:assert/strict";
import { create, toBinary } from "@bufbuild/protobuf";
import { nopHost } from "@denocol/component/componenttest";
import { RetryableError } from "@denocol/consumer";
import {
  ExportTraceServiceResponseSchema,
  logs,
  metrics,
  StatusSchema,
  traces,
} from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import { isProfilesFactory } from "@denocol/exporter-experimental";
import {
  createDefaultConfig,
  createSignalExporter,
  factory,
  type OtlpHttpConfig,
  parseRetryAfter,
} from "./mod.ts";
import {
  captureTelemetry,
  FAST_RETRY,
  freePort,
  spanNames,
  tracesWithSpans,
  waitFor,
} from "@denocol/exporter/exportertest";
import { Backend } from "./testutil_test.ts";

function config(endpoint: string, overrides: Partial<OtlpHttpConfig> = {}): OtlpHttpConfig {
  return {
    ...createDefaultConfig(),
    endpoint,
    retry_on_failure: { ...FAST_RETRY },
    ...overrides,
  };
}

const synchronous = { ...createDefaultConfig().sending_queue, enabled: false };

Deno.test("otlphttp: all four signals go to their default paths as gzip protobuf", async () => {
  const backend = new Backend();
  const { settings } = captureTelemetry("otlphttp");
  const cfg = config(backend.url, { headers: { "x-tenant": "acme" }, sending_queue: synchronous });
  const t = factory.createTraces(settings, cfg);
  const m = factory.createMetrics(settings, cfg);
  const l = factory.createLogs(settings, cfg);
  const p = factory.createProfiles(settings, cfg);
  try {
    for (const e of [t, m, l, p]) await e.start(nopHost());
    await t.consume(tracesWithSpans("a", 3));
    const metricData = metrics.decodeJson(
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"asInt":"1"}]}}]}]}]}',
    );
    await m.consume(metricData);
    await l.consume(logs.decodeJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}'));
    const profileData = generateProfiles({ seed: 3 });
    await p.consume(profileData);
    assert.deepEqual(backend.requests.map((r) => r.path), [
      "/v1/traces",
      "/v1/metrics",
      "/v1/logs",
      "/v1development/profiles",
    ]);
    for (const request of backend.requests) {
      assert.equal(request.headers.get("content-encoding"), "gzip");
      assert.equal(request.headers.get("content-type"), "application/x-protobuf");
      assert.equal(request.headers.get("x-tenant"), "acme");
      assert.match(request.headers.get("user-agent") ?? "", /denocol test build\/0\.0\.0-test/);
    }
    assert.deepEqual(spanNames(traces.decodeProto(backend.requests[0].body)), [
      "a-0",
      "a-1",
      "a-2",
    ]);
    assert.equal(metrics.count(metrics.decodeProto(backend.requests[1].body)), 1);
    assert.equal(logs.count(logs.decodeProto(backend.requests[2].body)), 1);
    assert.equal(
      profiles.count(profiles.decodeProto(backend.requests[3].body)),
      profiles.count(profileData),
    );
  } finally {
    for (const e of [t, m, l, p]) await e.shutdown();
    await backend.close();
  }
});

Deno.test("otlphttp: zstd, snappy, deflate and zlib bodies, each with its Content-Encoding", async () => {
  const backend = new Backend();
  const { settings } = captureTelemetry("otlphttp");
  try {
    for (const compression of ["zstd", "snappy", "deflate", "zlib"]) {
      const exporter = factory.createTraces(
        settings,
        config(backend.url, { compression, sending_queue: synchronous }),
      );
      await exporter.start(nopHost());
      try {
        await exporter.consume(tracesWithSpans(compression, 2));
      } finally {
        await exporter.shutdown();
      }
      const request = backend.requests.at(-1)!;
      assert.equal(request.headers.get("content-encoding"), compression);
      assert.deepEqual(spanNames(traces.decodeProto(request.body)), [
        `${compression}-0`,
        `${compression}-1`,
      ]);
    }
  } finally {
    await backend.close();
  }
});

Deno.test("otlphttp: profiles through the twin factory, JSON to profiles_endpoint, partial success", async () => {
  assert.ok(isProfilesFactory(factory));
  assert.equal(factory.profilesStability, "development");
  const backend = new Backend();
  // The backend decodes every body and refuses one sample of the second request.
  const decoded: string[] = [];
  backend.responder = (request, index) => {
    decoded.push(profiles.encodeJson(profiles.decodeJson(new TextDecoder().decode(request.body))));
    if (index === 0) return undefined;
    return new Response(
      toBinary(
        profiles.responseSchema,
        profiles.response({ rejected: 1, message: "stack 9 unknown" }),
      ),
      { headers: { "content-type": "application/x-protobuf" } },
    );
  };
  const { settings, registry, logger } = captureTelemetry("otlphttp/profiles");
  const exporter = factory.createProfiles(settings, {
    ...config("http://127.0.0.1:1"),
    profiles_endpoint: `${backend.url}/p`,
    encoding: "json",
    sending_queue: synchronous,
  });
  const first = generateProfiles({ seed: 21 });
  const second = generateProfiles({ seed: 22 });
  try {
    await exporter.start(nopHost());
    await exporter.consume(first);
    await exporter.consume(second).catch(() => {});
    assert.deepEqual(backend.requests.map((r) => r.path), ["/p", "/p"]);
    assert.equal(backend.requests[0].headers.get("content-type"), "application/json");
    assert.deepEqual(decoded, [profiles.encodeJson(first), profiles.encodeJson(second)]);
    const samples = profiles.count(first) + profiles.count(second);
    assert.equal(
      registry.value("otelcol_exporter_sent_profile_samples", { exporter: "otlphttp/profiles" }),
      samples - 1,
    );
    assert.ok(logger.records.some((r) => JSON.stringify(r).includes("stack 9 unknown")));
  } finally {
    await exporter.shutdown();
    await backend.close();
  }
});

Deno.test("otlphttp: json encoding without compression, per-signal URL override", async () => {
  const backend = new Backend();
  const { settings } = captureTelemetry("otlphttp");
  const exporter = factory.createTraces(settings, {
    ...config("http://127.0.0.1:1"),
    traces_endpoint: `${backend.url}/custom/path`,
    encoding: "json",
    compression: "none",
    sending_queue: synchronous,
  });
  try {
    await exporter.start(nopHost());
    await exporter.consume(tracesWithSpans("j", 2));
    assert.equal(backend.requests.length, 1);
    const [request] = backend.requests;
    assert.equal(request.path, "/custom/path");
    assert.equal(request.headers.get("content-type"), "application/json");
    assert.equal(request.headers.get("content-encoding"), null);
    assert.deepEqual(spanNames(traces.decodeJson(request.body)), ["j-0", "j-1"]);
  } finally {
    await exporter.shutdown();
    await backend.close();
  }
});

Deno.test("otlphttp: 503 with Retry-After seconds is retried after the hint", async () => {
  const backend = new Backend();
  backend.responder = (_r, i) =>
    i === 0 ? new Response(null, { status: 503, headers: { "retry-after": "1" } }) : undefined;
  const { settings, registry } = captureTelemetry("otlphttp");
  const exporter = factory.createTraces(
    settings,
    config(backend.url, { sending_queue: synchronous }),
  );
  try {
    await exporter.start(nopHost());
    const started = performance.now();
    await exporter.consume(tracesWithSpans("r", 2));
    const waited = performance.now() - started;
    assert.equal(backend.requests.length, 2);
    assert.ok(waited >= 990, `retried after ${waited}ms, before the 1s hint`);
    assert.equal(registry.value("otelcol_exporter_sent_spans"), 2);
  } finally {
    await exporter.shutdown();
    await backend.close();
  }
});

Deno.test("otlphttp: 429, 502 and 504 are retried; 400, 401, 404, 413 and 500 are permanent", async () => {
  for (const status of [429, 502, 504]) {
    const backend = new Backend();
    backend.responder = (_r, i) => (i < 2 ? new Response("slow down", { status }) : undefined);
    const { settings } = captureTelemetry("otlphttp");
    const exporter = factory.createTraces(
      settings,
      config(backend.url, { sending_queue: synchronous }),
    );
    await exporter.start(nopHost());
    await exporter.consume(tracesWithSpans("s", 1));
    await exporter.shutdown();
    await backend.close();
    assert.equal(backend.requests.length, 3, `status ${status}`);
  }
  for (const status of [400, 401, 404, 413, 500]) {
    const backend = new Backend();
    const body = toBinary(StatusSchema, create(StatusSchema, { code: 3, message: "bad span" }));
    backend.responder = () =>
      new Response(body, { status, headers: { "content-type": "application/x-protobuf" } });
    const { settings, registry, logger } = captureTelemetry("otlphttp");
    const exporter = factory.createTraces(settings, config(backend.url));
    await exporter.start(nopHost());
    await exporter.consume(tracesWithSpans("p", 4));
    await waitFor(() => registry.value("otelcol_exporter_send_failed_spans") === 4, "drop");
    await exporter.shutdown();
    await backend.close();
    assert.equal(backend.requests.length, 1, `status ${status} must not be retried`);
    assert.equal(
      registry.value("otelcol_exporter_dropped_items", { reason: "permanent_error" }),
      4,
    );
    const record = logger.records.find((r) => r.message === "Exporting failed. Dropping data.");
    assert.match(String(record?.attributes.error), new RegExp(`HTTP status ${status}: bad span`));
  }
});

Deno.test("otlphttp: partial success counts the rejected spans as failed, no retry", async () => {
  const backend = new Backend();
  backend.responder = () =>
    new Response(
      toBinary(
        ExportTraceServiceResponseSchema,
        create(ExportTraceServiceResponseSchema, {
          partialSuccess: { rejectedSpans: 2n, errorMessage: "spans too old" },
        }),
      ),
      { headers: { "content-type": "application/x-protobuf" } },
    );
  const { settings, registry, logger } = captureTelemetry("otlphttp");
  const exporter = factory.createTraces(
    settings,
    config(backend.url, { sending_queue: synchronous }),
  );
  try {
    await exporter.start(nopHost());
    await exporter.consume(tracesWithSpans("x", 5));
    assert.equal(backend.requests.length, 1);
    assert.equal(registry.value("otelcol_exporter_sent_spans"), 3);
    assert.equal(registry.value("otelcol_exporter_send_failed_spans"), 2);
    const record = logger.records.find((r) => r.attributes.reason === "partial_success");
    assert.equal(record?.attributes.error, "spans too old");
  } finally {
    await exporter.shutdown();
    await backend.close();
  }
});

Deno.test("otlphttp: a backend down for a while loses nothing", async () => {
  const port = freePort();
  const { settings, registry } = captureTelemetry("otlphttp");
  const exporter = factory.createTraces(settings, config(`http://127.0.0.1:${port}`));
  await exporter.start(nopHost());
  for (let i = 0; i < 30; i++) await exporter.consume(tracesWithSpans(`d${i}`, 10));
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(registry.value("otelcol_exporter_sent_spans"), undefined);
  const backend = new Backend(port);
  try {
    await waitFor(() => registry.value("otelcol_exporter_sent_spans") === 300, "300 spans sent");
    const names = backend.acceptedSpanNames();
    assert.equal(new Set(names).size, 300);
    assert.equal(registry.value("otelcol_exporter_dropped_items"), undefined);
  } finally {
    await exporter.shutdown();
    await backend.close();
  }
});

Deno.test("otlphttp: a full queue refuses upstream with a retryable error", async () => {
  const port = freePort();
  const { settings, registry } = captureTelemetry("otlphttp");
  const exporter = createSignalExporter(
    settings,
    {
      ...config(`http://127.0.0.1:${port}`),
      sending_queue: { ...createDefaultConfig().sending_queue, queue_size: 20, sizer: "items" },
    },
    traces,
    { drainTimeoutMs: 300 },
  );
  await exporter.start(nopHost());
  try {
    await exporter.consume(tracesWithSpans("q", 15));
    const error = await exporter.consume(tracesWithSpans("q", 10)).catch((e) => e);
    assert.ok(error instanceof RetryableError);
    assert.equal(registry.value("otelcol_exporter_enqueue_failed_spans"), 10);
    assert.equal(registry.value("otelcol_exporter_queue_size"), 15);
    assert.equal(registry.value("otelcol_exporter_queue_capacity"), 20);
  } finally {
    await exporter.shutdown();
  }
  // The queued spans could not be sent before the drain deadline: dropped and counted.
  assert.equal(registry.value("otelcol_exporter_dropped_items", { reason: "shutdown" }), 15);
});

Deno.test("otlphttp: Retry-After accepts seconds and HTTP dates", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("7", now), 7000);
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

Deno.test("otlphttp: config errors name the key", () => {
  assert.throws(
    () => factory.validateConfig!({ ...createDefaultConfig() }),
    /exporters::otlphttp: set endpoint or a per-signal URL/,
  );
  assert.throws(
    () => factory.validateConfig!({ ...createDefaultConfig(), endpoint: "ftp://x" }),
    /exporters::otlphttp::endpoint: expected an http:\/\/ or https:\/\/ URL/,
  );
  assert.throws(
    () =>
      factory.validateConfig!({
        ...createDefaultConfig(),
        endpoint: "http://x",
        encoding: "xml" as "json",
      }),
    /encoding: expected "proto" or "json"/,
  );
  assert.throws(
    () =>
      factory.validateConfig!({
        ...createDefaultConfig(),
        endpoint: "http://x",
        tls: { ...createDefaultConfig().tls, cert_file: "/c.pem" },
      }),
    /exporters::otlphttp::tls: a client certificate needs both/,
  );
});
