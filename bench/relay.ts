/**
 * The benchmark's baseline: a relay on the same runtime as the collector that forwards OTLP
 * request bodies to a backend without decoding them, over HTTP (`Deno.serve` in, `fetch` out) and
 * gRPC (`node:http2` in and out, messages passed on as framed bytes). It does the least any OTLP
 * proxy must do (accept a connection, read the body, send it on, pass the answer back), so the
 * collector's figures divided by the relay's say what decoding, batching and encoding cost.
 *
 * ```sh
 * deno run -A bench/relay.ts --http-port 4318 --grpc-port 4317 \
 *   --backend-http 127.0.0.1:5318 --backend-grpc 127.0.0.1:5317
 * ```
 *
 * @module
 */

import { Buffer } from "node:buffer";
import * as http2 from "node:http2";
import { parseArgs } from "node:util";
import { RawGrpcClient } from "../testbed/rawgrpc.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    "http-port": { type: "string" },
    "grpc-port": { type: "string" },
    "backend-http": { type: "string" },
    "backend-grpc": { type: "string" },
  },
});
for (const key of ["http-port", "grpc-port", "backend-http", "backend-grpc"] as const) {
  if (values[key] === undefined) throw new Error(`relay: --${key} is required`);
}

const backendHttp = `http://${values["backend-http"]}`;
const httpClient = Deno.createHttpClient({});

Deno.serve(
  { hostname: "127.0.0.1", port: Number(values["http-port"]), onListen: () => {} },
  async (request) => {
    const headers: Record<string, string> = {
      "content-type": request.headers.get("content-type") ?? "application/x-protobuf",
    };
    const encoding = request.headers.get("content-encoding");
    if (encoding) headers["content-encoding"] = encoding;
    try {
      const answer = await fetch(`${backendHttp}${new URL(request.url).pathname}`, {
        method: "POST",
        headers,
        body: await request.arrayBuffer(),
        client: httpClient,
      });
      return new Response(await answer.arrayBuffer(), {
        status: answer.status,
        headers: { "content-type": answer.headers.get("content-type") ?? "application/x-protobuf" },
      });
    } catch (error) {
      return new Response(`relay: ${(error as Error).message}`, { status: 503 });
    }
  },
);

const backendGrpc = new RawGrpcClient(`http://${values["backend-grpc"]}`);
const grpcServer = http2.createServer();
grpcServer.on("stream", (stream: http2.ServerHttp2Stream, headers) => {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.on("error", () => {});
  stream.on("end", async () => {
    const forwarded: Record<string, string> = {};
    if (headers["grpc-encoding"]) forwarded["grpc-encoding"] = String(headers["grpc-encoding"]);
    const result = await backendGrpc.call(
      String(headers[":path"]),
      Buffer.concat(chunks),
      forwarded,
    );
    if (stream.destroyed) return;
    // A failed forward is reported as Unavailable, which clients retry.
    const status = result.status === -1 ? 14 : result.status;
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, {
      waitForTrailers: true,
    });
    stream.on("wantTrailers", () =>
      stream.sendTrailers({
        "grpc-status": String(status),
        "grpc-message": encodeURIComponent(result.message),
      }));
    stream.end(Buffer.from(result.body));
  });
});
grpcServer.listen(Number(values["grpc-port"]), "127.0.0.1");
