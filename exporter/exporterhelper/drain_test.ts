// The host's drain deadline (what the collector's service announces from
// service.shutdown.drain_timeout): what an exporter still holds when it passes is dropped, counted
// and logged in one line, or kept by a persistent queue.
import assert from "node:assert/strict";
import { isPermanent, RetryableError } from "@denocol/consumer";
import { nopHost } from "@denocol/component/componenttest";
import type { DrainDeadlineHost } from "../drain.ts";
import { defaultQueueConfig, type QueueConfig } from "./config.ts";
import { newExporter, type PushContext } from "./exporter.ts";
import { fastRetry, hostWith, lines, MapStorage, telemetry, waitFor } from "./testutil_test.ts";

function queue(overrides: Partial<QueueConfig> = {}): QueueConfig {
  return { ...defaultQueueConfig(), ...overrides };
}

/** A host with a drain deadline the test ends with `end()`. */
function drainingHost(base = nopHost()): DrainDeadlineHost & { end(): void } {
  const controller = new AbortController();
  return { ...base, drainDeadline: controller.signal, end: () => controller.abort() };
}

/** A push that never answers: it settles only when its attempt is aborted. */
function hang(_data: string[], context: PushContext): Promise<void> {
  return new Promise((_, reject) => {
    context.signal.addEventListener("abort", () => reject(context.signal.reason), { once: true });
  });
}

function shutdownDropLines(logger: ReturnType<typeof telemetry>["logger"]) {
  return logger.records.filter((r) =>
    r.message === "Exporting failed. Dropping data." && r.attributes.reason === "shutdown"
  );
}

Deno.test("drain deadline: in flight, in backoff, queued and handed over late make one line with the exact count", async () => {
  const { settings, registry, logger } = telemetry("otlp/backend");
  const aborted: string[] = [];
  const exporter = newExporter(settings, lines, (data, context) => {
    if (data[0] === "throttled") {
      // Waits in backoff far longer than the test: only the deadline ends the wait.
      return Promise.reject(new RetryableError("429", { retryAfterMs: 600_000 }));
    }
    context.signal.addEventListener("abort", () => aborted.push(data[0]), { once: true });
    return hang(data, context);
  }, {
    retry: fastRetry({ max_elapsed_time: "0" }),
    queue: queue({ num_consumers: 2 }),
    // Never reached: the host's deadline decides.
    drainTimeoutMs: 600_000,
  });
  const host = drainingHost();
  await exporter.start(host);
  await exporter.consume(["in-flight", "a", "b"]);
  await exporter.consume(["throttled", "c"]);
  await waitFor(
    () => logger.messages("info").some((m) => m.startsWith("Exporting failed. Will retry")),
    "the throttled request to wait for its retry",
  );
  await exporter.consume(["queued", "d", "e", "f"]);
  host.end();
  // A batch processor's last flush, after the drain time: accepted and dropped with the rest.
  await exporter.consume(["late", "g"]);
  await exporter.shutdown();

  assert.deepEqual(aborted, ["in-flight"], "the attempt in flight was cancelled");
  const drops = shutdownDropLines(logger);
  assert.equal(drops.length, 1, JSON.stringify(drops));
  assert.equal(drops[0].attributes.dropped_log_records, 3 + 2 + 4 + 2);
  assert.equal(drops[0].attributes.requests, 4);
  assert.equal(drops[0].attributes.exporter, "otlp/backend");
  assert.equal(drops[0].attributes.data_type, "logs");
  assert.match(String(drops[0].attributes.error), /service::shutdown::drain_timeout/);
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), 11);
  assert.equal(registry.value("otelcol_exporter_dropped_items", { reason: "shutdown" }), 11);
  assert.equal(registry.value("otelcol_exporter_sent_log_records"), undefined);
  assert.equal(registry.value("otelcol_exporter_queue_size"), 0);
});

Deno.test("drain deadline: a caller waiting for room or for the result is told, naming the exporter", async () => {
  const { settings, registry, logger } = telemetry("otlp/backend");
  const blocking = newExporter(settings, lines, hang, {
    retry: fastRetry(),
    queue: queue({ num_consumers: 1, queue_size: 2, blocking: true }),
  });
  const waiting = newExporter(settings, lines, hang, {
    retry: fastRetry(),
    queue: queue({ num_consumers: 1, wait_for_result: true }),
  });
  const host = drainingHost();
  await blocking.start(host);
  await waiting.start(host);
  await blocking.consume(["sending"]);
  await waitFor(() => registry.value("otelcol_exporter_queue_size") === 1, "one request taken");
  await blocking.consume(["queued"]);
  let waitedForRoom: "resolved" | "pending" = "pending";
  const forRoom = blocking.consume(["for-room"]).then(() => (waitedForRoom = "resolved"));
  const forResult = waiting.consume(["for-result", "x"]).then(() => undefined, (e) => e);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(waitedForRoom, "pending", "the blocking queue is full");
  host.end();
  await forRoom;
  const error = await forResult;
  await blocking.shutdown();
  await waiting.shutdown();
  assert.ok(error instanceof RetryableError && !isPermanent(error), String(error));
  assert.match(error.message, /^exporter otlp\/backend: .*drain time/);
  // sending + queued + for-room, and the one waited for.
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), 3 + 2);
  assert.equal(shutdownDropLines(logger).length, 2, "one line per exporter");
});

Deno.test("drain deadline: without a queue the call in flight fails to its caller and is counted", async () => {
  const { settings, registry, logger } = telemetry("otlp/backend");
  const exporter = newExporter(settings, lines, hang, {
    retry: fastRetry(),
    queue: queue({ enabled: false }),
  });
  const host = drainingHost();
  await exporter.start(host);
  const call = exporter.consume(["a", "b"]).then(() => undefined, (e) => e);
  await new Promise((r) => setTimeout(r, 20));
  host.end();
  const error = await call;
  const late = await exporter.consume(["c"]).then(() => undefined, (e) => e);
  await exporter.shutdown();
  assert.ok(error instanceof RetryableError, String(error));
  assert.match(error.message, /^exporter otlp\/backend: /);
  assert.ok(late instanceof RetryableError, "data handed over after the deadline is refused");
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), 3);
  const drops = shutdownDropLines(logger);
  assert.equal(drops.length, 1);
  assert.equal(drops[0].attributes.dropped_log_records, 3);
});

Deno.test("drain deadline: a persistent queue keeps what is in flight, queued and handed over late for the next start", async () => {
  const storage = new MapStorage();
  const first = telemetry();
  const before = newExporter(first.settings, lines, hang, {
    retry: fastRetry(),
    queue: queue({ storage: "file_storage/q", num_consumers: 2 }),
  });
  const host = drainingHost(hostWith({ "file_storage/q": storage }));
  await before.start(host);
  for (let i = 0; i < 5; i++) await before.consume([`r${i}`]);
  const dispatched = () => {
    const list = storage.data.get("exporter/test/one/logs/di");
    return list === undefined ? 0 : JSON.parse(new TextDecoder().decode(list)).length;
  };
  await waitFor(() => dispatched() === 2, "two requests in flight");
  host.end();
  // A batch processor's last flush after the drain time is still stored.
  await before.consume(["late"]);
  await before.shutdown();
  assert.equal(storage.storedItems(), 6, "two in flight, three queued and the late one");
  assert.equal(first.registry.value("otelcol_exporter_send_failed_log_records"), undefined);
  assert.equal(shutdownDropLines(first.logger).length, 0);

  const received: string[] = [];
  const second = telemetry();
  const after = newExporter(second.settings, lines, (data) => {
    received.push(...data);
    return Promise.resolve();
  }, { retry: fastRetry(), queue: queue({ storage: "file_storage/q" }) });
  await after.start(hostWith({ "file_storage/q": storage }));
  await waitFor(() => received.length === 6, "every stored request sent");
  await after.shutdown();
  assert.deepEqual(received.sort(), ["late", "r0", "r1", "r2", "r3", "r4"]);
});

Deno.test("drain deadline: with a persistent queue, callers waiting for the result of a stored request are answered", async () => {
  const storage = new MapStorage();
  const { settings } = telemetry();
  const exporter = newExporter(settings, lines, hang, {
    retry: fastRetry(),
    queue: queue({ storage: "file_storage/q", num_consumers: 1, wait_for_result: true }),
  });
  const host = drainingHost(hostWith({ "file_storage/q": storage }));
  await exporter.start(host);
  const inFlight = exporter.consume(["in-flight"]).then(() => "safe", (e) => String(e));
  const stored = exporter.consume(["stored"]).then(() => "safe", (e) => String(e));
  await waitFor(() => storage.storedItems() === 2, "both requests stored");
  host.end();
  const late = exporter.consume(["late"]).then(() => "safe", (e) => String(e));
  assert.equal(await stored, "safe");
  assert.equal(await late, "safe");
  assert.equal(await inFlight, "safe", "interrupted, it stays stored");
  await exporter.shutdown();
  assert.equal(storage.storedItems(), 3, "all three wait in storage for the next start");
});
