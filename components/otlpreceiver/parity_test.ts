// One behaviour on both transports: the same bytes get the same verdict and the same message over
// OTLP/HTTP (protobuf) and OTLP/gRPC, because both decode with pdata's codec and its checks.

import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import { type AnyValue, AnyValueSchema, traces, TracesDataSchema } from "@denocol/pdata";
import { call, startReceiver, tracesSink } from "./test_helpers.ts";

const TRACES_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/** Traces whose one span has an attribute nested `depth` arrays deep. */
function nestedTraces(depth: number): Uint8Array {
  let value: AnyValue = create(AnyValueSchema, { value: { case: "stringValue", value: "leaf" } });
  for (let i = 0; i < depth; i++) {
    value = create(AnyValueSchema, {
      value: { case: "arrayValue", value: { values: [value] } },
    });
  }
  return traces.encodeProto(create(TracesDataSchema, {
    resourceSpans: [{
      scopeSpans: [{
        spans: [{
          traceId: new Uint8Array(16).fill(1),
          spanId: new Uint8Array(8).fill(2),
          name: "deep",
          attributes: [{ key: "nested", value }],
        }],
      }],
    }],
  }));
}

function spanWithIds(traceId: Uint8Array, spanId: Uint8Array): Uint8Array {
  return traces.encodeProto(create(TracesDataSchema, {
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId, name: "ids" }] }] }],
  }));
}

const valid = spanWithIds(new Uint8Array(16).fill(1), new Uint8Array(8).fill(2));

/** A string field holding bytes that are not UTF-8 (the span name, field 5). */
function invalidUtf8(): Uint8Array {
  const name = new TextEncoder().encode("ids");
  const at = valid.findIndex((_, i) =>
    valid[i] === 0x2a && valid[i + 1] === 3 && valid[i + 2] === name[0]
  );
  const bytes = valid.slice();
  bytes[at + 2] = 0xff;
  return bytes;
}

const CASES: [string, Uint8Array][] = [
  ["trace id of 3 bytes", spanWithIds(new Uint8Array(3), new Uint8Array(8).fill(2))],
  ["span id of 9 bytes", spanWithIds(new Uint8Array(16).fill(1), new Uint8Array(9).fill(2))],
  ["truncated in a span", valid.subarray(0, valid.length - 3)],
  ["invalid UTF-8 in a name", invalidUtf8()],
  ["nesting 200 levels deep", nestedTraces(200)],
  ["a length of 2^32 + 5", new Uint8Array([0x0a, 0x85, 0x80, 0x80, 0x80, 0x10, 0x0a])],
];

Deno.test("otlp: malformed protobuf gets the same verdict and message over HTTP and gRPC", async () => {
  const sink = tracesSink();
  await using receiver = await startReceiver({ traces: sink });
  const client = new grpc.Client(receiver.grpcTarget, grpc.credentials.createInsecure());
  try {
    for (const [name, body] of CASES) {
      const response = await fetch(`${receiver.httpUrl}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/x-protobuf" },
        body: body as Uint8Array<ArrayBuffer>,
      });
      const status = response.status;
      const httpMessage = await response.text();
      const viaGrpc = await call(client, TRACES_PATH, body);
      assert.equal(status, 400, `${name}: HTTP status`);
      assert.equal(viaGrpc.error?.code, grpc.status.INVALID_ARGUMENT, `${name}: gRPC status`);
      // The HTTP body is a google.rpc.Status in protobuf; its message is the gRPC message.
      assert.ok(
        httpMessage.includes(viaGrpc.error!.details),
        `${name}: HTTP says ${JSON.stringify(httpMessage)}, gRPC ${
          JSON.stringify(viaGrpc.error!.details)
        }`,
      );
      assert.match(viaGrpc.error!.details, /^cannot decode the OTLP traces request \(protobuf\): /);
    }
    assert.equal(sink.count, 0, "nothing malformed reached the pipeline");
  } finally {
    client.close();
  }
});

Deno.test("otlp: nesting the HTTP decoder accepts is accepted over gRPC too", async () => {
  const sink = tracesSink();
  await using receiver = await startReceiver({ traces: sink });
  const client = new grpc.Client(receiver.grpcTarget, grpc.credentials.createInsecure());
  try {
    const body = nestedTraces(100);
    const response = await fetch(`${receiver.httpUrl}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: body as Uint8Array<ArrayBuffer>,
    });
    await response.body?.cancel();
    assert.equal(response.status, 200);
    const viaGrpc = await call(client, TRACES_PATH, body);
    assert.equal(viaGrpc.error, null, String(viaGrpc.error));
    assert.equal(sink.count, 2);
  } finally {
    client.close();
  }
});
