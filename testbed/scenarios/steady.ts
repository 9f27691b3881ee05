/**
 * Steady load: traces, metrics, logs and profiles, one after the other, at a fixed rate through
 * `otlp → batch → otlp` (gRPC in and out) or `otlp → batch → otlphttp` (HTTP/protobuf in and
 * out). Everything sent must be acknowledged and arrive once, unchanged; the collector must then
 * shut down cleanly on SIGTERM.
 *
 * @module
 */

import { MockBackend } from "../backend.ts";
import { type Protocol, runLoad } from "../loadgen.ts";
import {
  awaitDelivery,
  checkAlive,
  checkDelivery,
  deliveryFigures,
  mib,
  type Scenario,
  type ScenarioContext,
  type ScenarioOutcome,
  startPipeline,
} from "../scenario.ts";
import { SIGNALS } from "../signals.ts";

async function steady(protocol: Protocol, context: ScenarioContext): Promise<ScenarioOutcome> {
  const rate = context.short ? 2000 : 5000;
  const durationMs = context.short ? 1500 : 15_000;
  const backend = await MockBackend.start();
  const pipeline = await startPipeline({
    signals: SIGNALS,
    exportProtocol: protocol,
    backend,
    workers: context.workers,
  });
  const failures: string[] = [];
  const figures: string[] = [];
  try {
    for (const signal of SIGNALS) {
      // One request first, so that connection set-up and compilation are not part of the run.
      const warmUp = await runLoad({
        signal,
        protocol,
        endpoint: pipeline.endpoint(protocol),
        maxItems: 100,
        durationMs: 10_000,
        clients: 1,
      });
      await awaitDelivery(backend, warmUp, 10_000);
      backend.reset();
      const load = await runLoad({
        signal,
        protocol,
        endpoint: pipeline.endpoint(protocol),
        maxItems: Math.ceil((rate * durationMs) / 1000),
        rate,
        durationMs,
        clients: 4,
      });
      const report = await awaitDelivery(backend, load, 15_000);
      context.log(`steady-${protocol}: ${deliveryFigures(load, report)}`);
      failures.push(...checkDelivery(load, report, { noDuplicates: true, allAccepted: true }));
      // Under a loaded machine the rate may not be reached; that is a figure, not a failure.
      const reached = Math.round((load.sent / durationMs) * 1000);
      figures.push(`${signal} ${report.unique}/${load.sent} at ${reached}/s`);
    }
    failures.push(...await checkAlive(pipeline.collector));
    const cpu = pipeline.collector.cpuSeconds();
    const peak = pipeline.collector.peakRss();
    const graceful = await pipeline.collector.stop();
    if (!graceful) failures.push("the collector did not exit within 15 s of SIGTERM");
    const status = await pipeline.collector.status;
    if (graceful && !status.success) {
      failures.push(
        `the collector exited with ${status.code}:\n${pipeline.collector.outputTail()}`,
      );
    }
    figures.push(`target ${rate}/s each, collector cpu ${cpu.toFixed(1)} s, peak rss ${mib(peak)}`);
  } finally {
    await pipeline.collector.stop();
    await backend.close();
  }
  return { figures: figures.join(", "), failures };
}

/** `steady-grpc` and `steady-http`. */
export const scenarios: Scenario[] = (["grpc", "http"] as const).map((protocol) => ({
  name: `steady-${protocol}`,
  run: (context) => steady(protocol, context),
}));
