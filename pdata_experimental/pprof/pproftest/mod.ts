/**
 * Real profiles for tests, made by the real tools: a Go program (built once per process with the
 * Go toolchain) that writes CPU and heap profiles with `runtime/pprof` or serves
 * `net/http/pprof` on loopback, Node's `--cpu-prof` for V8 CPU profiles, and `go tool pprof -top`
 * to read pprof files. Tests that need Go skip, saying why, where {@linkcode goCommand} finds none
 * (`deno task test` installs Debian's `golang-go` when it can).
 *
 * ```ts ignore
 * import { goCommand, goProfiles } from "@denocol/pdata-experimental/pproftest";
 *
 * if (goCommand() !== undefined) {
 *   const { cpu, heap } = await goProfiles(); // paths of gzipped pprof files
 *   console.log(cpu, heap);
 * }
 * ```
 *
 * @module
 */

/** The path of `command` on `PATH` (or in `/usr/bin`, `/usr/lib/go/bin`) if it can be run. */
export function findCommand(command: string): string | undefined {
  const dirs = [...(Deno.env.get("PATH") ?? "").split(":"), "/usr/bin", "/usr/lib/go/bin"];
  for (const dir of dirs) {
    if (dir === "") continue;
    try {
      const info = Deno.statSync(`${dir}/${command}`);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) return `${dir}/${command}`;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** The Go toolchain's `go` command, or `undefined` when it is not installed. */
export function goCommand(): string | undefined {
  return findCommand("go");
}

/** Why Go tests skip, for their output. */
export const GO_MISSING =
  "skipped: the go command (Debian package golang-go) is not installed; deno task test installs it";

const PROGRAM = `package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"
)

var sink [][]byte

//go:noinline
func hashLoop(n int) uint64 {
	h := uint64(1469598103934665603)
	for i := 0; i < n; i++ {
		h ^= uint64(i)
		h *= 1099511628211
	}
	return h
}

//go:noinline
func sortWork(n int) int {
	a := make([]int, n)
	for i := range a {
		a[i] = (i * 7919) % n
	}
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j-1] > a[j]; j-- {
			a[j-1], a[j] = a[j], a[j-1]
		}
	}
	return a[0]
}

//go:noinline
func allocSmall() { sink = append(sink, make([]byte, 512)) }

//go:noinline
func allocLarge() { sink = append(sink, make([]byte, 256<<10)) }

func busy(until time.Time) uint64 {
	var total uint64
	for time.Now().Before(until) {
		pprof.Do(context.Background(), pprof.Labels("worker", "hash"), func(context.Context) {
			total += hashLoop(200000)
		})
		pprof.Do(context.Background(), pprof.Labels("worker", "sort"), func(context.Context) {
			total += uint64(sortWork(600))
		})
	}
	return total
}

func allocate() {
	for i := 0; i < 4000; i++ {
		allocSmall()
	}
	for i := 0; i < 40; i++ {
		allocLarge()
	}
	sink = sink[:len(sink)/2]
}

func main() {
	runtime.MemProfileRate = 4096
	switch os.Args[1] {
	case "profiles":
		dir := os.Args[2]
		ms, _ := strconv.Atoi(os.Args[3])
		cpu, err := os.Create(dir + "/cpu.pprof")
		if err != nil {
			panic(err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			panic(err)
		}
		allocate()
		done := make(chan uint64)
		until := time.Now().Add(time.Duration(ms) * time.Millisecond)
		go func() { done <- busy(until) }()
		total := busy(until) + <-done
		pprof.StopCPUProfile()
		cpu.Close()
		runtime.GC()
		heap, err := os.Create(dir + "/heap.pprof")
		if err != nil {
			panic(err)
		}
		if err := pprof.WriteHeapProfile(heap); err != nil {
			panic(err)
		}
		heap.Close()
		fmt.Println(total % 2)
	case "serve":
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		allocate()
		go func() {
			for {
				busy(time.Now().Add(time.Hour))
			}
		}()
		fmt.Println(listener.Addr().(*net.TCPAddr).Port)
		panic(http.Serve(listener, nil))
	}
}
`;

let built: Promise<string> | undefined;

async function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const output = await new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: { GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", GOPROXY: "off", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(
      `${command} ${args.join(" ")} failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  return text;
}

/**
 * Builds the Go test program once per process (in a temporary directory, standard library
 * only) and returns the path of its binary.
 */
export function goProgram(): Promise<string> {
  built ??= (async () => {
    const go = goCommand();
    if (go === undefined) throw new Error(GO_MISSING);
    const dir = await Deno.makeTempDir({ prefix: "denocol-pproftest-" });
    await Deno.writeTextFile(`${dir}/main.go`, PROGRAM);
    await run(go, ["build", "-o", `${dir}/prog`, "main.go"], { cwd: dir });
    return `${dir}/prog`;
  })();
  return built;
}

/** Paths of the profiles {@linkcode goProfiles} wrote. */
export interface GoProfiles {
  /** A CPU profile (`samples/count`, `cpu/nanoseconds`), gzipped as Go writes it. */
  cpu: string;
  /** A heap profile (`alloc_objects`, `alloc_space`, `inuse_objects`, `inuse_space`). */
  heap: string;
  /** The directory holding both. */
  dir: string;
}

/**
 * Runs the Go program to write a CPU profile of about `ms` milliseconds of work (two goroutines,
 * string labels) and a heap profile, into a new temporary directory.
 */
export async function goProfiles(ms = 600): Promise<GoProfiles> {
  const program = await goProgram();
  const dir = await Deno.makeTempDir({ prefix: "denocol-goprofiles-" });
  await run(program, ["profiles", dir, String(ms)]);
  return { cpu: `${dir}/cpu.pprof`, heap: `${dir}/heap.pprof`, dir };
}

/** A running Go program serving `net/http/pprof` on loopback. */
export interface GoPprofServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Stops the program. */
  close(): Promise<void>;
}

/** Starts the Go program serving `/debug/pprof/` on a free loopback port, busy on the CPU. */
export async function startGoPprofServer(): Promise<GoPprofServer> {
  const program = await goProgram();
  const child = new Deno.Command(program, { args: ["serve"], stdout: "piped", stderr: "null" })
    .spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the Go pprof server exited before saying its port");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const port = Number(text.trim());
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
      await child.stdout.cancel().catch(() => {});
      await child.status;
    },
  };
}

/** `go tool pprof -top` of `path` for sample type `sampleIndex` (a name or position). */
export async function pprofTop(path: string, sampleIndex?: string | number): Promise<string> {
  const go = goCommand();
  if (go === undefined) throw new Error(GO_MISSING);
  const tmp = await Deno.makeTempDir({ prefix: "denocol-pproftop-" });
  try {
    const args = ["tool", "pprof", "-top", "-symbolize=none", "-nodecount=100000"];
    if (sampleIndex !== undefined) args.push(`-sample_index=${sampleIndex}`);
    args.push(path);
    return await run(go, args, { env: { PPROF_TMPDIR: tmp, HOME: tmp } });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

const NODE_SCRIPT = `
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
function parse() { let s = 0; for (let i = 0; i < 3000; i++) s += JSON.parse(JSON.stringify({ a: [i, i + 1, "x".repeat(50)] })).a[0]; return s; }
const until = Date.now() + Number(process.argv[2]);
let total = 0;
while (Date.now() < until) { total += fib(22); total += parse(); total += (() => fib(18))(); }
console.log(total % 2);
`;

/**
 * Runs Node with `--cpu-prof` on a small busy script for about `ms` milliseconds and returns
 * the path of the `.cpuprofile` it wrote.
 */
export async function nodeCpuProfile(ms = 400): Promise<string> {
  const node = findCommand("node");
  if (node === undefined) throw new Error("node is not installed");
  const dir = await Deno.makeTempDir({ prefix: "denocol-cpuprofile-" });
  await Deno.writeTextFile(`${dir}/busy.js`, NODE_SCRIPT);
  await run(node, [
    "--cpu-prof",
    `--cpu-prof-dir=${dir}`,
    "--cpu-prof-name=busy.cpuprofile",
    "--cpu-prof-interval=200",
    `${dir}/busy.js`,
    String(ms),
  ]);
  return `${dir}/busy.cpuprofile`;
}
