import assert from "node:assert/strict";
import { type Config, createDefaultConfig, validateConfig } from "./config.ts";

function check(overrides: Partial<Config>): void {
  validateConfig({ ...createDefaultConfig(), check_interval: "1s", limit_mib: 100, ...overrides });
}

Deno.test("memory_limiter config: defaults follow the Go collector and need a limit", () => {
  const defaults = createDefaultConfig();
  assert.equal(defaults.min_gc_interval_when_soft_limited, "10s");
  assert.equal(defaults.max_gc_interval_when_soft_limited, "30s");
  assert.equal(defaults.max_gc_interval_when_hard_limited, "30s");
  assert.throws(() => validateConfig(defaults), /check_interval: must be greater than zero/);
  check({});
});

Deno.test("memory_limiter config: each rule has its own error", () => {
  assert.throws(() => check({ check_interval: 0 }), /check_interval: must be greater than zero/);
  assert.throws(() => check({ check_interval: "soon" }), /check_interval: invalid duration/);
  assert.throws(
    () => check({ limit_mib: 0 }),
    /limit_mib or limit_percentage must be greater than zero/,
  );
  assert.throws(
    () => check({ limit_mib: 0, limit_percentage: 101 }),
    /must be at most 100/,
  );
  assert.throws(
    () => check({ spike_limit_mib: 100 }),
    /spike_limit_mib \(100\) must be smaller than limit_mib \(100\)/,
  );
  assert.throws(
    () => check({ limit_mib: 0, limit_percentage: 50, spike_limit_percentage: 50 }),
    /spike_limit_percentage \(50\) must be smaller than limit_percentage \(50\)/,
  );
  assert.throws(
    () =>
      check({
        min_gc_interval_when_soft_limited: "1s",
        min_gc_interval_when_hard_limited: "2s",
      }),
    /min_gc_interval_when_soft_limited must be at least min_gc_interval_when_hard_limited/,
  );
  assert.throws(
    () => check({ max_gc_interval_when_soft_limited: "5s" }),
    /max_gc_interval_when_soft_limited must be at least min_gc_interval_when_soft_limited/,
  );
  assert.throws(
    () =>
      check({
        min_gc_interval_when_hard_limited: "2s",
        max_gc_interval_when_hard_limited: "1s",
      }),
    /max_gc_interval_when_hard_limited must be at least min_gc_interval_when_hard_limited/,
  );
  assert.throws(
    () => check({ max_gc_interval_when_soft_limited: "20s" }),
    /max_gc_interval_when_soft_limited must be at least max_gc_interval_when_hard_limited/,
  );
  assert.throws(() => check({ limit_mib: -5 }), /limit_mib: expected a non-negative integer/);
  check({ max_gc_interval_when_soft_limited: 0, max_gc_interval_when_hard_limited: 0 });
  check({ limit_mib: 0, limit_percentage: 80, spike_limit_percentage: 20 });
});
