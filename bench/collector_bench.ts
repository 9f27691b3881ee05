/**
 * End-to-end cost of the collector: `otlp → batch → otlp` (gRPC in and out) and `otlp → batch →
 * otlphttp` (HTTP/protobuf in and out), for traces, logs and profiles, each figure printed beside
 * the same figure of a relay that forwards request bodies without decoding them (`relay.ts`), run
 * the same way in the same run:
 *
 * - **items/s**: the most the target acknowledged while 8 clients sent 500-item requests as fast
 *   as it answered, for 4 s (every acknowledged item is then waited for at the backend);
 * - **CPU s per million items**: the target process's user + system CPU time (`/proc/<pid>/stat`)
 *   over that run and its drain, per million items;
 * - **peak RSS at 10,000 spans/s**: `VmHWM` of a fresh target process after 4 s of traces at a
 *   fixed 10,000 spans/s.
 *
 * The generator sends one pre-encoded request over and over and the backend counts items on the
 * wire without decoding them (see `testbed/`), so that on a small machine the harness takes as
 * little CPU as possible from the target. The exporters run with `compression: none`, as the relay
 * forwards bytes as they come. Correctness under load is the testbed's job (`deno task testbed`).
 *
 * Run: `deno run -A bench/collector_bench.ts` (or `deno task bench collector`).
 *
 * @module
 */

import { MockBackend } from "../testbed/backend.ts";
import { Collector, freePort, pipelineConfig, REPO_ROOT } from "../testbed/collector.ts";
import { type Protocol, runLoad } from "../testbed/loadgen.ts";
import type { SignalName } from "../testbed/signals.ts";

const SIGNALS: SignalName[] = ["traces", "logs", "profiles"];
const PROTOCOLS: Protocol[] = ["http", "grpc"];
const MAX_RUN_MS = 4000;
const FIXED_RATE = 10_000;
const FIXED_RUN_MS = 4000;
const ITEMS_PER_REQUEST = 500;

type Target = "collector" | "relay";

interface Figures {
  itemsPerSecond: number;
  delivered: number;
  accepted: number;
  cpuPerMillion: number;
}

async function startTarget(target: Target, protocol: Protocol, backend: MockBackend) {
  const grpcPort = freePort();
  const httpPort = freePort();
  if (target === "relay") {
    return {
      grpcPort,
      httpPort,
      process: await Collector.start({
        config: "",
        script: [
          `${REPO_ROOT}bench/relay.ts`,
          `--grpc-port=${grpcPort}`,
          `--http-port=${httpPort}`,
          `--backend-grpc=${backend.grpcEndpoint}`,
          `--backend-http=${backend.httpEndpoint}`,
        ],
        readyPorts: [grpcPort, httpPort],
      }),
    };
  }
  const config = pipelineConfig({
    signals: SIGNALS,
    grpcPort,
    httpPort,
    metricsPort: freePort(),
    exporter: protocol === "grpc" ? "otlp" : "otlphttp",
    backendEndpoint: protocol === "grpc" ? backend.grpcEndpoint : backend.httpEndpoint,
    exporterExtra: "    compression: none\n",
  });
  return {
    grpcPort,
    httpPort,
    process: await Collector.start({
      config,
      readyPorts: [grpcPort, httpPort],
      featureGates: "service.profilesSupport",
    }),
  };
}

/** Waits until the backend has `count` more items of `signal` than `before`, or 3 s of nothing. */
async function drained(backend: MockBackend, signal: SignalName, before: number, count: number) {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const now = backend.received(signal) - before;
    if (now >= count) return now;
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 3000) {
      return now;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const results = new Map<string, Figures>();
const peakRss = new Map<string, { rss: number; rate: number }>();
const key = (protocol: Protocol, target: Target, signal: SignalName) =>
  `${protocol}/${target}/${signal}`;

const started = performance.now();
for (const protocol of PROTOCOLS) {
  const backend = await MockBackend.start({ countOnly: true });
  for (const target of ["relay", "collector"] as const) {
    const running = await startTarget(target, protocol, backend);
    const endpoint = `127.0.0.1:${protocol === "grpc" ? running.grpcPort : running.httpPort}`;
    try {
      // Peak RSS of a fresh process at a fixed rate.
      const before = backend.received("traces");
      const fixed = await runLoad({
        signal: "traces",
        protocol,
        endpoint,
        maxItems: FIXED_RATE * (FIXED_RUN_MS / 1000),
        rate: FIXED_RATE,
        durationMs: FIXED_RUN_MS,
        clients: 4,
        itemsPerRequest: ITEMS_PER_REQUEST,
        reuseRequest: true,
        retryGraceMs: 10_000,
      });
      await drained(backend, "traces", before, fixed.accepted);
      peakRss.set(`${protocol}/${target}`, {
        rss: running.process.peakRss(),
        rate: Math.round((fixed.accepted / FIXED_RUN_MS) * 1000),
      });

      for (const signal of SIGNALS) {
        const cpuBefore = running.process.cpuSeconds();
        const receivedBefore = backend.received(signal);
        const load = await runLoad({
          signal,
          protocol,
          endpoint,
          maxItems: 50_000_000,
          durationMs: MAX_RUN_MS,
          clients: 8,
          itemsPerRequest: ITEMS_PER_REQUEST,
          reuseRequest: true,
          retryGraceMs: 10_000,
        });
        const delivered = await drained(backend, signal, receivedBefore, load.accepted);
        const cpu = running.process.cpuSeconds() - cpuBefore;
        results.set(key(protocol, target, signal), {
          itemsPerSecond: (load.accepted / load.elapsedMs) * 1000,
          delivered,
          accepted: load.accepted,
          cpuPerMillion: load.accepted > 0 ? (cpu / load.accepted) * 1e6 : NaN,
        });
      }
    } finally {
      await running.process.stop();
    }
  }
  await backend.close();
}

const int = (n: number) => Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a";
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? (a / b).toFixed(2) : "n/a");
const pad = (text: string, width: number) => text.padStart(width);

console.log(
  `collector vs relay, ${ITEMS_PER_REQUEST}-item requests, ${MAX_RUN_MS / 1000} s per run, ` +
    `nproc ${navigator.hardwareConcurrency}, Deno ${Deno.version.deno}`,
);
console.log(
  "protocol signal   | collector items/s | relay items/s | x relay | collector CPU s/M | relay CPU s/M | x relay",
);
for (const protocol of PROTOCOLS) {
  for (const signal of SIGNALS) {
    const c = results.get(key(protocol, "collector", signal))!;
    const r = results.get(key(protocol, "relay", signal))!;
    console.log(
      `${protocol.padEnd(8)} ${signal.padEnd(8)} | ${pad(int(c.itemsPerSecond), 17)} | ` +
        `${pad(int(r.itemsPerSecond), 13)} | ${
          pad(ratio(c.itemsPerSecond, r.itemsPerSecond), 7)
        } | ` +
        `${pad(c.cpuPerMillion.toFixed(1), 17)} | ${pad(r.cpuPerMillion.toFixed(1), 13)} | ` +
        `${pad(ratio(c.cpuPerMillion, r.cpuPerMillion), 7)}`,
    );
    for (const [target, f] of [["collector", c], ["relay", r]] as const) {
      if (f.delivered < f.accepted) {
        console.log(`  warning: ${target} acknowledged ${f.accepted} but delivered ${f.delivered}`);
      }
    }
  }
}
console.log(
  `peak RSS at ${int(FIXED_RATE)} spans/s (traces, ${FIXED_RUN_MS / 1000} s, fresh process):`,
);
for (const protocol of PROTOCOLS) {
  const c = peakRss.get(`${protocol}/collector`)!;
  const r = peakRss.get(`${protocol}/relay`)!;
  console.log(
    `  ${protocol.padEnd(5)} collector ${(c.rss / 1048576).toFixed(1)} MiB (reached ${
      int(c.rate)
    }/s), ` +
      `relay ${(r.rss / 1048576).toFixed(1)} MiB (reached ${int(r.rate)}/s), x relay ${
        ratio(c.rss, r.rss)
      }`,
  );
}
console.log(`bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
