/**
 * Collector restarts with a persistent queue, each at the instant of an acknowledgement: logs
 * flow over gRPC into `otlp → otlp` whose exporter queue is stored by the `file_storage`
 * extension, while the backend fails every request, so that whatever the collector acknowledges
 * exists only in its queue. Several times during the load the generator sends SIGKILL to the
 * collector the moment it receives an acknowledgement, before it does anything else, and the
 * collector is started again on the same ports and storage directory; after the load the backend
 * recovers. With `--workers=N` the kill hits every process of the collector at once, and every
 * other restart runs one worker, so that the stores of the workers that are gone are taken over. Every acknowledged item must arrive, and in particular each request whose
 * acknowledgement triggered a kill: a queue that answers before its write is committed loses
 * exactly those. The generator retries through the restarts like an SDK; duplicates are counted.
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
import { SeqState, SeqStates } from "../seqset.ts";
import { FAST_RETRY } from "./outage.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A request whose acknowledgement triggered a kill. */
interface KillTrigger {
  seq: number;
  count: number;
}

/** How long a kill waits for an acknowledgement before the scenario gives up on it. */
const ACK_TIMEOUT_MS = 20_000;
/** Upper bound of the load; it normally ends much earlier, once the kills are done. */
const LOAD_CAP_MS = 180_000;

async function restart(context: ScenarioContext): Promise<ScenarioOutcome> {
  const rate = context.short ? 2000 : 5000;
  const kills = context.short ? 5 : 10;
  // Load on a fresh collector before each kill is armed, and after the last restart.
  const settleMs = context.short ? 500 : 1500;
  const storage = await Deno.makeTempDir({ prefix: "denocol-testbed-queue-" });
  const backend = await MockBackend.start();
  backend.setBehavior({ mode: "fail" });
  const ports = { grpc: freePort(), http: freePort(), metrics: freePort() };
  // With several workers, every other restart runs one worker instead: the stores of the
  // workers that are gone must be taken over, and the second worker starts with an empty one.
  const workerCounts: number[] = [];
  const start = () => {
    const workers = context.workers > 1 && workerCounts.length % 2 === 1 ? 1 : context.workers;
    workerCounts.push(workers);
    return startPipeline({
      workers,
      signals: ["logs"],
      exportProtocol: "grpc",
      backend,
      processors: [],
      ports,
      extensions: [["file_storage", `    directory: ${storage}`]],
      exporterExtra: `${FAST_RETRY}    sending_queue:
      storage: file_storage
      queue_size: 1000000
`,
    });
  };
  let pipeline: RunningPipeline = await start();
  const failures: string[] = [];
  const triggers: KillTrigger[] = [];
  // Set while a kill is armed; the generator calls it synchronously on an acknowledgement.
  let killOnAck: ((seq: number, count: number) => void) | undefined;
  const stopLoad = new AbortController();
  const abortLoad = new AbortController();
  const maxItems = Math.ceil((rate * LOAD_CAP_MS) / 1000);
  try {
    const killer = (async () => {
      try {
        for (let k = 1; k <= kills; k++) {
          await sleep(settleMs);
          const victim = pipeline;
          const killed = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => {
              killOnAck = undefined;
              resolve(false);
            }, ACK_TIMEOUT_MS);
            killOnAck = (seq, count) => {
              victim.collector.killNow();
              killOnAck = undefined;
              clearTimeout(timer);
              triggers.push({ seq, count });
              resolve(true);
            };
          });
          if (!killed) {
            failures.push(`kill ${k}: no request was acknowledged within ${ACK_TIMEOUT_MS} ms`);
            return;
          }
          await victim.collector.status;
          pipeline = await start();
        }
        await sleep(settleMs);
      } catch (error) {
        // No collector to retry against: end the load without waiting for the retries.
        abortLoad.abort();
        throw error;
      } finally {
        stopLoad.abort();
      }
    })();
    // Its failure is reported by the `await killer` below, after the load has ended.
    killer.catch(() => {});
    const load = await runLoad({
      signal: "logs",
      protocol: "grpc",
      endpoint: `127.0.0.1:${ports.grpc}`,
      maxItems,
      rate,
      durationMs: LOAD_CAP_MS,
      clients: 4,
      retryGraceMs: 60_000,
      stop: stopLoad.signal,
      abort: abortLoad.signal,
      onAcknowledged: (seq, count) => killOnAck?.(seq, count),
    });
    await killer;
    // Only now may anything reach the backend: until here, acknowledged data lived in the queue.
    backend.setBehavior({ mode: "ok" });
    const report = await awaitDelivery(backend, load, 60_000);
    context.log(`restart-persistent-queue: ${deliveryFigures(load, report)}`);
    if (triggers.length !== kills) {
      failures.push(`${triggers.length} of ${kills} kills happened`);
    }
    const triggerStates = new SeqStates(0, maxItems);
    for (const { seq, count } of triggers) triggerStates.mark(seq, count, SeqState.Accepted);
    const lostTriggers = backend.report("logs", triggerStates).missing;
    if (lostTriggers > 0) {
      failures.push(
        `${lostTriggers} items of the requests acknowledged at the instant of a kill never ` +
          `reached the backend (requests at seq ${triggers.map((t) => t.seq).join(", ")})`,
      );
    }
    failures.push(...checkDelivery(load, report, {}));
    failures.push(...await checkAlive(pipeline.collector));
    return {
      figures: `${deliveryFigures(load, report)}, ${triggers.length} SIGKILLs at the instant ` +
        `of an acknowledgement, workers per run ${workerCounts.join(",")}`,
      failures,
    };
  } finally {
    abortLoad.abort();
    await pipeline.collector.stop();
    await backend.close();
    await Deno.remove(storage, { recursive: true }).catch(() => {});
  }
}

/** `restart-persistent-queue`. */
export const scenarios: Scenario[] = [{ name: "restart-persistent-queue", run: restart }];
