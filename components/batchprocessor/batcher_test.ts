import assert from "node:assert/strict";
import { MetricsRegistry } from "@denocol/component";
import { CapturingLogger } from "@denocol/component/componenttest";
import { clientMetadata, isPermanent, RetryableError } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import {
  Batcher,
  BatcherStoppedError,
  type BatchOperations,
  TooManyBatchersError,
} from "./batcher.ts";
import { type Config, createDefaultConfig, resolveConfig } from "./config.ts";
import type { Consumer } from "@denocol/consumer";

/** Requests are arrays of numbers; every number is one item. */
const arrays: BatchOperations<number[]> = {
  count: (data) => data.length,
  split: (data, max) => {
    const chunks: number[][] = [];
    for (let i = 0; i < data.length; i += max) {
      chunks.push(data.slice(i, i + max));
    }
    return chunks;
  },
  merge: (parts) => parts.flat(),
};

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

interface Harness {
  batcher: Batcher<number[]>;
  sink: SinkConsumer<number[]>;
  registry: MetricsRegistry;
  logger: CapturingLogger;
}

function harness(
  overrides: Partial<Config>,
  next?: Consumer<number[]>,
): Harness {
  const sink = new SinkConsumer<number[]>({ countItems: (d) => d.length });
  const registry = new MetricsRegistry();
  const logger = new CapturingLogger();
  const settings = resolveConfig({ ...createDefaultConfig(), ...overrides });
  const batcher = new Batcher(
    arrays,
    settings,
    next ?? sink,
    { logger, meter: registry },
    "batch/test",
    "traces",
  );
  return { batcher, sink, registry, logger };
}

Deno.test("batcher: reaching send_batch_size sends inside the caller's consume", async () => {
  const { batcher, sink, registry } = harness({
    send_batch_size: 3,
    timeout: "1h",
  });
  await batcher.consume([1, 2]);
  assert.equal(sink.all.length, 0);
  assert.equal(batcher.pendingItems, 2);
  await batcher.consume([3]);
  assert.deepEqual(sink.all, [[1, 2, 3]]);
  assert.equal(batcher.pendingItems, 0);
  assert.equal(
    registry.value("otelcol_processor_batch_batch_size_trigger_send"),
    1,
  );
  await batcher.shutdown();
});

Deno.test("batcher: the timeout sends a partial batch", async () => {
  const { batcher, sink, registry } = harness({
    send_batch_size: 100,
    timeout: "30ms",
  });
  const started = performance.now();
  await batcher.consume([1]);
  await batcher.consume([2, 3]);
  assert.equal(sink.all.length, 0);
  await sink.waitFor(3, 2000);
  assert.ok(performance.now() - started >= 25, "sent before the timeout");
  assert.deepEqual(sink.all, [[1, 2, 3]]);
  assert.equal(
    registry.value("otelcol_processor_batch_timeout_trigger_send"),
    1,
  );
  await batcher.shutdown();
});

Deno.test("batcher: send_batch_max_size splits an oversize batch", async () => {
  const { batcher, sink } = harness({
    send_batch_size: 2,
    send_batch_max_size: 3,
    timeout: "1h",
  });
  await batcher.consume(range(0, 8));
  assert.deepEqual(sink.all, [[0, 1, 2], [3, 4, 5], [6, 7]]);
  await batcher.consume([8]);
  assert.equal(sink.all.length, 3, "one item stays below send_batch_size");
  await batcher.shutdown();
  assert.deepEqual(sink.all.at(-1), [8]);
});

Deno.test("batcher: send_batch_max_size bounds batches made of many requests", async () => {
  const { batcher, sink } = harness({
    send_batch_size: 10,
    send_batch_max_size: 10,
    timeout: "1h",
  });
  for (let i = 0; i < 7; i++) await batcher.consume(range(i * 3, i * 3 + 3));
  // 21 items: two full batches of 10 were sent when the threshold was crossed, one item is held.
  assert.deepEqual(sink.all.map((b) => b.length), [10, 10]);
  assert.deepEqual(sink.all.flat(), range(0, 20));
  assert.equal(batcher.pendingItems, 1);
  await batcher.shutdown();
  assert.deepEqual(sink.all.flat(), range(0, 21));
});

Deno.test("batcher: timeout 0 sends every request at once, split by the maximum", async () => {
  const { batcher, sink } = harness({
    send_batch_size: 5,
    send_batch_max_size: 5,
    timeout: 0,
  });
  await batcher.consume([1]);
  assert.deepEqual(sink.all, [[1]]);
  await batcher.consume(range(0, 12));
  assert.deepEqual(sink.all.slice(1).map((b) => b.length), [5, 5, 2]);
  await batcher.shutdown();
});

Deno.test("batcher: send_batch_size 0 sends every request at once", async () => {
  const { batcher, sink } = harness({ send_batch_size: 0, timeout: "1h" });
  await batcher.consume([1, 2]);
  await batcher.consume([3]);
  assert.deepEqual(sink.all, [[1, 2], [3]]);
  await batcher.shutdown();
});

Deno.test("batcher: a request without items is ignored", async () => {
  const { batcher, sink } = harness({ send_batch_size: 1, timeout: 0 });
  await batcher.consume([]);
  await batcher.shutdown();
  assert.equal(sink.all.length, 0);
  assert.equal(batcher.metadataCardinality, 0);
});

Deno.test("batcher: shutdown sends everything it holds and then refuses data", async () => {
  const { batcher, sink, registry } = harness({
    send_batch_size: 100,
    send_batch_max_size: 100,
    timeout: "1h",
  });
  await batcher.consume(range(0, 50));
  await batcher.consume(range(50, 99));
  await batcher.shutdown();
  assert.deepEqual(sink.all.flat(), range(0, 99));
  assert.equal(
    registry.value("otelcol_processor_batch_timeout_trigger_send"),
    1,
  );
  await assert.rejects(batcher.consume([1]), BatcherStoppedError);
});

Deno.test("batcher: shutdown waits for sends in progress", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const delivered: number[][] = [];
  const slow: Consumer<number[]> = {
    capabilities: () => ({ mutatesData: false }),
    consume: async (data) => {
      await gate;
      delivered.push(data);
    },
  };
  const { batcher } = harness({ send_batch_size: 2, timeout: "1h" }, slow);
  const consuming = batcher.consume([1, 2]);
  let shutDown = false;
  const stopping = batcher.shutdown().then(() => shutDown = true);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(
    shutDown,
    false,
    "shutdown resolved while a send was in progress",
  );
  release();
  await Promise.all([consuming, stopping]);
  assert.deepEqual(delivered, [[1, 2]]);
});

Deno.test("batcher: a failed size-triggered send is returned to the caller", async () => {
  const refusal = new RetryableError("backend unavailable", {
    retryAfterMs: 500,
  });
  let calls = 0;
  const failing: Consumer<number[]> = {
    capabilities: () => ({ mutatesData: false }),
    consume: () => {
      calls++;
      return Promise.reject(refusal);
    },
  };
  const { batcher, registry } = harness(
    { send_batch_size: 2, timeout: "1h" },
    failing,
  );
  await batcher.consume([1]);
  await assert.rejects(batcher.consume([2]), (error) => error === refusal);
  assert.equal(calls, 1);
  assert.equal(
    registry.value("otelcol_processor_batch_send_failed_items"),
    undefined,
  );
  await batcher.shutdown();
});

Deno.test("batcher: a failed timer send is logged and counted, not thrown", async () => {
  const failing: Consumer<number[]> = {
    capabilities: () => ({ mutatesData: false }),
    consume: () => Promise.reject(new Error("exporter down")),
  };
  const { batcher, registry, logger } = harness({
    send_batch_size: 100,
    timeout: "10ms",
  }, failing);
  await batcher.consume([1, 2, 3]);
  for (
    let i = 0;
    i < 100 &&
    registry.value("otelcol_processor_batch_send_failed_items") === undefined;
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(registry.value("otelcol_processor_batch_send_failed_items"), 3);
  const warning = logger.records.find((r) => r.level === "warn");
  assert.ok(warning, "no warning logged");
  assert.equal(warning.attributes.error, "exporter down");
  assert.equal(warning.attributes.trigger, "timeout");

  await batcher.consume([4]);
  await batcher.shutdown();
  assert.equal(registry.value("otelcol_processor_batch_send_failed_items"), 4);
});

Deno.test("batcher: metadata_keys keeps one batch per value combination", async () => {
  const { batcher, sink, registry } = harness({
    send_batch_size: 2,
    timeout: "1h",
    metadata_keys: ["X-Tenant"],
  });
  const tenant = (value: string | undefined) => ({
    client: {
      metadata: clientMetadata(
        value === undefined ? { other: "1" } : { "x-tenant": value, other: "1" },
      ),
    },
  });
  await batcher.consume([1], tenant("a"));
  await batcher.consume([2], tenant("b"));
  assert.equal(sink.all.length, 0, "items of different tenants were merged");
  await batcher.consume([3], tenant("a"));
  assert.deepEqual(sink.all, [[1, 3]]);
  assert.deepEqual([...sink.contexts[0].client!.metadata], [["x-tenant", [
    "a",
  ]]]);

  await batcher.consume([4], tenant(""));
  await batcher.consume([5], tenant(undefined));
  assert.equal(
    batcher.metadataCardinality,
    4,
    "an empty value and an absent key must differ",
  );
  await batcher.shutdown();
  const byContent = new Map(
    sink.all.map((b, i) => [b.join(), sink.contexts[i].client!.metadata]),
  );
  assert.deepEqual([...byContent.get("2")!], [["x-tenant", ["b"]]]);
  assert.deepEqual([...byContent.get("4")!], [["x-tenant", [""]]]);
  assert.deepEqual([...byContent.get("5")!], []);
  assert.equal(
    registry.value("otelcol_processor_batch_metadata_cardinality"),
    4,
  );
});

Deno.test("batcher: metadata_cardinality_limit refuses new combinations permanently", async () => {
  const { batcher, sink } = harness({
    send_batch_size: 10,
    timeout: "1h",
    metadata_keys: ["tenant"],
    metadata_cardinality_limit: 2,
  });
  const tenant = (value: string) => ({
    client: { metadata: clientMetadata({ tenant: value }) },
  });
  await batcher.consume([1], tenant("a"));
  await batcher.consume([2], tenant("b"));
  const refused = await batcher.consume([3], tenant("c")).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(refused instanceof TooManyBatchersError);
  assert.ok(isPermanent(refused));
  assert.match(refused.message, /batch\/test/);
  await batcher.consume([4], tenant("a"));
  await batcher.shutdown();
  assert.deepEqual(sink.all.flat().sort(), [1, 2, 4]);
});

Deno.test("batcher: metadata_cardinality_limit 0 means no limit", async () => {
  const { batcher } = harness({
    timeout: "1h",
    metadata_keys: ["tenant"],
    metadata_cardinality_limit: 0,
  });
  for (let i = 0; i < 20; i++) {
    await batcher.consume([i], {
      client: { metadata: clientMetadata({ tenant: `t${i}` }) },
    });
  }
  assert.equal(batcher.metadataCardinality, 20);
  await batcher.shutdown();
});

Deno.test("batcher: without metadata_keys the export context carries no client", async () => {
  const { batcher, sink } = harness({ send_batch_size: 1, timeout: "1h" });
  await batcher.consume([1], {
    client: { metadata: clientMetadata({ tenant: "a" }) },
  });
  assert.equal(sink.contexts[0].client, undefined);
  await batcher.shutdown();
});
