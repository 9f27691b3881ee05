import assert from "node:assert/strict";
import * as http2 from "node:http2";
import { guardSessionTeardown } from "./mod.ts";

Deno.test("guardSessionTeardown delivers goaway and closes the session after the current task", async () => {
  const server = http2.createServer();
  const serverSessions: http2.ServerHttp2Session[] = [];
  server.on("session", (session) => {
    guardSessionTeardown(session);
    guardSessionTeardown(session); // a second call changes nothing
    serverSessions.push(session);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  try {
    const client = http2.connect(`http://127.0.0.1:${port}`);
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    while (serverSessions.length === 0) await new Promise((r) => setTimeout(r, 5));
    const session = serverSessions[0];
    const order: string[] = [];
    const closed = new Promise<void>((resolve) => session.once("close", () => resolve()));
    session.on("goaway", () => order.push("goaway"));
    session.close(() => order.push("close callback"));
    order.push("after close()");
    assert.equal(session.closed, false, "close() must not run synchronously");
    client.close();
    await closed;
    assert.deepEqual(order.slice(0, 1), ["after close()"]);
    assert.ok(order.includes("close callback"), order.join(", "));
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
