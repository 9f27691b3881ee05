// CI runs the short version of the scenarios that several worker processes change with
// `--workers=2`, in a test file of its own so that it runs beside the one-process run
// (`testbed_test.ts`) rather than after it.

import assert from "node:assert/strict";
import { SCENARIOS } from "./main.ts";
import { runShort } from "./short_run.ts";

/**
 * The scenarios CI also runs with `--workers=2`: those whose subject changes when the collector
 * runs as several processes. Steady load over both transports (listeners sharing ports, the
 * summed metrics), restarts with a persistent queue (a store per worker, a SIGKILL of every
 * process, every other run with one worker), the memory limiter (a limit for the whole
 * collector), malformed input (each worker refuses alike) and gRPC client churn (node:http2
 * sessions on both). The outages and hostile clients exercise exporters and per-connection
 * protections that run unchanged inside each worker; `deno task testbed --workers=2` runs them.
 */
const WITH_TWO_WORKERS = [
  "steady-grpc",
  "steady-http",
  "restart-persistent-queue",
  "memory-limiter-overload",
  "malformed-storm",
  "grpc-client-churn",
];

Deno.test({
  name: "testbed: the scenarios workers change pass in their short version with --workers=2",
  // Scenarios start collectors and servers of their own; the child process owns them.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const names = SCENARIOS.map((s) => s.name);
    assert.deepEqual(WITH_TWO_WORKERS.filter((name) => !names.includes(name)), []);
    await runShort(
      ["--workers=2", ...WITH_TWO_WORKERS.map((name) => `--only=${name}`)],
      WITH_TWO_WORKERS,
    );
  },
});
