// One worker process of `otelcol --workers=N`: the collector with the configuration its
// supervisor sent, listening on ports it shares with the other workers, its stores apart from
// theirs, its memory limiters counting what the whole collector holds, and its logs and metrics
// going to the supervisor.

import { writeAllSync } from "@denocol/component";
import { shareListenerPorts } from "@denocol/config";
import { setStorageInstance } from "@denocol/filestorage";
import { measureMemoryBytes, setMemoryHeldElsewhere } from "@denocol/memorylimiterprocessor";
import { MetricsRegistry } from "@denocol/component";
import {
  ConfigErrors,
  type ConfigNode,
  type Factories,
  fromPlain,
  mergeNodes,
  registerProcessMetrics,
} from "@denocol/service";
import { BUILD_INFO, Collector } from "./collector.ts";
import {
  type InitMessage,
  messageLine,
  nodeFromJson,
  type SupervisorMessage,
  type WorkerMessage,
} from "./worker_protocol.ts";

/** How often a worker tells the supervisor how much memory it holds. */
export const MEMORY_REPORT_MS = 50;

/** How long a worker waits for its configuration before it gives up. */
const INIT_TIMEOUT_MS = 30_000;

/** The names of the process metrics `registerProcessMetrics` of `@denocol/service` registers. */
const PROCESS_METRICS_PREFIX = "otelcol_process_";

/** Exit status of a worker whose supervisor is gone (its stdin closed). */
export const ORPHAN_EXIT_CODE = 3;

/** Options of {@linkcode runWorker}. */
export interface WorkerOptions {
  /**
   * The factories, the same as the supervisor's, or how to get them for the configuration the
   * supervisor sends (the `otelcol` command loads only the components it names).
   */
  readonly factories: Factories | ((config: ConfigNode) => Promise<Factories>);
  /** Whether to stop on SIGINT and SIGTERM. */
  readonly handleSignals: boolean;
  /** Writes a line of diagnostics for what happens before the supervisor is heard. */
  readonly err: (line: string) => void;
}

/**
 * Runs this process as a worker of a supervisor that started it with `--worker-process`: reads
 * its configuration from stdin, runs the collector, and returns the exit status as `main` does.
 * It exits at once, without draining, when stdin closes: the supervisor is gone (killed), and
 * the collector started again after it must not meet this process on its ports and stores.
 */
export async function runWorker(options: WorkerOptions): Promise<number> {
  const input = supervisorMessages();
  const first = await Promise.race([
    input.next(),
    new Promise<"timeout">((resolve) => {
      const timer = setTimeout(() => resolve("timeout"), INIT_TIMEOUT_MS);
      Deno.unrefTimer(timer);
    }),
  ]);
  if (first === "timeout" || first.done || first.value.type !== "init") {
    options.err(
      "otelcol: --worker-process is started by `otelcol --workers=N`, which sends the " +
        "configuration on stdin; none arrived",
    );
    return 2;
  }
  const init = first.value;
  const send = (message: WorkerMessage) => {
    try {
      writeAllSync(Deno.stdout, messageLine(init.token, message));
    } catch {
      // The supervisor is gone; the closed stdin ends this process.
    }
  };
  setStorageInstance(init.index, init.count);
  shareListenerPorts(true);
  let elsewhere = 0;
  setMemoryHeldElsewhere(() => elsewhere);
  const stop = Promise.withResolvers<string>();
  const configTree = workerConfig(init);
  const collector = new Collector({
    factories: typeof options.factories === "function"
      ? await options.factories(configTree)
      : options.factories,
    featureGates: init.featureGates,
    buildInfo: BUILD_INFO,
    configTree,
    writeLog: (line) => send({ type: "log", line }),
  });
  // The service registers process metrics too, but refreshes them only when it serves them
  // itself; these are refreshed at each scrape and replace them.
  const processMetrics = new MetricsRegistry();
  const refreshProcessMetrics = registerProcessMetrics(processMetrics);
  const snapshot = () => {
    refreshProcessMetrics();
    return [
      ...collector.metrics.collect().filter((i) => !i.name.startsWith(PROCESS_METRICS_PREFIX)),
      ...processMetrics.collect(),
    ];
  };
  void (async () => {
    for await (const message of input) {
      if (message.type === "memory") elsewhere = message.elsewhere;
      else if (message.type === "scrape") {
        send({ type: "metrics", id: message.id, instruments: snapshot() });
      }
    }
    Deno.exit(ORPHAN_EXIT_CODE);
  })();
  const report = setInterval(
    () => send({ type: "memory", bytes: measureMemoryBytes() }),
    MEMORY_REPORT_MS,
  );
  Deno.unrefTimer(report);
  const listeners: [Deno.Signal, () => void][] = [];
  if (options.handleSignals) {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const listener = () => stop.resolve(signal);
      Deno.addSignalListener(signal, listener);
      listeners.push([signal, listener]);
    }
  }
  try {
    try {
      await collector.start();
    } catch (error) {
      send({
        type: "start-failed",
        message: error instanceof ConfigErrors
          ? error.message
          : `cannot start the collector: ${(error as Error).message}`,
      });
      return 1;
    }
    send({ type: "ready" });
    const reason = await Promise.race([stop.promise, collector.done.then(() => "")]);
    if (reason !== "") collector.logger.info(`received ${reason}; shutting down`);
    const exit = await collector.shutdown();
    if (exit.fatalError !== undefined) {
      collector.logger.error("stopped after a fatal component error", {
        error: exit.fatalError.message,
      });
      return 1;
    }
    return exit.shutdownErrors.length === 0 ? 0 : 1;
  } finally {
    clearInterval(report);
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  }
}

/**
 * The configuration a worker runs: the supervisor's, with the internal metrics endpoint off
 * (the supervisor serves the sum of every worker's) and the worker's number on each log line.
 */
function workerConfig(init: InitMessage) {
  const overrides = fromPlain({
    service: {
      telemetry: {
        metrics: { level: "none" },
        logs: { initial_fields: { "otelcol.worker": init.index } },
      },
    },
  });
  return mergeNodes(nodeFromJson(init.config), overrides);
}

/** The supervisor's messages, one per stdin line; the iteration ends when stdin closes. */
async function* supervisorMessages(): AsyncGenerator<SupervisorMessage> {
  let rest = "";
  for await (const text of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + text).split("\n");
    rest = lines.pop()!;
    for (const line of lines) {
      if (line === "") continue;
      yield JSON.parse(line) as SupervisorMessage;
    }
  }
}
