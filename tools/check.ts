/**
 * The full check that CI runs (`deno task test`): the Debian packages some tests need
 * (tools/system_packages.ts), then formatting, lint, type check, tests and the
 * code examples of the documentation (`deno test --doc`), documentation lint and a publish dry
 * run, in that order, stopping at the first failure.
 *
 * The last line it prints is `check: N passed, N failed`, counting the test cases that
 * `deno test` ran, so that a reader of the CI log sees at a glance how much was tested.
 *
 * @module
 */

import { ROOT, workspaceMembers } from "./workspace.ts";

interface Step {
  title: string;
  args: string[];
  /** Whether to capture the step's output to read the test summary from it. */
  captureSummary?: boolean;
  /**
   * Whether to run the step once more when Deno itself crashed (killed by a signal) rather than
   * reporting a finding: Deno 2.9's lint plugin host segfaults now and then on a loaded machine.
   */
  rerunOnCrash?: boolean;
}

const members = workspaceMembers();
const extraFolders = ["tools", "bench", "testbed"].filter((folder) => {
  try {
    return Deno.statSync(`${ROOT}${folder}`).isDirectory;
  } catch {
    return false;
  }
});

const steps: Step[] = [
  // Programs some tests need that no npm package gives (Go, Chromium), from Debian's packages;
  // never fails: a test whose program is missing skips with the reason.
  {
    title: "system packages for tests",
    args: [
      "run",
      "--allow-run",
      "--allow-read",
      "--allow-env",
      "--allow-sys",
      "tools/system_packages.ts",
    ],
  },
  { title: "format", args: ["fmt", "--check"] },
  { title: "lint", args: ["lint"], rerunOnCrash: true },
  { title: "generated code is current", args: ["run", "-A", "tools/gen.ts", "--check"] },
  {
    title: "type check",
    args: ["check", ...members.map((m) => m.folder), ...extraFolders],
  },
  // `--doc` also type-checks and runs every code example in the JSDoc of the modules.
  {
    title: "tests and doc examples",
    args: ["test", "--allow-all", "--parallel", "--doc"],
    captureSummary: true,
  },
  { title: "doc lint", args: ["run", "--allow-run", "--allow-read", "tools/doc_lint.ts"] },
  { title: "publish dry run", args: ["publish", "--dry-run", "--allow-dirty"] },
];

let passed = 0;
let failed = 0;

/** Reads the counts from the summary line of `deno test`, such as `ok | 12 passed (3 steps) | 0 failed`. */
function readSummary(output: string): { passed: number; failed: number } | undefined {
  const match = /(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(output);
  return match ? { passed: Number(match[1]), failed: Number(match[2]) } : undefined;
}

/** Runs one step, returning its exit status and what it printed when that is captured. */
async function run(step: Step): Promise<{ status: Deno.CommandStatus; captured: string }> {
  const command = new Deno.Command(Deno.execPath(), {
    args: step.args,
    cwd: ROOT,
    stdout: step.captureSummary ? "piped" : "inherit",
    stderr: "inherit",
    // Plain output, so that the test summary can be read from it.
    env: step.captureSummary ? { NO_COLOR: "1" } : {},
  });
  const child = command.spawn();
  let captured = "";
  if (step.captureSummary) {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      await Deno.stdout.write(chunk);
      captured += decoder.decode(chunk, { stream: true });
    }
  }
  return { status: await child.status, captured };
}

for (const step of steps) {
  console.log(`\n== ${step.title}: deno ${step.args.join(" ")}`);
  let { status, captured } = await run(step);
  if (step.rerunOnCrash && status.signal !== null) {
    console.error(`\n== ${step.title}: deno was killed by ${status.signal}; running it once more`);
    ({ status, captured } = await run(step));
  }
  if (step.captureSummary) {
    const summary = readSummary(captured);
    if (summary) {
      passed += summary.passed;
      failed += summary.failed;
    } else if (!status.success) {
      failed += 1;
    }
  }
  if (!status.success) {
    console.error(`\n== FAILED: ${step.title} (exit code ${status.code})`);
    console.log(`check: ${passed} passed, ${Math.max(failed, 1)} failed`);
    Deno.exit(1);
  }
}

console.log(`\n== all checks passed`);
console.log(`check: ${passed} passed, ${failed} failed`);
