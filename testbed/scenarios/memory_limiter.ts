/**
 * Memory limiter under overload: traces as fast as 8 clients can send them, in large requests,
 * into `otlp → memory_limiter → batch → otlp` while the backend fails every request, so that data
 * piles up in the exporter's queue. The collector must stay up, its memory must stay near the
 * limit (refusing with retryable errors that the generator retries), and every item it did accept
 * must arrive once the backend recovers.
 *
 * @module
 */

import { MockBackend } from "../backend.ts";
import { runLoad } from "../loadgen.ts";
import {
  awaitDelivery,
  checkAlive,
  checkDelivery,
  deliveryFigures,
  mib,
  type Scenario,
  type ScenarioContext,
  type ScenarioOutcome,
  scrapeMetric,
  startPipeline,
} from "../scenario.ts";
import { FAST_RETRY } from "./outage.ts";

/** The limiter's hard limit; the soft limit is 20 % lower. */
const LIMIT_MIB = 64;

async function overload(context: ScenarioContext): Promise<ScenarioOutcome> {
  const durationMs = context.short ? 8000 : 30_000;
  const backend = await MockBackend.start();
  backend.setBehavior({ mode: "fail" });
  const pipeline = await startPipeline({
    signals: ["traces"],
    exportProtocol: "grpc",
    backend,
    processors: [
      ["memory_limiter", `    check_interval: 100ms\n    limit_mib: ${LIMIT_MIB}\n`],
      ["batch", ""],
    ],
    exporterExtra: `${FAST_RETRY}    sending_queue:
      queue_size: 1000000
      sizer: items
`,
  });
  const failures: string[] = [];
  const idleRss = pipeline.collector.rss();
  let highestRss = idleRss;
  let highestHeap = 0;
  let scraping = false;
  const sampler = setInterval(() => {
    try {
      highestRss = Math.max(highestRss, pipeline.collector.rss());
    } catch {
      // The process is gone; checkAlive reports it.
    }
    if (scraping) return;
    scraping = true;
    scrapeMetric(pipeline, "otelcol_process_runtime_heap_alloc_bytes").then((heap) => {
      if (heap !== undefined) highestHeap = Math.max(highestHeap, heap);
    }).finally(() => scraping = false);
  }, 100);
  try {
    backend.runSchedule([{ atMs: durationMs, action: { mode: "ok" } }]);
    const load = await runLoad({
      signal: "traces",
      protocol: "grpc",
      endpoint: pipeline.endpoint("grpc"),
      maxItems: 5_000_000,
      durationMs,
      clients: 8,
      itemsPerRequest: 2000,
      retryGraceMs: 5_000,
      maxBackoffMs: 500,
    });
    failures.push(...await checkAlive(pipeline.collector));
    const peak = pipeline.collector.exited ? highestRss : pipeline.collector.peakRss();
    const report = await awaitDelivery(backend, load, 120_000);
    clearInterval(sampler);
    context.log(`memory-limiter-overload: ${deliveryFigures(load, report)}`);
    failures.push(...checkDelivery(load, report, {}));
    const refusals = Object.entries(load.retries).map(([k, v]) => `${k} ${v}`).join(", ");
    if (Object.keys(load.retries).length === 0) {
      failures.push("the collector never pushed back: the overload did not happen");
    }
    // The limit is on what the limiter measures (the JavaScript heap and the buffers V8 tracks);
    // between two checks a burst of requests may overshoot it, but not by a quarter.
    const heapCeiling = LIMIT_MIB * 1.25 * 1048576;
    if (highestHeap === 0) failures.push("the collector's heap metric could not be read");
    if (highestHeap > heapCeiling) {
      failures.push(
        `peak heap ${mib(highestHeap)} above ${mib(heapCeiling)} (1.25 x limit ${LIMIT_MIB} MiB)`,
      );
    }
    // RSS adds the runtime's footprint (measured idle), young-generation space and collection
    // lag on top of the heap; more than twice the limit on top of idle would be a runaway.
    const ceiling = idleRss + LIMIT_MIB * 2 * 1048576;
    if (peak > ceiling) {
      failures.push(
        `peak rss ${mib(peak)} above ${mib(ceiling)} (idle ${
          mib(idleRss)
        } + 2 x limit ${LIMIT_MIB} MiB)`,
      );
    }
    const heapAfterDrain = await scrapeMetric(pipeline, "otelcol_process_runtime_heap_alloc_bytes");
    // Once the overload is over, the collector must take data again.
    const after = await runLoad({
      signal: "traces",
      protocol: "grpc",
      endpoint: pipeline.endpoint("grpc"),
      maxItems: 100,
      durationMs: 1000,
      clients: 1,
      firstSeq: load.sent,
      retryGraceMs: 15_000,
    });
    const afterReport = await awaitDelivery(backend, after, 15_000);
    if (after.accepted !== 100 || afterReport.missing > 0) {
      failures.push(
        `after the overload ended the collector did not take a request of 100 spans within 15 s ` +
          `(${deliveryFigures(after, afterReport)})`,
      );
    }
    return {
      figures:
        `${deliveryFigures(load, report)}, pushed back {${refusals}}, limit ${LIMIT_MIB} MiB, ` +
        `peak heap ${mib(highestHeap)}, idle rss ${mib(idleRss)}, peak rss ${mib(peak)}, ` +
        `heap after the drain ` +
        (heapAfterDrain === undefined ? "unknown" : mib(heapAfterDrain)),
      failures,
    };
  } finally {
    clearInterval(sampler);
    await pipeline.collector.stop();
    await backend.close();
  }
}

/** `memory-limiter-overload`. */
export const scenarios: Scenario[] = [{ name: "memory-limiter-overload", run: overload }];
