// A worker process (`otelcol/main.ts --worker-process`) driven by the test as its supervisor:
// configuration and memory of the rest of the collector in on stdin, messages out on stdout.

import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { freePort } from "@denocol/exporter/exportertest";
import { traces, TracesDataSchema } from "@denocol/pdata";
import { parseYaml } from "@denocol/service";
import { until } from "./process_testutil_test.ts";
import {
  nodeFromJson,
  nodeToJson,
  parseMessageLine,
  readLines,
  type SupervisorMessage,
  type WorkerMessage,
} from "./worker_protocol.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;
const MIB = 1024 * 1024;

Deno.test("worker protocol: a configuration tree survives JSON with its positions and texts", () => {
  const tree = parseYaml(
    "a:\n  b: [1, .inf, '0750', null]\n  c: ${env:X}\n",
    "config.yaml",
  );
  const copy = nodeFromJson(JSON.parse(JSON.stringify(nodeToJson(tree))));
  assert.deepEqual(copy, tree);
  assert.deepEqual(parseMessageLine("t0k", '\u001et0k{"type":"ready"}'), { type: "ready" });
  assert.equal(parseMessageLine("t0k", '\u001eother{"type":"ready"}'), undefined);
  assert.equal(parseMessageLine("t0k", "Traces: 1 resource"), undefined);
});

Deno.test({
  name: "worker: counts what the supervisor says the rest of the collector holds in its memory " +
    "limiter, and reports its own memory",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const port = freePort();
  const config = parseYaml(
    `
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${port}
processors:
  memory_limiter:
    check_interval: 50ms
    limit_mib: 4096
exporters:
  nop:
service:
  telemetry:
    logs:
      encoding: json
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter]
      exporters: [nop]
`,
    "config.yaml",
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", MAIN, "--worker-process"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const send = (message: SupervisorMessage) =>
    stdin.write(new TextEncoder().encode(`${JSON.stringify(message)}\n`));
  const messages: WorkerMessage[] = [];
  const reading = readLines(child.stdout, (lines) => {
    for (const line of lines) {
      const message = parseMessageLine("token", line);
      if (message !== undefined) messages.push(message);
    }
  });
  const stderr = new Response(child.stderr).text();
  const post = async () => {
    const body = traces.encodeProto(create(TracesDataSchema, {
      resourceSpans: [{ scopeSpans: [{ spans: [{ name: "s" }] }] }],
    }));
    const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: body as Uint8Array<ArrayBuffer>,
    });
    await response.body?.cancel();
    return response.status;
  };
  try {
    await send({
      type: "init",
      index: 0,
      count: 2,
      token: "token",
      config: nodeToJson(config),
      featureGates: "",
    });
    await until("the worker is ready", () => messages.some((m) => m.type === "ready"));
    await until(
      "the worker reports its memory",
      () => messages.some((m) => m.type === "memory" && m.bytes > MIB),
    );
    assert.equal(await post(), 200);
    // The rest of the collector holds more than the soft limit (3,276.8 MiB).
    await send({ type: "memory", elsewhere: 4000 * MIB });
    let refused = 0;
    for (let i = 0; i < 100 && refused === 0; i++) {
      if (await post() === 503) refused++;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(refused, 1, "the memory held elsewhere did not count");
    await send({ type: "memory", elsewhere: 0 });
    let accepted = 0;
    for (let i = 0; i < 100 && accepted === 0; i++) {
      if (await post() === 200) accepted++;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(accepted, 1);
    const logLines = messages.filter((m) => m.type === "log").map((m) => m.line);
    assert.ok(
      logLines.some((line) => JSON.parse(line)["otelcol.worker"] === 0),
      "log lines carry the worker's number",
    );
    // Without its supervisor (stdin closed), the worker exits at once.
    await stdin.close();
    const status = await child.status;
    assert.equal(status.code, 3, await stderr);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // exited
    }
    await child.status;
    await reading;
    await stderr;
  }
});
