import assert from "node:assert/strict";
import { resolveConfig } from "./validate.ts";
import { parseYaml } from "./yaml.ts";
import { DEFAULT_DRAIN_TIMEOUT_MS } from "./shutdown.ts";
import { at, configErrorsOf, coreCatalog, expectProblem } from "./testutil_test.ts";

const FILE = "config.yaml";

const VALID = `receivers:
  otlp:
    protocols:
      grpc:
exporters:
  debug:
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [debug]
`;

function drainOf(text: string): number {
  return resolveConfig(parseYaml(text, FILE), coreCatalog()).config.service.shutdown
    .drainTimeoutMs;
}

Deno.test("service.shutdown.drain_timeout: a Go duration, 10s by default, 0 for no limit", () => {
  assert.equal(drainOf(VALID), DEFAULT_DRAIN_TIMEOUT_MS);
  assert.equal(DEFAULT_DRAIN_TIMEOUT_MS, 10_000);
  assert.equal(drainOf(VALID + "  shutdown:\n    drain_timeout: 2m30s\n"), 150_000);
  assert.equal(drainOf(VALID + "  shutdown:\n    drain_timeout: 0s\n"), 0);
  assert.equal(drainOf(VALID + "  shutdown:\n"), DEFAULT_DRAIN_TIMEOUT_MS);
});

Deno.test("service.shutdown: a bad duration and an unknown key are errors with path and position", async () => {
  const text = VALID + "  shutdown:\n    drain_timeout: soon\n    drain_timout: 1s\n";
  const errors = await configErrorsOf(() => resolveConfig(parseYaml(text, FILE), coreCatalog()));
  expectProblem(
    errors,
    "how long shutdown waits for sending queues; 0 for no limit",
    "service.shutdown.drain_timeout",
    at(FILE, text, "soon"),
  );
  expectProblem(
    errors,
    'unknown key "drain_timout" (did you mean "drain_timeout"?); valid keys: drain_timeout',
    "service.shutdown.drain_timout",
    at(FILE, text, "drain_timout"),
  );
  const negative = VALID + "  shutdown:\n    drain_timeout: -1s\n";
  const negativeErrors = await configErrorsOf(() =>
    resolveConfig(parseYaml(negative, FILE), coreCatalog())
  );
  expectProblem(
    negativeErrors,
    'expected a duration of zero or more, got "-1s"',
    "service.shutdown.drain_timeout",
    at(FILE, negative, "-1s"),
  );
  const notMap = VALID + "  shutdown: 5s\n";
  const notMapErrors = await configErrorsOf(() =>
    resolveConfig(parseYaml(notMap, FILE), coreCatalog())
  );
  expectProblem(
    notMapErrors,
    "expected a map with keys drain_timeout",
    "service.shutdown",
    at(FILE, notMap, "5s"),
  );
});
