// The command that runs this same program again as a worker process.

import { fileURLToPath } from "node:url";

/** Arguments that make the program a worker (see `main`). */
export const WORKER_FLAG = "--worker-process";

/** An executable and its arguments. */
export interface WorkerCommand {
  /** The Deno executable (or the compiled program). */
  readonly command: string;
  /** Deno's flags, the main module and {@linkcode WORKER_FLAG}. */
  readonly args: readonly string[];
}

const PERMISSIONS = ["read", "write", "net", "env", "sys", "run", "ffi", "import"] as const;

/**
 * How to start a worker: this process's own command line with its program arguments replaced
 * by {@linkcode WORKER_FLAG}, so that a worker runs the same program (and the same factories)
 * with the same permissions, `--v8-flags` and `--unstable-net` as its supervisor.
 *
 * On Linux the command line is read from `/proc/self/cmdline`: the arguments before the main
 * module are Deno's (a compiled program has none), less `--allow-run` (workers start no
 * processes). Elsewhere it is rebuilt: `run`, an `--allow-<name>` for each other permission
 * granted whole, `--unstable-net` and the main module (V8 flags are then not passed on).
 */
export function workerCommand(): WorkerCommand {
  const fromProc = commandFromProc();
  if (fromProc !== undefined) return fromProc;
  const allowed = PERMISSIONS.filter((name) =>
    name !== "run" &&
    Deno.permissions.querySync({ name } as Deno.PermissionDescriptor).state === "granted"
  ).map((name) => `--allow-${name}`);
  const main = Deno.mainModule.startsWith("file:")
    ? fileURLToPath(Deno.mainModule)
    : Deno.mainModule;
  return {
    command: Deno.execPath(),
    args: ["run", ...allowed, "--unstable-net", main, WORKER_FLAG],
  };
}

function commandFromProc(): WorkerCommand | undefined {
  let cmdline: string;
  try {
    cmdline = Deno.readTextFileSync("/proc/self/cmdline");
  } catch {
    return undefined;
  }
  const parts = cmdline.split("\0");
  if (parts.at(-1) === "") parts.pop();
  // [executable, ...deno's flags, main module, ...Deno.args]; a compiled program has neither.
  const mainIndex = parts.length - Deno.args.length - 1;
  if (mainIndex < 0) return undefined;
  // Workers start no processes: they do not get the permission to.
  const flags = parts.slice(1, mainIndex).filter((arg) => !/^--allow-run(=|$)/.test(arg));
  return {
    command: Deno.execPath(),
    args: mainIndex === 0 ? [WORKER_FLAG] : [...flags, parts[mainIndex], WORKER_FLAG],
  };
}
