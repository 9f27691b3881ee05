// The log lines workers write while they start, so that a collector of N workers says once what
// every worker says (its configuration warnings, the servers it starts, that it is ready).

/** The log field that carries a worker's number (`service.telemetry.logs.initial_fields`). */
export const WORKER_FIELD = "otelcol.worker";

/** A log line's identity across workers, and the line without the worker's number. */
export interface LogLineIdentity {
  /** The line without its time and worker number: equal for what every worker says alike. */
  readonly key: string;
  /** The line as written, without the worker number. */
  readonly common: string;
}

function withoutWorker(fields: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...fields };
  delete rest[WORKER_FIELD];
  return rest;
}

/**
 * Reads a line in either encoding of the collector's logger: `json` (an object with `ts`) or
 * `console` (time, level, message and the fields as JSON, separated by tabs). Another line is
 * its own key.
 */
export function logLineIdentity(line: string): LogLineIdentity {
  if (line.startsWith("{")) {
    try {
      const record = JSON.parse(line);
      if (typeof record === "object" && record !== null && !Array.isArray(record)) {
        const common = withoutWorker(record);
        const key = { ...common };
        delete key.ts;
        return { key: JSON.stringify(key), common: JSON.stringify(common) };
      }
    } catch {
      // not JSON after all
    }
    return { key: line, common: line };
  }
  const head = /^([^\t]*)\t([^\t]*)\t/.exec(line);
  if (head === null) return { key: line, common: line };
  const [, time, level] = head;
  let message = line.slice(head[0].length);
  let fields: Record<string, unknown> = {};
  const at = message.lastIndexOf("\t{");
  if (at >= 0) {
    try {
      const parsed = JSON.parse(message.slice(at + 1));
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        fields = withoutWorker(parsed);
        message = message.slice(0, at);
      }
    } catch {
      // the message itself holds a tab and a brace
    }
  }
  const suffix = Object.keys(fields).length > 0 ? `\t${JSON.stringify(fields)}` : "";
  return { key: `${level}\t${message}${suffix}`, common: `${time}\t${level}\t${message}${suffix}` };
}

interface Written {
  readonly worker: number;
  readonly line: string;
  readonly common: string;
}

/**
 * Collects what the workers log while they start. Until {@linkcode StartupLogs.flush} (every
 * worker is ready, or one failed), lines are held: then a line that every worker wrote (as
 * often) is written once, without the worker's number, and any other as each worker wrote it.
 * After that (a worker started again) a line is written unless the same was written before.
 */
export class StartupLogs {
  readonly #write: (line: string) => void;
  readonly #workers: number;
  readonly #held = new Map<string, Written[]>();
  readonly #seen = new Set<string>();
  #flushed = false;

  /**
   * @param write Writes one line where the collector's logs go.
   * @param workers How many workers start.
   */
  constructor(write: (line: string) => void, workers: number) {
    this.#write = write;
    this.#workers = workers;
  }

  /** Takes a line worker `worker` logged before it was ready. */
  add(worker: number, line: string): void {
    const { key, common } = logLineIdentity(line);
    if (this.#flushed) {
      if (this.#seen.has(key)) return;
      this.#seen.add(key);
      this.#write(line);
      return;
    }
    const list = this.#held.get(key);
    if (list === undefined) this.#held.set(key, [{ worker, line, common }]);
    else list.push({ worker, line, common });
  }

  /** Writes what is held; later lines are written at once. */
  flush(): void {
    if (this.#flushed) return;
    this.#flushed = true;
    for (const [key, written] of this.#held) {
      this.#seen.add(key);
      const perWorker = new Map<number, Written[]>();
      for (const item of written) {
        const list = perWorker.get(item.worker);
        if (list === undefined) perWorker.set(item.worker, [item]);
        else list.push(item);
      }
      const counts = new Set([...perWorker.values()].map((list) => list.length));
      if (perWorker.size === this.#workers && counts.size === 1) {
        const first = Math.min(...perWorker.keys());
        for (const item of perWorker.get(first)!) this.#write(item.common);
      } else {
        for (const item of written) this.#write(item.line);
      }
    }
    this.#held.clear();
  }
}
