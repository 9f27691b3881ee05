import assert from "node:assert/strict";
import * as http2 from "node:http2";
import { GrpcClient } from "./mod.ts";

/** An h2c server answering every call with an empty OK message, counting the pings it gets. */
async function pingCountingServer() {
  const state = { pings: 0 };
  const server = http2.createServer();
  server.on("session", (session: http2.ServerHttp2Session) => {
    session.on("ping", () => state.pings++);
  });
  server.on("stream", (stream: http2.ServerHttp2Stream) => {
    stream.on("data", () => {});
    stream.on("end", () => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, {
        waitForTrailers: true,
      });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(new Uint8Array(5));
    });
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port))
  );
  return {
    state,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

Deno.test("grpc client keepalive: pings every `time`, idle ones only with permit_without_stream", async () => {
  for (const permitWithoutStream of [true, false]) {
    const server = await pingCountingServer();
    const client = new GrpcClient({
      baseUrl: server.url,
      keepalive: { timeMs: 40, timeoutMs: 1000, permitWithoutStream },
    });
    try {
      await client.unary("/test.Echo/Call", new Uint8Array([1]));
      await new Promise((wake) => setTimeout(wake, 400));
      if (permitWithoutStream) {
        assert.ok(server.state.pings >= 3, `idle connection pinged: ${server.state.pings}`);
      } else {
        assert.equal(server.state.pings, 0, "no pings while no call is open");
      }
    } finally {
      client.close();
      await server.close();
    }
  }
});
