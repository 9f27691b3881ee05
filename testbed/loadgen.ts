/**
 * The testbed's load generator: sends OTLP over gRPC or HTTP/protobuf to a loopback endpoint, for
 * one signal, from N concurrent clients, at a fixed item rate or as fast as the endpoint answers.
 * Every item carries a unique `testbed.seq` (see `signals.ts`), so a receiver downstream can tell
 * loss from duplication. A run is bounded both by an item count and by a duration.
 *
 * Like an OpenTelemetry SDK, it retries what the OTLP specification calls retryable (HTTP 429,
 * 502, 503, 504 and failed connections; gRPC `Unavailable`, `ResourceExhausted`, `Aborted`,
 * `DeadlineExceeded`, `OutOfRange`, `DataLoss`, `Cancelled`), honouring `Retry-After` and
 * `RetryInfo`, so that backpressure is not counted as loss; other answers are permanent refusals,
 * counted apart.
 *
 * ```sh
 * deno run -A testbed/loadgen.ts --signal traces --protocol grpc --endpoint 127.0.0.1:4317 \
 *   --items 100000 --duration 10s --rate 10000 --clients 4
 * ```
 *
 * @module
 */

import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import {
  compressionGzip,
  createGrpcTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { RetryInfoSchema } from "@denocol/pdata";
import { parseArgs } from "node:util";
import { frameGrpcMessage, RawGrpcClient } from "./rawgrpc.ts";
import { SeqState, SeqStates } from "./seqset.ts";
import {
  parseSignal,
  rejectedItems,
  type SignalName,
  TESTBED_SIGNALS,
  type TestbedSignal,
} from "./signals.ts";

/** The OTLP transports the generator speaks. */
export type Protocol = "grpc" | "http";

/** What to send, how fast, and for how long. */
export interface LoadOptions {
  /** The signal to send. */
  signal: SignalName;
  /** OTLP/gRPC or OTLP/HTTP with protobuf bodies. */
  protocol: Protocol;
  /** `host:port` on loopback (`127.0.0.1`, `localhost` or `[::1]`). */
  endpoint: string;
  /** Most items to send. */
  maxItems: number;
  /** No new request starts after this many milliseconds. */
  durationMs: number;
  /** Items per second over all clients; 0 or absent: as fast as the endpoint answers. */
  rate?: number;
  /** Concurrent clients, each with its own connection; default 4. */
  clients?: number;
  /** Items per request; default 100. */
  itemsPerRequest?: number;
  /** First sequence number; default 0. */
  firstSeq?: number;
  /** Per-attempt timeout; default 10 s. */
  requestTimeoutMs?: number;
  /** How long after `durationMs` unacknowledged requests keep being retried; default 30 s. */
  retryGraceMs?: number;
  /** Largest backoff between attempts, unless the server asks for longer; default 1 s. */
  maxBackoffMs?: number;
  /** Compress requests with gzip. */
  gzip?: boolean;
  /**
   * Send one request, built and encoded once, over and over (for the benchmark, so that the
   * generator's own cost stays small): sequence numbers are then not unique on the wire, and only
   * counts are meaningful. (Over gRPC the client still encodes the message on each call.)
   */
  reuseRequest?: boolean;
  /**
   * Over gRPC, send the request encoded once through a bare HTTP/2 client (`rawgrpc.ts`) instead
   * of the generated client, which encodes every call: for the benchmarks, with `reuseRequest`.
   */
  rawGrpc?: boolean;
  /** Stops the run early (requests in flight finish their current attempt). */
  abort?: AbortSignal;
  /**
   * Ends the run early as `durationMs` would: no new request starts once it is aborted, and
   * unacknowledged requests are retried for `retryGraceMs` more.
   */
  stop?: AbortSignal;
  /**
   * Called synchronously the moment the endpoint acknowledges a request (items `seq` to
   * `seq + count - 1`), before the generator does anything else, so that a scenario can act at
   * the instant of an acknowledgement (the restart scenario kills the collector there).
   */
  onAcknowledged?: (seq: number, count: number) => void;
  /** Called each time an attempt is refused with a retryable answer (`reason` as in `retries`). */
  onRetry?: (reason: string) => void;
}

/** What a run did. */
export interface LoadResult {
  /** The signal sent. */
  signal: SignalName;
  /** The transport used. */
  protocol: Protocol;
  /** Items given a sequence number and sent at least once. */
  sent: number;
  /** Items the endpoint acknowledged: these must reach the backend. */
  accepted: number;
  /** Items refused permanently (or reported rejected in a partial success). */
  refused: number;
  /** Items still unacknowledged at the retry deadline. */
  unknown: number;
  /** Requests that completed (acknowledged, refused or given up). */
  requests: number;
  /** Attempts that were retried, by reason (`http 503`, `grpc unavailable`, `connect`, ...). */
  retries: Record<string, number>;
  /** Permanent refusals, by reason. */
  refusals: Record<string, number>;
  /** From the first request to the last answer. */
  elapsedMs: number;
  /** The state of every sequence number of the run. */
  states: SeqStates;
}

type Attempt =
  | { kind: "ok"; rejected: number }
  | { kind: "retry"; reason: string; delayMs?: number }
  | { kind: "refused"; reason: string };

interface Sender {
  send(request: unknown, timeoutMs: number): Promise<Attempt>;
  close(): void;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Throws unless `endpoint` is `host:port` on loopback. */
export function checkLoopback(endpoint: string): void {
  const match = /^(.*):(\d+)$/.exec(endpoint);
  if (!match || !LOOPBACK_HOSTS.has(match[1])) {
    throw new Error(
      `testbed: endpoint ${JSON.stringify(endpoint)} must be host:port on loopback ` +
        `(${[...LOOPBACK_HOSTS].join(", ")})`,
    );
  }
}

const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);
const RETRYABLE_GRPC = new Set([
  Code.Canceled,
  Code.DeadlineExceeded,
  Code.ResourceExhausted,
  Code.Aborted,
  Code.OutOfRange,
  Code.Unavailable,
  Code.DataLoss,
]);

function httpSender(signal: TestbedSignal, endpoint: string, gzip: boolean): Sender {
  const client = Deno.createHttpClient({});
  const url = `http://${endpoint}${signal.httpPath}`;
  return {
    async send(request, timeoutMs) {
      let body: Uint8Array = request instanceof Uint8Array ? request : signal.encode(request);
      const headers: Record<string, string> = { "content-type": "application/x-protobuf" };
      if (gzip) {
        body = new Uint8Array(
          await new Response(
            new Blob([body as BufferSource]).stream().pipeThrough(new CompressionStream("gzip")),
          ).arrayBuffer(),
        );
        headers["content-encoding"] = "gzip";
      }
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers,
          body: body as BufferSource,
          client,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const name = (error as Error).name;
        return { kind: "retry", reason: name === "TimeoutError" ? "timeout" : "connect" };
      }
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch {
        return { kind: "retry", reason: "response body" };
      }
      if (response.status === 200) {
        let rejected = 0;
        try {
          rejected = rejectedItems(fromBinary(signal.responseSchema, bytes));
        } catch {
          // An unreadable success body still acknowledges the request.
        }
        return { kind: "ok", rejected };
      }
      if (RETRYABLE_HTTP.has(response.status)) {
        const after = Number(response.headers.get("retry-after"));
        return {
          kind: "retry",
          reason: `http ${response.status}`,
          delayMs: Number.isFinite(after) && after > 0 ? after * 1000 : undefined,
        };
      }
      return { kind: "refused", reason: `http ${response.status}` };
    },
    close: () => client.close(),
  };
}

function grpcSender(signal: TestbedSignal, endpoint: string, gzip: boolean): Sender {
  const baseUrl = `http://${endpoint}`;
  const session = new Http2SessionManager(baseUrl);
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager: session,
    sendCompression: gzip ? compressionGzip : undefined,
    compressMinBytes: 0,
  });
  // deno-lint-ignore no-explicit-any
  const client = createClient(signal.service, transport) as any;
  return {
    async send(request, timeoutMs) {
      try {
        const response = await client.export(request, { timeoutMs });
        return { kind: "ok", rejected: rejectedItems(response) };
      } catch (error) {
        const connectError = ConnectError.from(error);
        const reason = `grpc ${Code[connectError.code]}`;
        if (!RETRYABLE_GRPC.has(connectError.code)) return { kind: "refused", reason };
        const info = connectError.findDetails(RetryInfoSchema)[0];
        const delayMs = info?.retryDelay
          ? Number(info.retryDelay.seconds) * 1000 + info.retryDelay.nanos / 1e6
          : undefined;
        return { kind: "retry", reason, delayMs };
      }
    },
    close: () => session.abort(),
  };
}

/** Sends pre-encoded requests (`Uint8Array`) over a bare HTTP/2 connection. */
function rawGrpcSender(signal: TestbedSignal, endpoint: string): Sender {
  const client = new RawGrpcClient(`http://${endpoint}`);
  const path = `/${signal.service.typeName}/Export`;
  return {
    async send(request, timeoutMs) {
      const framed = frameGrpcMessage(
        request instanceof Uint8Array ? request : signal.encode(request),
      );
      const result = await client.call(path, framed, {}, timeoutMs);
      if (result.status === 0) return { kind: "ok", rejected: 0 };
      const reason = result.status === -1 ? "connect" : `grpc ${Code[result.status]}`;
      if (result.status === -1 || RETRYABLE_GRPC.has(result.status)) {
        return { kind: "retry", reason };
      }
      return { kind: "refused", reason };
    },
    close: () => client.close(),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the generator to completion (item count, duration or abort, then retries) and reports. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  checkLoopback(options.endpoint);
  const signal = TESTBED_SIGNALS[options.signal];
  const clients = options.clients ?? 4;
  const perRequest = options.itemsPerRequest ?? 100;
  const first = options.firstSeq ?? 0;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const maxBackoffMs = options.maxBackoffMs ?? 1000;
  const rate = options.rate ?? 0;
  const states = new SeqStates(first, options.maxItems);
  const retries: Record<string, number> = {};
  const refusals: Record<string, number> = {};
  let refusedByPartial = 0;
  let requests = 0;
  let nextSeq = first;
  const end = first + options.maxItems;

  const start = performance.now();
  const graceMs = options.retryGraceMs ?? 30_000;
  let deadline = start + options.durationMs;
  let retryDeadline = deadline + graceMs;
  const stopNow = () => {
    const now = performance.now();
    if (now < deadline) [deadline, retryDeadline] = [now, now + graceMs];
  };
  if (options.stop?.aborted) stopNow();
  options.stop?.addEventListener("abort", stopNow, { once: true });
  let lastAnswer = start;

  const sendWithRetries = async (
    sender: Sender,
    request: unknown,
    seq: number,
    count: number,
  ): Promise<SeqState> => {
    let backoff = 50;
    for (;;) {
      const attempt = await sender.send(request, timeoutMs);
      if (attempt.kind === "ok") options.onAcknowledged?.(seq, count);
      lastAnswer = performance.now();
      if (attempt.kind === "ok") {
        refusedByPartial += attempt.rejected;
        return SeqState.Accepted;
      }
      if (attempt.kind === "refused") {
        refusals[attempt.reason] = (refusals[attempt.reason] ?? 0) + 1;
        return SeqState.Refused;
      }
      retries[attempt.reason] = (retries[attempt.reason] ?? 0) + 1;
      options.onRetry?.(attempt.reason);
      const jittered = backoff * (0.8 + Math.random() * 0.4);
      const wait = Math.max(attempt.delayMs ?? 0, jittered);
      backoff = Math.min(backoff * 2, maxBackoffMs);
      if (performance.now() + wait > retryDeadline || options.abort?.aborted) {
        return SeqState.Unknown;
      }
      await sleep(wait);
    }
  };

  // gRPC goes through the generated client, which encodes each call, unless `rawGrpc` asks for
  // the bare HTTP/2 client: the scenarios keep the client SDKs use (closing bare sessions under
  // load once aborted Deno's node:http2 server, before the collector's sessions guarded their
  // teardown; scenario grpc-client-churn).
  const raw = options.protocol === "grpc" && options.rawGrpc === true;
  const template = !options.reuseRequest
    ? undefined
    : options.protocol === "grpc" && !raw
    ? signal.build(first, perRequest)
    : signal.encode(signal.build(first, perRequest));

  const runClient = async () => {
    const sender = options.protocol === "http"
      ? httpSender(signal, options.endpoint, options.gzip ?? false)
      : raw
      ? rawGrpcSender(signal, options.endpoint)
      : grpcSender(signal, options.endpoint, options.gzip ?? false);
    try {
      for (;;) {
        if (options.abort?.aborted || nextSeq >= end) return;
        if (rate > 0) {
          const due = start + ((nextSeq - first) / rate) * 1000;
          if (due >= deadline) return;
          const wait = due - performance.now();
          if (wait > 0) {
            // Another client may take this request meanwhile: look again after the wait.
            await sleep(wait);
            continue;
          }
        }
        if (performance.now() >= deadline || options.abort?.aborted || nextSeq >= end) return;
        const seq = nextSeq;
        const count = Math.min(perRequest, end - seq);
        nextSeq += count;
        const payload = template !== undefined && count === perRequest
          ? template
          : signal.build(seq, count);
        const state = await sendWithRetries(sender, payload, seq, count);
        states.mark(seq, count, state);
        requests++;
      }
    } finally {
      sender.close();
    }
  };

  await Promise.all(Array.from({ length: clients }, runClient));
  options.stop?.removeEventListener("abort", stopNow);
  const accepted = states.count(SeqState.Accepted);
  return {
    signal: options.signal,
    protocol: options.protocol,
    sent: nextSeq - first,
    accepted,
    refused: states.count(SeqState.Refused) + refusedByPartial,
    unknown: states.count(SeqState.Unknown),
    requests,
    retries,
    refusals,
    elapsedMs: lastAnswer - start,
    states,
  };
}

/** Parses `10s`, `500ms`, `2m` or a bare number of milliseconds. */
export function parseDurationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) {
    throw new Error(`testbed: invalid duration ${JSON.stringify(text)}: expected 10s, 500ms, 2m`);
  }
  const value = Number(match[1]);
  return match[2] === "s" ? value * 1000 : match[2] === "m" ? value * 60_000 : value;
}

/** One line summing up a run, for logs. */
export function describeLoad(result: LoadResult): string {
  const rate = result.elapsedMs > 0 ? Math.round((result.accepted / result.elapsedMs) * 1000) : 0;
  const retried = Object.entries(result.retries).map(([k, v]) => `${k}: ${v}`).join(", ");
  return `sent ${result.sent}, accepted ${result.accepted} (${rate}/s), refused ${result.refused}, ` +
    `unknown ${result.unknown}, retries {${retried}}`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      signal: { type: "string", default: "traces" },
      protocol: { type: "string", default: "grpc" },
      endpoint: { type: "string", default: "127.0.0.1:4317" },
      items: { type: "string", default: "100000" },
      duration: { type: "string", default: "10s" },
      rate: { type: "string", default: "0" },
      clients: { type: "string", default: "4" },
      batch: { type: "string", default: "100" },
      "first-seq": { type: "string", default: "0" },
      gzip: { type: "boolean", default: false },
    },
  });
  if (values.protocol !== "grpc" && values.protocol !== "http") {
    throw new Error(`testbed: --protocol must be grpc or http, not ${values.protocol}`);
  }
  const result = await runLoad({
    signal: parseSignal(values.signal),
    protocol: values.protocol,
    endpoint: values.endpoint,
    maxItems: Number(values.items),
    durationMs: parseDurationMs(values.duration),
    rate: Number(values.rate),
    clients: Number(values.clients),
    itemsPerRequest: Number(values.batch),
    firstSeq: Number(values["first-seq"]),
    gzip: values.gzip,
  });
  console.log(describeLoad(result));
}
