/**
 * Hostile clients for the testbed: each runs until its signal aborts and reports what it did.
 * They speak raw TCP and raw HTTP/2 because no well-behaved client library sends what they send:
 * bodies trickled a byte at a time, heads that never end, streams opened and cancelled at once,
 * thousands of streams that never finish, and bodies of millions of tiny messages.
 *
 * @module
 */

import * as http2 from "node:http2";
import { guardSessionTeardown } from "@denocol/config";

/** What an attacker did, for the scenario's figures. */
export interface AttackReport {
  /** The attack's name. */
  name: string;
  /** Connections opened. */
  connections: number;
  /** Requests or streams sent. */
  requests: number;
  /** Answers by status (`413`, `grpc 8`, `goaway 11`, `closed`...). */
  answers: Record<string, number>;
}

function count(report: AttackReport, answer: string): void {
  report.answers[answer] = (report.answers[answer] ?? 0) + 1;
}

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

async function connect(port: number): Promise<Deno.TcpConn | undefined> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return conn;
  } catch {
    return undefined;
  }
}

/** Reads whatever the server sends until it closes; records the status line it answered with. */
async function watch(conn: Deno.TcpConn, report: AttackReport): Promise<void> {
  const buffer = new Uint8Array(4096);
  let text = "";
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      if (text.length < 64) text += new TextDecoder().decode(buffer.subarray(0, n));
    }
  } catch {
    // reset
  }
  count(report, /^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? "closed");
}

/**
 * Connections that declare a 20 MB body and trickle it, one byte per connection every few
 * milliseconds, reconnecting when the server closes them.
 */
export async function trickleBodies(
  port: number,
  connections: number,
  signal: AbortSignal,
): Promise<AttackReport> {
  const report: AttackReport = { name: "trickle", connections: 0, requests: 0, answers: {} };
  const one = async () => {
    while (!signal.aborted) {
      const conn = await connect(port);
      if (conn === undefined) return;
      report.connections++;
      report.requests++;
      const watching = watch(conn, report);
      try {
        await conn.write(new TextEncoder().encode(
          "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n" +
            "Content-Length: 20000000\r\n\r\n",
        ));
        while (!signal.aborted) {
          await conn.write(new Uint8Array([0x0a]));
          await sleep(5);
        }
      } catch {
        // closed by the server: reconnect
      }
      try {
        conn.close();
      } catch {
        // already closed
      }
      await watching;
    }
  };
  await Promise.all(Array.from({ length: connections }, one));
  return report;
}

/** Connections that send part of a request head, or a whole request and then nothing. */
export async function stalledConnections(
  port: number,
  connections: number,
  signal: AbortSignal,
): Promise<AttackReport> {
  const report: AttackReport = { name: "stalled", connections: 0, requests: 0, answers: {} };
  const one = async (i: number) => {
    while (!signal.aborted) {
      const conn = await connect(port);
      if (conn === undefined) return;
      report.connections++;
      const watching = watch(conn, report);
      try {
        await conn.write(new TextEncoder().encode(
          i % 2 === 0
            ? "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Ty"
            : "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n" +
              "Content-Length: 0\r\n\r\n",
        ));
        report.requests++;
      } catch {
        // closed
      }
      const closed = watching.then(() => "closed" as const);
      const aborted = new Promise<"aborted">((resolve) =>
        signal.addEventListener("abort", () => resolve("aborted"), { once: true })
      );
      await Promise.race([closed, aborted]);
      try {
        conn.close();
      } catch {
        // already closed
      }
      await watching;
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, i) => one(i)));
  return report;
}

function connectHttp2(port: number): http2.ClientHttp2Session {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  // The collector answers these attacks with GOAWAY; without the guard Deno 2.9's node:http2
  // aborts the attacking process itself (see @denocol/config http2.ts).
  guardSessionTeardown(session);
  session.on("error", () => {});
  return session;
}

/** One connection after another that opens gRPC streams and cancels them at once. */
export async function rapidReset(port: number, signal: AbortSignal): Promise<AttackReport> {
  const report: AttackReport = { name: "rapid-reset", connections: 0, requests: 0, answers: {} };
  while (!signal.aborted) {
    const session = connectHttp2(port);
    report.connections++;
    session.on("goaway", (code: number) => count(report, `goaway ${code}`));
    try {
      while (!signal.aborted && !session.closed && !session.destroyed) {
        for (let i = 0; i < 100; i++) {
          const stream = session.request({
            ":method": "POST",
            ":path": "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
            "content-type": "application/grpc",
          });
          stream.on("error", () => {});
          stream.close(http2.constants.NGHTTP2_CANCEL);
          report.requests++;
        }
        await sleep(1);
      }
    } catch {
      // the session went away
    }
    session.destroy();
    await sleep(10);
  }
  return report;
}

/**
 * One connection that opens `streams` gRPC calls, each sending the first bytes of a 1 MB
 * message and never the rest.
 */
export async function manyStreams(
  port: number,
  streams: number,
  signal: AbortSignal,
): Promise<AttackReport> {
  const report: AttackReport = { name: "many-streams", connections: 1, requests: 0, answers: {} };
  const session = connectHttp2(port);
  session.on("goaway", (code: number) => count(report, `goaway ${code}`));
  const header = new Uint8Array([0, 0, 0x0f, 0x42, 0x40, 0x0a, 0x05]);
  for (let i = 0; i < streams && !session.destroyed && !signal.aborted; i++) {
    try {
      const stream = session.request({
        ":method": "POST",
        ":path": "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        "content-type": "application/grpc",
      });
      stream.on("error", () => {});
      stream.on("trailers", (t) => count(report, `grpc ${t["grpc-status"]}`));
      stream.write(header);
      report.requests++;
    } catch {
      break;
    }
    if (i % 100 === 99) await sleep(1);
  }
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  session.destroy();
  return report;
}

/**
 * Traces requests of `spans` empty spans (2 bytes of protobuf each, a few hundred bytes of
 * objects once decoded), or the same as OTLP/JSON, `concurrent` at a time over HTTP.
 */
export async function amplifiedBodies(
  port: number,
  concurrent: number,
  signal: AbortSignal,
  options: { spans: number; json: boolean },
): Promise<AttackReport> {
  const report: AttackReport = {
    name: options.json ? "json-bodies" : "proto-bodies",
    connections: 0,
    requests: 0,
    answers: {},
  };
  const body = options.json
    ? new TextEncoder().encode(
      `{"resourceSpans":[{"scopeSpans":[{"spans":[${
        Array.from({ length: options.spans }, () => "{}").join(",")
      }]}]}]}`,
    )
    : tinySpans(options.spans);
  const type = options.json ? "application/json" : "application/x-protobuf";
  const one = async () => {
    while (!signal.aborted) {
      report.requests++;
      try {
        const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
          method: "POST",
          headers: { "content-type": type },
          body,
          signal,
        });
        await response.body?.cancel();
        count(report, String(response.status));
      } catch {
        count(report, "failed");
      }
    }
  };
  await Promise.all(Array.from({ length: concurrent }, one));
  return report;
}

/** A traces request (protobuf) of `spans` empty spans in one scope of one resource. */
export function tinySpans(spans: number): Uint8Array<ArrayBuffer> {
  const inner = new Uint8Array(spans * 2);
  for (let i = 0; i < spans; i++) inner[i * 2] = 0x12;
  return wrap(0x0a, wrap(0x12, inner));
}

function wrap(tag: number, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const length: number[] = [];
  let n = body.length;
  while (n >= 0x80) {
    length.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  length.push(n);
  const out = new Uint8Array(1 + length.length + body.length);
  out[0] = tag;
  out.set(length, 1);
  out.set(body, 1 + length.length);
  return out;
}

/** A one-line summary of reports. */
export function describeAttacks(reports: readonly AttackReport[]): string {
  return reports.map((r) => {
    const answers = Object.entries(r.answers).map(([k, v]) => `${k}:${v}`).join(" ");
    return `${r.name} ${r.requests} req/${r.connections} conn [${answers}]`;
  }).join("; ");
}

/** The attacks {@linkcode runAttacks} knows, by name. */
export const ATTACKS = [
  "trickle",
  "stalled",
  "rapid-reset",
  "many-streams",
  "proto-bodies",
  "json-bodies",
] as const;

/** One of {@linkcode ATTACKS}. */
export type AttackName = typeof ATTACKS[number];

/** Runs the named attacks against a collector's ports until `signal` aborts. */
export function runAttacks(
  ports: { http: number; grpc: number },
  names: readonly AttackName[],
  signal: AbortSignal,
): Promise<AttackReport[]> {
  const start: Record<AttackName, () => Promise<AttackReport>> = {
    "trickle": () => trickleBodies(ports.http, 16, signal),
    "stalled": () => stalledConnections(ports.http, 32, signal),
    "rapid-reset": () => rapidReset(ports.grpc, signal),
    "many-streams": () => manyStreams(ports.grpc, 5000, signal),
    "proto-bodies": () =>
      amplifiedBodies(ports.http, 8, signal, { spans: 10_000_000, json: false }),
    "json-bodies": () => amplifiedBodies(ports.http, 8, signal, { spans: 3_000_000, json: true }),
  };
  return Promise.all(names.map((name) => start[name]()));
}

/**
 * Runs each attack in a child process of its own, so that they take no CPU from the scenario's
 * own backend and good clients: `deno run -A testbed/attackers.ts --http=P --grpc=P --ms=N
 * --only=a` prints the reports as one JSON line when done. Deno 2.9's `node:http2` can abort an
 * attacker on its own client session when the collector sends GOAWAY (nghttp2's
 * `find_stream_on_goaway_func` assertion, a bug of the client library, not of the collector): such
 * an attacker is started again for the time left (what it had not reported is lost), and the
 * abort counted under the answer `attacker restarted`.
 */
export async function runAttacksInChild(
  ports: { http: number; grpc: number },
  durationMs: number,
  names: readonly AttackName[] = ATTACKS,
): Promise<AttackReport[]> {
  const deadline = Date.now() + durationMs;
  const runOne = async (name: AttackName): Promise<AttackReport> => {
    const total: AttackReport = { name, connections: 0, requests: 0, answers: {} };
    for (;;) {
      const left = Math.max(0, deadline - Date.now());
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          new URL(import.meta.url).pathname,
          `--http=${ports.http}`,
          `--grpc=${ports.grpc}`,
          `--ms=${left}`,
          `--only=${name}`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout).trim().split("\n").pop() ?? "";
      const stderr = new TextDecoder().decode(output.stderr);
      if (output.success && text.startsWith("[")) {
        for (const report of JSON.parse(text) as AttackReport[]) {
          total.connections += report.connections;
          total.requests += report.requests;
          for (const [answer, n] of Object.entries(report.answers)) {
            total.answers[answer] = (total.answers[answer] ?? 0) + n;
          }
        }
        return total;
      }
      if (stderr.includes("find_stream_on_goaway_func")) {
        count(total, "attacker restarted");
        if (Date.now() < deadline - 500) continue;
        return total;
      }
      throw new Error(`attackers failed (${output.code}): ${stderr.slice(-2000)}`);
    }
  };
  return await Promise.all(names.map(runOne));
}

if (import.meta.main) {
  const arg = (name: string) =>
    Deno.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const names = (arg("only") ?? ATTACKS.join(",")).split(",").filter((n) =>
    (ATTACKS as readonly string[]).includes(n)
  ) as AttackName[];
  const stop = new AbortController();
  setTimeout(() => stop.abort(), Number(arg("ms") ?? 5000));
  const reports = await runAttacks(
    { http: Number(arg("http")), grpc: Number(arg("grpc")) },
    names,
    stop.signal,
  );
  console.log(JSON.stringify(reports));
  Deno.exit(0);
}
