import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import { GrpcClient, GrpcStatus, GrpcStatusError } from "./mod.ts";

const ECHO = "/test.Echo/Call";

interface Seen {
  metadata: grpc.Metadata;
  deadline: grpc.Deadline;
  cancelled: boolean;
}

/** A grpc-js server (a gRPC stack that is not ours) with an echo method and a failing one. */
async function grpcJsServer(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const server = new grpc.Server();
  const seen: Seen[] = [];
  const raw = {
    serialize: (value: Uint8Array) => Buffer.from(value),
    deserialize: (bytes: Buffer) => new Uint8Array(bytes),
  };
  server.addService({
    call: {
      path: ECHO,
      requestStream: false,
      responseStream: false,
      requestSerialize: raw.serialize,
      requestDeserialize: raw.deserialize,
      responseSerialize: raw.serialize,
      responseDeserialize: raw.deserialize,
    },
    fail: {
      path: "/test.Echo/Fail",
      requestStream: false,
      responseStream: false,
      requestSerialize: raw.serialize,
      requestDeserialize: raw.deserialize,
      responseSerialize: raw.serialize,
      responseDeserialize: raw.deserialize,
    },
    slow: {
      path: "/test.Echo/Slow",
      requestStream: false,
      responseStream: false,
      requestSerialize: raw.serialize,
      requestDeserialize: raw.deserialize,
      responseSerialize: raw.serialize,
      responseDeserialize: raw.deserialize,
    },
  }, {
    call: (
      call: grpc.ServerUnaryCall<Uint8Array, Uint8Array>,
      done: grpc.sendUnaryData<Uint8Array>,
    ) => {
      seen.push({ metadata: call.metadata, deadline: call.getDeadline(), cancelled: false });
      done(null, call.request.slice().reverse());
    },
    fail: (
      _call: grpc.ServerUnaryCall<Uint8Array, Uint8Array>,
      done: grpc.sendUnaryData<Uint8Array>,
    ) => {
      const metadata = new grpc.Metadata();
      metadata.set("grpc-status-details-bin", Buffer.from([1, 2, 3, 250]));
      done({ code: grpc.status.RESOURCE_EXHAUSTED, details: "slow down: 100%", metadata }, null);
    },
    slow: (
      call: grpc.ServerUnaryCall<Uint8Array, Uint8Array>,
      done: grpc.sendUnaryData<Uint8Array>,
    ) => {
      const record: Seen = {
        metadata: call.metadata,
        deadline: call.getDeadline(),
        cancelled: false,
      };
      seen.push(record);
      call.on("cancelled", () => (record.cancelled = true));
      setTimeout(() => done(null, new Uint8Array()), 3000);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (error, port) => (error ? reject(error) : resolve(port)),
    )
  );
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

async function rejection(promise: Promise<unknown>): Promise<GrpcStatusError> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof GrpcStatusError, `expected a GrpcStatusError, got ${error}`);
  return error;
}

Deno.test("grpc client: unary calls to grpc-js, with metadata, gzip and grpc-timeout", async () => {
  const server = await grpcJsServer();
  const client = new GrpcClient({ baseUrl: server.url });
  try {
    const plain = await client.unary(ECHO, new Uint8Array([1, 2, 3]), {
      metadata: { "x-tenant": "a" },
      timeoutMs: 5000,
    });
    assert.deepEqual([...plain], [3, 2, 1]);
    const zipped = await client.unary(ECHO, new Uint8Array(10_000).fill(7), { gzip: true });
    assert.equal(zipped.length, 10_000);
    assert.equal(server.seen.length, 2);
    assert.deepEqual(server.seen[0].metadata.get("x-tenant"), ["a"]);
    const deadline = Number(server.seen[0].deadline) - Date.now();
    assert.ok(deadline > 0 && deadline <= 5000, `deadline ${deadline} ms ahead`);
    assert.equal(server.seen[1].deadline, Infinity, "no grpc-timeout without a timeout");
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("grpc client: the server's status, message and details come back", async () => {
  const server = await grpcJsServer();
  const client = new GrpcClient({ baseUrl: server.url });
  try {
    const error = await rejection(client.unary("/test.Echo/Fail", new Uint8Array([1])));
    assert.equal(error.code, GrpcStatus.resourceExhausted);
    assert.equal(error.message, "slow down: 100%");
    assert.deepEqual([...error.details!], [1, 2, 3, 250]);
    const unknown = await rejection(client.unary("/test.Echo/Nope", new Uint8Array([1])));
    assert.equal(unknown.code, GrpcStatus.unimplemented);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("grpc client: deadline, cancellation and a refused connection", async () => {
  const server = await grpcJsServer();
  const client = new GrpcClient({ baseUrl: server.url });
  try {
    const late = await rejection(
      client.unary("/test.Echo/Slow", new Uint8Array(), { timeoutMs: 200 }),
    );
    assert.equal(late.code, GrpcStatus.deadlineExceeded);
    const abort = new AbortController();
    const pending = client.unary("/test.Echo/Slow", new Uint8Array(), { signal: abort.signal });
    setTimeout(() => abort.abort(new Error("stop")), 100);
    const cancelled = await rejection(pending);
    assert.equal(cancelled.code, GrpcStatus.cancelled);
    assert.equal((cancelled.cause as Error).message, "stop");
    // The server saw both calls go away.
    const deadline = Date.now() + 5000;
    while (server.seen.some((s) => !s.cancelled) && Date.now() < deadline) {
      await new Promise((wake) => setTimeout(wake, 20));
    }
    assert.ok(server.seen.every((s) => s.cancelled));
  } finally {
    client.close();
    await server.close();
  }
  const nobody = new GrpcClient({ baseUrl: server.url });
  try {
    const refused = await rejection(nobody.unary(ECHO, new Uint8Array([1])));
    assert.equal(refused.code, GrpcStatus.unavailable);
  } finally {
    nobody.close();
  }
});

Deno.test("grpc client: a response that is not gRPC maps its HTTP status", async () => {
  const server = http2.createServer();
  server.on("stream", (stream: http2.ServerHttp2Stream) => {
    stream.respond({ ":status": 503, "content-type": "text/plain" });
    stream.end("busy");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new GrpcClient({
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
  });
  try {
    const error = await rejection(client.unary(ECHO, new Uint8Array([1])));
    assert.equal(error.code, GrpcStatus.unavailable);
    assert.match(error.message, /HTTP 503/);
  } finally {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  }
});

Deno.test("grpc client: resets and broken connections map to the gRPC codes clients retry on", async () => {
  const server = http2.createServer();
  server.on("stream", (stream: http2.ServerHttp2Stream, headers) => {
    stream.on("error", () => {});
    switch (headers[":path"]) {
      case "/refused":
        stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
        break;
      case "/calm":
        stream.close(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
        break;
      case "/protocol":
        stream.respond({ ":status": 200, "content-type": "application/grpc" });
        setTimeout(() => stream.close(http2.constants.NGHTTP2_PROTOCOL_ERROR), 10);
        break;
      case "/broken":
        stream.respond({ ":status": 200, "content-type": "application/grpc" });
        setTimeout(() => stream.session?.destroy(), 10);
        break;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new GrpcClient({
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
  });
  try {
    const codes: Record<string, number> = {};
    for (const path of ["/refused", "/calm", "/protocol", "/broken"]) {
      codes[path] = (await rejection(client.unary(path, new Uint8Array([1])))).code;
    }
    assert.deepEqual(codes, {
      "/refused": GrpcStatus.unavailable,
      "/calm": GrpcStatus.resourceExhausted,
      // Deno 2.9 reports no reset code once response headers have arrived (rstCode 0): the call
      // counts as a broken stream, which a client may retry.
      "/protocol": GrpcStatus.unavailable,
      "/broken": GrpcStatus.unavailable,
    });
    // The client reconnects after the broken session.
    const again = await rejection(client.unary("/refused", new Uint8Array([1])));
    assert.equal(again.code, GrpcStatus.unavailable);
  } finally {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
