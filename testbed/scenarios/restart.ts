/**
 * Collector restart with a persistent queue: logs flow over gRPC into `otlp → otlp` whose
 * exporter queue is stored by the `file_storage` extension, while the backend fails, so that the
 * queue fills; the collector is killed with SIGKILL mid-run and started again on the same ports
 * and storage directory; then the backend recovers. Every acknowledged item must arrive (the
 * generator retries through the restart like an SDK); duplicates are counted.
 *
 * The pipeline has no `batch` processor on purpose: a batch processor holds data in memory after
 * acknowledging it, so a SIGKILL loses its buffer by design (as in the Go collector); the
 * persistent queue is what survives a crash.
 *
 * @module
 */

import { MockBackend } from "../backend.ts";
import { freePort } from "../collector.ts";
import { runLoad } from "../loadgen.ts";
import {
  awaitDelivery,
  checkAlive,
  checkDelivery,
  deliveryFigures,
  type RunningPipeline,
  type Scenario,
  type ScenarioContext,
  type ScenarioOutcome,
  startPipeline,
} from "../scenario.ts";
import { FAST_RETRY } from "./outage.ts";

async function restart(context: ScenarioContext): Promise<ScenarioOutcome> {
  const rate = context.short ? 2000 : 5000;
  const durationMs = context.short ? 3000 : 20_000;
  const storage = await Deno.makeTempDir({ prefix: "denocol-testbed-queue-" });
  const backend = await MockBackend.start();
  backend.setBehavior({ mode: "fail" });
  const ports = { grpc: freePort(), http: freePort(), metrics: freePort() };
  const start = () =>
    startPipeline({
      signals: ["logs"],
      exportProtocol: "grpc",
      backend,
      processors: [],
      ports,
      extensions: [["file_storage", `    directory: ${storage}`]],
      exporterExtra: `${FAST_RETRY}    sending_queue:
      storage: file_storage
      queue_size: 100000
`,
    });
  let pipeline: RunningPipeline = await start();
  const failures: string[] = [];
  let restarted = false;
  try {
    // Kill halfway through the load, start again at once.
    const killer = (async () => {
      await new Promise((resolve) => setTimeout(resolve, durationMs / 2));
      await pipeline.collector.kill();
      pipeline = await start();
      restarted = true;
      await new Promise((resolve) => setTimeout(resolve, durationMs / 4));
      backend.setBehavior({ mode: "ok" });
    })();
    const load = await runLoad({
      signal: "logs",
      protocol: "grpc",
      endpoint: `127.0.0.1:${ports.grpc}`,
      maxItems: Math.ceil((rate * durationMs) / 1000),
      rate,
      durationMs,
      clients: 4,
      retryGraceMs: 60_000,
    });
    await killer;
    const report = await awaitDelivery(backend, load, 60_000);
    context.log(`restart-persistent-queue: ${deliveryFigures(load, report)}`);
    if (!restarted) failures.push("the collector was not restarted");
    failures.push(...checkDelivery(load, report, {}));
    failures.push(...await checkAlive(pipeline.collector));
    return {
      figures: `${deliveryFigures(load, report)}, SIGKILL at ${durationMs / 2} ms`,
      failures,
    };
  } finally {
    await pipeline.collector.stop();
    await backend.close();
    await Deno.remove(storage, { recursive: true }).catch(() => {});
  }
}

/** `restart-persistent-queue`. */
export const scenarios: Scenario[] = [{ name: "restart-persistent-queue", run: restart }];
