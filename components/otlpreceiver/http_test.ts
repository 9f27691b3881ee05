import assert from "node:assert/strict";
import { fromBinary } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { compress as compressBody } from "@denocol/config";
import { PermanentError, RetryableError } from "@denocol/consumer";
import { errorConsumer, SinkConsumer } from "@denocol/consumer/consumertest";
import {
  encodedForm,
  ExportTraceServiceResponseSchema,
  logs,
  metrics,
  RetryInfoSchema,
  StatusSchema,
  type Traces,
  traces,
} from "@denocol/pdata";
import {
  logsSink,
  makeLogs,
  makeMetrics,
  makeTraces,
  metricsSink,
  startReceiver,
  tracesSink,
} from "./test_helpers.ts";

const PROTO = { "content-type": "application/x-protobuf" };
const JSON_HEADERS = { "content-type": "application/json" };

function spanNames(data: readonly Traces[]): string[] {
  return data.flatMap((t) =>
    t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name)))
  );
}

async function compress(bytes: Uint8Array, format: CompressionFormat): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream(format),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function post(
  url: string,
  body: BodyInit | Uint8Array,
  headers: Record<string, string>,
): Promise<Response> {
  return await fetch(url, { method: "POST", body: body as BodyInit, headers });
}

Deno.test("otlp http: traces, metrics and logs arrive over protobuf and JSON", async () => {
  const tracesOut = tracesSink();
  const metricsOut = metricsSink();
  const logsOut = logsSink();
  await using r = await startReceiver(
    { traces: tracesOut, metrics: metricsOut, logs: logsOut },
    { grpc: null },
  );
  const sent = makeTraces(3);
  let response = await post(`${r.httpUrl}/v1/traces`, traces.encodeProto(sent), PROTO);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/x-protobuf");
  const decoded = fromBinary(
    ExportTraceServiceResponseSchema,
    new Uint8Array(await response.arrayBuffer()),
  );
  assert.equal(decoded.partialSuccess, undefined);

  response = await post(`${r.httpUrl}/v1/traces`, traces.encodeJson(makeTraces(2)), JSON_HEADERS);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.deepEqual(await response.json(), {});
  assert.deepEqual(spanNames(tracesOut.all), ["span-0", "span-1", "span-2", "span-0", "span-1"]);
  const attribute = tracesOut.all[0].resourceSpans[0].scopeSpans[0].spans[2].attributes[0];
  assert.equal(attribute.key, "index");
  assert.deepEqual(attribute.value?.value, { case: "intValue", value: 2n });

  response = await post(`${r.httpUrl}/v1/metrics`, metrics.encodeProto(makeMetrics(4)), PROTO);
  assert.equal(response.status, 200);
  await response.body?.cancel();
  response = await post(`${r.httpUrl}/v1/metrics`, metrics.encodeJson(makeMetrics(5)), {
    "content-type": "application/json; charset=utf-8",
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal(metricsOut.count, 9);

  response = await post(`${r.httpUrl}/v1/logs`, logs.encodeProto(makeLogs(6)), PROTO);
  assert.equal(response.status, 200);
  await response.body?.cancel();
  response = await post(`${r.httpUrl}/v1/logs`, logs.encodeJson(makeLogs(1)), JSON_HEADERS);
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal(logsOut.count, 7);
  assert.equal(logsOut.contexts[0].client?.address, "127.0.0.1");
});

Deno.test("otlp http: wrong path 404, wrong method 405, wrong content type 415", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, { grpc: null });
  const body = traces.encodeProto(makeTraces(1));

  let response = await post(`${r.httpUrl}/v1/nothing`, body, PROTO);
  assert.equal(response.status, 404);
  await response.body?.cancel();
  // Metrics are not wired to this receiver, so their path is not served.
  response = await post(`${r.httpUrl}/v1/metrics`, body, PROTO);
  assert.equal(response.status, 404);
  await response.body?.cancel();

  response = await fetch(`${r.httpUrl}/v1/traces`);
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "POST");
  await response.body?.cancel();
  response = await fetch(`${r.httpUrl}/v1/traces`, {
    method: "PUT",
    body: body as BodyInit,
    headers: PROTO,
  });
  assert.equal(response.status, 405);
  await response.body?.cancel();

  response = await post(`${r.httpUrl}/v1/traces`, body, { "content-type": "text/plain" });
  assert.equal(response.status, 415);
  assert.match(await response.text(), /application\/x-protobuf/);
  response = await post(`${r.httpUrl}/v1/traces`, body, {});
  assert.equal(response.status, 415);
  await response.body?.cancel();
  assert.equal(sink.count, 0);
});

Deno.test("otlp http: gzip, zlib deflate and raw deflate bodies are decompressed", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, { grpc: null });
  const body = traces.encodeProto(makeTraces(5));
  for (
    const [encoding, format] of [
      ["gzip", "gzip"],
      ["deflate", "deflate"],
      ["deflate", "deflate-raw"],
    ] as const
  ) {
    const response = await post(`${r.httpUrl}/v1/traces`, await compress(body, format), {
      ...PROTO,
      "content-encoding": encoding,
    });
    assert.equal(response.status, 200, `${encoding} (${format})`);
    await response.body?.cancel();
  }
  const jsonBody = new TextEncoder().encode(traces.encodeJson(makeTraces(2)));
  const response = await post(`${r.httpUrl}/v1/traces`, await compress(jsonBody, "gzip"), {
    ...JSON_HEADERS,
    "content-encoding": "gzip",
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal(sink.count, 17);
});

Deno.test("otlp http: zstd and snappy bodies (as Go's confighttp sends them) are decompressed", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, { grpc: null });
  const body = traces.encodeProto(makeTraces(4));
  for (const encoding of ["zstd", "snappy"] as const) {
    const response = await post(`${r.httpUrl}/v1/traces`, compressBody(encoding, body), {
      ...PROTO,
      "content-encoding": encoding,
    });
    assert.equal(response.status, 200, encoding);
    await response.body?.cancel();
  }
  assert.equal(sink.count, 8);
  // A snappy block that declares more than max_request_body_size is refused before decoding.
  const raw = traces.encodeProto(makeTraces(200));
  const big = compressBody("snappy", raw);
  const limit = big.length + 100;
  assert.ok(limit < raw.length, "the compressed body is under the limit, the decoded one over");
  await using small = await startReceiver({ traces: sink }, {
    grpc: null,
    http: { max_request_body_size: limit },
  });
  const refused = await post(`${small.httpUrl}/v1/traces`, big, {
    ...PROTO,
    "content-encoding": "snappy",
  });
  assert.equal(refused.status, 413);
  await refused.body?.cancel();
});

Deno.test("otlp http: unknown encoding and corrupt compressed data are 400", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, { grpc: null });
  const body = traces.encodeProto(makeTraces(1));
  let response = await post(`${r.httpUrl}/v1/traces`, body, { ...PROTO, "content-encoding": "br" });
  assert.equal(response.status, 400);
  let status = fromBinary(StatusSchema, new Uint8Array(await response.arrayBuffer()));
  assert.equal(status.code, 3);
  assert.match(status.message, /Content-Encoding "br"/);

  const gz = await compress(body, "gzip");
  response = await post(`${r.httpUrl}/v1/traces`, gz.slice(0, gz.length - 6), {
    ...PROTO,
    "content-encoding": "gzip",
  });
  assert.equal(response.status, 400);
  status = fromBinary(StatusSchema, new Uint8Array(await response.arrayBuffer()));
  assert.equal(status.code, 3);
  assert.equal(sink.count, 0);
});

Deno.test("otlp http: bodies over max_request_body_size are 413, also after decompression", async () => {
  const sink = tracesSink();
  const limit = 256 * 1024;
  await using r = await startReceiver({ traces: sink }, {
    grpc: null,
    http: { max_request_body_size: limit },
  });
  const big = traces.encodeProto(makeTraces(8000));
  assert.ok(big.length > limit);

  // Declared length over the limit.
  let response = await post(`${r.httpUrl}/v1/traces`, big, PROTO);
  assert.equal(response.status, 413);
  await response.body?.cancel();

  // Streamed without a length: the limit is enforced while reading.
  const chunks = [big.slice(0, limit / 2), big.slice(limit / 2)];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  response = await fetch(`${r.httpUrl}/v1/traces`, {
    method: "POST",
    body: stream,
    headers: PROTO,
    duplex: "half",
  } as RequestInit);
  assert.equal(response.status, 413);
  await response.body?.cancel();

  // A compression bomb: 32 MiB of zeros gzip to about 32 KiB, well under the limit; only about
  // the limit is inflated before the receiver answers.
  const bombSource = new ReadableStream<BufferSource>({
    start(controller) {
      const zeros = new Uint8Array(1024 * 1024);
      for (let i = 0; i < 32; i++) controller.enqueue(zeros);
      controller.close();
    },
  }).pipeThrough(new CompressionStream("gzip"));
  const bomb = new Uint8Array(await new Response(bombSource).arrayBuffer());
  assert.ok(bomb.length < limit, `bomb is ${bomb.length} bytes`);
  response = await post(`${r.httpUrl}/v1/traces`, bomb, {
    ...PROTO,
    "content-encoding": "gzip",
  });
  assert.equal(response.status, 413);
  const status = fromBinary(StatusSchema, new Uint8Array(await response.arrayBuffer()));
  assert.match(status.message, /after decompression/);

  // Still serving.
  response = await post(`${r.httpUrl}/v1/traces`, traces.encodeProto(makeTraces(1)), PROTO);
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal(sink.count, 1);
});

Deno.test("otlp http: malformed bodies are 400 with a google.rpc.Status in the request's encoding", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, { grpc: null });
  const valid = traces.encodeProto(makeTraces(10));
  const random = new Uint8Array(512);
  crypto.getRandomValues(random);
  random[0] = 0x0f; // field 1 with wire type 7, which does not exist: never valid protobuf
  for (const body of [valid.slice(0, valid.length - 7), random]) {
    const response = await post(`${r.httpUrl}/v1/traces`, body, PROTO);
    assert.equal(response.status, 400);
    assert.equal(response.headers.get("content-type"), "application/x-protobuf");
    const status = fromBinary(StatusSchema, new Uint8Array(await response.arrayBuffer()));
    assert.equal(status.code, 3);
    assert.match(status.message, /traces/);
  }
  for (
    const body of [
      '{"resourceSpans": "not a list"}',
      '{"resourceSpans": [{"scopeSpans": [{"spans": [{"name": 17}]}]}]}',
      '{"resourceSpans": [',
      "[]",
    ]
  ) {
    const response = await post(`${r.httpUrl}/v1/traces`, body, JSON_HEADERS);
    assert.equal(response.status, 400, body);
    assert.equal(response.headers.get("content-type"), "application/json");
    const status = await response.json();
    assert.equal(status.code, 3);
    assert.equal(typeof status.message, "string");
  }
  assert.equal(sink.count, 0);
  const response = await post(`${r.httpUrl}/v1/traces`, valid, PROTO);
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal(sink.count, 10);
});

Deno.test("otlp http: retryable refusals are 429/503 with Retry-After, permanent ones 500", async (t) => {
  await t.step("retryable with a delay: 429, Retry-After and RetryInfo", async () => {
    await using r = await startReceiver({
      traces: errorConsumer(new RetryableError("queue is full", { retryAfterMs: 2500 })),
    }, { grpc: null });
    const response = await post(`${r.httpUrl}/v1/traces`, traces.encodeProto(makeTraces(1)), PROTO);
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("retry-after"), "3");
    const status = fromBinary(StatusSchema, new Uint8Array(await response.arrayBuffer()));
    assert.equal(status.code, 8);
    assert.equal(status.message, "queue is full");
    const info = anyUnpack(status.details[0], RetryInfoSchema);
    assert.equal(info?.retryDelay?.seconds, 2n);
    assert.equal(info?.retryDelay?.nanos, 500_000_000);

    const json = await post(
      `${r.httpUrl}/v1/traces`,
      traces.encodeJson(makeTraces(1)),
      JSON_HEADERS,
    );
    assert.equal(json.status, 429);
    assert.equal(json.headers.get("retry-after"), "3");
    assert.deepEqual(await json.json(), {
      code: 8,
      message: "queue is full",
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2.500s" }],
    });
  });
  await t.step("retryable without a delay: 503", async () => {
    await using r = await startReceiver({
      traces: errorConsumer(new RetryableError("exporter down")),
    }, { grpc: null });
    const response = await post(`${r.httpUrl}/v1/traces`, traces.encodeProto(makeTraces(1)), PROTO);
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("retry-after"), null);
    const status = fromBinary(StatusSchema, new Uint8Array(await response.arrayBuffer()));
    assert.equal(status.code, 14);
  });
  await t.step("plain errors count as retryable: 503", async () => {
    await using r = await startReceiver({ traces: errorConsumer(new Error("boom")) }, {
      grpc: null,
    });
    const response = await post(`${r.httpUrl}/v1/traces`, traces.encodeProto(makeTraces(1)), PROTO);
    assert.equal(response.status, 503);
    await response.body?.cancel();
  });
  await t.step("permanent: 500", async () => {
    await using r = await startReceiver({
      traces: errorConsumer(new PermanentError("cannot ever store this")),
    }, { grpc: null });
    const response = await post(
      `${r.httpUrl}/v1/traces`,
      traces.encodeJson(makeTraces(1)),
      JSON_HEADERS,
    );
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { code: 13, message: "cannot ever store this" });
  });
});

Deno.test("otlp http: CORS preflight and actual requests", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, {
    grpc: null,
    http: {
      cors: {
        allowed_origins: ["https://app.example.com", "https://*.example.org"],
        allowed_headers: ["X-Tenant"],
        max_age: 600,
      },
    },
  });
  const preflight = (origin: string, headers = "content-type") =>
    fetch(`${r.httpUrl}/v1/traces`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": headers,
      },
    });
  let response = await preflight("https://app.example.com", "content-type, x-tenant");
  assert.equal(response.status, 204);
  assert.equal(response.headers.get("access-control-allow-origin"), "https://app.example.com");
  assert.equal(response.headers.get("access-control-allow-methods"), "POST");
  assert.equal(response.headers.get("access-control-allow-headers"), "content-type, x-tenant");
  assert.equal(response.headers.get("access-control-max-age"), "600");
  await response.body?.cancel();

  response = await preflight("https://sub.example.org");
  assert.equal(response.headers.get("access-control-allow-origin"), "https://sub.example.org");
  await response.body?.cancel();

  response = await preflight("https://evil.example.net");
  assert.equal(response.headers.get("access-control-allow-origin"), null);
  await response.body?.cancel();

  response = await preflight("https://app.example.com", "x-not-allowed");
  assert.equal(response.headers.get("access-control-allow-origin"), null);
  await response.body?.cancel();

  response = await post(`${r.httpUrl}/v1/traces`, traces.encodeProto(makeTraces(1)), {
    ...PROTO,
    origin: "https://app.example.com",
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("access-control-allow-origin"), "https://app.example.com");
  await response.body?.cancel();
  assert.equal(sink.count, 1);
});

Deno.test("otlp http: include_metadata passes headers; response_headers are added", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, {
    grpc: null,
    http: { include_metadata: true, response_headers: { "x-served-by": "denocol" } },
  });
  const response = await post(`${r.httpUrl}/v1/traces`, traces.encodeProto(makeTraces(1)), {
    ...PROTO,
    "x-tenant": "acme",
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-served-by"), "denocol");
  await response.body?.cancel();
  assert.deepEqual(sink.contexts[0].client?.metadata.get("x-tenant"), ["acme"]);

  const plainSink = tracesSink();
  await using plain = await startReceiver({ traces: plainSink }, { grpc: null, id: "otlp/plain" });
  const second = await post(`${plain.httpUrl}/v1/traces`, traces.encodeProto(makeTraces(1)), {
    ...PROTO,
    "x-tenant": "acme",
  });
  await second.body?.cancel();
  assert.equal(plainSink.contexts[0].client?.metadata.size, 0);
});

Deno.test("otlp http: configured URL paths replace the defaults", async () => {
  const sink = tracesSink();
  await using r = await startReceiver({ traces: sink }, {
    grpc: null,
    http: { traces_url_path: "/custom/traces" },
  });
  let response = await post(`${r.httpUrl}/custom/traces`, traces.encodeProto(makeTraces(2)), PROTO);
  assert.equal(response.status, 200);
  await response.body?.cancel();
  response = await post(`${r.httpUrl}/v1/traces`, traces.encodeProto(makeTraces(2)), PROTO);
  assert.equal(response.status, 404);
  await response.body?.cancel();
  assert.equal(sink.count, 2);
});

Deno.test("otlp: requests reach the pipeline in their encoded form, whatever its capabilities", async () => {
  // `batch` declares mutatesData (it holds and merges what it gets), so a receiver that decoded
  // for pipelines that declare it would decode in nearly every pipeline.
  for (const mutatesData of [false, true]) {
    const out = new SinkConsumer<Traces>({
      countItems: (d) => traces.count(d),
      capabilities: { mutatesData },
    });
    await using r = await startReceiver({ traces: out });
    const sent = makeTraces(2);
    const response = await post(`${r.httpUrl}/v1/traces`, traces.encodeProto(sent), PROTO);
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.equal(out.all.length, 1);
    assert.ok(encodedForm(out.all[0]) !== undefined, `mutatesData ${mutatesData}: still bytes`);
    assert.deepEqual(spanNames(out.all), spanNames([sent]));
  }
});
