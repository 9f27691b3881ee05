// A worker process as its supervisor sees it: the child process, its messages, its output.

import { type InstrumentSnapshot, writeAllSync } from "@denocol/component";
import type { WorkerCommand } from "./worker_command.ts";
import {
  type InitMessage,
  parseMessageLine,
  readLines,
  type SupervisorMessage,
  type WorkerMessage,
} from "./worker_protocol.ts";

/** What a supervisor does with what a worker says. */
export interface WorkerEvents {
  /** A message the worker sent (scrape answers are handled by the worker process itself). */
  onMessage(worker: WorkerProcess, message: WorkerMessage): void;
  /** The worker exited, and everything it wrote has been handled. */
  onExit(worker: WorkerProcess, status: Deno.CommandStatus): void;
}

const encoder = new TextEncoder();

/** Writes whole lines to `target`; a closed target (the supervisor's reader is gone) is ignored. */
function writeLines(target: { writeSync(bytes: Uint8Array): number }, lines: string[]): void {
  try {
    writeAllSync(target, `${lines.join("\n")}\n`);
  } catch {
    // nowhere left to write to
  }
}

/**
 * One worker process: started with the worker command, told its configuration on stdin, its
 * messages read from stdout, every other line it writes to stdout or stderr passed on whole to
 * the supervisor's own.
 */
export class WorkerProcess {
  /** The worker's number. */
  readonly index: number;
  /** When it was started (`performance.now()`). */
  readonly startedAt: number = performance.now();
  /** The process. */
  readonly #child: Deno.ChildProcess;
  readonly #token: string;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #writing: Promise<void> = Promise.resolve();
  readonly #scrapes = new Map<number, (instruments: readonly InstrumentSnapshot[]) => void>();
  /** Whether it said it is ready. */
  ready = false;
  /** Whether it has exited. */
  exited = false;
  /** Why it could not start, when it said so. */
  startError: string | undefined;
  /** The memory it last reported, in bytes. */
  memory = 0;
  /** Its metrics at the last scrape it answered. */
  lastMetrics: readonly InstrumentSnapshot[] | undefined;
  /** Resolves with its exit status once its output has been read to the end. */
  readonly done: Promise<Deno.CommandStatus>;

  /**
   * Starts worker `init.index` and sends it `init`.
   *
   * @param command How to start a worker.
   * @param init Its number, the token of its messages and the configuration.
   * @param events Where its messages and its exit go.
   */
  constructor(command: WorkerCommand, init: InitMessage, events: WorkerEvents) {
    this.index = init.index;
    this.#token = init.token;
    const child = new Deno.Command(command.command, {
      args: [...command.args],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdin = child.stdin.getWriter();
    this.#child = child;
    this.#stdin = stdin;
    this.send(init);
    const stdout = readLines(child.stdout, (lines) => {
      const passed: string[] = [];
      for (const line of lines) {
        const message = parseMessageLine(this.#token, line);
        if (message === undefined) passed.push(line);
        else if (message.type === "metrics") this.#scrapes.get(message.id)?.(message.instruments);
        else events.onMessage(this, message);
      }
      if (passed.length > 0) writeLines(Deno.stdout, passed);
    });
    const stderr = readLines(child.stderr, (lines) => writeLines(Deno.stderr, lines));
    this.done = (async () => {
      const status = await child.status;
      this.exited = true;
      await Promise.allSettled([stdout, stderr]);
      await stdin.close().catch(() => {});
      for (const resolve of this.#scrapes.values()) resolve([]);
      events.onExit(this, status);
      return status;
    })();
  }

  /** The process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Sends `message` on the worker's stdin; a worker that is gone is not an error. */
  send(message: SupervisorMessage): void {
    const bytes = encoder.encode(`${JSON.stringify(message)}\n`);
    this.#writing = this.#writing.then(() => this.#stdin.write(bytes)).catch(() => {});
  }

  /** Sends `signal` to the worker, unless it has exited. */
  kill(signal: Deno.Signal): void {
    if (this.exited) return;
    try {
      this.#child.kill(signal);
    } catch {
      // it exited meanwhile
    }
  }

  /**
   * The worker's metrics now, or `undefined` when it does not answer within `timeoutMs` (or
   * exits first).
   */
  async scrape(id: number, timeoutMs: number): Promise<readonly InstrumentSnapshot[] | undefined> {
    if (this.exited) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = await Promise.race([
      new Promise<readonly InstrumentSnapshot[]>((resolve) => {
        this.#scrapes.set(id, resolve);
        this.send({ type: "scrape", id });
      }),
      new Promise<undefined>((resolve) => timer = setTimeout(() => resolve(undefined), timeoutMs)),
    ]);
    clearTimeout(timer);
    this.#scrapes.delete(id);
    if (answer === undefined || (this.exited && answer.length === 0)) return undefined;
    this.lastMetrics = answer;
    return answer;
  }
}
