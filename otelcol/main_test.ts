import assert from "node:assert/strict";
import denoJson from "./deno.json" with { type: "json" };

async function run(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname, ...args],
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("otelcol --version prints the package version", async () => {
  const result = await run("--version");
  assert.equal(result.code, 0);
  assert.equal(result.stdout.trim(), `otelcol (denocol) ${denoJson.version}`);
});

Deno.test("otelcol --help prints usage with every flag", async () => {
  const result = await run("--help");
  assert.equal(result.code, 0);
  for (const flag of ["--config", "--set", "--feature-gates", "validate", "components"]) {
    assert.ok(result.stdout.includes(flag), flag);
  }
});

Deno.test("otelcol rejects an unknown flag with usage and exit code 2", async () => {
  const result = await run("--no-such-flag");
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no-such-flag/);
});
