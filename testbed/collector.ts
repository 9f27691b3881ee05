/**
 * Runs the denocol collector as a child process for the testbed and the benchmark
 * (`deno run -A <the collector task's flags> otelcol/main.ts --config <temp yaml>`, with
 * `--workers=N` when asked), on free loopback ports, and reads its CPU time and memory from
 * `/proc`, summed over its worker processes.
 *
 * Debugging: `TESTBED_COLLECTOR_OUTPUT=1` echoes the collector's output to stderr, and
 * `TESTBED_COLLECTOR_LOG_LEVEL=debug` (default `warn`) sets `service.telemetry.logs.level`.
 *
 * @module
 */

import type { SignalName } from "./signals.ts";

/** The repository root (the parent of `testbed/`). */
export const REPO_ROOT: string = new URL("..", import.meta.url).pathname;

/**
 * The Deno flags of the root deno.json's `collector` task (read from it, not restated) other than
 * its permissions, which the testbed grants whole (`-A`): `--v8-flags=...`, `--unstable-net`.
 */
export const COLLECTOR_DENO_FLAGS: readonly string[] = collectorDenoFlags(REPO_ROOT);

/**
 * The Deno flags of the `collector` task of the checkout at `root` (a directory path ending in
 * `/`) other than its permissions: {@link COLLECTOR_DENO_FLAGS} of another checkout, for a
 * benchmark that runs an earlier version of the collector beside this one.
 */
export function collectorDenoFlags(root: string): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${root}deno.json`));
  const args = (config.tasks.collector as string).split(" ");
  const flags = args.slice(args.indexOf("run") + 1, args.findIndex((arg) => arg.endsWith(".ts")));
  return flags.filter((arg) => arg.startsWith("--") && !arg.startsWith("--allow-"));
}

/**
 * The process `pid` and every process below it (a collector run with `--workers` is a supervisor
 * and its worker processes), from the parent ids in `/proc/<pid>/stat`.
 */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue; // it exited meanwhile
    }
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const list = children.get(parent);
    if (list === undefined) children.set(parent, [Number(entry.name)]);
    else list.push(Number(entry.name));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** Sums `measure` over the processes of `processTree(pid)`; one that exits meanwhile counts 0. */
function sumOverTree(pid: number, measure: (pid: number) => number): number {
  let total = 0;
  for (const member of processTree(pid)) {
    try {
      total += measure(member);
    } catch (error) {
      if (member === pid) throw error;
    }
  }
  return total;
}

/** A free TCP port on 127.0.0.1 (bound and released; another process could take it meanwhile). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Resolves once something accepts TCP connections on `port`, or rejects at the deadline. */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  alive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Deno.connect({ hostname: "127.0.0.1", port });
      connection.close();
      return;
    } catch {
      if (!alive()) throw new Error(`process exited before listening on 127.0.0.1:${port}`);
      if (Date.now() > deadline) {
        throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * How many sockets listen on TCP `port` (`/proc/net/tcp` and `tcp6`): with `--workers=N`, N once
 * every worker listens (the first one to listen already accepts connections).
 */
export function listenerCount(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  let count = 0;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = Deno.readTextFileSync(table);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A") count++;
    }
  }
  return count;
}

/**
 * CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`, with that of
 * its children that have exited and been waited for.
 */
export function cpuSecondsOf(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // The command name (field 2) is in parentheses and may contain spaces: count after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 to 17 (utime, stime, cutime, cstime) are at 11 to 14 once the first two are removed.
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return ticks / CLOCK_TICKS;
}

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = 100;

/** A memory figure of `/proc/<pid>/status` (`VmHWM` peak RSS, `VmRSS` current) in bytes. */
export function memoryOf(pid: number, field: "VmHWM" | "VmRSS"): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Options of {@link Collector.start}. */
export interface CollectorOptions {
  /** The configuration, as YAML text. */
  config: string;
  /**
   * Run this script with these arguments instead of `otelcol/main.ts --config <file>` (the
   * benchmark's relay); `config` is then ignored.
   */
  script?: readonly string[];
  /** Ports that must accept connections before the collector counts as started. */
  readyPorts: readonly number[];
  /** `--feature-gates` value, such as `service.profilesSupport`. */
  featureGates?: string;
  /** Extra arguments to `deno run` before the script, such as `--v8-flags=...`. */
  denoFlags?: readonly string[];
  /**
   * The collector task's flags to run with instead of this checkout's
   * ({@link COLLECTOR_DENO_FLAGS}): those of the checkout `script` runs.
   */
  taskFlags?: readonly string[];
  /** `--workers` of the collector; default 1 (the collector in one process). */
  workers?: number;
  /** How long to wait for the ports; default 30 s. */
  startTimeoutMs?: number;
}

/** The collector child process. */
export class Collector {
  #child: Deno.ChildProcess;
  #output: string[] = [];
  #exited = false;
  #exitStatus: Deno.CommandStatus | undefined;
  /** The worker processes found once the collector listened. */
  #workerPids: number[] = [];
  /** Resolves with the exit status. */
  readonly status: Promise<Deno.CommandStatus>;

  private constructor(child: Deno.ChildProcess, readonly configPath: string) {
    this.#child = child;
    this.status = child.status.then((status) => {
      this.#exited = true;
      this.#exitStatus = status;
      return status;
    });
    void this.#collect(child.stdout);
    void this.#collect(child.stderr);
  }

  /** Starts the collector and waits until it listens on every ready port. */
  static async start(options: CollectorOptions): Promise<Collector> {
    const configPath = await Deno.makeTempFile({ prefix: "denocol-testbed-", suffix: ".yaml" });
    await Deno.writeTextFile(configPath, options.config);
    const args = [
      "run",
      "-A",
      // The flags of `deno task collector`, so that scenarios run what users run.
      ...(options.taskFlags ?? COLLECTOR_DENO_FLAGS),
      ...(options.denoFlags ?? []),
      ...(options.script ?? [`${REPO_ROOT}otelcol/main.ts`, "--config", configPath]),
    ];
    if (options.featureGates) args.push(`--feature-gates=${options.featureGates}`);
    if ((options.workers ?? 1) > 1) args.push(`--workers=${options.workers}`);
    const child = new Deno.Command(Deno.execPath(), {
      args,
      cwd: REPO_ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const collector = new Collector(child, configPath);
    try {
      const timeoutMs = options.startTimeoutMs ?? 30_000;
      for (const port of options.readyPorts) {
        await waitForPort(port, timeoutMs, () => !collector.#exited);
      }
      // Connections made before every worker listens would all go to the first (and stay).
      const workers = options.workers ?? 1;
      const deadline = Date.now() + timeoutMs;
      while (options.readyPorts.some((port) => listenerCount(port) < workers)) {
        if (collector.#exited || Date.now() > deadline) {
          throw new Error(`not every one of ${workers} workers listens after ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      collector.#workerPids = processTree(collector.pid).slice(1);
    } catch (error) {
      await collector.stop();
      throw new Error(
        `collector did not start: ${(error as Error).message}\n${collector.outputTail()}`,
      );
    }
    return collector;
  }

  async #collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const echo = Deno.env.get("TESTBED_COLLECTOR_OUTPUT") === "1";
    for await (const chunk of stream) {
      if (echo) await Deno.stderr.write(chunk);
      this.#output.push(decoder.decode(chunk, { stream: true }));
      // Keep only the recent output.
      if (this.#output.length > 200) this.#output.splice(0, this.#output.length - 200);
    }
  }

  /** The process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /** How the process ended (`exit 134, SIGABRT`), or undefined while it runs. */
  get exitDescription(): string | undefined {
    const status = this.#exitStatus;
    if (status === undefined) return undefined;
    return `exit ${status.code}${status.signal ? `, ${status.signal}` : ""}`;
  }

  /** The last lines the collector printed, for failure messages. */
  outputTail(lines = 20): string {
    return this.#output.join("").split("\n").slice(-lines).join("\n");
  }

  /** CPU seconds used so far, by the process and its worker processes. */
  cpuSeconds(): number {
    return sumOverTree(this.pid, cpuSecondsOf);
  }

  /**
   * Peak resident memory so far, in bytes: with worker processes, the sum of each process's
   * peak (an upper bound, as they need not peak at once).
   */
  peakRss(): number {
    return sumOverTree(this.pid, (pid) => memoryOf(pid, "VmHWM"));
  }

  /** Resident memory now, in bytes, of the process and its worker processes. */
  rss(): number {
    return sumOverTree(this.pid, (pid) => memoryOf(pid, "VmRSS"));
  }

  /**
   * Sends SIGKILL now to the collector and its worker processes, without waiting: for a kill that
   * must land at a precise instant (such as the moment a request was acknowledged). `status`
   * resolves once the collector's process is gone.
   */
  killNow(): void {
    if (this.#exited) return;
    // Every process of the collector at once (its workers too, as found when it started, then
    // any started since), as a crash of the whole collector or a kill of its container would.
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // It exited before its status was read; `status` says how.
    }
    const kill = (pid: number) => {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    this.#workerPids.forEach(kill);
    processTree(this.pid).slice(1).forEach(kill);
  }

  /** Kills the process at once with SIGKILL and waits for it. */
  async kill(): Promise<void> {
    this.killNow();
    await this.status;
  }

  /**
   * Asks the process to stop (SIGTERM), waits up to `graceMs`, then kills it. Returns whether it
   * stopped by itself.
   */
  async stop(graceMs = 15_000): Promise<boolean> {
    if (this.#exited) {
      await this.status;
      return true;
    }
    this.#child.kill("SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const graceful = await Promise.race([
      this.status.then(() => true),
      new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), graceMs)),
    ]);
    clearTimeout(timer);
    if (!graceful) await this.kill();
    await Deno.remove(this.configPath).catch(() => {});
    return graceful;
  }
}

/** What the `otlp → [processors] → exporter` pipeline configuration needs. */
export interface PipelineConfigOptions {
  /** Pipelines to wire, one per signal. */
  signals: readonly SignalName[];
  /** Port of the collector's OTLP/gRPC receiver. */
  grpcPort: number;
  /** Port of the collector's OTLP/HTTP receiver. */
  httpPort: number;
  /** Port of the collector's Prometheus endpoint for its own metrics. */
  metricsPort: number;
  /** `otlp` (gRPC) or `otlphttp` exporter. */
  exporter: "otlp" | "otlphttp";
  /** The backend endpoint the exporter sends to (`127.0.0.1:port`). */
  backendEndpoint: string;
  /** Extra YAML lines of the exporter (indented by 4), such as a `sending_queue` section. */
  exporterExtra?: string;
  /** Processor sections (name → YAML body indented by 4), in pipeline order. */
  processors?: ReadonlyArray<readonly [string, string]>;
  /** Extension sections (name → YAML body indented by 4). */
  extensions?: ReadonlyArray<readonly [string, string]>;
}

/** Builds the YAML configuration of an `otlp → processors → exporter` collector. */
export function pipelineConfig(options: PipelineConfigOptions): string {
  const processors = options.processors ?? [["batch", ""]];
  const extensions = options.extensions ?? [];
  const endpoint = options.exporter === "otlp"
    ? `    endpoint: ${options.backendEndpoint}\n    tls:\n      insecure: true\n`
    : `    endpoint: http://${options.backendEndpoint}\n`;
  const lines = [
    "receivers:",
    "  otlp:",
    "    protocols:",
    "      grpc:",
    `        endpoint: 127.0.0.1:${options.grpcPort}`,
    "      http:",
    `        endpoint: 127.0.0.1:${options.httpPort}`,
    "processors:",
    ...processors.map(([name, body]) => `  ${name}:${body ? `\n${body}` : " {}"}`),
    "exporters:",
    `  ${options.exporter}:\n${endpoint}${options.exporterExtra ?? ""}`.trimEnd(),
  ];
  if (extensions.length > 0) {
    lines.push("extensions:");
    lines.push(...extensions.map(([name, body]) => `  ${name}:${body ? `\n${body}` : " {}"}`));
  }
  lines.push("service:");
  if (extensions.length > 0) {
    lines.push(`  extensions: [${extensions.map(([name]) => name).join(", ")}]`);
  }
  lines.push(
    "  telemetry:",
    "    logs:",
    `      level: ${Deno.env.get("TESTBED_COLLECTOR_LOG_LEVEL") ?? "warn"}`,
    "    metrics:",
    `      address: 127.0.0.1:${options.metricsPort}`,
    "  pipelines:",
  );
  for (const signal of options.signals) {
    lines.push(
      `    ${signal}:`,
      "      receivers: [otlp]",
      `      processors: [${processors.map(([name]) => name).join(", ")}]`,
      `      exporters: [${options.exporter}]`,
    );
  }
  return lines.join("\n") + "\n";
}
