// Port sharing (`shareListenerPorts`): the plaintext HTTP and gRPC listeners of two processes
// bind one port each and the kernel spreads connections over both; without it a second bind of
// the port fails. Plaintext HTTP listens through `Deno.listen`, whose `reusePort` needs
// `--unstable-net`, so the sharing listeners run in child processes started with that flag.

import assert from "node:assert/strict";
import * as http2 from "node:http2";
import { DEFAULT_SESSION_LIMITS, listenHttp, type ServerHandler } from "./mod.ts";
import { frameGrpc, rawGrpcCall } from "./configtest/mod.ts";

const LIMITS = {
  readHeaderTimeoutMs: 60_000,
  readTimeoutMs: 0,
  writeTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  keepAlivesEnabled: true,
  maxHeaderBytes: 1 << 20,
};

const ok: ServerHandler = () => Promise.resolve({ status: 200, headers: {}, body: "ok" });

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A child process listening on `httpPort` (HTTP/1.1) and `grpcPort` (gRPC), answering its pid. */
async function startSharingChild(httpPort: number, grpcPort: number) {
  const script = `
    import { DEFAULT_SESSION_LIMITS, listenGrpc, listenHttp, shareListenerPorts } from "./mod.ts";
    shareListenerPorts(true);
    const pid = new TextEncoder().encode(String(Deno.pid));
    const http = await listenHttp({
      endpoint: "127.0.0.1:${httpPort}",
      limits: ${JSON.stringify(LIMITS)},
      sessionLimits: DEFAULT_SESSION_LIMITS,
      maxConcurrentStreams: 100,
      handler: () => Promise.resolve({ status: 200, headers: {}, body: String(Deno.pid) }),
    });
    const grpc = await listenGrpc({
      endpoint: "127.0.0.1:${grpcPort}",
      methods: new Map([["/test.Pid/Get", () => Promise.resolve(pid)]]),
      limits: { maxRecvMsgBytes: 1 << 20 },
      maxConcurrentStreams: 100,
      sessionLimits: DEFAULT_SESSION_LIMITS,
    });
    console.log("LISTENING");
    for await (const _ of Deno.stdin.readable) { /* until the test closes stdin */ }
    await http.close(100);
    await grpc.close(100);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", "--unstable-net", script],
    cwd: new URL(".", import.meta.url),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  if (!text.startsWith("LISTENING")) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`the child did not listen: ${text} ${await stderr}`);
  }
  return {
    pid: child.pid,
    async close() {
      await child.stdin.close();
      await child.status;
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await stderr;
    },
  };
}

Deno.test("port sharing: off by default, a second listener on a port in use fails", async () => {
  const first = await listenHttp({
    endpoint: "127.0.0.1:0",
    limits: LIMITS,
    sessionLimits: DEFAULT_SESSION_LIMITS,
    maxConcurrentStreams: 100,
    handler: ok,
  });
  try {
    await assert.rejects(
      listenHttp({
        endpoint: `127.0.0.1:${first.port}`,
        limits: LIMITS,
        sessionLimits: DEFAULT_SESSION_LIMITS,
        maxConcurrentStreams: 100,
        handler: ok,
      }),
      /cannot listen on 127\.0\.0\.1:\d+/,
    );
  } finally {
    await first.close(100);
  }
});

Deno.test("port sharing: two processes serve one HTTP port and one gRPC port", async () => {
  const httpPort = freePort();
  const grpcPort = freePort();
  const children = [
    await startSharingChild(httpPort, grpcPort),
    await startSharingChild(httpPort, grpcPort),
  ];
  try {
    // Each request on a new connection: the kernel picks a listener per connection.
    const httpPids = new Set<string>();
    for (let i = 0; i < 40 && httpPids.size < 2; i++) {
      const client = Deno.createHttpClient({});
      const response = await fetch(`http://127.0.0.1:${httpPort}/`, { client });
      httpPids.add(await response.text());
      client.close();
    }
    assert.deepEqual([...httpPids].sort(), children.map((c) => String(c.pid)).sort());
    const grpcPids = new Set<string>();
    for (let i = 0; i < 40 && grpcPids.size < 2; i++) {
      const session = http2.connect(`http://127.0.0.1:${grpcPort}`);
      session.on("error", () => {});
      const answer = await rawGrpcCall(session, "/test.Pid/Get", frameGrpc(new Uint8Array(0)));
      session.close();
      assert.equal(answer.status, 0, answer.message);
      grpcPids.add(new TextDecoder().decode(answer.body.subarray(5)));
    }
    assert.deepEqual([...grpcPids].sort(), children.map((c) => String(c.pid)).sort());
  } finally {
    for (const child of children) await child.close();
  }
});
