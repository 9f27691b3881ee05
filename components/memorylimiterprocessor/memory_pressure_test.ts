/**
 * The memory test of the memory_limiter: a producer pushes logs into memory_limiter → batch →
 * an exporter that accepts into an in-memory queue and sends slowly, faster than the exporter can
 * drain. Memory must stay near the configured limit while the producer gets retryable refusals,
 * and every record the pipeline accepted must come out of the exporter. Once the backend
 * recovers and the backlog is gone, the limiter must take data again within a bounded time, and a
 * full collection must bring memory back below the soft limit (nothing holds the drained data).
 */
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { MetricsRegistry } from "@denocol/component";
import { CapturingLogger, nopHost, nopSettings } from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import { isPermanent } from "@denocol/consumer";
import {
  LogRecordSchema,
  type Logs,
  logs,
  LogsDataSchema,
  ResourceLogsSchema,
  ScopeLogsSchema,
} from "@denocol/pdata";
import { factory as batchFactory } from "@denocol/batchprocessor";
import {
  DataRefusedError,
  factory,
  fullGarbageCollector,
  measureMemoryBytes,
  MIB_BYTES,
} from "./mod.ts";

const RECORDS_PER_REQUEST = 400;
const BODY_BYTES = 1024;
/** Production lasts this long, and longer (up to `MAX_PRODUCE_MS`) until a refusal and a
 * recovery were both seen, so that a slow, loaded machine still reaches the limit. */
const PRODUCE_MS = 3000;
const MAX_PRODUCE_MS = 30_000;
const DRAIN_EVERY_MS = 400;
/** How long after the backlog drained the limiter may still refuse; generous for loaded machines
 * (with the 20ms check and 50ms collection interval below it takes well under a second). */
const RECOVERY_TIMEOUT_MS = 15_000;
const RETRY_EVERY_MS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A request whose record bodies are distinct strings, so that every request costs memory. */
function request(sequence: number): Logs {
  const seed = crypto.randomUUID();
  const logRecords = Array.from({ length: RECORDS_PER_REQUEST }, (_, i) =>
    create(LogRecordSchema, {
      body: {
        value: { case: "stringValue", value: `${sequence}:${i}:${seed.repeat(BODY_BYTES / 36)}` },
      },
    }));
  return create(LogsDataSchema, {
    resourceLogs: [
      create(ResourceLogsSchema, { scopeLogs: [create(ScopeLogsSchema, { logRecords })] }),
    ],
  });
}

/** An exporter with an unbounded queue that sends one batch per `DRAIN_EVERY_MS` until the
 * backend recovers, then everything queued at once and each later batch as it comes. */
class SlowQueueExporter implements Consumer<Logs> {
  readonly queue: Logs[] = [];
  delivered = 0;
  #recovered = false;
  #timer = setInterval(() => {
    const batch = this.queue.shift();
    if (batch !== undefined) this.delivered += logs.count(batch);
  }, DRAIN_EVERY_MS);

  capabilities() {
    return { mutatesData: false };
  }

  consume(data: Logs): Promise<void> {
    if (this.#recovered) this.delivered += logs.count(data);
    else this.queue.push(data);
    return Promise.resolve();
  }

  /** The backend has recovered: sends everything queued and stops the slow timer. */
  recover(): void {
    this.#recovered = true;
    clearInterval(this.#timer);
    for (const batch of this.queue.splice(0)) this.delivered += logs.count(batch);
  }
}

Deno.test({
  name: "memory_limiter: memory stays near the limit under overload and nothing accepted is lost",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  fullGarbageCollector()?.();
  const baseline = measureMemoryBytes();
  // Soft and hard limits 24 MiB apart: memory grows by far less between two 20ms checks (the
  // producer runs in this process and yields every two requests), so the measurement at the
  // first refusal tells which limit the limiter refused at.
  const limitMib = Math.ceil(baseline / MIB_BYTES) + 48;
  const spikeMib = 24;
  const config = {
    ...factory.createDefaultConfig(),
    check_interval: "20ms",
    limit_mib: limitMib,
    spike_limit_mib: spikeMib,
    min_gc_interval_when_soft_limited: "50ms",
    max_gc_interval_when_soft_limited: 0,
    max_gc_interval_when_hard_limited: 0,
  };
  factory.validateConfig?.(config);
  const hardBytes = limitMib * MIB_BYTES;
  const softBytes = (limitMib - spikeMib) * MIB_BYTES;

  const exporter = new SlowQueueExporter();
  const registry = new MetricsRegistry();
  const batch = batchFactory.createLogs(
    nopSettings("processor", "batch"),
    { ...batchFactory.createDefaultConfig(), send_batch_size: 2000, timeout: "20ms" },
    exporter,
  );
  const logger = new CapturingLogger();
  const limiter = factory.createLogs(
    nopSettings("processor", "memory_limiter", { logger, meter: registry }),
    config,
    batch,
  );
  await batch.start(nopHost());
  await limiter.start(nopHost());

  let accepted = 0;
  let refusals = 0;
  let acceptedAfterRefusal = 0;
  let peak = 0;
  let lastRefused = false;
  const otherErrors: unknown[] = [];
  /** Offers one request; whether the limiter took it. */
  const offer = async (sequence: number): Promise<boolean> => {
    try {
      await limiter.consume(request(sequence));
      accepted += RECORDS_PER_REQUEST;
      if (refusals > 0) acceptedAfterRefusal += RECORDS_PER_REQUEST;
      lastRefused = false;
    } catch (error) {
      if (error instanceof DataRefusedError && !isPermanent(error)) refusals++;
      else otherErrors.push(error);
      lastRefused = true;
    }
    peak = Math.max(peak, measureMemoryBytes());
    return !lastRefused;
  };
  const started = performance.now();
  // Production ends while the limiter refuses, so that the recovery below is a real one.
  const producing = () => {
    const elapsed = performance.now() - started;
    if (elapsed >= MAX_PRODUCE_MS) return false;
    return elapsed < PRODUCE_MS || refusals === 0 || acceptedAfterRefusal === 0 || !lastRefused;
  };
  let sequence = 0;
  for (; producing(); sequence++) {
    await offer(sequence);
    // Let timers (the limiter's check, the batch timeout, the exporter) run.
    if (sequence % 2 === 1) await sleep(0);
  }
  const refusingWhenDrained = lastRefused;

  // The backend recovers and the backlog drains; the producer retries as a client would.
  exporter.recover();
  const drainedAt = performance.now();
  let recoveredAfterMs: number | undefined;
  while (performance.now() - drainedAt < RECOVERY_TIMEOUT_MS) {
    if (await offer(sequence++)) {
      recoveredAfterMs = performance.now() - drainedAt;
      break;
    }
    await sleep(RETRY_EVERY_MS);
  }

  await limiter.shutdown();
  await batch.shutdown();
  fullGarbageCollector()?.();
  const afterDrain = measureMemoryBytes();

  const mib = (bytes: number) => (bytes / MIB_BYTES).toFixed(1);
  // The limiter's own measurement when it started refusing (whole MiB in its log).
  const firstRefusal = logger.records.find((r) => r.message.includes("refusing data"));
  const refusedAtMib = firstRefusal?.attributes?.current_mib;
  console.log(
    `first refusal logged at ${refusedAtMib} MiB (soft ${softBytes / MIB_BYTES}, hard ` +
      `${hardBytes / MIB_BYTES} MiB)`,
  );
  console.log(
    `baseline ${mib(baseline)} MiB, soft ${mib(softBytes)} MiB, hard ${mib(hardBytes)} MiB, ` +
      `peak ${mib(peak)} MiB; accepted ${accepted} records, delivered ${exporter.delivered}, ` +
      `${refusals} refused requests; accepting again ${
        recoveredAfterMs === undefined ? "never" : `${recoveredAfterMs.toFixed(0)} ms`
      } after the drain, ${mib(afterDrain)} MiB after it and a full collection`,
  );
  assert.deepEqual(otherErrors, []);
  assert.ok(refusals > 0, "the producer never saw a refusal: the test did not overload");
  assert.ok(acceptedAfterRefusal > 0, "the limiter never recovered after refusing");
  assert.ok(peak >= softBytes, "memory never reached the soft limit: the test did not overload");
  assert.equal(typeof refusedAtMib, "number", "the limiter logged no refusal");
  assert.ok(
    (refusedAtMib as number) >= softBytes / MIB_BYTES &&
      (refusedAtMib as number) < hardBytes / MIB_BYTES,
    `the limiter started refusing at ${refusedAtMib} MiB: not between the soft limit ` +
      `${softBytes / MIB_BYTES} MiB and the hard limit ${hardBytes / MIB_BYTES} MiB`,
  );
  assert.ok(
    peak <= hardBytes + spikeMib * MIB_BYTES,
    `memory peaked at ${mib(peak)} MiB, far above the ${mib(hardBytes)} MiB limit`,
  );
  assert.ok(refusingWhenDrained, "the limiter was not refusing when the backlog drained");
  assert.ok(
    recoveredAfterMs !== undefined,
    `the limiter still refused data ${RECOVERY_TIMEOUT_MS} ms after the backlog drained`,
  );
  assert.ok(
    afterDrain < softBytes,
    `memory is ${mib(afterDrain)} MiB after the drain and a full collection, not below the ` +
      `${mib(softBytes)} MiB soft limit: something still holds the drained data`,
  );
  assert.equal(exporter.delivered, accepted, "records accepted by the pipeline were lost");
  assert.equal(
    registry.value("otelcol_processor_memory_limiter_accepted_log_records"),
    accepted,
  );
  assert.equal(
    registry.value("otelcol_processor_memory_limiter_refused_log_records"),
    refusals * RECORDS_PER_REQUEST,
  );
});
