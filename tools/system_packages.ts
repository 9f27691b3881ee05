/**
 * The programs some tests need that no npm package provides, and their installation from
 * Debian's packages: the check (`deno task test`) installs what is missing before the tests run,
 * so that a fresh machine or CI runs every test. Where a package cannot be installed (not root,
 * no `apt-get`, no network), the check says so and the tests that need it skip with that reason.
 *
 * | command    | Debian package | used by                                              |
 * | ---------- | -------------- | ---------------------------------------------------- |
 * | `go`       | `golang-go`    | real pprof profiles and `go tool pprof` (pprof tests) |
 * | `chromium` | `chromium`     | the status page tests in a headless browser          |
 *
 * ```sh
 * deno run -A tools/system_packages.ts        # installs what is missing, says what it did
 * ```
 *
 * @module
 */

/** A program tests need, and the Debian package that provides it. */
export interface SystemPackage {
  /** The command tests run (looked up on `PATH` and in `/usr/bin`). */
  command: string;
  /** The Debian package that installs it. */
  debian: string;
  /** What needs it, for messages. */
  usedBy: string;
}

/** Every program tests may need. */
export const SYSTEM_PACKAGES: readonly SystemPackage[] = [
  {
    command: "go",
    debian: "golang-go",
    usedBy: "the pprof tests (real Go profiles, go tool pprof)",
  },
  { command: "chromium", debian: "chromium", usedBy: "the status page tests (headless browser)" },
];

/** The path of `command` if it can be run, or `undefined`. */
export function findCommand(command: string): string | undefined {
  const dirs = [...(Deno.env.get("PATH") ?? "").split(":"), "/usr/bin", "/usr/lib/go/bin"];
  for (const dir of dirs) {
    if (dir === "") continue;
    const path = `${dir}/${command}`;
    try {
      const info = Deno.statSync(path);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) return path;
    } catch {
      // not there
    }
  }
  return undefined;
}

async function run(args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const result = await new Deno.Command(args[0], {
      args: args.slice(1),
      stdout: "piped",
      stderr: "piped",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { ok: result.success, output: decode(result.stdout) + decode(result.stderr) };
  } catch (error) {
    return { ok: false, output: (error as Error).message };
  }
}

/**
 * Installs the missing packages with `apt-get` when running as root; returns one line per
 * package saying what happened (present, installed, or why not).
 */
export async function ensureSystemPackages(
  packages: readonly SystemPackage[] = SYSTEM_PACKAGES,
): Promise<string[]> {
  const missing = packages.filter((p) => findCommand(p.command) === undefined);
  const report = packages
    .filter((p) => !missing.includes(p))
    .map((p) => `${p.command}: present (${findCommand(p.command)})`);
  if (missing.length === 0) return report;
  const why = Deno.uid?.() !== 0
    ? "not running as root"
    : findCommand("apt-get") === undefined
    ? "apt-get is not available"
    : undefined;
  if (why !== undefined) {
    return [
      ...report,
      ...missing.map((p) => `${p.command}: missing and not installed (${why}); ${p.usedBy} skip`),
    ];
  }
  await run(["apt-get", "update", "-q"]);
  const install = await run([
    "apt-get",
    "install",
    "-y",
    "-q",
    "--no-install-recommends",
    ...missing.map((p) => p.debian),
  ]);
  for (const p of missing) {
    const path = findCommand(p.command);
    report.push(
      path !== undefined
        ? `${p.command}: installed from Debian package ${p.debian} (${path})`
        : `${p.command}: apt-get install ${p.debian} failed; ${p.usedBy} skip:\n${
          install.output.slice(-1500)
        }`,
    );
  }
  return report;
}

if (import.meta.main) {
  for (const line of await ensureSystemPackages()) console.log(line);
}
