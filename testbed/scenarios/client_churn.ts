/**
 * gRPC client churn: several standard gRPC clients (`@grpc/grpc-js`) each send a few traces
 * requests spaced by 50 ms and close their channel, round after round, the way short-lived
 * processes and SDKs that shut down behave. The collector must stay up and deliver every
 * acknowledged span.
 *
 * @module
 */

import * as grpc from "@grpc/grpc-js";
import { Buffer } from "node:buffer";
import { MockBackend } from "../backend.ts";
import { SeqState, SeqStates } from "../seqset.ts";
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
import { TESTBED_SIGNALS } from "../signals.ts";
import type { LoadResult } from "../loadgen.ts";

const PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
const PER_REQUEST = 500;

async function churn(context: ScenarioContext): Promise<ScenarioOutcome> {
  const rounds = context.short ? 6 : 30;
  const clients = 4;
  const backend = await MockBackend.start();
  const pipeline = await startPipeline({
    signals: ["traces"],
    exportProtocol: "grpc",
    backend,
    workers: context.workers,
  });
  const signal = TESTBED_SIGNALS.traces;
  const requestsPerRound = Array.from({ length: clients }, (_, i) => 10 + i * 3)
    .reduce((a, b) => a + b, 0);
  const states = new SeqStates(0, rounds * requestsPerRound * PER_REQUEST);
  const retries: Record<string, number> = {};
  const refusals: Record<string, number> = {};
  let nextSeq = 0;
  const failures: string[] = [];
  const started = performance.now();
  try {
    for (let round = 0; round < rounds && !pipeline.collector.exited; round++) {
      await Promise.all(Array.from({ length: clients }, async (_, i) => {
        const client = new grpc.Client(
          pipeline.endpoint("grpc"),
          grpc.credentials.createInsecure(),
        );
        try {
          for (let k = 0; k < 10 + i * 3 && !pipeline.collector.exited; k++) {
            const seq = nextSeq;
            nextSeq += PER_REQUEST;
            const body = Buffer.from(signal.encode(signal.build(seq, PER_REQUEST)));
            const error = await new Promise<grpc.ServiceError | null>((resolve) =>
              client.makeUnaryRequest(
                PATH,
                (x: Buffer) => x,
                (x: Buffer) => x,
                body,
                { deadline: Date.now() + 10_000 },
                (err) => resolve(err),
              )
            );
            if (error === null) {
              states.mark(seq, PER_REQUEST, SeqState.Accepted);
            } else {
              const reason = `grpc ${grpc.status[error.code]}`;
              refusals[reason] = (refusals[reason] ?? 0) + 1;
              states.mark(seq, PER_REQUEST, SeqState.Unknown);
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        } finally {
          client.close();
        }
      }));
    }
    const load: LoadResult = {
      signal: "traces",
      protocol: "grpc",
      sent: nextSeq,
      accepted: states.count(SeqState.Accepted),
      refused: 0,
      unknown: states.count(SeqState.Unknown),
      requests: nextSeq / PER_REQUEST,
      retries,
      refusals,
      elapsedMs: performance.now() - started,
      states,
    };
    const report = await awaitDelivery(backend, load, 15_000);
    context.log(`grpc-client-churn: ${deliveryFigures(load, report)}`);
    failures.push(...await checkAlive(pipeline.collector));
    failures.push(...checkDelivery(load, report, { noDuplicates: true }));
    if (load.unknown > 0) {
      failures.push(`${load.unknown} spans got an error: ${JSON.stringify(refusals)}`);
    }
    return {
      figures: `${rounds} rounds of ${clients} grpc-js clients, ${load.requests} requests; ` +
        deliveryFigures(load, report),
      failures,
    };
  } finally {
    await pipeline.collector.stop();
    await backend.close();
  }
}

/** `grpc-client-churn`. */
export const scenarios: Scenario[] = [{ name: "grpc-client-churn", run: churn }];
