/**
 * The testbed's mock backend: an OTLP receiver on loopback, gRPC and HTTP/protobuf, for the four
 * signals, that records the `testbed.seq` of every item it accepts and checks every item's
 * attributes against what the generator derives from that number (see `signals.ts`).
 *
 * It is deliberately independent of the collector's own receiver (`Deno.serve` for HTTP,
 * `@connectrpc/connect-node` on `node:http2` for gRPC), so that a bug in the receiver under test
 * cannot hide itself. It can be told to fail (HTTP 503 / gRPC `Unavailable`), to answer slowly,
 * or to go down (servers closed, ports kept so that it comes back on the same ones), now or on a
 * schedule.
 *
 * @module
 */

import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { Buffer } from "node:buffer";
import * as http2 from "node:http2";
import { gunzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { SeqCounts, SeqState, type SeqStates } from "./seqset.ts";
import { type SignalName, SIGNALS, TESTBED_SIGNALS, type TestbedSignal } from "./signals.ts";
import { countItemsOnWire } from "./wirecount.ts";

/**
 * How the backend answers while it is up: accept, fail retryably (HTTP 503 / gRPC `Unavailable`),
 * refuse permanently (HTTP 400 / gRPC `InvalidArgument`), or accept after a delay.
 */
export type Behavior =
  | { mode: "ok" }
  | { mode: "fail" }
  | { mode: "refuse" }
  | { mode: "slow"; delayMs: number };

/** One step of a schedule: at `atMs` after the schedule starts, change behaviour or go down/up. */
export interface ScheduleStep {
  /** Milliseconds after {@link MockBackend.runSchedule} was called. */
  atMs: number;
  /** The new behaviour, or `down` / `up`. */
  action: Behavior | "down" | "up";
}

/** What the backend saw of one signal, compared with what the generator had acknowledged. */
export interface BackendReport {
  /** Items received and accepted, duplicates included. */
  received: number;
  /** Distinct sequence numbers received. */
  unique: number;
  /** Items received more than once (each extra copy counts one). */
  duplicates: number;
  /** Acknowledged by the collector but never received: lost. */
  missing: number;
  /** Received although the generator never sent them (a corrupted sequence number). */
  unexpected: number;
  /** Items whose attributes or payload differ from what was sent, or that carry no sequence. */
  integrityErrors: number;
  /** The first few integrity problems and missing numbers, for a failure message. */
  problems: string[];
}

class SignalRecord {
  readonly counts = new SeqCounts();
  received = 0;
  duplicates = 0;
  integrityErrors = 0;
  requests = 0;
  readonly problems: string[] = [];

  record(signal: TestbedSignal, request: unknown): number {
    let items = 0;
    this.requests++;
    signal.inspect(request, (seq, problem) => {
      items++;
      if (problem !== undefined) {
        this.integrityErrors++;
        if (this.problems.length < 5) this.problems.push(`seq ${seq}: ${problem}`);
      }
      if (seq < 0) return;
      this.received++;
      if (this.counts.add(seq) > 1) this.duplicates++;
    });
    return items;
  }
}

async function readBody(request: Request): Promise<Uint8Array> {
  const encoding = request.headers.get("content-encoding");
  if (encoding === "gzip" || encoding === "deflate") {
    const stream = request.body!.pipeThrough(new DecompressionStream(encoding));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return new Uint8Array(await request.arrayBuffer());
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Options of {@link MockBackend.start}. */
export interface BackendOptions {
  /** gRPC port on 127.0.0.1; 0 or absent picks a free one. */
  grpcPort?: number;
  /** HTTP port on 127.0.0.1; 0 or absent picks a free one. */
  httpPort?: number;
  /**
   * Count items on the wire without decoding or checking them (for the benchmark, where the
   * backend's own cost must stay small): only {@link MockBackend.received} is kept.
   */
  countOnly?: boolean;
}

/** A mock OTLP backend; see the module documentation. */
export class MockBackend {
  #behavior: Behavior = { mode: "ok" };
  #records = new Map<SignalName, SignalRecord>(SIGNALS.map((s) => [s, new SignalRecord()]));
  #grpcPort: number;
  #httpPort: number;
  #http: Deno.HttpServer | undefined;
  #grpc: http2.Http2Server | undefined;
  #sessions = new Set<http2.ServerHttp2Session>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Requests answered with a failure or a refusal, per signal. */
  readonly failedRequests: Record<SignalName, number> = {
    traces: 0,
    metrics: 0,
    logs: 0,
    profiles: 0,
  };

  #countOnly: boolean;

  private constructor(grpcPort: number, httpPort: number, countOnly: boolean) {
    this.#grpcPort = grpcPort;
    this.#httpPort = httpPort;
    this.#countOnly = countOnly;
  }

  /** Starts both servers on 127.0.0.1. */
  static async start(options: BackendOptions = {}): Promise<MockBackend> {
    const backend = new MockBackend(
      options.grpcPort ?? 0,
      options.httpPort ?? 0,
      options.countOnly ?? false,
    );
    await backend.up();
    return backend;
  }

  /** `127.0.0.1:port` of the gRPC server. */
  get grpcEndpoint(): string {
    return `127.0.0.1:${this.#grpcPort}`;
  }

  /** `127.0.0.1:port` of the HTTP server (append `/v1/traces` etc.). */
  get httpEndpoint(): string {
    return `127.0.0.1:${this.#httpPort}`;
  }

  /** Whether the servers are listening. */
  get isUp(): boolean {
    return this.#http !== undefined;
  }

  /** Changes how requests are answered from now on. */
  setBehavior(behavior: Behavior): void {
    this.#behavior = behavior;
  }

  /** Runs `steps` in the background; {@link MockBackend.close} cancels what has not run. */
  runSchedule(steps: readonly ScheduleStep[]): void {
    for (const step of steps) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (step.action === "down") void this.down();
        else if (step.action === "up") void this.up();
        else this.setBehavior(step.action);
      }, step.atMs);
      this.#timers.add(timer);
    }
  }

  /** Items accepted so far for `signal`, duplicates included. */
  received(signal: SignalName): number {
    return this.#records.get(signal)!.received;
  }

  /**
   * Waits until `count` items of `signal` arrived beyond the `before` of {@linkcode received},
   * or none arrived for `quietMs`; returns how many arrived beyond `before`.
   */
  async arrivedSince(
    signal: SignalName,
    before: number,
    count: number,
    quietMs = 3000,
  ): Promise<number> {
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const now = this.received(signal) - before;
      if (now >= count) return now;
      if (now !== last) {
        last = now;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > quietMs) {
        return now;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Compares what arrived for `signal` with the generator's final states (if given). */
  report(signal: SignalName, states?: SeqStates): BackendReport {
    const record = this.#records.get(signal)!;
    let unique = 0;
    for (let seq = 0; seq <= record.counts.high; seq++) if (record.counts.get(seq) > 0) unique++;
    let missing = 0;
    let unexpected = 0;
    const problems = [...record.problems];
    if (states !== undefined) {
      const missingSeqs: number[] = [];
      for (let i = 0; i < states.states.length; i++) {
        const seq = states.first + i;
        const state = states.states[i];
        const arrived = record.counts.get(seq) > 0;
        if (state === SeqState.Accepted && !arrived) {
          missing++;
          if (missingSeqs.length < 10) missingSeqs.push(seq);
        } else if (state === SeqState.Unsent && arrived) {
          unexpected++;
        }
      }
      if (missingSeqs.length > 0) problems.push(`missing seq ${missingSeqs.join(", ")}...`);
    }
    return {
      received: record.received,
      unique,
      duplicates: record.duplicates,
      missing,
      unexpected,
      integrityErrors: record.integrityErrors,
      problems,
    };
  }

  /** Forgets everything received (between phases of a scenario). */
  reset(): void {
    this.#records = new Map(SIGNALS.map((s) => [s, new SignalRecord()]));
  }

  /** Decides how to answer one request; `undefined` means accept it. */
  async #gate(signal: SignalName): Promise<"fail" | "refuse" | undefined> {
    const behavior = this.#behavior;
    if (behavior.mode === "slow") await sleep(behavior.delayMs);
    if (behavior.mode === "fail" || behavior.mode === "refuse") {
      this.failedRequests[signal]++;
      return behavior.mode;
    }
    return undefined;
  }

  async #serveHttp(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    const signal = SIGNALS.map((s) => TESTBED_SIGNALS[s]).find((s) => s.httpPath === path);
    if (signal === undefined) return new Response("unknown path", { status: 404 });
    if (request.method !== "POST") return new Response("POST only", { status: 405 });
    if (this.#countOnly) {
      const body = await readBody(request);
      const gate = await this.#gate(signal.name);
      if (gate !== undefined) return new Response(`backend told to ${gate}`, { status: 503 });
      this.#records.get(signal.name)!.received += countItemsOnWire(signal.name, body);
      return new Response(new Uint8Array(0), {
        headers: { "content-type": "application/x-protobuf" },
      });
    }
    let message: unknown;
    try {
      message = signal.decode(await readBody(request));
    } catch (error) {
      return new Response(`backend: undecodable request: ${(error as Error).message}`, {
        status: 400,
      });
    }
    const gate = await this.#gate(signal.name);
    if (gate !== undefined) {
      return new Response(`backend told to ${gate}`, { status: gate === "fail" ? 503 : 400 });
    }
    this.#records.get(signal.name)!.record(signal, message);
    // An empty body is a valid empty Export*ServiceResponse.
    return new Response(new Uint8Array(0), {
      headers: { "content-type": "application/x-protobuf" },
    });
  }

  #routes = (router: ConnectRouter) => {
    for (const name of SIGNALS) {
      const signal = TESTBED_SIGNALS[name];
      router.service(signal.service, {
        export: async (request: unknown) => {
          const gate = await this.#gate(name);
          if (gate !== undefined) {
            throw new ConnectError(
              `backend told to ${gate}`,
              gate === "fail" ? Code.Unavailable : Code.InvalidArgument,
            );
          }
          this.#records.get(name)!.record(signal, request);
          return {};
        },
      } as never);
    }
  };

  /** A gRPC call in count-only mode: the message is counted on the wire, never decoded. */
  #countGrpc(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const path = String(headers[":path"]);
    const signal = SIGNALS.find((s) => path === `/${TESTBED_SIGNALS[s].service.typeName}/Export`);
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", () => {});
    stream.on("end", async () => {
      let status = 0;
      let message = "";
      if (signal === undefined) {
        status = 12;
        message = "unknown method";
      } else {
        const body = Buffer.concat(chunks);
        const gate = await this.#gate(signal);
        if (gate !== undefined) {
          status = 14;
          message = `backend told to ${gate}`;
        } else {
          try {
            let items = 0;
            for (let at = 0; at + 5 <= body.length;) {
              const length = body.readUInt32BE(at + 1);
              let frame: Uint8Array = body.subarray(at + 5, at + 5 + length);
              if (body[at] === 1) frame = gunzipSync(frame);
              items += countItemsOnWire(signal, frame);
              at += 5 + length;
            }
            this.#records.get(signal)!.received += items;
          } catch (error) {
            status = 3;
            message = (error as Error).message;
          }
        }
      }
      if (stream.destroyed) return;
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, {
        waitForTrailers: true,
      });
      stream.on(
        "wantTrailers",
        () => stream.sendTrailers({ "grpc-status": String(status), "grpc-message": message }),
      );
      stream.end(status === 0 ? Buffer.alloc(5) : undefined);
    });
  }

  /** Starts listening (again) on the same ports. */
  async up(): Promise<void> {
    if (this.#http !== undefined) return;
    const handler = connectNodeAdapter({
      grpc: true,
      grpcWeb: false,
      connect: false,
      readMaxBytes: 64 * 1024 * 1024,
      routes: this.#routes,
    });
    const grpc = this.#countOnly ? http2.createServer() : http2.createServer(handler);
    if (this.#countOnly) {
      grpc.on(
        "stream",
        (stream, headers) => this.#countGrpc(stream as http2.ServerHttp2Stream, headers),
      );
    }
    grpc.on("session", (session) => {
      this.#sessions.add(session);
      session.on("close", () => this.#sessions.delete(session));
    });
    this.#grpcPort = await retryListen(() =>
      new Promise<number>((resolve, reject) => {
        grpc.once("error", reject);
        grpc.listen(this.#grpcPort, "127.0.0.1", () => {
          grpc.off("error", reject);
          resolve((grpc.address() as AddressInfo).port);
        });
      })
    );
    this.#grpc = grpc;
    this.#http = await retryListen(() =>
      Promise.resolve(
        Deno.serve({
          hostname: "127.0.0.1",
          port: this.#httpPort,
          onListen: () => {},
        }, (request) => this.#serveHttp(request)),
      )
    );
    this.#httpPort = (this.#http.addr as Deno.NetAddr).port;
  }

  /** Stops listening and drops open connections; ports are kept for {@link MockBackend.up}. */
  async down(): Promise<void> {
    const http = this.#http;
    const grpc = this.#grpc;
    this.#http = undefined;
    this.#grpc = undefined;
    if (grpc !== undefined) {
      const closed = new Promise<void>((resolve) => grpc.close(() => resolve()));
      for (const session of this.#sessions) session.destroy();
      this.#sessions.clear();
      await closed;
    }
    if (http !== undefined) await http.shutdown();
  }

  /** Cancels the schedule and stops both servers. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.down();
  }
}

/** Listening on a port just released can fail for a moment; try again for up to 5 s. */
async function retryListen<T>(listen: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await listen();
    } catch (error) {
      const code = (error as { code?: string }).code;
      const inUse = error instanceof Deno.errors.AddrInUse || code === "EADDRINUSE";
      if (!inUse || Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}
