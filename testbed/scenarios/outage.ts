/**
 * Backend outages during load: while traces flow at a fixed rate through `otlp → batch →
 * exporter`, the backend first fails every request (HTTP 503 / gRPC `Unavailable`), then goes
 * down (connections refused), then answers slowly, then recovers. The exporter's retries and
 * queue must carry everything acknowledged to the backend; duplicates are reported, not failed.
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
  type Scenario,
  type ScenarioContext,
  type ScenarioOutcome,
  startPipeline,
} from "../scenario.ts";

/** Exporter settings that retry quickly and long enough for every outage of the schedule. */
export const FAST_RETRY = `    timeout: 5s
    retry_on_failure:
      enabled: true
      initial_interval: 100ms
      max_interval: 1s
      max_elapsed_time: 5m
`;

async function outage(protocol: Protocol, context: ScenarioContext): Promise<ScenarioOutcome> {
  // Phases in milliseconds from the start of the load.
  const unit = context.short ? 600 : 4000;
  const rate = context.short ? 2000 : 5000;
  const durationMs = unit * 7;
  const backend = await MockBackend.start();
  const pipeline = await startPipeline({
    workers: context.workers,
    signals: ["traces"],
    exportProtocol: protocol,
    backend,
    exporterExtra: FAST_RETRY,
  });
  const failures: string[] = [];
  try {
    backend.runSchedule([
      { atMs: unit, action: { mode: "fail" } },
      { atMs: unit * 2, action: "down" },
      { atMs: unit * 3, action: "up" },
      { atMs: unit * 3, action: { mode: "slow", delayMs: 300 } },
      { atMs: unit * 4, action: { mode: "ok" } },
      { atMs: unit * 5, action: { mode: "fail" } },
      { atMs: unit * 6, action: { mode: "ok" } },
    ]);
    const load = await runLoad({
      signal: "traces",
      protocol,
      endpoint: pipeline.endpoint(protocol),
      maxItems: Math.ceil((rate * durationMs) / 1000),
      rate,
      durationMs,
      clients: 4,
      retryGraceMs: 60_000,
    });
    const report = await awaitDelivery(backend, load, 60_000);
    context.log(`outage-${protocol}: ${deliveryFigures(load, report)}`);
    failures.push(...checkDelivery(load, report, {}));
    failures.push(...await checkAlive(pipeline.collector));
    if (backend.failedRequests.traces === 0) {
      failures.push("the backend refused no request: the outage did not happen");
    }
    return {
      figures:
        `${deliveryFigures(load, report)}, backend refused ${backend.failedRequests.traces} ` +
        `requests and was down ${unit} ms`,
      failures,
    };
  } finally {
    await pipeline.collector.stop();
    await backend.close();
  }
}

/** `outage-grpc` and `outage-http`. */
export const scenarios: Scenario[] = (["grpc", "http"] as const).map((protocol) => ({
  name: `outage-${protocol}`,
  run: (context) => outage(protocol, context),
}));
