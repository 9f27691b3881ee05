/**
 * Runs the short version of testbed scenarios in a child process, for the tests CI runs
 * (`testbed_test.ts`, `testbed_workers_test.ts`), so that their collectors, ports and timers stay
 * apart from other tests; the PASS/FAIL lines are printed.
 *
 * @module
 */

import assert from "node:assert/strict";

/** Runs `testbed/main.ts --short --quiet` with `extra` and checks that exactly `expected` pass. */
export async function runShort(extra: string[], expected: readonly string[]): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./main.ts", import.meta.url).pathname,
      "--short",
      "--quiet",
      ...extra,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  const lines = stdout.split("\n").filter((line) => /^(PASS|FAIL) /.test(line));
  console.log(lines.join("\n"));
  const context = `exit ${output.code}; stdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`;
  assert.deepEqual(
    lines.filter((line) => line.startsWith("FAIL")),
    [],
    `testbed scenarios failed (${context})`,
  );
  // Exactly one PASS line per expected scenario, and no other result line.
  const passed = lines.map((line) => /^PASS ([^:]+):/.exec(line)?.[1] ?? line);
  assert.deepEqual(passed.sort(), [...expected].sort(), `result lines (${context})`);
  assert.match(stdout, new RegExp(`^testbed: ${expected.length} passed, 0 failed$`, "m"));
  assert.equal(output.code, 0, context);
}
