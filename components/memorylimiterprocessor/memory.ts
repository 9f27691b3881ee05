import v8 from "node:v8";
import vm from "node:vm";

const MIB = 1024 * 1024;

/**
 * The number the memory limiter compares with its limits: `heapUsed + external` from
 * `Deno.memoryUsage()`, in bytes.
 *
 * It is the closest equivalent of the Go collector's heap `Alloc`: the bytes the program's
 * objects occupy on the V8 heap plus the buffers (`ArrayBuffer`s such as request bodies and
 * encoded protobuf) that V8 accounts for outside it. Unlike `rss` it falls as soon as a garbage
 * collection frees data, so the limiter recovers when the backlog drains, and it does not include
 * the runtime's own fixed footprint (the Deno binary, V8's code space, allocator slack), which
 * would make a small `limit_mib` unreachable or meaningless. The process's RSS is therefore higher
 * than this number by that footprint (some tens of MiB): leave that much room below a container's
 * memory limit.
 */
export function measureMemoryBytes(): number {
  const usage = Deno.memoryUsage();
  return usage.heapUsed + usage.external;
}

let heldElsewhere: (() => number) | undefined;

/**
 * Says how much memory the collector holds outside this isolate, for a host that runs one
 * collector as several processes or isolates: every limiter then adds it to its own
 * measurement, so that `limit_mib` bounds the whole collector and receivers admit requests
 * against what the whole collector holds. Called by the host, never by components; `undefined`
 * removes the source.
 *
 * @param measure Returns the bytes held elsewhere now (it is called at every measurement, so it
 *   should return a figure it already has rather than gather one).
 */
export function setMemoryHeldElsewhere(measure: (() => number) | undefined): void {
  heldElsewhere = measure;
}

/**
 * The memory a limiter compares with its limits: {@linkcode measureMemoryBytes} of this isolate
 * plus what {@linkcode setMemoryHeldElsewhere} reports for the rest of the collector.
 */
export function measureCollectorMemoryBytes(): number {
  return measureMemoryBytes() + (heldElsewhere?.() ?? 0);
}

/** Whether a source of memory held elsewhere is set (for the limiter's configuration log). */
export function memoryHeldElsewhereIsSet(): boolean {
  return heldElsewhere !== undefined;
}

function readNumberFile(path: string): number | undefined {
  try {
    const text = Deno.readTextFileSync(path).trim();
    if (!/^\d+$/.test(text)) return undefined;
    const value = Number(text);
    // cgroup v1 reports "no limit" as a number close to 2^63.
    return value > 0 && value < 2 ** 60 ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The memory available to the process in bytes: the cgroup's limit when one is set (v2
 * `memory.max`, v1 `memory.limit_in_bytes`), else the system's total memory. Needs
 * `--allow-sys`; reading the cgroup needs `--allow-read` and is skipped without it.
 *
 * @throws {Error} when the system memory cannot be read, saying to use `limit_mib` instead.
 */
export function totalMemoryBytes(): number {
  let system: number;
  try {
    system = Deno.systemMemoryInfo().total;
  } catch (error) {
    throw new Error(
      "memory_limiter processor: cannot read the total memory for limit_percentage " +
        `(${error instanceof Error ? error.message : String(error)}); set limit_mib instead`,
      { cause: error },
    );
  }
  const cgroup = readNumberFile("/sys/fs/cgroup/memory.max") ??
    readNumberFile("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  return cgroup !== undefined && cgroup < system ? cgroup : system;
}

let cachedGc: (() => void) | null | undefined;

/**
 * A function that runs a full garbage collection, or `null` if the runtime offers none.
 *
 * V8 exposes `gc()` only with `--expose-gc`. Deno accepts `--v8-flags=--expose-gc`, which puts
 * `gc` on `globalThis`; without it, the flag is set at run time through `node:v8` and `gc` is
 * read from a fresh `node:vm` context, which Deno supports. When neither works the limiter still
 * refuses data above the soft limit, but memory then falls only when V8 collects on its own
 * (which the allocation of new requests makes it do).
 */
export function fullGarbageCollector(): (() => void) | null {
  if (cachedGc !== undefined) return cachedGc;
  const global = (globalThis as { gc?: unknown }).gc;
  if (typeof global === "function") return cachedGc = () => global();
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    cachedGc = typeof gc === "function" ? () => gc() : null;
  } catch {
    cachedGc = null;
  }
  return cachedGc;
}

/**
 * How much V8's old generation may grow between full collections while a limiter runs, in
 * percent. V8 otherwise lets it grow by up to several times what survived the last collection
 * before it collects again, so that right after a burst the heap holds mostly garbage that
 * neither this limiter nor the receivers' admission can tell from data: under hostile load
 * (testbed `hostile-clients`, 300 MiB limit) peak RSS was 424-494 MiB with V8's default and
 * 353-410 MiB with 20 % given on the command line (`deno task collector` does). Set here, at run
 * time, it covers programs that embed a collector; it is less effective there (391-487 MiB),
 * since it only applies from V8's next full collection on.
 */
export const HEAP_GROWING_PERCENT = 20;

/**
 * Makes V8 collect its old generation once it has grown by {@linkcode HEAP_GROWING_PERCENT}
 * since the last full collection (a process-wide V8 flag, read at each collection).
 */
export function tightenHeapGrowth(): void {
  try {
    v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  } catch {
    // a runtime without node:v8 flags keeps V8's default growth
  }
}

/** Bytes as whole MiB, for log attributes. */
export function toMib(bytes: number): number {
  return Math.round(bytes / MIB);
}

/** Bytes per MiB. */
export const MIB_BYTES: number = MIB;
