// Regression test for the Deno 2.9 `node:http2` abort on client GOAWAY (see @denocol/config http2.ts).
// The receiver runs in a child process, so an abort there fails this test instead of taking
// the test runner down with it.

import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { traces } from "@denocol/pdata";
import { call, makeTraces } from "./test_helpers.ts";

const TRACES_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/** A receiver with a traces sink; prints its gRPC target and runs until stdin closes. */
const CHILD = `
import { startReceiver, tracesSink } from ${
  JSON.stringify(new URL("./test_helpers.ts", import.meta.url).href)
};
const sink = tracesSink();
const r = await startReceiver({ traces: sink }, { http: null });
console.log("TARGET " + r.grpcTarget);
for await (const _ of Deno.stdin.readable) { /* runs until the parent closes stdin */ }
await r.receiver.shutdown();
console.log("SPANS " + sink.count);
`;

interface ChildReceiver {
  target: string;
  process: Deno.ChildProcess;
  /** Settles when the child exits. */
  exited: Promise<Deno.CommandStatus>;
  /** Set once the child has exited. */
  status: Deno.CommandStatus | undefined;
  /** stdout lines after the target line, and stderr, for failure messages. */
  output(): Promise<{ lines: string[]; stderr: string }>;
}

async function startChild(): Promise<ChildReceiver> {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", CHILD],
    cwd: new URL(".", import.meta.url),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderrText = new Response(process.stderr).text();
  let buffered = "";
  const deadline = Date.now() + 20_000;
  while (!buffered.includes("\n") && Date.now() < deadline) {
    const { value, done } = await stdout.read();
    if (done) break;
    buffered += value;
  }
  const first = buffered.split("\n")[0];
  if (!first.startsWith("TARGET ")) {
    process.kill("SIGKILL");
    await process.status;
    throw new Error(`receiver child did not start: ${first} ${await stderrText}`);
  }
  const child: ChildReceiver = {
    target: first.slice("TARGET ".length).trim(),
    process,
    exited: process.status,
    status: undefined,
    output: async () => {
      let rest = buffered.slice(buffered.indexOf("\n") + 1);
      for (;;) {
        const { value, done } = await stdout.read();
        if (done) break;
        rest += value;
      }
      return { lines: rest.split("\n").filter((l) => l !== ""), stderr: await stderrText };
    },
  };
  child.exited.then((status) => (child.status = status));
  return child;
}

Deno.test("otlp grpc: clients that close their channels round after round do not abort the receiver", async () => {
  const child = await startChild();
  const body = traces.encodeProto(makeTraces(5));
  const clients = 8;
  const rounds = 8;
  let accepted = 0;
  const errors: string[] = [];
  try {
    // The shape that aborted Deno 2.9.6 in 5 runs out of 5 without the fix: several clients
    // sharing a connection, each closing its channel (GOAWAY, then the socket) after a few
    // closely spaced calls.
    for (let round = 0; round < rounds && child.status === undefined; round++) {
      await Promise.all(Array.from({ length: clients }, async (_, i) => {
        const client = new grpc.Client(child.target, grpc.credentials.createInsecure());
        try {
          for (let k = 0; k < 10 + i * 3 && child.status === undefined; k++) {
            const result = await call(client, TRACES_PATH, body);
            if (result.error === null) accepted++;
            else errors.push(`${grpc.status[result.error.code]}: ${result.error.details}`);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        } finally {
          client.close();
        }
      }));
    }
    // Still serving: a fresh channel gets an answer.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const probe = new grpc.Client(child.target, grpc.credentials.createInsecure());
    const last = await call(probe, TRACES_PATH, body);
    probe.close();
    assert.equal(
      child.status,
      undefined,
      `receiver process exited with ${JSON.stringify(child.status)}`,
    );
    assert.equal(last.error, null, `receiver stopped serving: ${last.error?.message}`);
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} calls failed`);
    accepted++;
  } finally {
    await child.process.stdin.close().catch(() => {});
    const timer = setTimeout(() => child.process.kill("SIGKILL"), 10_000);
    await child.exited;
    clearTimeout(timer);
  }
  const { lines, stderr } = await child.output();
  assert.equal((await child.exited).code, 0, `receiver child failed: ${stderr.slice(-2000)}`);
  // Every acknowledged call's spans reached the child's pipeline.
  assert.deepEqual(lines, [`SPANS ${accepted * 5}`], stderr.slice(-2000));
});
