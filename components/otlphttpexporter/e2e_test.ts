// The issue-7 end-to-end check: 100,000 spans through a real collector process (otlp receiver →
// otlphttp exporter with a file_storage sending queue) while the backend goes down twice and the
// collector is SIGKILLed and restarted once. The kill comes at the instant the client receives a
// 200 during the second outage, before the client does anything else: the request just
// acknowledged exists only in the queue's store then, so a queue that answered before its write
// was committed loses it. Every sequence number must reach the backend; duplicates are allowed
// (at-least-once) and reported.

import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { traces, TracesDataSchema } from "@denocol/pdata";
import { freePort } from "@denocol/exporter/exportertest";
import { gunzip } from "./testutil_test.ts";

const TOTAL_SPANS = 100_000;
const SPANS_PER_REQUEST = 500;
const REQUESTS = TOTAL_SPANS / SPANS_PER_REQUEST;
const CLIENT_WORKERS = 4;
const BACKEND_DOWN_MS = 2500;
const DEADLINE_MS = 60_000;
const STALL_MS = 8_000;
/** The kill comes with this acknowledgement in the second outage, so that the store holds
 * requests in flight, waiting and just acknowledged (queue_size is 20). */
const KILL_AT_OUTAGE_ACK = 5;

const MAIN = new URL("../../otelcol/main.ts", import.meta.url).pathname;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, checking every 10 ms, or throws after `timeoutMs`. */
async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
}

/** One export request body: spans named by their sequence numbers. */
function requestBody(index: number): Uint8Array {
  const first = index * SPANS_PER_REQUEST;
  return traces.encodeProto(create(TracesDataSchema, {
    resourceSpans: [{
      resource: {
        attributes: [{
          key: "service.name",
          value: { value: { case: "stringValue", value: "e2e" } },
        }],
      },
      scopeSpans: [{
        spans: Array.from({ length: SPANS_PER_REQUEST }, (_, i) => ({
          traceId: new Uint8Array(16).fill(1),
          spanId: new Uint8Array(8).fill(2),
          name: String(first + i),
          startTimeUnixNano: 1n,
          endTimeUnixNano: 2n,
        })),
      }],
    }],
  }));
}

/** The backend: counts every sequence number it accepts; can be stopped and restarted on its port. */
class Backend {
  readonly port = freePort();
  readonly seen = new Uint16Array(TOTAL_SPANS);
  requests = 0;
  #server: Deno.HttpServer | undefined;

  up(): void {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: this.port, onListen: () => {} },
      async (request) => {
        let body: Uint8Array = new Uint8Array(await request.arrayBuffer());
        if (request.headers.get("content-encoding") === "gzip") body = await gunzip(body);
        for (const rs of traces.decodeProto(body).resourceSpans) {
          for (const ss of rs.scopeSpans) {
            for (const span of ss.spans) {
              this.seen[Number(span.name)]++;
            }
          }
        }
        this.requests++;
        return new Response(null, { status: 200 });
      },
    );
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.shutdown();
  }

  missing(): number[] {
    const out: number[] = [];
    this.seen.forEach((count, seq) => count === 0 && out.push(seq));
    return out;
  }

  duplicates(): number {
    let extra = 0;
    for (const count of this.seen) if (count > 1) extra += count - 1;
    return extra;
  }
}

/** The collector as a child process, its output appended to a log file. */
class Collector {
  #child: Deno.ChildProcess | undefined;
  #pumps: Promise<void>[] = [];
  starts = 0;

  constructor(
    readonly configFile: string,
    readonly logFile: string,
    readonly receiverPort: number,
  ) {}

  async start(): Promise<void> {
    this.starts++;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "--config", this.configFile],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    const log = await Deno.open(this.logFile, { append: true, create: true });
    const write = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) await log.write(chunk);
    };
    this.#pumps.push(
      Promise.all([write(child.stdout), write(child.stderr)]).then(() => log.close()),
    );
    // Ready when the receiver accepts connections.
    const deadline = performance.now() + 20_000;
    for (;;) {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port: this.receiverPort })).close();
        return;
      } catch {
        if (performance.now() > deadline) {
          throw new Error(`collector did not start within 20 s; see ${this.logFile}`);
        }
        await sleep(50);
      }
    }
  }

  /**
   * SIGKILL, sent synchronously so that it lands at the instant of the caller's choosing: no
   * shutdown, no drain; what the queue holds must survive in file_storage.
   */
  killNow(): Promise<Deno.CommandStatus> {
    const child = this.#child!;
    child.kill("SIGKILL");
    return child.status;
  }

  async stop(): Promise<Deno.CommandStatus | undefined> {
    try {
      this.#child?.kill("SIGTERM");
    } catch {
      // Already exited (a failed start); its status says how.
    }
    const status = await this.#child?.status;
    await Promise.all(this.#pumps);
    return status;
  }
}

Deno.test({
  name: "e2e: 100,000 spans through receiver → otlphttp with file_storage, backend down twice, " +
    "collector SIGKILLed and restarted; every span arrives",
  // The collector's own sockets and timers live in the child process; the test's fetch
  // connections may still be closing when it ends.
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "denocol-e2e-" });
  const backend = new Backend();
  const receiverPort = freePort();
  const config = `
extensions:
  file_storage:
    directory: ${dir}/storage
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${receiverPort}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${backend.port}
    timeout: 2s
    retry_on_failure:
      initial_interval: 100ms
      max_interval: 500ms
      max_elapsed_time: 0s
    sending_queue:
      storage: file_storage
      queue_size: 20
service:
  extensions: [file_storage]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [otlphttp]
`;
  await Deno.mkdir(`${dir}/storage`);
  await Deno.writeTextFile(`${dir}/config.yaml`, config);
  const collector = new Collector(`${dir}/config.yaml`, `${dir}/collector.log`, receiverPort);
  const started = performance.now();
  const events: string[] = [];
  let acked = 0;
  /** Set while the kill is armed; a worker calls it the moment it receives a 200. */
  let killOnAck: ((index: number) => void) | undefined;
  let refusals = 0;
  let connectionErrors = 0;
  let passed = false;
  try {
    backend.up();
    await collector.start();

    // The client: workers take the next request and retry it until the collector accepts it,
    // as an OTLP client must on 429/502/503/504 and on connection failures.
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < REQUESTS; index = next++) {
        const body = requestBody(index);
        for (let attempt = 0;; attempt++) {
          if (performance.now() - started > DEADLINE_MS) throw new Error("client deadline passed");
          let status: number;
          try {
            const response = await fetch(`http://127.0.0.1:${receiverPort}/v1/traces`, {
              method: "POST",
              headers: { "content-type": "application/x-protobuf" },
              body: body as Uint8Array<ArrayBuffer>,
            });
            status = response.status;
            // The kill comes before anything else the client does with the answer.
            if (status === 200) killOnAck?.(index);
            await response.body?.cancel();
          } catch {
            connectionErrors++;
            await sleep(Math.min(50 * 2 ** attempt, 500));
            continue;
          }
          if (status === 200) break;
          if ([429, 502, 503, 504].includes(status)) {
            refusals++;
            await sleep(Math.min(50 * 2 ** attempt, 500));
            continue;
          }
          throw new Error(`request ${index}: the collector answered ${status} (not retryable)`);
        }
        acked++;
      }
    };
    const client = Promise.all(Array.from({ length: CLIENT_WORKERS }, worker));
    client.catch(() => {});

    // Acknowledged by the collector but not yet at the backend when the collector was killed:
    // these exist only in file_storage.
    let pendingAtKill = 0;
    let killedAfterRequest = -1;
    const scenario = async () => {
      const note = (what: string) =>
        events.push(`${what} at ${acked}/${REQUESTS} requests acknowledged`);
      await until("10% acknowledged", () => acked >= REQUESTS * 0.1, DEADLINE_MS);
      note("backend down");
      await backend.down();
      await sleep(BACKEND_DOWN_MS);
      backend.up();
      note("backend up");
      // The second outage: the collector is killed the moment it acknowledges a request the
      // backend cannot have, and restarted while the backend is still down, so the restarted
      // collector must send what it had stored.
      await until("45% acknowledged", () => acked >= REQUESTS * 0.45, DEADLINE_MS);
      note("backend down");
      await backend.down();
      await new Promise<Deno.CommandStatus>((resolve, reject) => {
        const timer = setTimeout(() => {
          killOnAck = undefined;
          reject(new Error(`fewer than ${KILL_AT_OUTAGE_ACK} requests acknowledged in the outage`));
        }, DEADLINE_MS);
        let acksInOutage = 0;
        killOnAck = (index) => {
          if (++acksInOutage < KILL_AT_OUTAGE_ACK) return;
          const status = collector.killNow();
          killOnAck = undefined;
          clearTimeout(timer);
          killedAfterRequest = index;
          // The request just acknowledged is not counted in `acked` yet.
          pendingAtKill = (acked + 1) * SPANS_PER_REQUEST -
            (TOTAL_SPANS - backend.missing().length);
          resolve(status);
        };
      });
      note(`collector SIGKILL at the 200 for request ${killedAfterRequest}`);
      await sleep(300);
      await collector.start();
      note("collector restarted");
      await sleep(BACKEND_DOWN_MS / 2);
      backend.up();
      note("backend up");
    };
    await Promise.all([client, scenario()]);

    // Everything was acknowledged by the collector; now its queue drains to the backend. Give
    // up once nothing new has arrived for a while (what is missing then is lost).
    let arrived = -1;
    let lastProgress = performance.now();
    while (backend.missing().length > 0 && performance.now() - started < DEADLINE_MS) {
      const now = TOTAL_SPANS - backend.missing().length;
      if (now !== arrived) [arrived, lastProgress] = [now, performance.now()];
      if (performance.now() - lastProgress > STALL_MS) break;
      await sleep(100);
    }
    const missing = backend.missing();
    const duplicates = backend.duplicates();
    console.log(
      `e2e: ${TOTAL_SPANS} spans in ${REQUESTS} requests; ${events.join("; ")}; ` +
        `${pendingAtKill} acknowledged spans only in file_storage at the kill; ` +
        `client retries: ${refusals} refusals, ${connectionErrors} connection errors; ` +
        `backend: ${backend.requests} requests, ${TOTAL_SPANS - missing.length} distinct spans, ` +
        `${duplicates} duplicates; ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.equal(collector.starts, 2);
    assert.ok(pendingAtKill > 0, "the kill must find acknowledged spans not yet delivered");
    // Each disruption must have happened while the client was still sending.
    assert.equal(events.length, 6);
    assert.ok(
      events.every((e) => !e.includes(`at ${REQUESTS}/`)),
      `a disruption came after the client had finished: ${events.join("; ")}`,
    );
    assert.deepEqual(
      missing.slice(0, 20),
      [],
      `${missing.length} spans never reached the backend (first shown); log: ${dir}/collector.log`,
    );
    passed = true;
  } finally {
    await collector.stop();
    await backend.down();
    if (passed) await Deno.remove(dir, { recursive: true });
    else console.error(`collector log kept in ${dir}/collector.log`);
  }
});
