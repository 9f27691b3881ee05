// `otelcol --workers=N`: N worker processes run the configured pipelines on the same ports
// (SO_REUSEPORT, the kernel spreads connections), and this process, their supervisor, keeps
// what must be one per collector: the configuration (validated once, sent to every worker),
// the logs (startup lines once, no line cut by another), the internal metrics endpoint (the sum
// of every worker's), the memory the limiters limit (each worker hears what the others hold),
// the shutdown (every worker drains) and the restart of a worker that dies.

import {
  type AttributeValue,
  type InstrumentSnapshot,
  type Logger,
  MetricsRegistry,
} from "@denocol/component";
import {
  ConfigErrors,
  FactoryIndex,
  featureGatesFrom,
  loadCollectorConfig,
  loggerFromConfig,
  logWriterFor,
  type MetricsServer,
  registerProcessMetrics,
  resolveConfig,
  servePrometheusText,
  SHUTDOWN_ACCOUNTING_MS,
  sumMetrics,
} from "@denocol/service";
import type { CollectorOptions } from "./collector.ts";
import { StartupLogs, WORKER_FIELD } from "./startup_logs.ts";
import { type WorkerCommand, workerCommand } from "./worker_command.ts";
import { WorkerProcess } from "./worker_process.ts";
import { nodeToJson, type WorkerMessage } from "./worker_protocol.ts";
import { MEMORY_REPORT_MS } from "./worker.ts";

/** A worker that exits sooner than this after it was started counts as failing to run. */
export const STABLE_RUN_MS = 30_000;
/** After this many failures in a row (each within {@linkcode STABLE_RUN_MS}), it is given up. */
export const MAX_QUICK_FAILURES = 5;
/** The first wait before a worker is started again; it doubles with each quick failure. */
const RESTART_DELAY_MS = 250;
const MAX_RESTART_DELAY_MS = 10_000;
/** How long a scrape waits for a worker's metrics. */
const SCRAPE_TIMEOUT_MS = 3_000;
/** Startup log lines are held until every worker is ready, or this long. */
const STARTUP_LOG_HOLD_MS = 10_000;
/** Time given to workers beyond their own shutdown deadline before they are killed. */
const STOP_MARGIN_MS = 5_000;

/** Options of {@linkcode runSupervisor}. */
export interface SupervisorOptions {
  /** Factories, configuration sources and feature gates, as for one collector. */
  readonly collector: CollectorOptions;
  /** How many worker processes to run (2 or more). */
  readonly workers: number;
  /** Whether to stop on SIGINT and SIGTERM. */
  readonly handleSignals: boolean;
  /** Writes a line of diagnostics (configuration errors, a failed start). */
  readonly err: (line: string) => void;
  /** How to start a worker; default this program again ({@linkcode workerCommand}). */
  readonly command?: WorkerCommand;
}

/**
 * Whether `Deno.listen` may share a port here: it needs `--unstable-net`, without which it ends
 * the process rather than throw. Deno defines the unstable `Deno.listenDatagram` exactly when
 * the flag is given.
 */
function canSharePorts(): boolean {
  return typeof (Deno as { listenDatagram?: unknown }).listenDatagram === "function";
}

/**
 * Runs the collector as `options.workers` worker processes and returns the exit status: 0 when
 * every worker stopped cleanly after SIGINT or SIGTERM; 1 for an invalid configuration, a
 * worker that failed to start, a worker that could not be restarted, or one that did not stop
 * cleanly; 2 when the runtime cannot share ports (`--unstable-net` missing).
 */
export async function runSupervisor(options: SupervisorOptions): Promise<number> {
  if (!canSharePorts()) {
    options.err(
      `otelcol: --workers=${options.workers} needs ports shared between processes, which ` +
        `Deno allows with --unstable-net (deno task collector passes it)`,
    );
    return 2;
  }
  const collector = options.collector;
  let root;
  let validated;
  try {
    const loaded = await loadCollectorConfig(collector);
    root = loaded.root;
    const catalog = new FactoryIndex(collector.factories).catalog();
    const featureGates = featureGatesFrom(collector.featureGates);
    validated = {
      ...resolveConfig(root, catalog, { featureGates }),
      loadWarnings: loaded.warnings,
    };
  } catch (error) {
    options.err(
      error instanceof ConfigErrors ? error.message : `otelcol: ${(error as Error).message}`,
    );
    return 1;
  }
  const telemetry = validated.config.service.telemetry;
  let writeLog: (line: string) => void;
  let logger: Logger;
  try {
    writeLog = collector.writeLog ?? logWriterFor(telemetry.logs.outputPaths);
    logger = loggerFromConfig(telemetry.logs, writeLog);
  } catch (error) {
    options.err(`otelcol: cannot start the collector: ${(error as Error).message}`);
    return 1;
  }
  for (const warning of validated.loadWarnings) logger.warn(warning.message);
  const supervisor = new Supervisor({
    ...options,
    command: options.command ?? workerCommand(),
    config: nodeToJson(root),
    featureGates: featureGateFlag(collector.featureGates),
    logger,
    writeLog,
    drainMs: validated.config.service.shutdown.drainTimeoutMs,
  });
  return await supervisor.run(telemetry.metrics.address);
}

/** The `--feature-gates` value a worker is given. */
function featureGateFlag(option: CollectorOptions["featureGates"]): string {
  if (typeof option === "string") return option;
  if (option === undefined) return "";
  return option.gates()
    .filter((gate) => gate.enabled !== gate.enabledByDefault)
    .map((gate) => `${gate.enabled ? "" : "-"}${gate.id}`)
    .join(",");
}

interface SupervisorSetup extends SupervisorOptions {
  readonly command: WorkerCommand;
  readonly config: unknown;
  readonly featureGates: string;
  readonly logger: Logger;
  readonly writeLog: (line: string) => void;
  readonly drainMs: number;
}

class Supervisor {
  readonly #setup: SupervisorSetup;
  readonly #logger: Logger;
  readonly #workers: (WorkerProcess | undefined)[];
  readonly #quickFailures: number[];
  readonly #startup: StartupLogs;
  readonly #registry = new MetricsRegistry();
  readonly #token = crypto.randomUUID().replaceAll("-", "");
  readonly #stop = Promise.withResolvers<string>();
  readonly #started = Promise.withResolvers<boolean>();
  readonly #restarts = new Set<ReturnType<typeof setTimeout>>();
  #stopping = false;
  #startedOnce = false;
  #failure: string | undefined;
  #retired: InstrumentSnapshot[] = [];
  #scrapeId = 0;

  constructor(setup: SupervisorSetup) {
    this.#setup = setup;
    this.#logger = setup.logger;
    this.#workers = new Array(setup.workers).fill(undefined);
    this.#quickFailures = new Array(setup.workers).fill(0);
    this.#startup = new StartupLogs(setup.writeLog, setup.workers);
  }

  async run(metricsAddress: string | null): Promise<number> {
    const { handleSignals, err } = this.#setup;
    const listeners: [Deno.Signal, () => void][] = [];
    if (handleSignals) {
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        const listener = () => this.#stop.resolve(signal);
        Deno.addSignalListener(signal, listener);
        listeners.push([signal, listener]);
      }
    }
    const refresh = registerProcessMetrics(this.#registry);
    let server: MetricsServer | undefined;
    const memory = setInterval(() => this.#shareMemory(), MEMORY_REPORT_MS);
    try {
      if (metricsAddress !== null) {
        try {
          server = await servePrometheusText(metricsAddress, () => this.#scrape(refresh));
        } catch (error) {
          err(`otelcol: cannot start the collector: ${(error as Error).message}`);
          return 1;
        }
        this.#logger.info("serving internal metrics", {
          address: `http://${server.address}/metrics`,
        });
      }
      this.#logger.info("starting workers", { workers: this.#setup.workers });
      for (let index = 0; index < this.#setup.workers; index++) this.#spawn(index);
      const hold = setTimeout(() => this.#startup.flush(), STARTUP_LOG_HOLD_MS);
      const started = await Promise.race([
        this.#started.promise,
        this.#stop.promise.then(() => "stopped" as const),
      ]);
      clearTimeout(hold);
      this.#startup.flush();
      if (started === false) {
        this.#reportStartFailure();
        await this.#stopWorkers();
        return 1;
      }
      // A signal during the start stops the workers as one after it would.
      const reason = await this.#stop.promise;
      if (this.#failure === undefined) this.#logger.info(`received ${reason}; shutting down`);
      const clean = await this.#stopWorkers();
      return clean && this.#failure === undefined ? 0 : 1;
    } finally {
      clearInterval(memory);
      await server?.close().catch(() => {});
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
      this.#logger.info("shutdown complete");
    }
  }

  #spawn(index: number): void {
    const worker = new WorkerProcess(this.#setup.command, {
      type: "init",
      index,
      count: this.#setup.workers,
      token: this.#token,
      config: this.#setup.config,
      featureGates: this.#setup.featureGates,
    }, {
      onMessage: (worker, message) => this.#onMessage(worker, message),
      onExit: (worker, status) => this.#onExit(worker, status),
    });
    this.#workers[index] = worker;
    this.#logger.info("worker started", { [WORKER_FIELD]: index, pid: worker.pid });
  }

  #onMessage(worker: WorkerProcess, message: WorkerMessage): void {
    switch (message.type) {
      case "log":
        if (worker.ready) this.#setup.writeLog(message.line);
        else this.#startup.add(worker.index, message.line);
        return;
      case "memory":
        worker.memory = message.bytes;
        return;
      case "start-failed":
        worker.startError = message.message;
        return;
      case "ready":
        worker.ready = true;
        if (!this.#startedOnce && this.#workers.every((w) => w?.ready)) {
          this.#startedOnce = true;
          this.#started.resolve(true);
        }
        return;
    }
  }

  #onExit(worker: WorkerProcess, status: Deno.CommandStatus): void {
    const counters = worker.lastMetrics?.filter((i) => i.kind === "counter") ?? [];
    if (counters.length > 0) this.#retired = sumMetrics([this.#retired, counters]).collect();
    if (this.#stopping || this.#workers[worker.index] !== worker) return;
    const how: Record<string, AttributeValue> = status.signal !== null
      ? { signal: status.signal }
      : { exit_code: status.code };
    if (!this.#startedOnce) {
      // The first start of the collector: a worker that cannot start fails it.
      this.#started.resolve(false);
      return;
    }
    const quick = performance.now() - worker.startedAt < STABLE_RUN_MS;
    const failures = this.#quickFailures[worker.index] = quick
      ? this.#quickFailures[worker.index] + 1
      : 1;
    const fields: Record<string, AttributeValue> = {
      [WORKER_FIELD]: worker.index,
      pid: worker.pid,
      ...how,
    };
    if (worker.startError !== undefined) fields.error = worker.startError;
    if (failures > MAX_QUICK_FAILURES) {
      this.#failure = `worker ${worker.index} exited ${failures} times in a row, each within ` +
        `${STABLE_RUN_MS / 1000} s of its start`;
      this.#logger.error("worker could not be restarted; shutting down the collector", {
        ...fields,
        reason: this.#failure,
      });
      this.#stop.resolve("a worker failure");
      return;
    }
    const delay = Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** (failures - 1));
    this.#logger.error("worker exited unexpectedly; restarting it", {
      ...fields,
      restart_in_ms: delay,
    });
    const timer = setTimeout(() => {
      this.#restarts.delete(timer);
      if (!this.#stopping) this.#spawn(worker.index);
    }, delay);
    this.#restarts.add(timer);
  }

  #reportStartFailure(): void {
    const said = new Set<string>();
    for (const worker of this.#workers) {
      if (worker === undefined || !worker.exited) continue;
      const message = worker.startError ??
        `otelcol: worker ${worker.index} exited before it started`;
      if (said.has(message)) continue;
      said.add(message);
      this.#setup.err(message.startsWith("otelcol:") ? message : `otelcol: ${message}`);
    }
  }

  /**
   * Tells every worker what the other workers hold. This process holds no telemetry data: like
   * the runtime's own footprint, its memory is not counted.
   */
  #shareMemory(): void {
    const live = this.#workers.filter((w): w is WorkerProcess => w !== undefined && !w.exited);
    const total = live.reduce((sum, w) => sum + w.memory, 0);
    for (const worker of live) worker.send({ type: "memory", elsewhere: total - worker.memory });
  }

  async #scrape(refresh: () => void): Promise<string> {
    refresh();
    const id = ++this.#scrapeId;
    const live = this.#workers.filter((w): w is WorkerProcess => w?.ready === true && !w.exited);
    const answers = await Promise.all(live.map((w) => w.scrape(id, SCRAPE_TIMEOUT_MS)));
    return sumMetrics([
      this.#registry.collect(),
      ...answers.filter((a) => a !== undefined),
      this.#retired,
    ]).renderPrometheus();
  }

  /** Stops every worker (SIGTERM: each drains); whether all stopped cleanly in time. */
  async #stopWorkers(): Promise<boolean> {
    this.#stopping = true;
    for (const timer of this.#restarts) clearTimeout(timer);
    const live = this.#workers.filter((w): w is WorkerProcess => w !== undefined);
    for (const worker of live) worker.kill("SIGTERM");
    const limit = this.#setup.drainMs === 0
      ? Infinity
      : this.#setup.drainMs + SHUTDOWN_ACCOUNTING_MS + STOP_MARGIN_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const inTime = await Promise.race([
      Promise.all(live.map((w) => w.done)).then(() => true),
      new Promise<boolean>((resolve) => {
        if (Number.isFinite(limit)) timer = setTimeout(() => resolve(false), limit);
      }),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      const late = live.filter((w) => !w.exited);
      this.#logger.error(`workers did not stop within ${limit} ms; killing them`, {
        workers: late.map((w) => w.index).join(","),
      });
      for (const worker of late) worker.kill("SIGKILL");
    }
    const statuses = await Promise.all(live.map((w) => w.done));
    let clean = inTime;
    for (const [i, status] of statuses.entries()) {
      if (status.success) continue;
      clean = false;
      if (!live[i].ready) continue;
      this.#logger.error("worker did not stop cleanly", {
        [WORKER_FIELD]: live[i].index,
        ...(status.signal !== null ? { signal: status.signal } : { exit_code: status.code }),
      });
    }
    return clean;
  }
}
