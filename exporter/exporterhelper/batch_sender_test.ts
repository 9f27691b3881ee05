import assert from "node:assert/strict";
import { nopHost } from "@denocol/component/componenttest";
import { type Traces, traces } from "@denocol/pdata";
import { defaultQueueConfig } from "./config.ts";
import { newExporter } from "./exporter.ts";
import { fastRetry, telemetry } from "./testutil_test.ts";

function spans(prefix: string, count: number): Traces {
  return traces.decodeJson(JSON.stringify({
    resourceSpans: [{
      scopeSpans: [{
        spans: Array.from({ length: count }, (_, i) => ({
          traceId: "0102030405060708090a0b0c0d0e0f10",
          spanId: `01020304050607${i.toString(16).padStart(2, "0")}`,
          name: `${prefix}-${i}`,
        })),
      }],
    }],
  }));
}

function recordingExporter(batch: Record<string, unknown>, maxBatchBytes?: number) {
  const pushed: number[] = [];
  const exporter = newExporter(telemetry().settings, traces, (data) => {
    pushed.push(traces.count(data));
    return Promise.resolve();
  }, {
    retry: fastRetry(),
    queue: { ...defaultQueueConfig(), num_consumers: 1, batch },
    ...(maxBatchBytes ? { maxBatchBytes } : {}),
  });
  return { exporter, pushed };
}

Deno.test("sending_queue.batch: small requests are merged until flush_timeout", async () => {
  const { exporter, pushed } = recordingExporter({ flush_timeout: "50ms", min_size: 100 });
  await exporter.start(nopHost());
  try {
    await Promise.all([
      exporter.consume(spans("a", 3)),
      exporter.consume(spans("b", 3)),
      exporter.consume(spans("c", 3)),
    ]);
    await exporter.shutdown();
    assert.deepEqual(pushed, [9]);
  } finally {
    await exporter.shutdown();
  }
});

Deno.test("sending_queue.batch: min_size sends at once, max_size splits", async () => {
  const { exporter, pushed } = recordingExporter({
    flush_timeout: "10s",
    min_size: 6,
    max_size: 6,
  });
  await exporter.start(nopHost());
  try {
    const started = performance.now();
    // Below min_size the first waits; the second fills the batch, and both settle together.
    const first = exporter.consume(spans("a", 3));
    const second = exporter.consume(spans("b", 5));
    await Promise.all([first, second]);
    assert.ok(performance.now() - started < 5_000, "sent at min_size, not at flush_timeout");
  } finally {
    await exporter.shutdown();
  }
  assert.deepEqual(pushed, [6, 2]);
});

Deno.test("sending_queue.batch: merged requests stay under the exporter's byte limit", async () => {
  const one = traces.encodeProto(spans("x", 5)).length;
  const { exporter, pushed } = recordingExporter(
    { flush_timeout: "50ms", min_size: 1000 },
    Math.floor(one * 2.5),
  );
  await exporter.start(nopHost());
  try {
    await Promise.all(Array.from({ length: 5 }, (_, i) => exporter.consume(spans(`r${i}`, 5))));
  } finally {
    await exporter.shutdown();
  }
  assert.deepEqual(pushed, [10, 10, 5], "at most two requests of this size fit under the limit");
});

Deno.test("sending_queue.batch: settings are checked, naming the key", () => {
  for (
    const [batch, message] of [
      [{ sizer: "spans" }, /batch::sizer/],
      [{ min_size: 10, max_size: 5 }, /batch::max_size/],
      [{ flush_timeout: "soon" }, /batch::flush_timeout/],
      [{ size: 1 }, /batch::size: unknown key/],
    ] as const
  ) {
    assert.throws(() => recordingExporter(batch), message);
  }
});
