/**
 * Test helpers for code that feeds consumers: a sink that records what it got, and consumers
 * that always fail or discard.
 *
 * ```ts
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 *
 * const sink = new SinkConsumer<number[]>({ countItems: (batch) => batch.length });
 * await sink.consume([1, 2, 3]);
 * console.log(sink.all.length, sink.count); // 1 3
 * ```
 *
 * @module
 */

export { errorConsumer, nopConsumer, SinkConsumer, type SinkOptions } from "./sink.ts";
export { newLogsSink, newMetricsSink, newTracesSink } from "./signals.ts";
