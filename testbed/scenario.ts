/**
 * What a testbed scenario is, and the checks scenarios share.
 *
 * @module
 */

import type { BackendReport, MockBackend } from "./backend.ts";
import { Collector, freePort, pipelineConfig } from "./collector.ts";
import type { LoadResult, Protocol } from "./loadgen.ts";
import type { SignalName } from "./signals.ts";

/** How a scenario is run. */
export interface ScenarioContext {
  /** The short version (CI): fewer items, shorter phases, same checks. */
  short: boolean;
  /** Progress output (stderr), for a person watching a long run. */
  log(message: string): void;
  /** `--workers` of the collectors the scenario starts; 1 runs each in one process. */
  workers: number;
}

/** The outcome of a scenario: its figures, and what failed (empty when it passed). */
export interface ScenarioOutcome {
  /** One line of figures. */
  figures: string;
  /** Every failed check; the scenario passes when this is empty. */
  failures: string[];
}

/** One named end-to-end check. */
export interface Scenario {
  /** Short name used by `--only` and in the PASS/FAIL line. */
  name: string;
  /** Runs the scenario. Throwing counts as a failure with the error's message. */
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}

/**
 * Waits until every item the generator saw acknowledged has reached the backend, or until
 * `timeoutMs`, or until nothing new arrived for `idleMs`, and returns the backend's report.
 */
export async function awaitDelivery(
  backend: MockBackend,
  load: LoadResult,
  timeoutMs: number,
  idleMs = 10_000,
): Promise<BackendReport> {
  const deadline = Date.now() + timeoutMs;
  let lastCount = -1;
  let lastChange = Date.now();
  for (;;) {
    const received = backend.received(load.signal);
    if (received !== lastCount) {
      lastCount = received;
      lastChange = Date.now();
    }
    // Cheap check first: no full report until enough items arrived.
    if (received >= load.accepted) {
      const report = backend.report(load.signal, load.states);
      if (report.missing === 0) return report;
    }
    if (Date.now() > deadline || Date.now() - lastChange > idleMs) {
      return backend.report(load.signal, load.states);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Options of {@link checkDelivery}. */
export interface DeliveryExpectations {
  /** Duplicates are a failure (steady runs) rather than a figure (faults, restarts). */
  noDuplicates?: boolean;
  /** Items the collector must not refuse or leave unacknowledged. */
  allAccepted?: boolean;
}

/** The standard checks of one signal's run: nothing acknowledged lost, nothing corrupted. */
export function checkDelivery(
  load: LoadResult,
  report: BackendReport,
  expect: DeliveryExpectations,
): string[] {
  const what = `${load.signal}/${load.protocol}`;
  const failures: string[] = [];
  if (load.accepted === 0) failures.push(`${what}: the collector accepted nothing`);
  if (report.missing > 0) {
    failures.push(
      `${what}: ${report.missing} of ${load.accepted} acknowledged items never reached the ` +
        `backend (${report.problems.join("; ")})`,
    );
  }
  if (report.integrityErrors > 0) {
    failures.push(
      `${what}: ${report.integrityErrors} items arrived changed (${report.problems.join("; ")})`,
    );
  }
  if (report.unexpected > 0) {
    failures.push(`${what}: ${report.unexpected} items arrived that were never sent`);
  }
  if (expect.noDuplicates && report.duplicates > 0) {
    failures.push(`${what}: ${report.duplicates} duplicates`);
  }
  if (expect.allAccepted && (load.refused > 0 || load.unknown > 0)) {
    failures.push(
      `${what}: ${load.refused} items refused ${JSON.stringify(load.refusals)}, ` +
        `${load.unknown} unacknowledged at the deadline`,
    );
  }
  return failures;
}

/** `traces 4000/4000 dup 0` style figures for one signal. */
export function deliveryFigures(load: LoadResult, report: BackendReport): string {
  const rate = load.elapsedMs > 0 ? Math.round((load.accepted / load.elapsedMs) * 1000) : 0;
  const retried = Object.values(load.retries).reduce((a, b) => a + b, 0);
  return `${load.signal} sent ${load.sent} accepted ${load.accepted} (${rate}/s) ` +
    `delivered ${report.unique} dup ${report.duplicates} missing ${report.missing} ` +
    `refused ${load.refused} unknown ${load.unknown} retries ${retried}` +
    (load.refused > 0 ? ` refusals ${JSON.stringify(load.refusals)}` : "");
}

/** Megabytes with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** A collector started for a scenario, with the ports it listens on. */
export interface RunningPipeline {
  /** The child process. */
  collector: Collector;
  /** OTLP/gRPC receiver port. */
  grpcPort: number;
  /** OTLP/HTTP receiver port. */
  httpPort: number;
  /** Port of the collector's own metrics (Prometheus text at `/metrics`). */
  metricsPort: number;
  /** `127.0.0.1:port` of the receiver speaking `protocol`. */
  endpoint(protocol: Protocol): string;
}

/** Options of {@link startPipeline}. */
export interface StartPipelineOptions {
  /** Pipelines to wire, one per signal. */
  signals: readonly SignalName[];
  /** `grpc`: the `otlp` exporter to the backend's gRPC port; `http`: `otlphttp` to its HTTP. */
  exportProtocol: Protocol;
  /** The backend. */
  backend: MockBackend;
  /** Processor sections in order; default `batch` with its defaults. */
  processors?: ReadonlyArray<readonly [string, string]>;
  /** Extra YAML lines of the exporter, indented by 4. */
  exporterExtra?: string;
  /** Extension sections. */
  extensions?: ReadonlyArray<readonly [string, string]>;
  /** Receiver ports to reuse (for a restart); fresh free ports otherwise. */
  ports?: { grpc: number; http: number; metrics: number };
  /** `--workers` of the collector (the scenario's `context.workers`). */
  workers: number;
}

/** Starts `otlp → processors → exporter` for `signals` against `backend`. */
export async function startPipeline(options: StartPipelineOptions): Promise<RunningPipeline> {
  const ports = options.ports ?? { grpc: freePort(), http: freePort(), metrics: freePort() };
  const config = pipelineConfig({
    signals: options.signals,
    grpcPort: ports.grpc,
    httpPort: ports.http,
    metricsPort: ports.metrics,
    exporter: options.exportProtocol === "grpc" ? "otlp" : "otlphttp",
    backendEndpoint: options.exportProtocol === "grpc"
      ? options.backend.grpcEndpoint
      : options.backend.httpEndpoint,
    processors: options.processors,
    exporterExtra: options.exporterExtra,
    extensions: options.extensions,
  });
  const collector = await Collector.start({
    config,
    readyPorts: [ports.grpc, ports.http],
    featureGates: options.signals.includes("profiles") ? "service.profilesSupport" : undefined,
    workers: options.workers,
  });
  return {
    collector,
    grpcPort: ports.grpc,
    httpPort: ports.http,
    metricsPort: ports.metrics,
    endpoint: (protocol) => `127.0.0.1:${protocol === "grpc" ? ports.grpc : ports.http}`,
  };
}

/** A failure line when the collector died (with its last output), or nothing. */
export async function checkAlive(collector: Collector): Promise<string[]> {
  if (!collector.exited) return [];
  // Let the last output of the process arrive.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return [
    `the collector died during the run (${collector.exitDescription}):\n${collector.outputTail(5)}`,
  ];
}

/** The value of an unlabelled metric on the collector's Prometheus endpoint, if it is there. */
export async function scrapeMetric(
  pipeline: RunningPipeline,
  name: string,
): Promise<number | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${pipeline.metricsPort}/metrics`, {
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  } catch {
    return undefined;
  }
}
