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
 * - **at 10,000 spans/s**, the Go collector's load-test rate, in its 100-span requests: `VmHWM`
 *   (peak RSS) of a fresh target process after 2 + 4 s of traces, and its CPU % (100 % = one core)
 *   over the last 4 s, which at this rate is also CPU seconds per million spans.
 *
 * The generator sends one pre-encoded request over and over and the backend counts items on the
 * wire without decoding them (see `testbed/`), so that on a small machine the harness takes as
 * little CPU as possible from the target. The exporters run with `compression: none`, as the relay
 * forwards bytes as they come. Correctness under load is the testbed's job (`deno task testbed`).
 *
 * `BENCH_BEFORE=<directory of another checkout>` adds a third target, the collector of that
 * checkout (run with its own `collector` task flags and the same configuration), for before/after
 * figures of one run: `git worktree add /tmp/before <commit>` makes such a checkout.
 *
 * Run: `deno run -A bench/collector_bench.ts` (or `deno task bench collector`).
 *
 * @module
 */

import { MockBackend } from "../testbed/backend.ts";
import {
  Collector,
  collectorDenoFlags,
  freePort,
  pipelineConfig,
  REPO_ROOT,
} from "../testbed/collector.ts";
import { type Protocol, runLoad } from "../testbed/loadgen.ts";
import type { SignalName } from "../testbed/signals.ts";

const SIGNALS: SignalName[] = ["traces", "logs", "profiles"];
const PROTOCOLS: Protocol[] = ["http", "grpc"];
const MAX_RUN_MS = 4000;
const FIXED_RATE = 10_000;
const FIXED_RUN_MS = 4000;
const FIXED_WARMUP_MS = 2000;
/** Spans per request at the fixed rate: as the Go collector's load tests send them. */
const FIXED_ITEMS_PER_REQUEST = 100;
const ITEMS_PER_REQUEST = 500;

type Target = "collector" | "relay" | "before";

/** The checkout whose collector runs as target `before`, if any (a path ending in `/`). */
const BEFORE = Deno.env.get("BENCH_BEFORE")?.replace(/\/*$/, "/");
const TARGETS: Target[] = BEFORE ? ["relay", "before", "collector"] : ["relay", "collector"];

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
  if (target === "before") {
    const configPath = await Deno.makeTempFile({ prefix: "denocol-bench-", suffix: ".yaml" });
    await Deno.writeTextFile(configPath, config);
    return {
      grpcPort,
      httpPort,
      process: await Collector.start({
        config,
        script: [
          `--config=${BEFORE}deno.json`,
          `${BEFORE}otelcol/main.ts`,
          "--config",
          configPath,
        ],
        taskFlags: collectorDenoFlags(BEFORE!),
        readyPorts: [grpcPort, httpPort],
        featureGates: "service.profilesSupport",
      }),
    };
  }
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

const results = new Map<string, Figures>();
const peakRss = new Map<string, { rss: number; rate: number; cpuPercent: number }>();
const key = (protocol: Protocol, target: Target, signal: SignalName) =>
  `${protocol}/${target}/${signal}`;

const started = performance.now();
const loadBefore = Deno.loadavg()[0];
for (const protocol of PROTOCOLS) {
  const backend = await MockBackend.start({ countOnly: true });
  for (const target of TARGETS) {
    const running = await startTarget(target, protocol, backend);
    const endpoint = `127.0.0.1:${protocol === "grpc" ? running.grpcPort : running.httpPort}`;
    try {
      // Peak RSS of a fresh process at a fixed rate, and its CPU once warm: the first seconds
      // of a fresh process are JIT compilation, which a longer run amortises.
      const fixedRun = async (durationMs: number) => {
        const before = backend.received("traces");
        const cpuBefore = running.process.cpuSeconds();
        const started = performance.now();
        const fixed = await runLoad({
          signal: "traces",
          protocol,
          endpoint,
          maxItems: FIXED_RATE * (durationMs / 1000),
          rate: FIXED_RATE,
          durationMs,
          clients: 4,
          itemsPerRequest: FIXED_ITEMS_PER_REQUEST,
          reuseRequest: true,
          retryGraceMs: 10_000,
        });
        await backend.arrivedSince("traces", before, fixed.accepted);
        const seconds = (performance.now() - started) / 1000;
        return {
          rate: fixed.accepted / seconds,
          cpuPercent: ((running.process.cpuSeconds() - cpuBefore) / seconds) * 100,
        };
      };
      await fixedRun(FIXED_WARMUP_MS);
      const fixed = await fixedRun(FIXED_RUN_MS);
      peakRss.set(`${protocol}/${target}`, { rss: running.process.peakRss(), ...fixed });

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
        const delivered = await backend.arrivedSince(signal, receivedBefore, load.accepted);
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
    `nproc ${navigator.hardwareConcurrency}, Deno ${Deno.version.deno}, load average ` +
    `${loadBefore.toFixed(2)} before, ${Deno.loadavg()[0].toFixed(2)} after`,
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
    const b = results.get(key(protocol, "before", signal));
    if (b) {
      console.log(
        `  before: ${int(b.itemsPerSecond)} items/s, ${b.cpuPerMillion.toFixed(1)} CPU s/M; ` +
          `collector x before: items/s ${ratio(c.itemsPerSecond, b.itemsPerSecond)}, ` +
          `CPU s/M ${ratio(c.cpuPerMillion, b.cpuPerMillion)}`,
      );
    }
    for (const [target, f] of [["collector", c], ["relay", r], ["before", b]] as const) {
      if (f && f.delivered < f.accepted) {
        console.log(`  warning: ${target} acknowledged ${f.accepted} but delivered ${f.delivered}`);
      }
    }
  }
}
if (BEFORE) console.log(`before: the collector of ${BEFORE}`);
console.log(
  `at a fixed ${int(FIXED_RATE)} spans/s (traces, ${FIXED_ITEMS_PER_REQUEST}-span requests, ` +
    `${FIXED_WARMUP_MS / 1000} s then ${FIXED_RUN_MS / 1000} s, fresh process): peak RSS, ` +
    `CPU % of the second run (100 % = one core)`,
);
for (const protocol of PROTOCOLS) {
  for (const target of TARGETS) {
    const f = peakRss.get(`${protocol}/${target}`)!;
    const c = peakRss.get(`${protocol}/collector`)!;
    console.log(
      `  ${protocol.padEnd(5)} ${target.padEnd(9)} ${
        (f.rss / 1048576).toFixed(1).padStart(6)
      } MiB ` +
        `${f.cpuPercent.toFixed(1).padStart(5)} % CPU (reached ${int(f.rate)}/s)` +
        (target === "collector" ? "" : `, collector x ${target}: RSS ${ratio(c.rss, f.rss)}, ` +
          `CPU ${ratio(c.cpuPercent, f.cpuPercent)}`),
    );
  }
}
console.log(`bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
