/**
 * Malformed-input storm: thousands of bad requests (truncated and overlong protobuf, broken
 * OTLP/JSON, bad hex ids, wrong content types, a gzip header on plain bytes, unknown paths and
 * methods, truncated gRPC messages, unknown gRPC methods) sent by 4 workers while good traces
 * (HTTP) and logs (gRPC) flow at a fixed rate through `otlp → batch → otlphttp`. Every good item
 * must arrive, every bad HTTP request must get a 4xx (and the expected one), every bad gRPC call
 * a client-error status, nothing from a bad request may reach the backend, and the collector
 * must stay up.
 *
 * @module
 */

import { MockBackend } from "../backend.ts";
import { runLoad } from "../loadgen.ts";
import { frameGrpcMessage, RawGrpcClient } from "../rawgrpc.ts";
import {
  awaitDelivery,
  checkAlive,
  checkDelivery,
  deliveryFigures,
  type Scenario,
  type ScenarioContext,
  type ScenarioOutcome,
  startPipeline,
} from "../scenario.ts";
import { TESTBED_SIGNALS } from "../signals.ts";

/** Sequence numbers of the items inside bad requests: far above the good ones. */
const BAD_SEQ = 50_000_000;

interface BadRequest {
  /** What is wrong with it. */
  kind: string;
  /** `http` with the expected status, or `grpc` with the expected `grpc-status`. */
  transport: "http" | "grpc";
  expected: number;
  send(target: { http: string; grpc: RawGrpcClient }, n: number): Promise<number>;
}

function truncatedTraces(n: number): Uint8Array {
  const signal = TESTBED_SIGNALS.traces;
  const bytes = signal.encode(signal.build(BAD_SEQ + n * 10, 10));
  // Cut inside the single top-level field: never a valid message.
  return bytes.subarray(0, 3 + (n % Math.max(1, bytes.length - 6)));
}

async function post(url: string, body: BodyInit, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { method: "POST", body, headers });
  await response.body?.cancel();
  return response.status;
}

const PROTOBUF = { "content-type": "application/x-protobuf" };
const JSON_TYPE = { "content-type": "application/json" };

const BAD_REQUESTS: BadRequest[] = [
  {
    kind: "truncated protobuf",
    transport: "http",
    expected: 400,
    send: (t, n) => post(`${t.http}/v1/traces`, truncatedTraces(n) as BufferSource, PROTOBUF),
  },
  {
    kind: "overlong length prefix",
    transport: "http",
    expected: 400,
    send: (t) =>
      post(
        `${t.http}/v1/logs`,
        new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]),
        PROTOBUF,
      ),
  },
  {
    kind: "broken JSON",
    transport: "http",
    expected: 400,
    send: (t, n) => post(`${t.http}/v1/traces`, `{"resourceSpans":[{"scopeSpans":[${n}`, JSON_TYPE),
  },
  {
    kind: "bad hex trace id",
    transport: "http",
    expected: 400,
    send: (t, n) =>
      post(
        `${t.http}/v1/traces`,
        JSON.stringify({
          resourceSpans: [{
            scopeSpans: [{
              spans: [{ traceId: "zz-not-hex", spanId: "0102030405060708", name: `bad ${n}` }],
            }],
          }],
        }),
        JSON_TYPE,
      ),
  },
  {
    kind: "wrong content type",
    transport: "http",
    expected: 415,
    send: (t, n) =>
      post(
        `${t.http}/v1/traces`,
        TESTBED_SIGNALS.traces.encode(
          TESTBED_SIGNALS.traces.build(BAD_SEQ + n * 10, 1),
        ) as BufferSource,
        { "content-type": "text/plain" },
      ),
  },
  {
    kind: "gzip header on plain bytes",
    transport: "http",
    expected: 400,
    send: (t, n) =>
      post(
        `${t.http}/v1/traces`,
        TESTBED_SIGNALS.traces.encode(
          TESTBED_SIGNALS.traces.build(BAD_SEQ + n * 10, 1),
        ) as BufferSource,
        { ...PROTOBUF, "content-encoding": "gzip" },
      ),
  },
  {
    kind: "unknown path",
    transport: "http",
    expected: 404,
    send: (t) => post(`${t.http}/v1/nothing`, new Uint8Array(0), PROTOBUF),
  },
  {
    kind: "GET",
    transport: "http",
    expected: 405,
    send: async (t) => {
      const response = await fetch(`${t.http}/v1/traces`);
      await response.body?.cancel();
      return response.status;
    },
  },
  {
    kind: "truncated gRPC message",
    transport: "grpc",
    expected: 3, // InvalidArgument
    send: async (t, n) =>
      (await t.grpc.call(
        "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        frameGrpcMessage(truncatedTraces(n)),
      )).status,
  },
  {
    kind: "unknown gRPC method",
    transport: "grpc",
    expected: 12, // Unimplemented
    send: async (t) =>
      (await t.grpc.call(
        "/opentelemetry.proto.collector.trace.v1.TraceService/Nothing",
        frameGrpcMessage(new Uint8Array(0)),
      )).status,
  },
];

interface KindTally {
  sent: number;
  expected: number;
  /** Statuses other than the expected one, with counts. */
  other: Record<string, number>;
}

async function storm(context: ScenarioContext): Promise<ScenarioOutcome> {
  const badTotal = context.short ? 2000 : 10_000;
  const rate = context.short ? 1500 : 3000;
  const durationMs = context.short ? 3000 : 20_000;
  const backend = await MockBackend.start();
  const pipeline = await startPipeline({
    workers: context.workers,
    signals: ["traces", "logs"],
    exportProtocol: "http",
    backend,
  });
  const failures: string[] = [];
  const grpcClients: RawGrpcClient[] = [];
  try {
    const tallies = new Map<string, KindTally>(
      BAD_REQUESTS.map((b) => [b.kind, { sent: 0, expected: 0, other: {} }]),
    );
    let next = 0;
    const stormWorker = async () => {
      const grpc = new RawGrpcClient(`http://${pipeline.endpoint("grpc")}`);
      grpcClients.push(grpc);
      const target = { http: `http://${pipeline.endpoint("http")}`, grpc };
      while (next < badTotal) {
        const n = next++;
        const bad = BAD_REQUESTS[n % BAD_REQUESTS.length];
        const tally = tallies.get(bad.kind)!;
        tally.sent++;
        let status: number;
        try {
          status = await bad.send(target, n);
        } catch (error) {
          tally.other[`error ${(error as Error).message}`] =
            (tally.other[`error ${(error as Error).message}`] ?? 0) + 1;
          continue;
        }
        if (status === bad.expected) tally.expected++;
        else tally.other[String(status)] = (tally.other[String(status)] ?? 0) + 1;
      }
    };
    const good = (signal: "traces" | "logs", protocol: "http" | "grpc") =>
      runLoad({
        signal,
        protocol,
        endpoint: pipeline.endpoint(protocol),
        maxItems: Math.ceil((rate * durationMs) / 1000),
        rate,
        durationMs,
        clients: 2,
      });
    const [traces, logs] = await Promise.all([
      good("traces", "http"),
      good("logs", "grpc"),
      ...Array.from({ length: 4 }, stormWorker),
    ]);
    for (const load of [traces, logs]) {
      const report = await awaitDelivery(backend, load, 20_000);
      context.log(`malformed-storm: ${deliveryFigures(load, report)}`);
      failures.push(...checkDelivery(load, report, { noDuplicates: true, allAccepted: true }));
      if (report.unique > load.sent) {
        failures.push(`${load.signal}: ${report.unique - load.sent} items of bad requests arrived`);
      }
    }
    let badExpected = 0;
    for (const bad of BAD_REQUESTS) {
      const tally = tallies.get(bad.kind)!;
      badExpected += tally.expected;
      const wrong = Object.entries(tally.other);
      if (wrong.length === 0) continue;
      const isClientError = (status: string) =>
        bad.transport === "http"
          ? Number(status) >= 400 && Number(status) < 500
          : ["3", "5", "9", "11", "12"].includes(status);
      const notClientError = wrong.filter(([status]) => !isClientError(status));
      const detail = wrong.map(([status, count]) => `${status} x${count}`).join(", ");
      if (notClientError.length > 0) {
        failures.push(
          `${bad.kind} (${bad.transport}): expected ${bad.expected}, got ${detail}`,
        );
      } else {
        context.log(`malformed-storm: ${bad.kind}: expected ${bad.expected}, also got ${detail}`);
      }
    }
    failures.push(...await checkAlive(pipeline.collector));
    return {
      figures:
        `${badTotal} bad requests of ${BAD_REQUESTS.length} kinds, ${badExpected} answered ` +
        `with the expected status; ${
          deliveryFigures(traces, backend.report("traces", traces.states))
        }; ` +
        deliveryFigures(logs, backend.report("logs", logs.states)),
      failures,
    };
  } finally {
    for (const client of grpcClients) client.close();
    await pipeline.collector.stop();
    await backend.close();
  }
}

/** `malformed-storm`. */
export const scenarios: Scenario[] = [{ name: "malformed-storm", run: storm }];
