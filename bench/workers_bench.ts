/**
 * The collector with `--workers=1` and `--workers=2`, same run, for traces over HTTP/protobuf
 * (`otlp → … → otlphttp`) and gRPC (`otlp → … → otlp`), in three pipelines (`PIPELINES` below:
 * pass-through, the same with gzip, and a `transform` processor). For each, in rounds that
 * alternate the order of the two:
 *
 * - **items/s**: what reached the backend, per second from the start of a run until every item
 *   acknowledged in it arrived, while 16 clients, each on its own connection, sent 2000-span
 *   requests as fast as the collector answered, for 5 s after a 2 s warm-up (a collector that
 *   acknowledges faster than it exports fills its queue: that is not throughput);
 * - **collector cores**: user + system CPU of the collector's processes (`/proc`, the supervisor
 *   and its workers) over that run and its drain, divided by its wall time;
 * - **harness cores**: the same for this process, which runs the load generator and the mock
 *   backend: on a machine of few cores they compete with the collector for them.
 *
 * The generator sends one pre-encoded request over and over (over gRPC through a bare HTTP/2
 * client, not the generated one that encodes every call) and the backend counts items on the
 * wire without decoding them, so that the harness takes as little CPU as it can.
 *
 * Run: `deno run -A bench/workers_bench.ts` (or `deno task bench workers`). `BENCH_ROUNDS` sets the
 * rounds (default 2), `BENCH_CLIENTS` the clients (default 16), `BENCH_ITEMS` the spans per
 * request (default 2000), `BENCH_PIPELINES` the pipelines (comma-separated; default all),
 * `BENCH_WORKERS` the worker counts (default `1,2`). `BENCH_BEFORE=<directory of another
 * checkout>` also runs that checkout's collector (with its own task flags) in every round, for
 * before/after figures of one run.
 *
 * @module
 */

import process from "node:process";
import { MockBackend } from "../testbed/backend.ts";
import { Collector, collectorDenoFlags, freePort, pipelineConfig } from "../testbed/collector.ts";
import { type Protocol, runLoad } from "../testbed/loadgen.ts";

const PROTOCOLS: Protocol[] = ["http", "grpc"];
/** A pipeline measured: its processors and the exporter's compression. */
interface Pipeline {
  readonly processors: ReadonlyArray<readonly [string, string]>;
  readonly compression: "none" | "gzip";
}

/**
 * The pipelines measured. `pass-through`: requests stay encoded from receiver to exporter, which
 * sends them uncompressed, the least a collector can do (as `collector_bench.ts` runs it).
 * `gzip`: the same with the exporters' default compression, CPU spent on the JavaScript thread.
 * `transform`: a `transform` processor sets an attribute on every span, so that each request is
 * decoded, changed and encoded again, as most processors make it (and V8's collector works hard).
 */
const PIPELINES: Record<string, Pipeline> = {
  "pass-through": { processors: [["batch", ""]], compression: "none" },
  gzip: { processors: [["batch", ""]], compression: "gzip" },
  transform: {
    processors: [
      ["transform", '    trace_statements:\n      - set(span.attributes["bench"], "yes")\n'],
      ["batch", ""],
    ],
    compression: "none",
  },
};
const WORKERS = (Deno.env.get("BENCH_WORKERS") ?? "1,2").split(",").map(Number);
/** The checkout whose collector also runs, as `before`, if any (a path ending in `/`). */
const BEFORE = Deno.env.get("BENCH_BEFORE")?.replace(/\/*$/, "/");
const VERSIONS = BEFORE ? ["before", "after"] : ["after"];
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 2);
const RUN_MS = 5000;
const WARMUP_MS = 2000;
const CLIENTS = Number(Deno.env.get("BENCH_CLIENTS") ?? 16);
const ITEMS_PER_REQUEST = Number(Deno.env.get("BENCH_ITEMS") ?? 2000);

interface Round {
  itemsPerSecond: number;
  collectorCores: number;
  harnessCores: number;
  cpuPerMillion: number;
  missing: number;
}

async function measure(
  pipeline: string,
  protocol: Protocol,
  workers: number,
  backend: MockBackend,
  version: string,
): Promise<Round> {
  const grpcPort = freePort();
  const httpPort = freePort();
  const config = pipelineConfig({
    signals: ["traces"],
    grpcPort,
    httpPort,
    metricsPort: freePort(),
    exporter: protocol === "grpc" ? "otlp" : "otlphttp",
    backendEndpoint: protocol === "grpc" ? backend.grpcEndpoint : backend.httpEndpoint,
    exporterExtra: `    compression: ${PIPELINES[pipeline].compression}\n`,
    processors: PIPELINES[pipeline].processors,
  });
  let before: { script: string[]; taskFlags: string[] } | undefined;
  if (version === "before") {
    const configPath = await Deno.makeTempFile({ prefix: "denocol-bench-", suffix: ".yaml" });
    await Deno.writeTextFile(configPath, config);
    before = {
      script: [`--config=${BEFORE}deno.json`, `${BEFORE}otelcol/main.ts`, "--config", configPath],
      taskFlags: collectorDenoFlags(BEFORE!),
    };
  }
  const collector = await Collector.start({
    config,
    ...before,
    readyPorts: [grpcPort, httpPort],
    workers,
  });
  const endpoint = `127.0.0.1:${protocol === "grpc" ? grpcPort : httpPort}`;
  const load = (durationMs: number) =>
    runLoad({
      signal: "traces",
      protocol,
      endpoint,
      maxItems: 100_000_000,
      durationMs,
      clients: CLIENTS,
      itemsPerRequest: ITEMS_PER_REQUEST,
      reuseRequest: true,
      rawGrpc: true,
      retryGraceMs: 10_000,
    });
  try {
    const warm = await load(WARMUP_MS);
    await backend.arrivedSince("traces", backend.received("traces") - warm.accepted, warm.accepted);
    const before = backend.received("traces");
    const cpuBefore = collector.cpuSeconds();
    const harnessBefore = process.cpuUsage();
    const started = performance.now();
    const run = await load(RUN_MS);
    const delivered = await backend.arrivedSince("traces", before, run.accepted);
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = collector.cpuSeconds() - cpuBefore;
    const harness = process.cpuUsage(harnessBefore);
    return {
      // Delivered over the run and its drain: a collector that acknowledges faster than it
      // exports only fills its queue, which is not throughput.
      itemsPerSecond: delivered / wallSeconds,
      collectorCores: cpu / wallSeconds,
      harnessCores: (harness.user + harness.system) / 1e6 / wallSeconds,
      cpuPerMillion: run.accepted > 0 ? (cpu / run.accepted) * 1e6 : NaN,
      missing: run.accepted - delivered,
    };
  } finally {
    await collector.stop();
  }
}

const results = new Map<string, Round[]>();
const started = performance.now();
const SELECTED = (Deno.env.get("BENCH_PIPELINES") ?? Object.keys(PIPELINES).join(","))
  .split(",").filter((name) => name in PIPELINES);
const loadBefore = Deno.loadavg()[0];
for (const pipeline of SELECTED) {
  for (const protocol of PROTOCOLS) {
    const backend = await MockBackend.start({ countOnly: true });
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? WORKERS : [...WORKERS].reverse();
        for (const workers of order) {
          const versions = round % 2 === 0 ? VERSIONS : [...VERSIONS].reverse();
          for (const version of versions) {
            const figures = await measure(pipeline, protocol, workers, backend, version);
            const key = `${pipeline}/${protocol}/${workers}/${version}`;
            results.set(key, [...(results.get(key) ?? []), figures]);
          }
        }
      }
    } finally {
      await backend.close();
    }
  }
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const fixed = (n: number, digits = 2) => n.toFixed(digits);
const best = (rounds: Round[]) =>
  rounds.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a));

console.log(
  `--workers=${WORKERS.join(" vs ")}, traces, ${CLIENTS} clients x ${ITEMS_PER_REQUEST}-span ` +
    `requests, ${RUN_MS / 1000} s per run, best of ` +
    `${ROUNDS} rounds, nproc ${navigator.hardwareConcurrency}, Deno ${Deno.version.deno}, ` +
    `load average ${loadBefore.toFixed(2)} before, ${Deno.loadavg()[0].toFixed(2)} after` +
    (BEFORE ? `; before = the collector of ${BEFORE}` : ""),
);
console.log(
  "pipeline     protocol version workers |   items/s | every round          | " +
    "collector cores | CPU s/M | harness cores | x 1st workers | x before",
);
for (const pipeline of SELECTED) {
  for (const protocol of PROTOCOLS) {
    for (const version of VERSIONS) {
      const first = best(results.get(`${pipeline}/${protocol}/${WORKERS[0]}/${version}`)!);
      for (const workers of WORKERS) {
        const rounds = results.get(`${pipeline}/${protocol}/${workers}/${version}`)!;
        const top = best(rounds);
        const earlier = results.get(`${pipeline}/${protocol}/${workers}/before`);
        const vsBefore = version === "after" && earlier
          ? fixed(top.itemsPerSecond / best(earlier).itemsPerSecond)
          : "";
        console.log(
          `${pipeline.padEnd(12)} ${protocol.padEnd(8)} ${version.padEnd(7)} ` +
            `${String(workers).padStart(7)} | ${int(top.itemsPerSecond).padStart(9)} | ` +
            `${rounds.map((r) => int(r.itemsPerSecond)).join(", ").padEnd(20)} | ` +
            `${fixed(top.collectorCores).padStart(15)} | ` +
            `${fixed(top.cpuPerMillion, 1).padStart(7)} | ` +
            `${fixed(top.harnessCores).padStart(13)} | ` +
            `${fixed(top.itemsPerSecond / first.itemsPerSecond).padStart(13)} | ` +
            vsBefore.padStart(8),
        );
        for (const round of rounds) {
          if (round.missing > 0) {
            console.log(`  warning: ${round.missing} acknowledged items not delivered`);
          }
        }
      }
    }
  }
}
console.log(`bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
