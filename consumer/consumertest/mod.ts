/**
 * Test helpers for code that feeds consumers: a sink that records what it got, and consumers
 * that always fail or discard.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 *
 * const sink = new SinkConsumer<number[]>({ countItems: (batch) => batch.length });
 * await sink.consume([1, 2, 3]);
 * assert.deepEqual(sink.all, [[1, 2, 3]]);
 * assert.equal(sink.count, 3);
 * ```
 *
 * @module
 */

export { errorConsumer, nopConsumer, SinkConsumer, type SinkOptions } from "./sink.ts";
export { newLogsSink, newMetricsSink, newTracesSink } from "./signals.ts";
