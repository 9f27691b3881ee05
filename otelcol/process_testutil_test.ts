// Fixtures of the tests that run the collector as a child process (`otelcol/main.ts`): its
// stderr read as log records, waiting for conditions, and stopping or killing it (with every
// worker process it started).

import assert from "node:assert/strict";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, checking every 10 ms; throws after `timeoutMs`. */
export async function until(
  what: string,
  condition: () => boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
}

/** Reads the child's stderr as JSON log records (other lines are kept as text). */
export class LogReader {
  readonly records: Record<string, unknown>[] = [];
  readonly text: string[] = [];
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      let pending = "";
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop()!;
        for (const line of lines) this.#add(line);
      }
      if (pending !== "") this.#add(pending);
    })();
  }

  #add(line: string): void {
    this.text.push(line);
    try {
      this.records.push(JSON.parse(line));
    } catch {
      // Not a log record (a Deno warning, debug exporter output); kept in `text`.
    }
  }

  /** The records whose message is `msg`. */
  withMessage(msg: string): Record<string, unknown>[] {
    return this.records.filter((r) => r.msg === msg);
  }

  tail(lines = 40): string {
    return this.text.slice(-lines).join("\n");
  }
}

/** Options of {@linkcode CollectorProcess}. */
export interface CollectorProcessOptions {
  /** Deno flags before the main module, besides `-A`, such as `--unstable-net`. */
  denoFlags?: string[];
  /** Whether stdout is read too (into {@linkcode CollectorProcess.stdout}); default not. */
  stdout?: boolean;
}

/** The collector as a child process, its stderr read as log records. */
export class CollectorProcess {
  readonly logs: LogReader;
  readonly stdout: LogReader | undefined;
  readonly status: Promise<Deno.CommandStatus>;
  exited = false;
  readonly #child: Deno.ChildProcess;

  /** Runs `otelcol/main.ts` with `args` (such as `--config <file>`). */
  constructor(args: string[], options: CollectorProcessOptions = {}) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ...(options.denoFlags ?? []), MAIN, ...args],
      stdin: "null",
      stdout: options.stdout ? "piped" : "null",
      stderr: "piped",
    }).spawn();
    this.logs = new LogReader(this.#child.stderr);
    this.stdout = options.stdout ? new LogReader(this.#child.stdout) : undefined;
    this.status = this.#child.status.finally(() => this.exited = true);
  }

  get pid(): number {
    return this.#child.pid;
  }

  /** Worker pids by worker number, from the supervisor's `worker started` lines (the latest). */
  workerPids(): Map<number, number> {
    const pids = new Map<number, number>();
    for (const record of this.logs.withMessage("worker started")) {
      pids.set(Number(record["otelcol.worker"]), Number(record.pid));
    }
    return pids;
  }

  async ready(): Promise<void> {
    await until("the collector is ready", () =>
      this.exited ||
      this.logs.records.some((r) =>
        r.msg === "everything is ready; begin running and processing data"
      ));
    assert.ok(!this.exited, `the collector exited at start:\n${this.logs.tail()}`);
  }

  /** SIGTERM, then the exit status once stderr is read to the end. */
  async stop(): Promise<Deno.CommandStatus> {
    this.#child.kill("SIGTERM");
    const status = await this.status;
    await this.logs.done;
    await this.stdout?.done;
    return status;
  }

  /** SIGKILL to the collector and every worker process it started. */
  async kill(): Promise<void> {
    if (!this.exited) this.#child.kill("SIGKILL");
    for (const pid of this.workerPids().values()) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await this.status;
    await this.logs.done;
    await this.stdout?.done;
  }
}
