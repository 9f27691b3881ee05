import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { fromBinary } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { PermanentError, RetryableError } from "@denocol/consumer";
import { errorConsumer } from "@denocol/consumer/consumertest";
import {
  ExportTraceServiceResponseSchema,
  logs,
  metrics,
  RetryInfoSchema,
  StatusSchema,
  traces,
} from "@denocol/pdata";
import {
  call,
  logsSink,
  makeLogs,
  makeMetrics,
  makeTraces,
  metricsSink,
  startReceiver,
  tracesSink,
} from "./test_helpers.ts";

const TRACES_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
const METRICS_PATH = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
const LOGS_PATH = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

function insecureClient(target: string, options: grpc.ChannelOptions = {}): grpc.Client {
  return new grpc.Client(target, grpc.credentials.createInsecure(), options);
}

Deno.test("otlp grpc: traces, metrics and logs arrive", async () => {
  const tracesOut = tracesSink();
  const metricsOut = metricsSink();
  const logsOut = logsSink();
  await using r = await startReceiver(
    { traces: tracesOut, metrics: metricsOut, logs: logsOut },
    { http: null },
  );
  const client = insecureClient(r.grpcTarget);
  try {
    let result = await call(client, TRACES_PATH, traces.encodeProto(makeTraces(3)));
    assert.equal(result.error, null);
    assert.equal(
      fromBinary(ExportTraceServiceResponseSchema, result.response!).partialSuccess,
      undefined,
    );
    result = await call(client, METRICS_PATH, metrics.encodeProto(makeMetrics(4)));
    assert.equal(result.error, null);
    result = await call(client, LOGS_PATH, logs.encodeProto(makeLogs(5)));
    assert.equal(result.error, null);
  } finally {
    client.close();
  }
  assert.equal(tracesOut.count, 3);
  const span = tracesOut.all[0].resourceSpans[0].scopeSpans[0].spans[1];
  assert.equal(span.name, "span-1");
  assert.deepEqual(span.attributes[0].value?.value, { case: "intValue", value: 1n });
  assert.equal(metricsOut.count, 4);
  assert.equal(logsOut.count, 5);
  assert.match(tracesOut.contexts[0].client?.address ?? "", /127\.0\.0\.1/);
});

Deno.test("otlp grpc: gzip-compressed requests are accepted", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, { http: null });
  const client = insecureClient(r.grpcTarget, {
    "grpc.default_compression_algorithm": 2, // gzip
    "grpc.default_compression_level": 2,
  });
  try {
    const result = await call(client, TRACES_PATH, traces.encodeProto(makeTraces(200)));
    assert.equal(result.error, null);
  } finally {
    client.close();
  }
  assert.equal(sink.count, 200);
});

Deno.test("otlp grpc: malformed messages are InvalidArgument and the server keeps serving", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, { http: null });
  const client = insecureClient(r.grpcTarget);
  try {
    const valid = traces.encodeProto(makeTraces(10));
    const random = new Uint8Array(256);
    crypto.getRandomValues(random);
    random[0] = 0x0f; // wire type 7 does not exist
    for (const body of [valid.slice(0, valid.length - 7), random]) {
      const result = await call(client, TRACES_PATH, body);
      assert.equal(result.error?.code, grpc.status.INVALID_ARGUMENT, String(result.error?.details));
    }
    const result = await call(client, TRACES_PATH, valid);
    assert.equal(result.error, null);
  } finally {
    client.close();
  }
  assert.equal(sink.count, 10);
});

Deno.test("otlp grpc: messages over max_recv_msg_size_mib are ResourceExhausted", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, {
    http: null,
    grpc: { max_recv_msg_size_mib: 0.25 },
  });
  const client = insecureClient(r.grpcTarget, { "grpc.max_send_message_length": -1 });
  try {
    const big = traces.encodeProto(makeTraces(8000));
    assert.ok(big.length > 256 * 1024);
    let result = await call(client, TRACES_PATH, big);
    assert.equal(result.error?.code, grpc.status.RESOURCE_EXHAUSTED, String(result.error?.details));
    result = await call(client, TRACES_PATH, traces.encodeProto(makeTraces(1)));
    assert.equal(result.error, null);
  } finally {
    client.close();
  }
  assert.equal(sink.count, 1);
});

Deno.test("otlp grpc: a gzip bomb over max_recv_msg_size_mib is ResourceExhausted", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, {
    http: null,
    grpc: { max_recv_msg_size_mib: 1 },
  });
  const client = insecureClient(r.grpcTarget, {
    "grpc.default_compression_algorithm": 2,
    "grpc.max_send_message_length": -1,
  });
  try {
    // 16 MiB of one repeated byte compresses to a few KiB on the wire.
    const result = await call(client, TRACES_PATH, new Uint8Array(16 * 1024 * 1024).fill(0x0a));
    assert.equal(result.error?.code, grpc.status.RESOURCE_EXHAUSTED, String(result.error?.details));
  } finally {
    client.close();
  }
  assert.equal(sink.count, 0);
});

function statusDetails(error: grpc.ServiceError) {
  const raw = error.metadata.get("grpc-status-details-bin")[0];
  assert.ok(raw instanceof Uint8Array, "grpc-status-details-bin is present");
  return fromBinary(StatusSchema, new Uint8Array(raw));
}

Deno.test("otlp grpc: pipeline refusals map to Unavailable, ResourceExhausted with RetryInfo, Internal", async (t) => {
  const cases = [
    {
      name: "retryable with a delay",
      error: new RetryableError("queue is full", { retryAfterMs: 1500 }),
      code: grpc.status.RESOURCE_EXHAUSTED,
      delay: { seconds: 1n, nanos: 500_000_000 },
    },
    {
      name: "retryable without a delay",
      error: new RetryableError("exporter down"),
      code: grpc.status.UNAVAILABLE,
    },
    { name: "plain error", error: new Error("boom"), code: grpc.status.UNAVAILABLE },
    {
      name: "permanent",
      error: new PermanentError("cannot ever store this"),
      code: grpc.status.INTERNAL,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      await using r = await startReceiver({ traces: errorConsumer(c.error) }, { http: null });
      const client = insecureClient(r.grpcTarget);
      try {
        const result = await call(client, TRACES_PATH, traces.encodeProto(makeTraces(1)));
        assert.equal(result.error?.code, c.code);
        assert.match(decodeURIComponent(result.error!.details), new RegExp(c.error.message));
        if (c.delay) {
          const status = statusDetails(result.error!);
          const info = anyUnpack(status.details[0], RetryInfoSchema);
          assert.equal(info?.retryDelay?.seconds, c.delay.seconds);
          assert.equal(info?.retryDelay?.nanos, c.delay.nanos);
        }
      } finally {
        client.close();
      }
    });
  }
});

Deno.test("otlp grpc: a signal that is not wired is Unimplemented", async () => {
  await using r = await startReceiver({ traces: tracesSink() }, { http: null });
  const client = insecureClient(r.grpcTarget);
  try {
    const result = await call(client, METRICS_PATH, metrics.encodeProto(makeMetrics(1)));
    assert.equal(result.error?.code, grpc.status.UNIMPLEMENTED);
  } finally {
    client.close();
  }
});

Deno.test("otlp grpc: include_metadata passes request metadata to the pipeline", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, {
    http: null,
    grpc: { include_metadata: true },
  });
  const client = insecureClient(r.grpcTarget);
  try {
    const metadata = new grpc.Metadata();
    metadata.set("x-tenant", "acme");
    const result = await call(client, TRACES_PATH, traces.encodeProto(makeTraces(1)), metadata);
    assert.equal(result.error, null);
  } finally {
    client.close();
  }
  assert.deepEqual(sink.contexts[0].client?.metadata.get("x-tenant"), ["acme"]);
});
