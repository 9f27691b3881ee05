import assert from "node:assert/strict";
import {
  isMemoryRefusal,
  MemoryBudget,
  MetricsRegistry,
  nopLogger,
  processMemoryBudget,
  SharedComponents,
} from "@denocol/component";
import { CapturingLogger, nopHost, nopSettings } from "@denocol/component/componenttest";
import type { Logs, Traces } from "@denocol/pdata";
import { factory, sharedLimiter } from "./mod.ts";
import { isPermanent, RetryableError } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { type Config, createDefaultConfig } from "./config.ts";
import { computeLimits, MemoryLimiter } from "./limiter.ts";
import { fullGarbageCollector, measureMemoryBytes, setMemoryHeldElsewhere } from "./memory.ts";
import { DataRefusedError, LimitingConsumer } from "./processor.ts";

const MIB = 1024 * 1024;

function config(overrides: Partial<Config>): Config {
  return { ...createDefaultConfig(), check_interval: "1s", ...overrides };
}

/** A limiter whose memory readings and clock the test sets. */
function fakeLimiter(overrides: Partial<Config>, gc: (() => void) | null = null) {
  const state = { bytes: 0, now: 0, gcRuns: 0 };
  const logger = new CapturingLogger();
  const limiter = new MemoryLimiter(config(overrides), logger, {
    measure: () => state.bytes,
    now: () => state.now,
    gc: gc === null ? null : () => {
      state.gcRuns++;
      gc();
    },
    totalMemory: () => 1000 * MIB,
  });
  return { limiter, state, logger };
}

Deno.test("memory limits: limit_mib with the default spike of a fifth", () => {
  assert.deepEqual(computeLimits(config({ limit_mib: 100 }), () => 0), {
    hardBytes: 100 * MIB,
    softBytes: 80 * MIB,
  });
  assert.deepEqual(computeLimits(config({ limit_mib: 100, spike_limit_mib: 30 }), () => 0), {
    hardBytes: 100 * MIB,
    softBytes: 70 * MIB,
  });
});

Deno.test("memory limits: percentages of the total memory; limit_mib takes precedence", () => {
  const total = () => 2000 * MIB;
  assert.deepEqual(
    computeLimits(config({ limit_percentage: 50, spike_limit_percentage: 10 }), total),
    { hardBytes: 1000 * MIB, softBytes: 800 * MIB },
  );
  assert.deepEqual(computeLimits(config({ limit_percentage: 50 }), total), {
    hardBytes: 1000 * MIB,
    softBytes: 800 * MIB,
  });
  assert.deepEqual(computeLimits(config({ limit_mib: 10, limit_percentage: 50 }), total), {
    hardBytes: 10 * MIB,
    softBytes: 8 * MIB,
  });
});

Deno.test("memory limiter: refuses from the soft limit on and recovers below it", () => {
  const { limiter, state, logger } = fakeLimiter({ limit_mib: 100 });
  state.bytes = 79 * MIB;
  limiter.check();
  assert.equal(limiter.mustRefuse, false);
  state.bytes = 80 * MIB;
  limiter.check();
  assert.equal(limiter.mustRefuse, true);
  assert.ok(logger.messages("warn").some((m) => m.includes("refusing data")));
  state.bytes = 120 * MIB;
  limiter.check();
  assert.equal(limiter.mustRefuse, true);
  state.bytes = 50 * MIB;
  limiter.check();
  assert.equal(limiter.mustRefuse, false);
  assert.ok(logger.messages("info").some((m) => m.includes("back below the soft limit")));
});

Deno.test("memory limiter: a forced collection that frees enough avoids the refusal", () => {
  const harness = fakeLimiter({ limit_mib: 100, min_gc_interval_when_soft_limited: "10s" }, () => {
    harness.state.bytes = 40 * MIB;
  });
  const { limiter, state } = harness;
  state.now = 10_001;
  state.bytes = 90 * MIB;
  limiter.check();
  assert.equal(state.gcRuns, 1);
  assert.equal(limiter.mustRefuse, false);
});

Deno.test("memory limiter: forced collections respect min_gc_interval_when_soft_limited", () => {
  const { limiter, state } = fakeLimiter(
    {
      limit_mib: 100,
      min_gc_interval_when_soft_limited: "10s",
      max_gc_interval_when_soft_limited: 0,
    },
    () => {},
  );
  state.bytes = 90 * MIB;
  state.now = 5_000;
  limiter.check();
  assert.equal(state.gcRuns, 0, "collected before the minimum interval since the last one");
  assert.equal(limiter.mustRefuse, true);
  state.now = 10_001;
  limiter.check();
  assert.equal(state.gcRuns, 1);
  state.now = 15_000;
  limiter.check();
  assert.equal(state.gcRuns, 1);
  state.now = 20_002;
  limiter.check();
  assert.equal(state.gcRuns, 2);
});

Deno.test("memory limiter: above the hard limit min_gc_interval_when_hard_limited applies", () => {
  const { limiter, state } = fakeLimiter(
    {
      limit_mib: 100,
      min_gc_interval_when_soft_limited: "10s",
      min_gc_interval_when_hard_limited: "1s",
      max_gc_interval_when_hard_limited: 0,
      max_gc_interval_when_soft_limited: 0,
    },
    () => {},
  );
  state.bytes = 150 * MIB;
  state.now = 1_001;
  limiter.check();
  assert.equal(state.gcRuns, 1);
  state.now = 2_002;
  limiter.check();
  assert.equal(state.gcRuns, 2);
});

Deno.test("memory limiter: ineffective collections back off up to the maximum", () => {
  const { limiter, state } = fakeLimiter(
    {
      limit_mib: 100,
      check_interval: "1s",
      min_gc_interval_when_soft_limited: "1s",
      max_gc_interval_when_soft_limited: "4s",
      max_gc_interval_when_hard_limited: 0,
    },
    () => {},
  );
  state.bytes = 90 * MIB;
  const runsAt: number[] = [];
  for (let second = 1; second <= 20; second++) {
    state.now = second * 1000 + 1;
    const before = state.gcRuns;
    limiter.check();
    if (state.gcRuns > before) runsAt.push(second);
  }
  // The gate doubles after each ineffective collection (1s, 2s, 4s, then the 4s cap) and a
  // collection needs strictly more than the gate since the last one, so on whole-second ticks
  // the gaps are 3s, then 5s.
  assert.deepEqual(runsAt, [1, 4, 9, 14, 19]);
});

Deno.test("memory limiter: logs what a forced collection left and when the next may run", () => {
  const { limiter, state, logger } = fakeLimiter(
    {
      limit_mib: 100,
      min_gc_interval_when_soft_limited: "1s",
      max_gc_interval_when_soft_limited: "4s",
    },
    () => state.bytes -= 2 * MIB,
  );
  state.bytes = 90 * MIB;
  state.now = 1001;
  limiter.check();
  const after = logger.records.filter((r) =>
    r.message === "memory usage after the forced garbage collection"
  );
  assert.equal(after.length, 1);
  // 88 MiB is less than 5% below 90 MiB: ineffective, so the soft gate doubles from 1s.
  assert.equal(after[0].attributes.current_mib, 88);
  assert.equal(after[0].attributes.next_soft_gc_interval_ms, 2000);
});

Deno.test("memory limiter: works without a garbage collector", () => {
  const { limiter, state } = fakeLimiter({ limit_mib: 10 });
  state.bytes = 9 * MIB;
  state.now = 100_000;
  limiter.check();
  assert.equal(limiter.mustRefuse, true);
});

Deno.test("memory limiter: measures and limits the budget from start to shutdown", async () => {
  let readings = 0;
  const budget = new MemoryBudget();
  const limiter = new MemoryLimiter(
    config({ limit_mib: 100, check_interval: "5ms" }),
    nopLogger(),
    {
      measure: () => {
        readings++;
        return 0;
      },
      gc: null,
      budget,
    },
  );
  await limiter.start();
  assert.equal(budget.limited, true);
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.ok(readings > 0, "the timer did not run");
  await limiter.shutdown();
  assert.equal(budget.limited, false);
  const after = readings;
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(readings, after);
});

Deno.test("memory limiter: adds what the host reports held elsewhere, in checks and admission", async () => {
  const budget = new MemoryBudget();
  // A soft limit far above what this test process holds by itself.
  const limiter = new MemoryLimiter(config({ limit_mib: 4096 }), nopLogger(), { gc: null, budget });
  await limiter.start();
  const wait = () => new Promise((resolve) => setTimeout(resolve, 5));
  try {
    limiter.check();
    assert.equal(limiter.mustRefuse, false);
    await wait();
    assert.equal(isMemoryRefusal(budget.reserve(1024)), false);
    setMemoryHeldElsewhere(() => 4000 * MIB);
    limiter.check();
    assert.equal(limiter.mustRefuse, true);
    assert.ok(limiter.lastMeasuredBytes >= 4000 * MIB);
    await wait();
    const refused = budget.reserve(1024);
    assert.ok(isMemoryRefusal(refused) && refused.kind === "retry");
    setMemoryHeldElsewhere(undefined);
    limiter.check();
    assert.equal(limiter.mustRefuse, false);
  } finally {
    setMemoryHeldElsewhere(undefined);
    await limiter.shutdown();
  }
});

Deno.test("memory limiter: the pipelines of one config share a limiter until the last stops", async () => {
  const settings = nopSettings("processor", "memory_limiter");
  const shared = config({ limit_mib: 4096 });
  const logsProcessor = factory.createLogs(settings, shared, new SinkConsumer<Logs>());
  const tracesProcessor = factory.createTraces(settings, shared, new SinkConsumer<Traces>());
  const other = factory.createTraces(settings, config({ limit_mib: 4096 }), new SinkConsumer());
  const a = sharedLimiter(settings, shared);
  const b = sharedLimiter(settings, shared);
  assert.equal(a.shared, b.shared);
  await a.shutdown();
  await b.shutdown();
  assert.equal(processMemoryBudget.limited, false);
  await logsProcessor.start(nopHost());
  await tracesProcessor.start(nopHost());
  assert.equal(processMemoryBudget.limited, true);
  await logsProcessor.shutdown();
  assert.equal(processMemoryBudget.limited, true, "the traces pipeline still uses the limiter");
  await tracesProcessor.shutdown();
  assert.equal(processMemoryBudget.limited, false);
  await other.shutdown();
});

Deno.test("memory measurement: heapUsed + external grows with retained data", () => {
  const before = measureMemoryBytes();
  const retained = new Uint8Array(32 * MIB).fill(1);
  const after = measureMemoryBytes();
  assert.ok(after - before >= 30 * MIB, `grew by ${(after - before) / MIB} MiB`);
  assert.equal(retained[0], 1);
});

Deno.test("memory measurement: a full collection is available in Deno", () => {
  const gc = fullGarbageCollector();
  assert.ok(gc !== null);
  let garbage: unknown[] | null = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `x${i}` }));
  const before = measureMemoryBytes();
  garbage = null;
  gc();
  assert.equal(garbage, null);
  assert.ok(measureMemoryBytes() < before, "the collection freed nothing");
});

Deno.test("limiting consumer: passes data on, refuses retryably while memory is high", async () => {
  const { limiter, state } = fakeLimiter({ limit_mib: 100 });
  const sink = new SinkConsumer<string[]>({ countItems: (d) => d.length });
  const registry = new MetricsRegistry();
  const consumer = new LimitingConsumer(
    new SharedComponents<string, MemoryLimiter>().getOrAdd("memory_limiter", () => limiter),
    sink,
    { count: (d: string[]) => d.length, itemName: "log_records" },
    { logger: nopLogger(), meter: registry },
    "memory_limiter",
  );
  await consumer.start(nopHost());
  assert.deepEqual(consumer.capabilities(), { mutatesData: false });
  await consumer.consume(["a", "b"]);
  state.bytes = 95 * MIB;
  limiter.check();
  const refusal = await consumer.consume(["c"]).then(() => undefined, (e) => e);
  assert.ok(refusal instanceof DataRefusedError);
  assert.ok(refusal instanceof RetryableError);
  assert.equal(isPermanent(refusal), false);
  assert.match(refusal.message, /"memory_limiter".*high memory usage/);
  state.bytes = 10 * MIB;
  limiter.check();
  await consumer.consume(["d"]);
  assert.deepEqual(sink.all, [["a", "b"], ["d"]]);
  assert.equal(registry.value("otelcol_processor_memory_limiter_accepted_log_records"), 3);
  assert.equal(registry.value("otelcol_processor_memory_limiter_refused_log_records"), 1);
  await consumer.shutdown();
});
