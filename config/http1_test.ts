import assert from "node:assert/strict";
import { type Http1Limits, listenHttp, type RunningServer, type ServerHandler } from "./mod.ts";
import { DEFAULT_SESSION_LIMITS } from "./http2_session.ts";
import { RawClient, startChildServer } from "./configtest/mod.ts";

const LIMITS: Http1Limits = {
  readHeaderTimeoutMs: 60_000,
  readTimeoutMs: 0,
  writeTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  keepAlivesEnabled: true,
  maxHeaderBytes: 1 << 20,
};

const echo: ServerHandler = async (request) => {
  const body = await request.readBody(1 << 20);
  return {
    status: 200,
    headers: { "content-type": "text/plain" },
    body: `${request.method} ${request.path} ${body.length} ${new TextDecoder().decode(body)}`,
  };
};

async function serve(
  handler: ServerHandler = echo,
  limits: Partial<Http1Limits> = {},
): Promise<RunningServer & AsyncDisposable> {
  const server = await listenHttp({
    endpoint: "127.0.0.1:0",
    limits: { ...LIMITS, ...limits },
    sessionLimits: DEFAULT_SESSION_LIMITS,
    maxConcurrentStreams: 100,
    handler,
  });
  return Object.assign(server, { [Symbol.asyncDispose]: () => server.close(1000) });
}

const responses = (text: string) => text.split("HTTP/1.1 ").length - 1;

Deno.test("http1: keep-alive, pipelining, chunked bodies and Expect: 100-continue", async () => {
  await using server = await serve();
  const client = await RawClient.connect(server.port);
  try {
    await client.write(
      "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
        "POST /b?q=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nTrailer: x\r\n\r\n",
    );
    const text = await client.read((t) => t.includes("POST /b 7 abcdefg"));
    assert.match(text, /POST \/a 5 hello/);
    assert.match(text, /POST \/b 7 abcdefg/);
    assert.equal(responses(text), 2);
    assert.ok(!client.closed, "the connection stays open between requests");

    client.text = "";
    await client.write(
      "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n",
    );
    assert.match(await client.read((t) => t.includes("100 Continue")), /HTTP\/1.1 100 Continue/);
    await client.write("xyz");
    assert.match(await client.read((t) => t.includes("xyz")), /POST \/c 3 xyz/);
  } finally {
    client.close();
  }
});

Deno.test("http1: malformed and smuggling-prone heads are refused and the connection closed", async () => {
  await using server = await serve();
  const cases: [string, RegExp][] = [
    [
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      /^HTTP\/1.1 400 /,
    ],
    ["POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", /^HTTP\/1.1 400 /],
    ["POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", /^HTTP\/1.1 400 /],
    ["POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", /^HTTP\/1.1 501 /],
    ["POST / HTTP/1.1\r\nBad Name: x\r\n\r\n", /^HTTP\/1.1 400 /],
    ["POST / HTTP/2.0\r\n\r\n", /^HTTP\/1.1 505 /],
    ["GARBAGE\r\n\r\n", /^HTTP\/1.1 400 /],
    [`GET / HTTP/1.1\r\nX: ${"a".repeat(1_100_000)}\r\n\r\n`, /^HTTP\/1.1 431 /],
  ];
  for (const [request, expected] of cases) {
    const client = await RawClient.connect(server.port);
    try {
      await client.write(request).catch(() => 0);
      const text = await client.read(() => false);
      assert.match(text, expected, JSON.stringify(request.slice(0, 60)));
      assert.ok(client.closed, `closed after ${JSON.stringify(request.slice(0, 60))}`);
    } finally {
      client.close();
    }
  }
});

Deno.test("http1: stalled heads, bodies and idle connections are closed by their timeouts", async () => {
  await using server = await serve(echo, {
    readHeaderTimeoutMs: 300,
    readTimeoutMs: 600,
    idleTimeoutMs: 300,
  });
  const partialHead = await RawClient.connect(server.port);
  const partialBody = await RawClient.connect(server.port);
  const idle = await RawClient.connect(server.port);
  try {
    await partialHead.write("POST / HTTP/1.1\r\nHost: x\r\n");
    await partialBody.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
    await idle.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz");
    const [head, body, kept] = await Promise.all([
      partialHead.read(() => false),
      partialBody.read(() => false),
      idle.read(() => false),
    ]);
    assert.ok(partialHead.closed, "a head that never ends is cut off");
    assert.equal(head, "");
    assert.ok(partialBody.closed, "a body that never ends is cut off");
    assert.match(body, /^HTTP\/1.1 408 /);
    assert.ok(idle.closed, "an idle kept-alive connection is closed");
    assert.match(kept, /^HTTP\/1.1 200 /);
  } finally {
    for (const client of [partialHead, partialBody, idle]) client.close();
  }
});

Deno.test("http1: each request restarts the idle timeout; a shorter header timeout still applies", async () => {
  await using server = await serve(echo, { idleTimeoutMs: 1000, readHeaderTimeoutMs: 150 });
  const request = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz";
  // Six requests 250 ms apart keep the connection for longer than the 1 s idle timeout: each
  // moves the deadline later.
  const kept = await RawClient.connect(server.port);
  let stalled: RawClient | undefined;
  try {
    for (let i = 1; i <= 6; i++) {
      await kept.write(request);
      await kept.read((text) => responses(text) === i, 2000);
      assert.equal(responses(kept.text), i, `answer ${i}`);
      assert.ok(!kept.closed, `open after request ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // After one request and 300 ms of idleness, a partial head is cut off by the 150 ms header
    // timeout, well before the idle deadline (700 ms later) would have ended the connection.
    stalled = await RawClient.connect(server.port);
    await stalled.write(request);
    await stalled.read((text) => responses(text) === 1, 2000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    await stalled.write("POST / HTTP/1.1\r\nHost: x\r\n");
    await stalled.read(() => false, 2000);
    const waited = performance.now() - started;
    assert.ok(stalled.closed, "a partial head is cut off");
    assert.ok(waited < 500, `closed by the 150 ms header timeout, after ${waited.toFixed(0)} ms`);
  } finally {
    kept.close();
    stalled?.close();
  }
});

Deno.test("http1: keep_alives_enabled false answers with Connection: close", async () => {
  await using server = await serve(echo, { keepAlivesEnabled: false });
  const response = await fetch(`http://127.0.0.1:${server.port}/x`, {
    method: "POST",
    body: "abc",
  });
  assert.equal(response.headers.get("connection"), "close");
  assert.equal(await response.text(), "POST /x 3 abc");
});

/** A server reading every body, in a child process so that its memory is its own. */
const CHILD_SERVER = `
import { listenHttp } from ${JSON.stringify(new URL("./mod.ts", import.meta.url).href)};
import { DEFAULT_SESSION_LIMITS } from ${
  JSON.stringify(new URL("./http2_session.ts", import.meta.url).href)
};
const server = await listenHttp({
  endpoint: "127.0.0.1:0",
  limits: ${JSON.stringify(LIMITS)},
  sessionLimits: DEFAULT_SESSION_LIMITS,
  maxConcurrentStreams: 100,
  handler: async (request) => {
    await request.readBody(30_000_000);
    return { status: 200 };
  },
});
console.log("PORT " + server.port);
for await (const _ of Deno.stdin.readable) { /* until the parent closes stdin */ }
await server.close(1000);
`;

Deno.test("http1: a body trickled a byte at a time costs about what was received", async () => {
  await using server = await startChildServer(CHILD_SERVER, new URL(".", import.meta.url));
  const clients = await Promise.all(
    Array.from({ length: 4 }, () => RawClient.connect(server.port)),
  );
  try {
    for (const client of clients) {
      await client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n");
    }
    const before = server.rssBytes();
    for (let i = 0; i < 400; i++) {
      for (const client of clients) await client.write("x");
      await new Promise((wake) => setTimeout(wake, 1));
    }
    // The good client is served while the tricklers hold their connections.
    const response = await fetch(`http://127.0.0.1:${server.port}/ok`, { method: "POST" });
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const grown = (server.rssBytes() - before) / (1024 * 1024);
    // 1,600 bytes received in 1,600 reads: the body buffers hold them, untouched pages aside.
    assert.ok(grown < 16, `RSS grew ${grown.toFixed(1)} MiB for 1,600 trickled bytes`);
  } finally {
    for (const client of clients) client.close();
  }
});

Deno.test("http1: shutdown answers a request still being read with 503 and Connection: close", async () => {
  let handled = 0;
  const server = await serve(async (request) => {
    handled++;
    await request.readBody(1 << 20);
    return { status: 200 };
  });
  const reading = await RawClient.connect(server.port);
  const idle = await RawClient.connect(server.port);
  try {
    await reading.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc");
    while (handled === 0) await new Promise((wake) => setTimeout(wake, 5));
    await server.close(2000);
    const text = await reading.read(() => false);
    assert.match(text, /^HTTP\/1.1 503 /);
    assert.match(text, /connection: close/i);
    assert.ok(reading.closed);
    await idle.read(() => false);
    assert.ok(idle.closed, "an idle connection is closed at shutdown");
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: server.port }));
  } finally {
    reading.close();
    idle.close();
  }
});
