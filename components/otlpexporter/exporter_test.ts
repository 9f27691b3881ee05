import assert from "node:assert/strict";
import { create, toBinary } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { GrpcStatusError } from "@denocol/config";
import { nopHost } from "@denocol/component/componenttest";
import { PermanentError, RetryableError } from "@denocol/consumer";
import {
  ExportTraceServiceResponseSchema,
  logs,
  metrics,
  RetryInfoSchema,
  StatusSchema,
} from "@denocol/pdata";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import {
  captureTelemetry,
  FAST_RETRY,
  freePort,
  tracesWithSpans,
  waitFor,
} from "@denocol/exporter/exportertest";
import { createTestCertificates } from "@denocol/config/configtest";
import { GrpcBackend } from "./testutil_test.ts";
import {
  createDefaultConfig,
  createSignalExporter,
  factory,
  grpcError,
  type OtlpGrpcConfig,
  resolveTarget,
} from "./mod.ts";
import { isProfilesFactory } from "@denocol/exporter-experimental";
import { type Message, traces } from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";

function config(endpoint: string, overrides: Partial<OtlpGrpcConfig> = {}): OtlpGrpcConfig {
  const defaults = createDefaultConfig();
  return {
    ...defaults,
    endpoint,
    tls: { ...defaults.tls, insecure: true },
    retry_on_failure: { ...FAST_RETRY },
    ...overrides,
  };
}

const synchronous = { ...createDefaultConfig().sending_queue, enabled: false };

Deno.test("otlp: the factory is a profiles factory (profiles in development)", () => {
  assert.ok(isProfilesFactory(factory));
  assert.equal(factory.profilesStability, "development");
  assert.equal(factory.tracesStability, "stable");
});

Deno.test("otlp: all four signals over h2c with gzip and metadata", async () => {
  const backend = await GrpcBackend.start();
  const { settings, logger, registry } = captureTelemetry("otlp");
  const cfg = config(`127.0.0.1:${backend.port}`, {
    headers: { "x-tenant": "acme" },
    balancer_name: "round_robin",
    sending_queue: synchronous,
  });
  const exporters = [
    factory.createTraces(settings, cfg),
    factory.createMetrics(settings, cfg),
    factory.createLogs(settings, cfg),
    factory.createProfiles(settings, cfg),
  ] as const;
  const profileData = generateProfiles({ seed: 5 });
  try {
    for (const e of exporters) await e.start(nopHost());
    await exporters[0].consume(tracesWithSpans("g", 3));
    await exporters[1].consume(metrics.decodeJson(
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"asInt":"1"}]}}]}]}]}',
    ));
    await exporters[2].consume(
      logs.decodeJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}'),
    );
    await exporters[3].consume(profileData);
    assert.deepEqual(backend.calls.map((c) => c.service), [
      "traces",
      "metrics",
      "logs",
      "profiles",
    ]);
    assert.deepEqual(backend.acceptedSpans, ["g-0", "g-1", "g-2"]);
    for (const call of backend.calls) {
      assert.equal(call.headers.get("x-tenant"), "acme");
      assert.equal(call.headers.get("grpc-encoding"), "gzip");
    }
    assert.ok(logger.messages("warn").some((m) => m.includes("balancer_name")));
    // The server decoded the profiles request; it carries every sample and the dictionary.
    const received = profiles.fromRequest(backend.calls[3].request as Message);
    assert.ok(profiles.count(profileData) > 0);
    assert.equal(profiles.encodeJson(received), profiles.encodeJson(profileData));
    assert.equal(
      registry.value("otelcol_exporter_sent_profile_samples", { exporter: "otlp" }),
      profiles.count(profileData),
    );
  } finally {
    for (const e of exporters) await e.shutdown();
    await backend.close();
  }
});

Deno.test("otlp: the exporter's timeout reaches the server as grpc-timeout", async () => {
  const backend = await GrpcBackend.start();
  const { settings } = captureTelemetry("otlp");
  const timed = factory.createTraces(
    settings,
    config(`127.0.0.1:${backend.port}`, { timeout: "2500ms", sending_queue: synchronous }),
  );
  const unlimited = factory.createTraces(
    settings,
    config(`127.0.0.1:${backend.port}`, { timeout: "0", sending_queue: synchronous }),
  );
  try {
    await timed.start(nopHost());
    await unlimited.start(nopHost());
    await timed.consume(tracesWithSpans("t", 1));
    await unlimited.consume(tracesWithSpans("u", 1));
    assert.equal(backend.calls.length, 2);
    const [first, second] = backend.calls;
    assert.equal(first.headers.get("grpc-timeout"), "2500m");
    // The server's handler turned it into the call's deadline (what was left of it when read).
    const left = first.timeoutMs ?? 0;
    assert.ok(left > 0 && left <= 2500, `server-side deadline ${left} ms`);
    assert.equal(second.headers.get("grpc-timeout"), null, "timeout 0 means no deadline");
    assert.equal(second.timeoutMs, undefined);
  } finally {
    await timed.shutdown();
    await unlimited.shutdown();
    await backend.close();
  }
});

Deno.test("otlp: Unavailable is retried; ResourceExhausted with RetryInfo waits the delay", async () => {
  const backend = await GrpcBackend.start();
  backend.handler = (_request, index) => {
    if (index === 0) throw new ConnectError("busy", Code.Unavailable);
    if (index === 1) {
      throw new ConnectError("slow down", Code.ResourceExhausted, undefined, [
        { desc: RetryInfoSchema, value: { retryDelay: { seconds: 1n, nanos: 0 } } },
      ]);
    }
    return undefined;
  };
  const { settings, registry } = captureTelemetry("otlp");
  const exporter = factory.createTraces(
    settings,
    config(`127.0.0.1:${backend.port}`, {
      sending_queue: synchronous,
    }),
  );
  try {
    await exporter.start(nopHost());
    const started = performance.now();
    await exporter.consume(tracesWithSpans("r", 2));
    const waited = performance.now() - started;
    assert.equal(backend.calls.length, 3);
    assert.ok(waited >= 990, `finished after ${waited}ms, before the 1s RetryInfo delay`);
    assert.equal(registry.value("otelcol_exporter_sent_spans"), 2);
  } finally {
    await exporter.shutdown();
    await backend.close();
  }
});

Deno.test("otlp: a stream the server refuses (RST_STREAM REFUSED_STREAM) is retried", async () => {
  const backend = await GrpcBackend.start();
  backend.refuseStreams = 2;
  const { settings, registry } = captureTelemetry("otlp");
  const exporter = factory.createTraces(
    settings,
    config(`127.0.0.1:${backend.port}`, { sending_queue: synchronous }),
  );
  try {
    await exporter.start(nopHost());
    await exporter.consume(tracesWithSpans("r", 4));
    assert.equal(backend.refuseStreams, 0, "both refusals happened");
    assert.deepEqual(backend.acceptedSpans, ["r-0", "r-1", "r-2", "r-3"]);
    assert.equal(registry.value("otelcol_exporter_send_failed_spans") ?? 0, 0);
  } finally {
    await exporter.shutdown();
    await backend.close();
  }
});

Deno.test("otlp: permanent codes are not retried; ResourceExhausted without RetryInfo is permanent", async () => {
  for (
    const code of [
      Code.InvalidArgument,
      Code.Unauthenticated,
      Code.ResourceExhausted,
      Code.Internal,
    ]
  ) {
    const backend = await GrpcBackend.start();
    backend.handler = () => {
      throw new ConnectError("rejected", code);
    };
    const { settings, registry, logger } = captureTelemetry("otlp");
    const exporter = factory.createTraces(settings, config(`127.0.0.1:${backend.port}`));
    await exporter.start(nopHost());
    await exporter.consume(tracesWithSpans("p", 3));
    await waitFor(() => registry.value("otelcol_exporter_send_failed_spans") === 3, "drop");
    await exporter.shutdown();
    await backend.close();
    assert.equal(backend.calls.length, 1, `code ${Code[code]} must not be retried`);
    assert.equal(
      registry.value("otelcol_exporter_dropped_items", { reason: "permanent_error" }),
      3,
    );
    const record = logger.records.find((r) => r.message === "Exporting failed. Dropping data.");
    assert.match(String(record?.attributes.error), new RegExp(Code[code]));
  }
});

Deno.test("otlp: other retryable codes are retried", async () => {
  for (
    const code of [
      Code.Aborted,
      Code.DeadlineExceeded,
      Code.OutOfRange,
      Code.DataLoss,
      Code.Canceled,
    ]
  ) {
    const backend = await GrpcBackend.start();
    backend.handler = (_r, i) => {
      if (i === 0) throw new ConnectError("again", code);
      return undefined;
    };
    const { settings } = captureTelemetry("otlp");
    const exporter = factory.createTraces(
      settings,
      config(`127.0.0.1:${backend.port}`, {
        sending_queue: synchronous,
      }),
    );
    await exporter.start(nopHost());
    await exporter.consume(tracesWithSpans("a", 1));
    await exporter.shutdown();
    await backend.close();
    assert.equal(backend.calls.length, 2, `code ${Code[code]}`);
  }
});

Deno.test("otlp: partial success is logged and counted as failed", async () => {
  const backend = await GrpcBackend.start();
  backend.handler = () =>
    create(ExportTraceServiceResponseSchema, {
      partialSuccess: { rejectedSpans: 1n, errorMessage: "one bad span" },
    });
  const { settings, registry, logger } = captureTelemetry("otlp");
  const exporter = factory.createTraces(
    settings,
    config(`127.0.0.1:${backend.port}`, {
      sending_queue: synchronous,
    }),
  );
  try {
    await exporter.start(nopHost());
    await exporter.consume(tracesWithSpans("x", 4));
    assert.equal(backend.calls.length, 1);
    assert.equal(registry.value("otelcol_exporter_sent_spans"), 3);
    assert.equal(registry.value("otelcol_exporter_send_failed_spans"), 1);
    assert.ok(logger.records.some((r) => r.attributes.error === "one bad span"));
  } finally {
    await exporter.shutdown();
    await backend.close();
  }
});

Deno.test("otlp: a backend down for a while loses nothing", async () => {
  const port = freePort();
  const { settings, registry } = captureTelemetry("otlp");
  const exporter = factory.createTraces(settings, config(`127.0.0.1:${port}`));
  await exporter.start(nopHost());
  for (let i = 0; i < 20; i++) await exporter.consume(tracesWithSpans(`d${i}`, 5));
  await new Promise((r) => setTimeout(r, 1200));
  const backend = await GrpcBackend.start({ port });
  try {
    await waitFor(() => registry.value("otelcol_exporter_sent_spans") === 100, "100 spans");
    assert.equal(new Set(backend.acceptedSpans).size, 100);
    assert.equal(registry.value("otelcol_exporter_dropped_items"), undefined);
  } finally {
    await exporter.shutdown();
    await backend.close();
  }
});

Deno.test("otlp: TLS and mTLS to the backend", async () => {
  const certs = await createTestCertificates();
  try {
    const tlsBackend = await GrpcBackend.start({
      tls: { key: certs.serverKey, cert: certs.serverCert },
    });
    const { settings } = captureTelemetry("otlp");
    const defaults = createDefaultConfig();
    const secured = factory.createTraces(settings, {
      ...config(`localhost:${tlsBackend.port}`, { sending_queue: synchronous }),
      tls: { ...defaults.tls, ca_file: certs.caFile },
    });
    await secured.start(nopHost());
    await secured.consume(tracesWithSpans("tls", 1));
    await secured.shutdown();
    assert.deepEqual(tlsBackend.acceptedSpans, ["tls-0"]);

    // Without the CA the server is not trusted: a permanent-free, retryable failure until the
    // deadline, so nothing arrives.
    const untrusted = factory.createTraces(settings, {
      ...config(`localhost:${tlsBackend.port}`, { sending_queue: synchronous }),
      tls: { ...defaults.tls },
      timeout: "1s",
      retry_on_failure: { ...FAST_RETRY, max_elapsed_time: "200ms" },
    });
    await untrusted.start(nopHost());
    await assert.rejects(untrusted.consume(tracesWithSpans("no", 1)));
    await untrusted.shutdown();
    await tlsBackend.close();
    assert.equal(tlsBackend.acceptedSpans.length, 1);

    const mtlsBackend = await GrpcBackend.start({
      tls: { key: certs.serverKey, cert: certs.serverCert, clientCa: certs.caFile },
    });
    const mutual = factory.createTraces(settings, {
      ...config(`https://127.0.0.1:${mtlsBackend.port}`, { sending_queue: synchronous }),
      tls: {
        ...defaults.tls,
        ca_file: certs.caFile,
        cert_file: certs.clientCert,
        key_file: certs.clientKey,
      },
    });
    await mutual.start(nopHost());
    await mutual.consume(tracesWithSpans("mtls", 2));
    await mutual.shutdown();
    const anonymous = factory.createTraces(settings, {
      ...config(`https://127.0.0.1:${mtlsBackend.port}`, { sending_queue: synchronous }),
      tls: { ...defaults.tls, ca_file: certs.caFile },
      timeout: "1s",
      retry_on_failure: { ...FAST_RETRY, max_elapsed_time: "200ms" },
    });
    await anonymous.start(nopHost());
    await assert.rejects(anonymous.consume(tracesWithSpans("anon", 1)));
    await anonymous.shutdown();
    await mtlsBackend.close();
    assert.deepEqual(mtlsBackend.acceptedSpans, ["mtls-0", "mtls-1"]);
  } finally {
    await certs.cleanup();
  }
});

Deno.test("otlp: shutdown drops what it cannot drain, counted and logged", async () => {
  const port = freePort();
  const { settings, registry, logger } = captureTelemetry("otlp");
  const exporter = createSignalExporter(
    settings,
    config(`127.0.0.1:${port}`),
    traces,
    {
      drainTimeoutMs: 200,
    },
  );
  await exporter.start(nopHost());
  for (let i = 0; i < 4; i++) await exporter.consume(tracesWithSpans(`s${i}`, 5));
  await exporter.shutdown();
  assert.equal(registry.value("otelcol_exporter_dropped_items", { reason: "shutdown" }), 20);
  assert.ok(logger.records.some((r) => r.attributes.reason === "shutdown"));
});

Deno.test("otlp: endpoint forms and errors", () => {
  const defaults = createDefaultConfig();
  assert.deepEqual(resolveTarget({ ...defaults, endpoint: "collector:4317" }, "p"), {
    baseUrl: "https://collector:4317",
    secure: true,
    host: "collector",
  });
  assert.equal(
    resolveTarget({ ...defaults, endpoint: "http://collector:4317" }, "p").baseUrl,
    "http://collector:4317",
  );
  // Port 80 is a port like any other (a URL round trip once dropped it as the default and
  // refused the endpoint).
  assert.equal(
    resolveTarget({ ...defaults, endpoint: "collector:80" }, "p").baseUrl,
    "https://collector:80",
  );
  assert.deepEqual(resolveTarget({ ...defaults, endpoint: "http://[::1]:4317/" }, "p"), {
    baseUrl: "http://[::1]:4317",
    secure: false,
    host: "::1",
  });
  assert.equal(
    resolveTarget(
      { ...defaults, endpoint: "c:4317", tls: { ...defaults.tls, insecure: true } },
      "p",
    )
      .secure,
    false,
  );
  assert.throws(
    () => factory.validateConfig!({ ...defaults, endpoint: "collector" }),
    /exporters::otlp::endpoint: expected host:port, got "collector"/,
  );
  assert.throws(
    () => factory.validateConfig!({ ...defaults }),
    /exporters::otlp::endpoint: expected host:port of the OTLP\/gRPC backend/,
  );
});

Deno.test("otlp: statuses map to retryable (with RetryInfo's delay) or permanent errors", () => {
  const retryInfo = toBinary(
    StatusSchema,
    create(StatusSchema, {
      code: 8,
      message: "slow down",
      details: [anyPack(RetryInfoSchema, create(RetryInfoSchema, { retryDelay: { seconds: 2n } }))],
    }),
  );
  for (const code of [1, 4, 10, 11, 14, 15]) {
    assert.ok(
      grpcError(new GrpcStatusError(code, "x"), "backend") instanceof RetryableError,
      `${code}`,
    );
  }
  for (const code of [2, 3, 5, 7, 8, 12, 13, 16]) {
    assert.ok(
      grpcError(new GrpcStatusError(code, "x"), "backend") instanceof PermanentError,
      `${code}`,
    );
  }
  const throttled = grpcError(new GrpcStatusError(8, "slow down", retryInfo), "backend");
  assert.ok(throttled instanceof RetryableError);
  assert.equal(throttled.retryAfterMs, 2000);
  assert.match(throttled.message, /gRPC status ResourceExhausted \(8\): slow down/);
  assert.ok(grpcError(new Error("no status"), "backend") instanceof RetryableError);
});
