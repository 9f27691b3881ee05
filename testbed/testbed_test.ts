// CI runs the short version of every testbed scenario (`testbed/main.ts --short`) through
// `deno test`, in a child process so that its collectors, ports and timers stay apart from other
// tests. Its PASS/FAIL lines are printed on failure.
//
// The scenarios that must pass are listed here by name, apart from the runner's registry: a
// scenario dropped from the registry, a scenario file the registry does not import, or a
// scenario that prints no result line fails the test instead of going unnoticed.

import assert from "node:assert/strict";
import type { Scenario } from "./scenario.ts";
import { SCENARIOS } from "./main.ts";
import { runShort } from "./short_run.ts";

/** Every scenario, by name; adding one to the testbed means adding it here. */
const EXPECTED = [
  "steady-grpc",
  "steady-http",
  "outage-grpc",
  "outage-http",
  "restart-persistent-queue",
  "memory-limiter-overload",
  "malformed-storm",
  "grpc-client-churn",
  "hostile-clients",
];

const SCENARIO_DIR = new URL("./scenarios/", import.meta.url);

Deno.test("testbed: the registry runs exactly the listed scenarios, from every scenario file", async () => {
  const files = [...Deno.readDirSync(SCENARIO_DIR)]
    .filter((entry) => entry.isFile && entry.name.endsWith(".ts"))
    .map((entry) => entry.name)
    .sort();
  assert.ok(files.length > 0, `no scenario files in ${SCENARIO_DIR.pathname}`);
  const fromFiles: string[] = [];
  for (const file of files) {
    const module = await import(new URL(file, SCENARIO_DIR).href) as { scenarios?: Scenario[] };
    assert.ok(Array.isArray(module.scenarios), `scenarios/${file} exports no \`scenarios\``);
    fromFiles.push(...module.scenarios.map((s) => s.name));
  }
  assert.deepEqual([...fromFiles].sort(), [...EXPECTED].sort(), "scenario files vs the list");
  assert.deepEqual(SCENARIOS.map((s) => s.name).sort(), [...EXPECTED].sort(), "registry vs list");
});

Deno.test({
  name: "testbed: every scenario passes in its short version",
  // Scenarios start collectors and servers of their own; the child process owns them.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () => runShort([], EXPECTED),
});
