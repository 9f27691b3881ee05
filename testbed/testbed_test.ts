// CI runs the short version of every testbed scenario (`testbed/main.ts --short`) through
// `deno test`, in a child process so that its collectors, ports and timers stay apart from other
// tests. Its PASS/FAIL lines are printed on failure.

import assert from "node:assert/strict";

Deno.test({
  name: "testbed: every scenario passes in its short version",
  // Scenarios start collectors and servers of their own; the child process owns them.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname, "--short", "--quiet"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    const lines = stdout.split("\n").filter((line) => /^(PASS|FAIL) /.test(line));
    console.log(lines.join("\n"));
    assert.ok(lines.length >= 7, `expected a line per scenario, got:\n${stdout}\n${stderr}`);
    assert.deepEqual(
      lines.filter((line) => line.startsWith("FAIL")),
      [],
      `testbed scenarios failed (exit ${output.code}):\n${stderr.slice(-4000)}`,
    );
    assert.equal(output.code, 0, stderr.slice(-4000));
  },
});
