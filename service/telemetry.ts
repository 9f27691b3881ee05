/**
 * The collector's own telemetry: structured logs per `service.telemetry.logs`, process metrics,
 * and the Prometheus endpoint serving every internal metric per `service.telemetry.metrics`.
 */

import {
  type InstrumentSnapshot,
  type Logger,
  type LogRecordEvent,
  MetricsRegistry,
  newLogger,
  writeAllSync,
  writeStderr,
} from "@denocol/component";
import { listenAddress } from "@denocol/config";
import process from "node:process";
import type { TelemetryLogsConfig } from "./config/mod.ts";

export { type LoggerOptions, newLogger, writeStderr } from "@denocol/component";

/**
 * Where `service.telemetry.logs.output_paths` sends each line: `stderr`, `stdout`, or a file
 * path (appended to, created if missing). Throws naming the path when a file cannot be opened.
 */
export function logWriterFor(outputPaths: readonly string[]): (line: string) => void {
  const writers = outputPaths.map((path): (line: string) => void => {
    if (path === "stderr") return writeStderr;
    if (path === "stdout") return (line) => writeAllSync(Deno.stdout, `${line}\n`);
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { append: true, create: true });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(
        `service.telemetry.logs.output_paths: cannot open ${JSON.stringify(path)}: ${detail}`,
        { cause: error },
      );
    }
    return (line) => writeAllSync(file, `${line}\n`);
  });
  return (line) => {
    for (const write of writers) write(line);
  };
}

/**
 * A logger configured by `service.telemetry.logs`, writing through `write` when given, else to
 * the configured output paths, and handing each record to `onRecord` when given (the SDK's
 * `LoggerProvider` of `service.telemetry.logs.processors`).
 */
export function loggerFromConfig(
  config: TelemetryLogsConfig,
  write?: (line: string) => void,
  onRecord?: (record: LogRecordEvent) => void,
): Logger {
  return newLogger({
    level: config.level,
    encoding: config.encoding,
    initialFields: config.initialFields,
    write: write ?? logWriterFor(config.outputPaths),
    ...(onRecord ? { onRecord } : {}),
  });
}

/**
 * Registers the process metrics of the Go collector on `registry` and returns a function that
 * refreshes them (call it before each scrape): `otelcol_process_uptime` (seconds, a counter),
 * `otelcol_process_memory_rss`, `otelcol_process_runtime_heap_alloc_bytes`,
 * `otelcol_process_runtime_total_sys_memory_bytes` (bytes) and `otelcol_process_cpu_seconds`.
 */
export function registerProcessMetrics(
  registry: MetricsRegistry,
  now: () => number = () => performance.now(),
): () => void {
  const uptime = registry.counter("otelcol_process_uptime", {
    description: "Uptime of the process in seconds.",
    unit: "s",
  });
  const rss = registry.gauge("otelcol_process_memory_rss", {
    description: "Total physical memory (resident set size) in bytes.",
    unit: "By",
  });
  const heapAlloc = registry.gauge("otelcol_process_runtime_heap_alloc_bytes", {
    description: "Bytes of allocated heap objects.",
    unit: "By",
  });
  const totalSys = registry.gauge("otelcol_process_runtime_total_sys_memory_bytes", {
    description: "Total bytes of memory obtained from the OS (heap and external memory).",
    unit: "By",
  });
  const cpu = registry.counter("otelcol_process_cpu_seconds", {
    description: "Total CPU user and system time in seconds.",
    unit: "s",
  });
  let lastUptime = now();
  let lastCpuMicros = 0;
  uptime.add(0);
  const refresh = () => {
    const current = now();
    uptime.add(Math.max(0, current - lastUptime) / 1000);
    lastUptime = current;
    const memory = Deno.memoryUsage();
    rss.record(memory.rss);
    heapAlloc.record(memory.heapUsed);
    totalSys.record(memory.heapTotal + memory.external);
    const usage = process.cpuUsage();
    const cpuMicros = usage.user + usage.system;
    cpu.add(Math.max(0, cpuMicros - lastCpuMicros) / 1e6);
    lastCpuMicros = Math.max(lastCpuMicros, cpuMicros);
  };
  refresh();
  return refresh;
}

/** The running `/metrics` endpoint. */
export interface MetricsServer {
  /** The address it listens on, `host:port` with the port actually bound. */
  readonly address: string;
  /** Stops listening. */
  close(): Promise<void>;
}

/**
 * Serves `registry` in the Prometheus text format at `http://address/metrics`, refreshing
 * process metrics with `beforeScrape` on each request. Rejects when the address cannot be
 * bound, naming it.
 */
export function serveMetrics(
  address: string,
  registry: MetricsRegistry,
  beforeScrape: () => void = () => {},
): Promise<MetricsServer> {
  return servePrometheusText(address, () => {
    beforeScrape();
    return registry.renderPrometheus();
  });
}

/**
 * Serves what `render` returns, Prometheus text, at `http://address/metrics`: for a collector
 * whose metrics are gathered from several processes at each scrape. Rejects when the address
 * cannot be bound, naming it.
 */
export async function servePrometheusText(
  address: string,
  render: () => string | Promise<string>,
): Promise<MetricsServer> {
  const { hostname, port } = listenAddress(address, "service.telemetry.metrics");
  let server: Deno.HttpServer<Deno.NetAddr>;
  const listening = Promise.withResolvers<Deno.NetAddr>();
  try {
    server = Deno.serve({
      hostname,
      port,
      onListen: (addr) => listening.resolve(addr),
    }, async (request) => {
      const url = new URL(request.url);
      if (url.pathname !== "/metrics") {
        return new Response("not found; metrics are served at /metrics\n", { status: 404 });
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        return new Response("method not allowed\n", { status: 405, headers: { allow: "GET" } });
      }
      return new Response(await render(), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      });
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot serve internal metrics on ${address} (service.telemetry.metrics): ${detail}`,
      { cause: error },
    );
  }
  const bound = await listening.promise;
  const host = bound.hostname.includes(":") ? `[${bound.hostname}]` : bound.hostname;
  return {
    address: `${host}:${bound.port}`,
    close: async () => {
      await server.shutdown();
    },
  };
}

const EXPORTER_ITEM_COUNTER = /^otelcol_exporter_(sent|send_failed|enqueue_failed)_([a-z_]+)$/;

/**
 * The item counters of every exporter (`otelcol_exporter_sent_<items>`, `_send_failed_`,
 * `_enqueue_failed_`), one record per exporter with its `exporter` ID and a field per counter
 * such as `send_failed_spans`; a kind of item an exporter counted has all three fields (0 when
 * untouched). Logged at the end of a shutdown, when no scrape can see the last increments.
 */
export function exporterTotals(registry: MetricsRegistry): Record<string, string | number>[] {
  const byExporter = new Map<string, Record<string, string | number>>();
  for (const instrument of registry.collect()) {
    const match = EXPORTER_ITEM_COUNTER.exec(instrument.name);
    if (match === null || instrument.kind !== "counter") continue;
    const item = match[2];
    for (const series of instrument.series) {
      const exporter = series.attributes.exporter;
      if (typeof exporter !== "string") continue;
      let totals = byExporter.get(exporter);
      if (totals === undefined) byExporter.set(exporter, totals = { exporter });
      for (const kind of ["sent", "send_failed", "enqueue_failed"]) {
        totals[`${kind}_${item}`] ??= 0;
      }
      totals[`${match[1]}_${item}`] = Number(totals[`${match[1]}_${item}`]) + series.value;
    }
  }
  return [...byExporter.values()];
}

/**
 * Metrics whose series do not add up across the processes of one collector: the uptime (each
 * process counts its own; the collector's is the longest) and the number of load-balancing
 * backends (every process resolves the same ones). Their series take the largest value instead.
 */
export const NON_ADDITIVE_METRICS: ReadonlySet<string> = new Set([
  "otelcol_process_uptime",
  "otelcol_loadbalancer_num_backends",
]);

/**
 * One registry holding the metrics of several processes that run one collector, as if one
 * process had recorded them: each series is the sum of that series in every snapshot (counters,
 * up-down counters, and gauges such as memory or queue sizes), or the largest value for
 * {@linkcode NON_ADDITIVE_METRICS}. An instrument takes the kind, description and unit of its
 * first snapshot; a later one of another kind under the same name is skipped.
 *
 * @param snapshots `MetricsRegistry.collect()` of each process.
 */
export function sumMetrics(snapshots: readonly (readonly InstrumentSnapshot[])[]): MetricsRegistry {
  const merged = new Map<string, { first: InstrumentSnapshot; series: Map<string, number> }>();
  const attributesOf = new Map<string, InstrumentSnapshot["series"][number]["attributes"]>();
  for (const snapshot of snapshots) {
    for (const instrument of snapshot) {
      let entry = merged.get(instrument.name);
      if (entry === undefined) {
        merged.set(instrument.name, entry = { first: instrument, series: new Map() });
      } else if (entry.first.kind !== instrument.kind) {
        continue;
      }
      const largest = NON_ADDITIVE_METRICS.has(instrument.name);
      for (const series of instrument.series) {
        const key = JSON.stringify(
          Object.keys(series.attributes).sort().map((k) => [k, series.attributes[k]]),
        );
        attributesOf.set(key, series.attributes);
        const before = entry.series.get(key);
        entry.series.set(
          key,
          before === undefined
            ? series.value
            : largest
            ? Math.max(before, series.value)
            : before + series.value,
        );
      }
    }
  }
  const registry = new MetricsRegistry();
  for (const { first, series } of merged.values()) {
    const options = { description: first.description, unit: first.unit };
    for (const [key, value] of series) {
      const attributes = attributesOf.get(key);
      if (first.kind === "counter") registry.counter(first.name, options).add(value, attributes);
      else if (first.kind === "upDownCounter") {
        registry.upDownCounter(first.name, options).add(value, attributes);
      } else registry.gauge(first.name, options).record(value, attributes);
    }
    // An instrument without series is still announced, as the process that created it does.
    if (series.size === 0) {
      if (first.kind === "counter") registry.counter(first.name, options);
      else if (first.kind === "upDownCounter") registry.upDownCounter(first.name, options);
      else registry.gauge(first.name, options);
    }
  }
  return registry;
}
