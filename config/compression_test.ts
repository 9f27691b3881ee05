import assert from "node:assert/strict";
import {
  compress,
  compressAsync,
  COMPRESSIONS,
  decompress,
  DecompressedTooLargeError,
  DEFAULT_SESSION_LIMITS,
  GRPC_COMPRESSIONS,
  GrpcClient,
  GrpcStatus,
  GrpcStatusError,
  listenGrpc,
} from "./mod.ts";

const TEXT = new TextEncoder().encode("otlp payload ".repeat(2_000));

Deno.test("compression: every compression round-trips, sync and async", async () => {
  for (const compression of COMPRESSIONS) {
    const packed = compress(compression, TEXT);
    assert.ok(packed.length < TEXT.length / 4, `${compression} compresses`);
    assert.deepEqual(decompress(compression, packed, TEXT.length), TEXT);
    assert.deepEqual(
      decompress(compression, await compressAsync(compression, TEXT), TEXT.length),
      TEXT,
    );
  }
});

Deno.test("compression: the decompressed size limit stops every decoder, corrupt data is an error", () => {
  for (const compression of COMPRESSIONS) {
    const packed = compress(compression, TEXT);
    assert.throws(
      () => decompress(compression, packed, TEXT.length - 1),
      DecompressedTooLargeError,
      compression,
    );
    assert.throws(() => decompress(compression, new Uint8Array([1, 2, 3, 4, 5, 6]), 1000), Error);
  }
});

Deno.test("gRPC: requests compressed with gzip, zstd and deflate reach a denocol server", async () => {
  const seen: number[] = [];
  const server = await listenGrpc({
    endpoint: "127.0.0.1:0",
    methods: new Map([["/test.Echo/Call", (call) =>
      call.readMessage().then((message) => {
        seen.push(message.length);
        return message.slice(0, 3);
      })]]),
    limits: { maxRecvMsgBytes: TEXT.length },
    maxConcurrentStreams: 100,
    sessionLimits: DEFAULT_SESSION_LIMITS,
  });
  const client = new GrpcClient({ baseUrl: `http://127.0.0.1:${server.port}` });
  try {
    for (const compression of GRPC_COMPRESSIONS) {
      const reply = await client.unary("/test.Echo/Call", TEXT, { compression });
      assert.deepEqual(reply, TEXT.slice(0, 3), compression);
    }
    assert.deepEqual(seen, [TEXT.length, TEXT.length, TEXT.length]);
    // Over the limit once decompressed: refused as gRPC servers do.
    const big = new Uint8Array(TEXT.length + 1);
    const error = await client.unary("/test.Echo/Call", big, { compression: "zstd" }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof GrpcStatusError);
    assert.equal(error.code, GrpcStatus.resourceExhausted);
  } finally {
    client.close();
    await server.close(100);
  }
});
