// OTLP/HTTP under slow and hostile clients: raw TCP connections that stall in their head, trickle
// their body or sit idle, while a well-behaved client keeps being served.

import assert from "node:assert/strict";
import { RawClient, startChildServer } from "@denocol/config/configtest";
import { traces } from "@denocol/pdata";
import { defaultHttpConfig } from "./config.ts";
import { makeTraces, startReceiver, tracesSink } from "./test_helpers.ts";

const TRACES_BODY = traces.encodeProto(makeTraces(5));

async function postTraces(url: string): Promise<number> {
  const response = await fetch(`${url}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/x-protobuf" },
    body: TRACES_BODY as Uint8Array<ArrayBuffer>,
  });
  await response.body?.cancel();
  return response.status;
}

Deno.test("otlp http: confighttp timeouts and keep-alive settings have Go's defaults", () => {
  const http = defaultHttpConfig();
  assert.deepEqual(
    {
      read_timeout: http.read_timeout,
      read_header_timeout: http.read_header_timeout,
      write_timeout: http.write_timeout,
      idle_timeout: http.idle_timeout,
      keep_alives_enabled: http.keep_alives_enabled,
      max_request_body_size: http.max_request_body_size,
    },
    {
      read_timeout: "0s",
      read_header_timeout: "1m",
      write_timeout: "30s",
      idle_timeout: "1m",
      keep_alives_enabled: true,
      max_request_body_size: 20 * 1024 * 1024,
    },
  );
});

Deno.test("otlp http: stalled heads, stalled bodies and idle keep-alives are closed", async () => {
  const sink = tracesSink();
  await using receiver = await startReceiver({ traces: sink }, {
    grpc: null,
    http: { read_header_timeout: "300ms", read_timeout: "800ms", idle_timeout: "300ms" },
  });
  const port = Number(new URL(receiver.httpUrl).port);
  const head = await RawClient.connect(port);
  const body = await RawClient.connect(port);
  const idle = await RawClient.connect(port);
  try {
    await head.write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: applic");
    await body.write(
      "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n" +
        "Content-Length: 1000\r\n\r\n\x0a",
    );
    await idle.write(
      `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n` +
        `Content-Length: ${TRACES_BODY.length}\r\n\r\n`,
    );
    await idle.write(TRACES_BODY);
    // A good client is served while the three hold their connections.
    assert.equal(await postTraces(receiver.httpUrl), 200);
    const texts = await Promise.all([head, body, idle].map((c) => c.read(() => false, 15_000)));
    assert.ok(head.closed, "a head that never ends is closed after read_header_timeout");
    assert.ok(body.closed, "a body that never ends is closed after read_timeout");
    assert.match(texts[1], /^HTTP\/1.1 408 /);
    assert.ok(idle.closed, "an idle keep-alive connection is closed after idle_timeout");
    assert.match(texts[2], /^HTTP\/1.1 200 /);
    assert.equal(sink.count, 10, "only the two complete requests reached the pipeline");
  } finally {
    for (const client of [head, body, idle]) client.close();
  }
});

Deno.test("otlp http: keep_alives_enabled false closes the connection after each answer", async () => {
  await using receiver = await startReceiver({ traces: tracesSink() }, {
    grpc: null,
    http: { keep_alives_enabled: false },
  });
  const port = Number(new URL(receiver.httpUrl).port);
  const client = await RawClient.connect(port);
  try {
    await client.write(
      `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n` +
        `Content-Length: ${TRACES_BODY.length}\r\n\r\n`,
    );
    await client.write(TRACES_BODY);
    const text = await client.read(() => false);
    assert.match(text, /^HTTP\/1.1 200 /);
    assert.match(text, /\r\nconnection: close\r\n/i);
    assert.ok(client.closed);
  } finally {
    client.close();
  }
});

/** A receiver with a traces sink in a child process, so that its memory is its own. */
const CHILD_RECEIVER = `
import { startReceiver, tracesSink } from ${
  JSON.stringify(new URL("./test_helpers.ts", import.meta.url).href)
};
const r = await startReceiver({ traces: tracesSink() }, { grpc: null });
console.log("PORT " + new URL(r.httpUrl).port);
for await (const _ of Deno.stdin.readable) { /* until the parent closes stdin */ }
await r.receiver.shutdown();
`;

Deno.test("otlp http: trickled bodies cost about what was received and starve no one", async () => {
  await using child = await startChildServer(CHILD_RECEIVER, new URL(".", import.meta.url));
  const url = `http://127.0.0.1:${child.port}`;
  const tricklers = await Promise.all(
    Array.from({ length: 8 }, () => RawClient.connect(child.port)),
  );
  try {
    for (const client of tricklers) {
      await client.write(
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n" +
          "Content-Length: 20000000\r\n\r\n",
      );
    }
    // Settle the allocations of the first request on each connection before measuring.
    assert.equal(await postTraces(url), 200);
    const before = child.rssBytes();
    let served = 0;
    for (let round = 0; round < 1000; round++) {
      for (const client of tricklers) await client.write("\x0a");
      await new Promise((wake) => setTimeout(wake, 1));
      if (round % 200 === 0 && await postTraces(url) === 200) served++;
    }
    const grownMib = (child.rssBytes() - before) / (1024 * 1024);
    assert.equal(served, 5, "every request of the good client succeeded");
    // 8,000 bytes arrived one read at a time: the body buffers hold them, untouched pages aside.
    assert.ok(grownMib < 24, `RSS grew ${grownMib.toFixed(1)} MiB for 8,000 trickled bytes`);
  } finally {
    for (const client of tricklers) client.close();
  }
});

Deno.test("otlp http: a request still being read at shutdown is answered 503 with Connection: close", async () => {
  const receiver = await startReceiver({ traces: tracesSink() }, { grpc: null });
  const port = Number(new URL(receiver.httpUrl).port);
  const client = await RawClient.connect(port);
  try {
    await client.write(
      "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n" +
        "Content-Length: 5000\r\n\r\n\x0a\x00",
    );
    // The head has arrived once a second request is answered on another connection.
    assert.equal(await postTraces(receiver.httpUrl), 200);
    const stopping = receiver.receiver.shutdown();
    const text = await client.read(() => false);
    await stopping;
    assert.match(text, /^HTTP\/1.1 503 /);
    assert.match(text, /\r\nconnection: close\r\n/i);
    assert.match(text, /shutting down/);
    assert.ok(client.closed);
  } finally {
    client.close();
  }
});
