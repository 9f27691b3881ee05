/**
 * Hostile clients: while good clients send traces over HTTP and logs over gRPC at a fixed rate
 * into `otlp → memory_limiter → batch → otlphttp`, attackers trickle 20 MB bodies a byte at a
 * time, leave heads and kept-alive connections stalled, open and cancel gRPC streams at once
 * (rapid reset), hold thousands of unfinished streams on one connection, and post bodies of
 * millions of tiny messages (protobuf and JSON) many at a time. Every request of the good clients
 * must end acknowledged (retries allowed: a busy collector answers 503 with Retry-After), every
 * acknowledged item must arrive, the collector must stay up, and its resident memory must stay
 * under 1.5 times the memory limiter's `limit_mib`.
 *
 * @module
 */

import { type AttackName, ATTACKS, describeAttacks, runAttacksInChild } from "../attackers.ts";
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
  startPipeline,
} from "../scenario.ts";

const LIMIT_MIB = 300;

async function hostile(context: ScenarioContext): Promise<ScenarioOutcome> {
  const attackMs = context.short ? 8000 : 30_000;
  const backend = await MockBackend.start();
  const pipeline = await startPipeline({
    workers: context.workers,
    signals: ["traces", "logs"],
    backend,
    exportProtocol: "http",
    processors: [
      ["memory_limiter", `    check_interval: 1s\n    limit_mib: ${LIMIT_MIB}`],
      ["batch", ""],
    ],
  });
  const failures: string[] = [];
  const samples: number[] = [];
  const sampler = setInterval(() => {
    try {
      samples.push(pipeline.collector.rss());
    } catch {
      // the process is gone; checkAlive reports it
    }
  }, 100);
  try {
    context.log(`attacking for ${attackMs / 1000} s while good clients send`);
    const only = (Deno.env.get("TESTBED_ATTACKS") ?? "").split(",").filter((a) => a !== "");
    const attacks = runAttacksInChild(
      { http: pipeline.httpPort, grpc: pipeline.grpcPort },
      attackMs,
      only.length > 0 ? only as AttackName[] : ATTACKS,
    );
    const good = await Promise.all([
      runLoad({
        signal: "traces",
        protocol: "http",
        endpoint: pipeline.endpoint("http"),
        maxItems: (attackMs / 1000 + 1) * 2000,
        durationMs: attackMs,
        rate: 2000,
        clients: 2,
        retryGraceMs: 20_000,
      }),
      runLoad({
        signal: "logs",
        protocol: "grpc",
        endpoint: pipeline.endpoint("grpc"),
        maxItems: (attackMs / 1000 + 1) * 2000,
        durationMs: attackMs,
        rate: 2000,
        clients: 2,
        retryGraceMs: 20_000,
      }),
    ]);
    const reports = await attacks;
    context.log(describeAttacks(reports));
    failures.push(...await checkAlive(pipeline.collector));
    const figures: string[] = [];
    for (const load of good) {
      const report = await awaitDelivery(backend, load, 30_000);
      failures.push(...checkDelivery(load, report, { allAccepted: true }));
      figures.push(`${load.signal}/${load.protocol} ${deliveryFigures(load, report)}`);
    }
    const peak = Math.max(0, ...samples);
    if (peak > LIMIT_MIB * 1.5 * 1024 * 1024) {
      failures.push(
        `RSS reached ${mib(peak)}, over 1.5 x limit_mib (${LIMIT_MIB * 1.5} MiB)`,
      );
    }
    const reset = reports.find((r) => r.name === "rapid-reset");
    // ENHANCE_YOUR_CALM from the receiver, or INTERNAL_ERROR from nghttp2's own limit when the
    // resets arrive faster than JavaScript sees them.
    const goaways = (reset?.answers["goaway 11"] ?? 0) + (reset?.answers["goaway 2"] ?? 0);
    if (reset !== undefined && goaways === 0) {
      failures.push("rapid reset was never answered with GOAWAY");
    }
    return {
      figures: `${figures.join("; ")}; peak RSS ${mib(peak)} (limit_mib ${LIMIT_MIB}); ${
        describeAttacks(reports)
      }`,
      failures,
    };
  } finally {
    clearInterval(sampler);
    await pipeline.collector.stop();
    await backend.close();
  }
}

/** The hostile-clients scenario. */
export const scenarios: Scenario[] = [{ name: "hostile-clients", run: hostile }];
