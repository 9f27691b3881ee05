// What the tests run on loopback: an OTLP/gRPC sink that records what each backend receives
// (served by @denocol/config's gRPC server), a DNS server the test controls (UDP, node:dgram,
// since Deno.listenDatagram needs --unstable-net), collectors as child processes, and data
// whose items say where they belong.

import { toBinary } from "@bufbuild/protobuf";
import {
  DEFAULT_SESSION_LIMITS,
  type GrpcCall,
  GrpcStatus,
  GrpcStatusError,
  listenGrpc,
  type RunningServer,
} from "@denocol/config";
import { type SignalDescriptor, SIGNALS } from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";
import dgram from "node:dgram";
import type { Buffer } from "node:buffer";

/** Every signal descriptor, profiles included. */
export const ALL_SIGNALS: readonly SignalDescriptor[] = [
  ...Object.values(SIGNALS) as SignalDescriptor[],
  profiles as SignalDescriptor,
];

/** One request a sink accepted. */
export interface Received {
  /** The signal's name. */
  signal: string;
  /** The decoded request. */
  data: unknown;
  /** Its metadata (such as `x-backend`, set by the collectors in front). */
  metadata: Readonly<Record<string, string>>;
}

/**
 * An OTLP/gRPC server for every signal that keeps what it accepts. With `failing` set it
 * answers `Unavailable` (a backend that is up but cannot take data).
 */
export class OtlpSink {
  readonly received: Received[] = [];
  failing = false;
  readonly #server: RunningServer;

  private constructor(server: RunningServer) {
    this.#server = server;
  }

  /** Listens on `hostname:port` (a free port when 0). */
  static async start(hostname = "127.0.0.1", port = 0): Promise<OtlpSink> {
    // deno-lint-ignore prefer-const
    let sink: OtlpSink;
    const methods = new Map<string, (call: GrpcCall) => Promise<Uint8Array>>();
    for (const signal of ALL_SIGNALS) {
      methods.set(`/${signal.service.typeName}/Export`, async (call) => {
        const bytes = await call.readMessage();
        if (sink.failing) throw new GrpcStatusError(GrpcStatus.unavailable, "sink is failing");
        const metadata: Record<string, string> = {};
        for (const [name, value] of call.metadata.entries()) metadata[name] = value;
        sink.received.push({ signal: signal.name, data: signal.decodeProto(bytes), metadata });
        return toBinary(signal.responseSchema, signal.response());
      });
    }
    const server = await listenGrpc({
      endpoint: `${hostname}:${port}`,
      methods,
      limits: { maxRecvMsgBytes: 64 << 20 },
      maxConcurrentStreams: 100,
      sessionLimits: DEFAULT_SESSION_LIMITS,
    });
    sink = new OtlpSink(server);
    return sink;
  }

  /** The port it listens on. */
  get port(): number {
    return this.#server.port;
  }

  /** The data of `signal` it accepted. */
  of<T>(signal: string): T[] {
    return this.received.filter((r) => r.signal === signal).map((r) => r.data as T);
  }

  /** Stops listening. */
  close(): Promise<void> {
    return this.#server.close(100);
  }
}

/** A port free on every address of `hostnames` (loopback addresses). */
export function portFreeOn(hostnames: readonly string[]): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = Deno.listen({ hostname: hostnames[0], port: 0 });
    const port = (first.addr as Deno.NetAddr).port;
    const others: Deno.Listener[] = [];
    try {
      for (const hostname of hostnames.slice(1)) others.push(Deno.listen({ hostname, port }));
      return port;
    } catch {
      // Taken on another address: try another port.
    } finally {
      first.close();
      for (const listener of others) listener.close();
    }
  }
  throw new Error(`no port free on all of ${hostnames.join(", ")}`);
}

/**
 * A DNS server on 127.0.0.1 over UDP that answers A queries for the names in `records` (and no
 * AAAA records), NXDOMAIN for other names, and nothing at all while `silent`.
 */
export class DnsServer {
  readonly records = new Map<string, string[]>();
  silent = false;
  queries = 0;
  readonly #socket: dgram.Socket;

  private constructor(socket: dgram.Socket) {
    this.#socket = socket;
    socket.on("message", (message: Buffer, peer: dgram.RemoteInfo) => {
      this.queries++;
      if (this.silent) return;
      const answer = this.#answer(new Uint8Array(message));
      if (answer !== undefined) socket.send(answer, peer.port, peer.address);
    });
  }

  /** Listens on a free UDP port of 127.0.0.1. */
  static async start(): Promise<DnsServer> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    return new DnsServer(socket);
  }

  /** The UDP port. */
  get port(): number {
    return this.#socket.address().port;
  }

  #answer(query: Uint8Array): Uint8Array | undefined {
    if (query.length < 12) return undefined;
    const view = new DataView(query.buffer, query.byteOffset, query.byteLength);
    const labels: string[] = [];
    let at = 12;
    while (at < query.length && query[at] !== 0) {
      const length = query[at];
      labels.push(new TextDecoder().decode(query.subarray(at + 1, at + 1 + length)));
      at += length + 1;
    }
    at += 1;
    if (at + 4 > query.length) return undefined;
    const type = view.getUint16(at);
    const question = query.subarray(12, at + 4);
    const addresses = this.records.get(labels.join(".").toLowerCase());
    const answers: number[] = [];
    let count = 0;
    if (addresses !== undefined && type === 1) {
      for (const address of addresses) {
        count++;
        // Name (pointer to the question's), type A, class IN, TTL 0, 4 bytes of address.
        answers.push(0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, ...address.split(".").map(Number));
      }
    }
    const response = new Uint8Array(12 + question.length + answers.length);
    const out = new DataView(response.buffer);
    out.setUint16(0, view.getUint16(0));
    // A response, recursion desired and available; NXDOMAIN for an unknown name.
    out.setUint16(2, 0x8180 | (addresses === undefined ? 3 : 0));
    out.setUint16(4, 1);
    out.setUint16(6, count);
    response.set(question, 12);
    response.set(answers, 12 + question.length);
    return response;
  }

  /** Stops listening. */
  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}

/** Polls `condition` every 20 ms until it holds, or throws naming `what` after `ms`. */
export async function waitUntil(
  condition: () => boolean,
  what: string | (() => string),
  ms = 20_000,
): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) {
      throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** Service names (of the OpenTelemetry demo), which spread over three backends. */
export const SERVICES: readonly string[] = [
  "frontend",
  "cart",
  "checkout",
  "payment",
  "shipping",
  "email",
  "ad",
  "currency",
  "quote",
  "recommendation",
];

/**
 * Traces of `services` services (resources named from {@link SERVICES}), each with `tracesPerService` traces of
 * `spansPerTrace` spans spread over two scopes; span names are `<batch>/<trace>/<span>` and
 * trace IDs distinct across batches, so a test can tell where every span went.
 */
export function tracesBatch(
  batch: number,
  services: number,
  tracesPerService: number,
  spansPerTrace: number,
): unknown {
  return {
    resourceSpans: Array.from({ length: services }, (_, s) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: SERVICES[s] } }] },
      scopeSpans: [0, 1].map((scope) => ({
        scope: { name: `scope-${scope}` },
        spans: Array.from({ length: tracesPerService * spansPerTrace }, (_, i) => {
          const trace = Math.floor(i / spansPerTrace);
          const span = i % spansPerTrace;
          if (span % 2 !== scope) return undefined;
          const traceNumber = (batch * services + s) * tracesPerService + trace + 1;
          return {
            traceId: hex(traceNumber, 32),
            spanId: hex(traceNumber * 64 + span + 1, 16),
            name: `${batch}/${hex(traceNumber, 32)}/${span}`,
            startTimeUnixNano: "1",
            endTimeUnixNano: "2",
          };
        }).filter((span) => span !== undefined),
      })),
    })),
  };
}

/** The repository root, where `otelcol/main.ts` is. */
const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/**
 * A denocol collector as a child process (`deno run -A otelcol/main.ts --config <file>`), with
 * profiles enabled, ready once it accepts connections on `readyPort`.
 */
export class CollectorProcess {
  readonly #child: Deno.ChildProcess;
  readonly #configPath: string;
  #output = "";
  readonly status: Promise<Deno.CommandStatus>;

  private constructor(child: Deno.ChildProcess, configPath: string) {
    this.#child = child;
    this.#configPath = configPath;
    this.status = child.status;
    for (const stream of [child.stdout, child.stderr]) {
      void (async () => {
        for await (const text of stream.pipeThrough(new TextDecoderStream())) {
          this.#output = (this.#output + text).slice(-20_000);
        }
      })();
    }
  }

  /** Starts a collector with the YAML `config` and waits until `readyPort` accepts. */
  static async start(config: string, readyPort: number): Promise<CollectorProcess> {
    const configPath = await Deno.makeTempFile({ prefix: "denocol-lb-", suffix: ".yaml" });
    await Deno.writeTextFile(configPath, config);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${REPO_ROOT}otelcol/main.ts`,
        "--config",
        configPath,
        "--feature-gates=service.profilesSupport",
      ],
      cwd: REPO_ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const collector = new CollectorProcess(child, configPath);
    let exited = false;
    collector.status.then(() => exited = true);
    const deadline = performance.now() + 60_000;
    for (;;) {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port: readyPort })).close();
        return collector;
      } catch {
        if (exited || performance.now() > deadline) {
          await collector.kill();
          throw new Error(`collector did not start:\n${collector.output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** The last output of the collector, for failure messages. */
  get output(): string {
    return this.#output;
  }

  /** Kills the process at once (SIGKILL), as a crash would, and waits for it. */
  async kill(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await this.status;
    await Deno.remove(this.#configPath).catch(() => {});
  }

  /** Asks the collector to stop (SIGTERM) and waits for it, killing it after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.status;
    clearTimeout(timer);
    await Deno.remove(this.#configPath).catch(() => {});
  }
}
