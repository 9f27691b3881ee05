import { type Component, guardLifecycle, type Host } from "@denocol/component";
import type { Capabilities, ConsumeContext, Consumer } from "@denocol/consumer";
import type { Config } from "./config.ts";
import type { Verbosity } from "./format.ts";

/** Receives the text of one batch (lines joined by `\n`, without a final newline). */
export type TextWriter = (text: string) => void;

/** How one signal is written: its summary line and its per-item lines. */
export interface SignalFormat<T> {
  /** The one-line summary (counts) of a batch. */
  summarize(data: T): string;
  /** The lines after the summary at `normal` and `detailed` verbosity. */
  describe(data: T, verbosity: Verbosity): string[];
}

/**
 * Lets through, within each second, the first `initial` events and after them every
 * `thereafter`th (none when `thereafter` is 0), like the Go collector's log sampling.
 */
export class Sampler {
  readonly #initial: number;
  readonly #thereafter: number;
  readonly #now: () => number;
  #windowStart = -Infinity;
  #seen = 0;

  /**
   * Creates a sampler.
   *
   * @param initial Events let through at the start of every second.
   * @param thereafter After those, every Nth event is let through; 0 lets none through.
   * @param now Clock in milliseconds; default `performance.now`.
   */
  constructor(initial: number, thereafter: number, now: () => number = () => performance.now()) {
    this.#initial = initial;
    this.#thereafter = thereafter;
    this.#now = now;
  }

  /** Whether the next event is let through. */
  allow(): boolean {
    const now = this.#now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#seen = 0;
    }
    this.#seen++;
    if (this.#seen <= this.#initial) return true;
    return this.#thereafter > 0 && (this.#seen - this.#initial) % this.#thereafter === 0;
  }
}

const encoder = new TextEncoder();

function writeAll(target: { writeSync(bytes: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(target.writeSync(bytes));
}

/** A writer to the process's stderr. */
export function stderrWriter(): TextWriter {
  return (text) => writeAll(Deno.stderr, `${text}\n`);
}

/** Opened outputs of a configuration, and how to close them. */
interface Outputs {
  write: TextWriter;
  close: () => void;
}

function openOutputs(config: Config): Outputs {
  if (config.use_internal_logger) return { write: stderrWriter(), close: () => {} };
  const files: Deno.FsFile[] = [];
  const targets = (config.output_paths ?? ["stdout"]).map((path) => {
    if (path === "stdout") return Deno.stdout;
    if (path === "stderr") return Deno.stderr;
    const file = Deno.openSync(path, { write: true, create: true, append: true });
    files.push(file);
    return file;
  });
  return {
    write: (text) => {
      for (const target of targets) writeAll(target, `${text}\n`);
    },
    close: () => {
      for (const file of files) file.close();
    },
  };
}

/** Options of {@linkcode DebugExporter}. */
export interface DebugExporterOptions {
  /** Replaces the configured output (for tests and embedding). */
  write?: TextWriter;
  /** Clock for sampling, in milliseconds. */
  now?: () => number;
}

/**
 * Writes every batch it is given as text readable by a person: a summary line, and at `normal`
 * or `detailed` verbosity the items, subject to sampling. Never fails a batch for being
 * sampled out.
 */
export class DebugExporter<T> implements Consumer<T>, Component {
  readonly #format: SignalFormat<T>;
  readonly #config: Config;
  readonly #sampler: Sampler;
  readonly #injected: TextWriter | undefined;
  #outputs: Outputs | undefined;

  /**
   * Creates the exporter; outputs are opened by `start`.
   *
   * @param format How the signal is written.
   * @param config Validated configuration.
   * @param options Writer and clock replacements.
   */
  constructor(format: SignalFormat<T>, config: Config, options: DebugExporterOptions = {}) {
    this.#format = format;
    this.#config = config;
    this.#sampler = new Sampler(config.sampling_initial, config.sampling_thereafter, options.now);
    this.#injected = options.write;
    guardLifecycle(this);
  }

  /** The exporter only reads the data. */
  capabilities(): Capabilities {
    return { mutatesData: false };
  }

  /** Opens the output files, if any. */
  start(_host: Host): Promise<void> {
    this.#outputs = this.#injected
      ? { write: this.#injected, close: () => {} }
      : openOutputs(this.#config);
    return Promise.resolve();
  }

  /** Closes the output files. */
  shutdown(): Promise<void> {
    this.#outputs?.close();
    this.#outputs = undefined;
    return Promise.resolve();
  }

  /** Writes `data` unless sampling skips it. */
  consume(data: T, _context?: ConsumeContext): Promise<void> {
    if (this.#outputs === undefined) {
      return Promise.reject(new Error("debug exporter: consume called before start"));
    }
    if (!this.#sampler.allow()) return Promise.resolve();
    const lines = [this.#format.summarize(data)];
    if (this.#config.verbosity !== "basic") {
      lines.push(...this.#format.describe(data, this.#config.verbosity));
    }
    this.#outputs.write(lines.join("\n"));
    return Promise.resolve();
  }
}
