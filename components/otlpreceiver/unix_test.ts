// The otlp receiver on Unix domain sockets (`transport: unix`, as Go's configgrpc and confighttp
// take it): OTLP/HTTP and OTLP/gRPC through real socket files, removed on shutdown.

import assert from "node:assert/strict";
import * as http2 from "node:http2";
import * as net from "node:net";
import { frameGrpc } from "@denocol/config/configtest";
import { traces } from "@denocol/pdata";
import { makeTraces, startReceiver, tracesSink } from "./test_helpers.ts";

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** One HTTP/1.1 POST over the socket at `path`; the status line and headers of the answer. */
async function postOverUnix(path: string, target: string, body: Uint8Array): Promise<string> {
  const conn = await Deno.connect({ transport: "unix", path });
  try {
    const head = `POST ${target} HTTP/1.1\r\nhost: localhost\r\n` +
      `content-type: application/x-protobuf\r\ncontent-length: ${body.length}\r\n` +
      `connection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(head));
    await conn.write(body);
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    return new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  } finally {
    try {
      conn.close();
    } catch {
      // closed by the server
    }
  }
}

/** One gRPC Export call over the socket at `path`; resolves with its grpc-status. */
function exportOverUnix(path: string, message: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const session = http2.connect("http://localhost", {
      createConnection: () => net.connect(path),
    });
    session.on("error", reject);
    const stream = session.request({
      ":method": "POST",
      ":path": "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
      "content-type": "application/grpc",
      te: "trailers",
    });
    let status = "";
    stream.on("response", (headers) => status = String(headers["grpc-status"] ?? status));
    stream.on("trailers", (trailers) => status = String(trailers["grpc-status"] ?? status));
    stream.on("data", () => {});
    stream.on("close", () => {
      session.close();
      resolve(status);
    });
    stream.end(frameGrpc(message));
  });
}

Deno.test("otlp receiver: OTLP/HTTP and OTLP/gRPC on Unix sockets", async () => {
  const dir = await Deno.makeTempDir();
  const httpPath = `${dir}/http.sock`;
  const grpcPath = `${dir}/grpc.sock`;
  const sink = tracesSink();
  try {
    {
      await using _r = await startReceiver({ traces: sink }, {
        http: { transport: "unix", endpoint: httpPath },
        grpc: { transport: "unix", endpoint: grpcPath },
      });
      const body = traces.encodeProto(makeTraces(3));
      const answer = await postOverUnix(httpPath, "/v1/traces", body);
      assert.match(answer, /^HTTP\/1\.1 200/);
      assert.equal(await exportOverUnix(grpcPath, body), "0");
      assert.equal(sink.count, 6);
    }
    assert.equal(await exists(httpPath), false, "the HTTP socket file is removed on shutdown");
    assert.equal(await exists(grpcPath), false, "the gRPC socket file is removed on shutdown");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
