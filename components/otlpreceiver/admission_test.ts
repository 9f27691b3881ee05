// Memory admission: requests are admitted against the process's memory budget before and while
// they are decoded, on both transports, with a Retry-After / RetryInfo when memory is busy and a
// permanent refusal when a request alone could never fit.

import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { fromBinary } from "@bufbuild/protobuf";
import { processMemoryBudget } from "@denocol/component";
import { RetryInfoSchema, StatusSchema, traces } from "@denocol/pdata";
import { call, makeTraces, startReceiver, tracesSink } from "./test_helpers.ts";

const TRACES_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
const MIB = 1024 * 1024;

/** A traces request of `spans` empty spans in one scope: 2 bytes of input per span object. */
function tinySpans(spans: number): Uint8Array {
  const inner = new Uint8Array(spans * 2);
  for (let i = 0; i < spans; i++) inner[i * 2] = 0x12;
  const wrap = (tag: number, body: Uint8Array) => {
    const length: number[] = [];
    let n = body.length;
    while (n >= 0x80) {
      length.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    length.push(n);
    const out = new Uint8Array(1 + length.length + body.length);
    out[0] = tag;
    out.set(length, 1);
    out.set(body, 1 + length.length);
    return out;
  };
  return wrap(0x0a, wrap(0x12, inner));
}

/**
 * Runs `fn` with a memory limit of `limitMib`, and `usedMib` in use as far as the budget sees
 * plus what the process allocates from now on (buffers and heap), as a memory limiter measures.
 */
async function withLimit(
  limitMib: number,
  usedMib: number,
  fn: () => Promise<void>,
): Promise<void> {
  const inUse = () => {
    const usage = Deno.memoryUsage();
    return usage.heapUsed + usage.external;
  };
  const baseline = inUse();
  const remove = processMemoryBudget.addLimit({
    limitBytes: limitMib * MIB,
    measure: () => usedMib * MIB + Math.max(0, inUse() - baseline),
    retryAfterMs: 1500,
    name: 'memory_limiter processor "test"',
  });
  try {
    await fn();
  } finally {
    remove();
  }
}

async function post(url: string, body: Uint8Array, type = "application/x-protobuf") {
  const response = await fetch(`${url}/v1/traces`, {
    method: "POST",
    headers: { "content-type": type },
    body: body as Uint8Array<ArrayBuffer>,
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, retryAfter: response.headers.get("retry-after"), bytes };
}

Deno.test("otlp admission: a request of many tiny messages that could never fit is refused for good", async () => {
  const sink = tracesSink();
  await using receiver = await startReceiver({ traces: sink });
  const client = new grpc.Client(receiver.grpcTarget, grpc.credentials.createInsecure(), {
    "grpc.max_send_message_length": 8 * MIB,
  });
  try {
    // 1.5 MiB of input, about 200 MiB of span objects once decoded.
    const body = tinySpans(750_000);
    await withLimit(64, 8, async () => {
      const before = Deno.memoryUsage().heapUsed;
      const http = await post(receiver.httpUrl, body);
      assert.equal(http.status, 413);
      assert.equal(http.retryAfter, null);
      const status = fromBinary(StatusSchema, http.bytes);
      assert.match(status.message, /more than .* MiB of memory once decoded/);
      assert.match(status.message, /memory_limiter processor "test"/);
      const viaGrpc = await call(client, TRACES_PATH, body);
      assert.equal(viaGrpc.error?.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.equal(viaGrpc.error?.metadata.get("grpc-status-details-bin").length, 0);
      const grownMib = (Deno.memoryUsage().heapUsed - before) / MIB;
      // Each stopped decode leaves at most the 56 MiB of room it was given as garbage; two full
      // decodes would have taken over 400 MiB.
      assert.ok(grownMib < 150, `the decodes stopped at the limit; heap grew ${grownMib} MiB`);
    });
    assert.equal(sink.count, 0);
    // Without a limit in force the same request is decoded and delivered.
    assert.equal((await post(receiver.httpUrl, body)).status, 200);
    assert.equal(sink.count, 750_000);
  } finally {
    client.close();
  }
});

Deno.test("otlp admission: while memory is busy requests get 503 + Retry-After / Unavailable + RetryInfo", async () => {
  const sink = tracesSink();
  await using receiver = await startReceiver({ traces: sink });
  const client = new grpc.Client(receiver.grpcTarget, grpc.credentials.createInsecure());
  try {
    const body = traces.encodeProto(makeTraces(50));
    await withLimit(100, 99.99, async () => {
      const http = await post(receiver.httpUrl, body);
      assert.equal(http.status, 503);
      assert.equal(http.retryAfter, "2");
      assert.match(fromBinary(StatusSchema, http.bytes).message, /high memory usage/);
      const viaGrpc = await call(client, TRACES_PATH, body);
      assert.equal(viaGrpc.error?.code, grpc.status.UNAVAILABLE);
      const [details] = viaGrpc.error!.metadata.get("grpc-status-details-bin") as Uint8Array[];
      const status = fromBinary(StatusSchema, details);
      assert.equal(status.details[0].typeUrl, "type.googleapis.com/google.rpc.RetryInfo");
      const retry = fromBinary(RetryInfoSchema, status.details[0].value);
      assert.equal(Number(retry.retryDelay?.seconds ?? 0n), 1);

      const json = await post(
        receiver.httpUrl,
        new TextEncoder().encode(traces.encodeJson(makeTraces(50))),
        "application/json",
      );
      assert.equal(json.status, 503);
      assert.equal(json.retryAfter, "2");
    });
    assert.equal(sink.count, 0);
    await withLimit(100, 10, async () => {
      assert.equal((await post(receiver.httpUrl, body)).status, 200);
      assert.equal((await call(client, TRACES_PATH, body)).error, null);
    });
    assert.equal(sink.count, 100);
  } finally {
    client.close();
  }
});

Deno.test("otlp admission: a JSON body of many tiny objects is refused before it is parsed", async () => {
  const sink = tracesSink();
  await using receiver = await startReceiver({ traces: sink }, { grpc: null });
  const spans = Array.from({ length: 200_000 }, () => "{}").join(",");
  const body = new TextEncoder().encode(
    `{"resourceSpans":[{"scopeSpans":[{"spans":[${spans}]}]}]}`,
  );
  await withLimit(64, 8, async () => {
    const before = Deno.memoryUsage().heapUsed;
    const response = await post(receiver.httpUrl, body, "application/json");
    assert.equal(response.status, 413);
    const grownMib = (Deno.memoryUsage().heapUsed - before) / MIB;
    assert.ok(grownMib < 32, `refused before parsing; heap grew ${grownMib} MiB`);
  });
  assert.equal(sink.count, 0);
});

Deno.test("otlp admission: a body is refused while it arrives once memory is spent, not after", async () => {
  const sink = tracesSink();
  await using receiver = await startReceiver({ traces: sink });
  const client = new grpc.Client(receiver.grpcTarget, grpc.credentials.createInsecure());
  try {
    // Valid requests of about 7 MiB (HTTP) and 3 MiB (gRPC), with 2 MiB of room left.
    const http = traces.encodeProto(makeTraces(100_000));
    const viaGrpc = traces.encodeProto(makeTraces(40_000));
    assert.ok(http.length > 6 * MIB && viaGrpc.length > 2.5 * MIB);
    await withLimit(100, 98, async () => {
      const response = await post(receiver.httpUrl, http);
      assert.equal(response.status, 503);
      assert.equal(response.retryAfter, "2");
      assert.match(fromBinary(StatusSchema, response.bytes).message, /no room for the request/);
      const answer = await call(client, TRACES_PATH, viaGrpc);
      assert.equal(answer.error?.code, grpc.status.UNAVAILABLE);
      assert.match(answer.error!.details, /no room for the request message/);
      assert.equal(answer.error!.metadata.get("grpc-status-details-bin").length, 1);
    });
    assert.equal(sink.count, 0);
    assert.equal(processMemoryBudget.reservedBytes, 0, "every reservation was given back");
  } finally {
    client.close();
  }
});
