/**
 * Throughput of the `otlp` receiver: spans per second received and decoded over HTTP/protobuf
 * and gRPC with 1, 4 and 16 concurrent clients, next to a baseline server on the same runtime
 * and transport that reads each request body and answers 200 (gRPC: OK) without decoding. The
 * ratio says how much of the baseline's throughput is left once OTLP handling (limits,
 * decompression checks, protobuf decoding, the pipeline call) is added.
 *
 * The clients run in a Worker (another thread), so they do not share the servers' event loop.
 * Each case runs for a fixed time; the whole run is bounded (about 30 s).
 *
 * ```sh
 * deno task bench otlpreceiver
 * ```
 *
 * @module
 */

import { Buffer } from "node:buffer";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";

const SPANS_PER_REQUEST = 100;
const WARMUP_MS = 800;
const CASE_MS = 1500;
const CONCURRENCY = [1, 4, 16];
const TRACES_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

interface ClientJob {
  protocol: "http" | "grpc";
  target: string;
  concurrency: number;
  durationMs: number;
  payload: Uint8Array;
}

interface ClientResult {
  requests: number;
  errors: number;
  firstError?: string;
}

// ---------------------------------------------------------------- client side (in the Worker)

const grpcClients = new Map<string, unknown>();

async function runClients(job: ClientJob): Promise<ClientResult> {
  let requests = 0;
  let errors = 0;
  let firstError: string | undefined;
  const fail = (error: unknown) => {
    errors++;
    firstError ??= error instanceof Error ? error.message : String(error);
  };
  const deadline = performance.now() + job.durationMs;
  if (job.protocol === "http") {
    const url = `${job.target}/v1/traces`;
    const loop = async () => {
      while (performance.now() < deadline) {
        try {
          const response = await fetch(url, {
            method: "POST",
            body: job.payload as BodyInit,
            headers: { "content-type": "application/x-protobuf" },
          });
          await response.arrayBuffer();
          if (response.status === 200) requests++;
          else fail(new Error(`HTTP ${response.status}`));
        } catch (error) {
          fail(error);
        }
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, loop));
    return { requests, errors, firstError };
  }
  const grpc = await import("@grpc/grpc-js");
  // One client per target for the Worker's life: closing clients between cases makes
  // connections end with GOAWAY while others open, which has crashed Deno's nghttp2 binding
  // (an assertion in find_stream_on_goaway_func) in this benchmark.
  let client = grpcClients.get(job.target) as InstanceType<typeof grpc.Client> | undefined;
  if (client === undefined) {
    client = new grpc.Client(job.target, grpc.credentials.createInsecure(), {
      "grpc.max_send_message_length": -1,
    });
    grpcClients.set(job.target, client);
  }
  const channel = client;
  const payload = Buffer.from(job.payload);
  const once = () =>
    new Promise<void>((resolve) => {
      channel.makeUnaryRequest<Buffer, Buffer>(
        TRACES_PATH,
        (bytes) => bytes,
        (bytes) => bytes,
        payload,
        new grpc.Metadata(),
        { deadline: Date.now() + 10_000 },
        (error) => {
          if (error) fail(error);
          else requests++;
          resolve();
        },
      );
    });
  const loop = async () => {
    while (performance.now() < deadline) await once();
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  return { requests, errors, firstError };
}

// deno-lint-ignore no-explicit-any
const workerScope = (globalThis as any).WorkerGlobalScope !== undefined;
if (workerScope) {
  // deno-lint-ignore no-explicit-any
  const scope = globalThis as any;
  scope.onmessage = async (event: MessageEvent<ClientJob>) => {
    scope.postMessage(await runClients(event.data));
  };
}

// ---------------------------------------------------------------- server side (main thread)

async function main(): Promise<void> {
  const { create } = await import("@bufbuild/protobuf");
  const { nopHost, nopSettings } = await import("@denocol/component/componenttest");
  const { traces, TracesDataSchema } = await import("@denocol/pdata");
  const { createFactory } = await import("@denocol/otlpreceiver");

  const data = create(TracesDataSchema, {
    resourceSpans: [{
      resource: {
        attributes: [{
          key: "service.name",
          value: { value: { case: "stringValue" as const, value: "bench" } },
        }],
      },
      scopeSpans: [{
        scope: { name: "bench" },
        spans: Array.from({ length: SPANS_PER_REQUEST }, (_, i) => ({
          traceId: new Uint8Array(16).fill(7),
          spanId: new Uint8Array(8).fill(i % 250),
          name: `span-${i}`,
          startTimeUnixNano: 1_700_000_000_000_000_000n,
          endTimeUnixNano: 1_700_000_000_100_000_000n,
          attributes: [
            {
              key: "http.method",
              value: { value: { case: "stringValue" as const, value: "GET" } },
            },
            {
              key: "http.status_code",
              value: { value: { case: "intValue" as const, value: 200n } },
            },
          ],
        })),
      }],
    }],
  });
  const payload = traces.encodeProto(data);

  let receivedSpans = 0;
  const factory = createFactory();
  const config = factory.createDefaultConfig();
  config.protocols.grpc!.endpoint = "127.0.0.1:0";
  config.protocols.http!.endpoint = "127.0.0.1:0";
  const handle = factory.createTraces(nopSettings("receiver", "otlp"), config, {
    capabilities: () => ({ mutatesData: false }),
    consume: (received) => {
      receivedSpans += traces.count(received);
      return Promise.resolve();
    },
  }) as import("@denocol/component").SharedHandle<
    import("@denocol/component").Component & {
      readonly grpcAddress?: { port: number };
      readonly httpAddress?: { port: number };
    }
  >;
  const receiver = handle.shared;
  await handle.start(nopHost());

  // Baselines: read the body, answer without decoding.
  const baselineHttp = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      await request.arrayBuffer();
      return new Response(new Uint8Array(0), {
        headers: { "content-type": "application/x-protobuf" },
      });
    },
  );
  const baselineGrpc = http2.createServer((request, response) => {
    request.on("data", () => {});
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/grpc" });
      response.addTrailers({ "grpc-status": "0" });
      // One empty message: flag 0, length 0.
      response.end(new Uint8Array(5));
    });
  });
  await new Promise<void>((resolve) => baselineGrpc.listen(0, "127.0.0.1", resolve));

  const worker = new Worker(import.meta.url, { type: "module" });
  const run = (job: ClientJob) =>
    new Promise<ClientResult>((resolve) => {
      worker.onmessage = (event: MessageEvent<ClientResult>) => resolve(event.data);
      worker.postMessage(job);
    });

  const targets = {
    http: {
      otlp: `http://127.0.0.1:${receiver.httpAddress!.port}`,
      baseline: `http://127.0.0.1:${baselineHttp.addr.port}`,
    },
    grpc: {
      otlp: `127.0.0.1:${receiver.grpcAddress!.port}`,
      baseline: `127.0.0.1:${(baselineGrpc.address() as AddressInfo).port}`,
    },
  };

  console.log(
    `otlp receiver: ${SPANS_PER_REQUEST} spans (${payload.length} bytes) per request, ` +
      `${CASE_MS} ms per case, clients in a Worker`,
  );
  console.log(
    "transport      clients  otlp spans/s  baseline spans/s  ratio  (errors otlp/baseline)",
  );
  const protocols = (Deno.env.get("OTLP_BENCH_PROTOCOLS") ?? "http,grpc").split(",") as Array<
    "http" | "grpc"
  >;
  for (const protocol of protocols) {
    for (const concurrency of CONCURRENCY) {
      const measure = async (target: string) => {
        await run({ protocol, target, concurrency, durationMs: WARMUP_MS, payload });
        const start = performance.now();
        const result = await run({ protocol, target, concurrency, durationMs: CASE_MS, payload });
        const seconds = (performance.now() - start) / 1000;
        return { ...result, spansPerSecond: (result.requests * SPANS_PER_REQUEST) / seconds };
      };
      const before = receivedSpans;
      const otlp = await measure(targets[protocol].otlp);
      const baseline = await measure(targets[protocol].baseline);
      if (otlp.errors > 0 || baseline.errors > 0) {
        console.error(`  errors: ${otlp.firstError ?? ""} ${baseline.firstError ?? ""}`);
      }
      // Everything answered OK by the receiver was decoded and consumed.
      const consumed = receivedSpans - before;
      const label = protocol === "http" ? "HTTP/protobuf" : "gRPC";
      console.log(
        `${label.padEnd(14)} ${String(concurrency).padStart(7)}  ` +
          `${otlp.spansPerSecond.toFixed(0).padStart(12)}  ` +
          `${baseline.spansPerSecond.toFixed(0).padStart(16)}  ` +
          `${(otlp.spansPerSecond / baseline.spansPerSecond).toFixed(2).padStart(5)}  ` +
          `(${otlp.errors}/${baseline.errors}; ${consumed} spans consumed)`,
      );
    }
  }

  worker.terminate();
  await handle.shutdown();
  await baselineHttp.shutdown();
  await new Promise<void>((resolve) => baselineGrpc.close(() => resolve()));
}

if (!workerScope) {
  await main();
  // Idle HTTP/2 sessions of the baseline would keep the process alive.
  Deno.exit(0);
}
