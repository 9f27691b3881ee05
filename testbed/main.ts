/**
 * Runs the testbed scenarios against the denocol collector (`deno task testbed`), one after the
 * other, each with its own collector child process and mock backend on free loopback ports. Each
 * prints one line, `PASS name: figures` or `FAIL name: reason`; the exit code is 1 if any failed.
 *
 * ```sh
 * deno task testbed                      # every scenario, full length
 * deno task testbed --short              # the short version CI runs
 * deno task testbed --only steady-grpc   # scenarios whose name contains the text (repeatable)
 * deno task testbed --quiet              # no progress lines on stderr
 * deno task testbed --workers=2          # collectors run as 2 worker processes (--workers)
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Scenario } from "./scenario.ts";
import { scenarios as steady } from "./scenarios/steady.ts";
import { scenarios as outage } from "./scenarios/outage.ts";
import { scenarios as restart } from "./scenarios/restart.ts";
import { scenarios as memoryLimiter } from "./scenarios/memory_limiter.ts";
import { scenarios as malformed } from "./scenarios/malformed.ts";
import { scenarios as clientChurn } from "./scenarios/client_churn.ts";
import { scenarios as hostile } from "./scenarios/hostile.ts";

/** Every scenario, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [
  ...steady,
  ...outage,
  ...restart,
  ...memoryLimiter,
  ...malformed,
  ...clientChurn,
  ...hostile,
];

/** Runs the scenarios selected by `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      short: { type: "boolean", default: false },
      only: { type: "string", multiple: true },
      quiet: { type: "boolean", default: false },
      workers: { type: "string", default: "1" },
    },
  });
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) {
    console.error(`testbed: --workers: expected a number of 1 or more, not ${values.workers}`);
    return 2;
  }
  const only = values.only ?? [];
  const selected = SCENARIOS.filter((s) =>
    only.length === 0 || only.some((o) => s.name.includes(o))
  );
  if (selected.length === 0) {
    console.error(
      `testbed: no scenario matches ${only.join(", ")}; scenarios: ${
        SCENARIOS.map((s) => s.name).join(", ")
      }`,
    );
    return 2;
  }
  const log = values.quiet ? () => {} : (message: string) => console.error(`  ${message}`);
  let failed = 0;
  for (const scenario of selected) {
    const started = performance.now();
    let line: string;
    try {
      const outcome = await scenario.run({ short: values.short, log, workers });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (outcome.failures.length === 0) {
        line = `PASS ${scenario.name}: ${outcome.figures} [${seconds} s]`;
      } else {
        failed++;
        line = `FAIL ${scenario.name}: ${
          outcome.failures.join("; ")
        } (${outcome.figures}) [${seconds} s]`;
      }
    } catch (error) {
      failed++;
      line = `FAIL ${scenario.name}: ${(error as Error).stack ?? error}`;
    }
    console.log(line);
  }
  console.log(`testbed: ${selected.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
