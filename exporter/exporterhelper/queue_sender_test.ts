import assert from "node:assert/strict";
import { isPermanent, PermanentError, RetryableError } from "@denocol/consumer";
import { defaultQueueConfig, type QueueConfig, resolveQueue } from "./config.ts";
import { QueueSender } from "./queue_sender.ts";
import { type Request, type Sender, SendFailure, SendInterrupted } from "./sender.ts";
import { ShutdownDrain } from "./shutdown_drain.ts";
import { ExporterTelemetry } from "./telemetry.ts";
import { deferred, hostWith, lines, MapStorage, telemetry, waitFor } from "./testutil_test.ts";

const storage = "file_storage/q";

/** A queue sender in front of `next`, with its telemetry and drain. */
async function started(next: Sender<string[]>, queue: Partial<QueueConfig> = {}) {
  const captured = telemetry("otlp/backend");
  const counts = new ExporterTelemetry(captured.settings, lines);
  const drain = new ShutdownDrain(600_000);
  const calls = { stopRetrying: 0 };
  const sender = new QueueSender(next, {
    settings: resolveQueue({ ...defaultQueueConfig(), ...queue }, "sending_queue"),
    exporter: captured.settings.id,
    spec: lines,
    configPath: "exporters::otlp/backend",
    telemetry: counts,
    drain,
    logger: captured.logger,
    stopRetrying: () => calls.stopRetrying++,
  });
  const store = new MapStorage();
  await sender.start(hostWith({ [storage]: store }));
  const request = (...data: string[]): Request<string[]> => ({ data, items: data.length });
  return { ...captured, sender, drain, calls, store, request };
}

/** A next step that holds every request until `release` (or rejects it with `fail`). */
function held() {
  const gate = deferred();
  const seen: string[] = [];
  return {
    seen,
    release: () => gate.resolve(),
    send: async (request: Request<string[]>) => {
      seen.push(request.data[0]);
      await gate.promise;
    },
  };
}

/** A next step that passes requests to `next` and then reports them cut off by the drain. */
function cutOffAfter(next: Sender<string[]>): Sender<string[]> {
  return {
    send: async (request) => {
      await next.send(request);
      throw new SendInterrupted(new Error("cut off"));
    },
  };
}

Deno.test("queue sender: the caller is answered once queued; consumers send in order", async () => {
  const next = held();
  const { sender, request, registry } = await started(next, { num_consumers: 1 });
  await sender.send(request("a"));
  await sender.send(request("b", "c"));
  await waitFor(() => next.seen.length === 1, "the first request taken");
  assert.equal(registry.value("otelcol_exporter_queue_size"), 2);
  next.release();
  await sender.drain();
  assert.deepEqual(next.seen, ["a", "b"]);
  assert.equal(registry.value("otelcol_exporter_queue_size"), 0);
});

Deno.test("queue sender: a given-up request is dropped with its reason and attempts; a waiting caller hears it", async () => {
  const backend = new RetryableError("HTTP 503", { retryAfterMs: 5 });
  const { sender, request, registry, logger } = await started({
    send: () => Promise.reject(new SendFailure("retries_exhausted", backend, 4)),
  }, { wait_for_result: true });
  const error = await sender.send(request("a", "b")).catch((e) => e);
  await sender.drain();
  assert.ok(error instanceof RetryableError, String(error));
  assert.equal(error.message, "exporter otlp/backend: HTTP 503");
  assert.equal(error.retryAfterMs, 5);
  assert.equal(
    registry.value("otelcol_exporter_dropped_items", { reason: "retries_exhausted" }),
    2,
  );
  // Counting the failure is the telemetry step's; the queue counts the drop.
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), undefined);
  const drop = logger.records.find((r) => r.message === "Exporting failed. Dropping data.");
  assert.deepEqual(
    [drop?.level, drop?.attributes.dropped_log_records, drop?.attributes.attempts],
    ["error", 2, 4],
  );
});

Deno.test("queue sender: a helper error is dropped as permanent and the consumer goes on", async () => {
  let calls = 0;
  const { sender, request, registry } = await started({
    send: () => ++calls === 1 ? Promise.reject(new TypeError("bug")) : Promise.resolve(),
  }, { num_consumers: 1, wait_for_result: true });
  const first = await sender.send(request("a")).catch((e) => e);
  await sender.send(request("b"));
  await sender.drain();
  assert.ok(isPermanent(first) === false && first instanceof RetryableError, String(first));
  assert.equal(registry.value("otelcol_exporter_dropped_items", { reason: "permanent_error" }), 1);
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), 1);
});

Deno.test("queue sender: refusals are counted, retryable when full and permanent when too large", async () => {
  const next = held();
  const { sender, request, registry, logger } = await started(next, {
    num_consumers: 1,
    queue_size: 3,
    sizer: "items",
  });
  await sender.send(request("a", "b"));
  const full = await sender.send(request("c", "d")).catch((e) => e);
  const huge = await sender.send(request("1", "2", "3", "4")).catch((e) => e);
  assert.ok(full instanceof RetryableError, String(full));
  assert.equal(
    full.message,
    "exporter otlp/backend: sending queue is full (capacity 3 items)",
  );
  assert.ok(huge instanceof PermanentError, String(huge));
  assert.match(huge.message, /^exporter otlp\/backend: .*larger than the queue capacity 3/);
  assert.equal(registry.value("otelcol_exporter_enqueue_failed_log_records"), 6);
  assert.deepEqual(logger.records.map((r) => r.level), ["warn", "error"]);
  next.release();
  await sender.drain();
});

Deno.test("queue sender: at the deadline an in-memory queue drops what it holds and tells waiting callers", async () => {
  const next = held();
  const { sender, request, registry, drain } = await started(cutOffAfter(next), {
    num_consumers: 1,
    wait_for_result: true,
  });
  const answers = [
    sender.send(request("in-flight")).catch((e) => e),
    sender.send(request("b", "c")).catch((e) => e),
  ];
  await waitFor(() => next.seen.length === 1, "one request taken");
  drain.end("the drain time is over");
  next.release();
  const [inFlight, waiting] = await Promise.all(answers);
  await sender.drain();
  assert.deepEqual(next.seen, ["in-flight"], "nothing is taken after the deadline");
  for (const error of [inFlight, waiting]) {
    assert.ok(error instanceof RetryableError, String(error));
    assert.match(error.message, /^exporter otlp\/backend: /);
  }
  assert.match(waiting.message, /the drain time is over/);
  assert.equal(registry.value("otelcol_exporter_dropped_items", { reason: "shutdown" }), 3);
  assert.equal(registry.value("otelcol_exporter_queue_size"), 0);
  assert.equal(sender.storesAfterDrain, false);
});

Deno.test("queue sender: a request still being queued when the deadline passes is dropped, not left behind", async () => {
  const next = held();
  const { sender, request, registry, drain } = await started(next, { wait_for_result: true });
  // The deadline passes before the queue has stored the request.
  const answer = sender.send(request("a", "b")).catch((e) => e);
  drain.end("the drain time is over");
  const error = await answer;
  await sender.drain();
  assert.ok(error instanceof RetryableError, String(error));
  assert.deepEqual(next.seen, []);
  assert.equal(registry.value("otelcol_exporter_dropped_items", { reason: "shutdown" }), 2);
  assert.equal(registry.value("otelcol_exporter_queue_size"), 0);
});

Deno.test("queue sender: a persistent queue keeps what is cut off, answers its callers, and stores late requests", async () => {
  const next = held();
  const { sender, request, registry, drain, store, calls, logger } = await started(
    cutOffAfter(next),
    { storage, num_consumers: 1, wait_for_result: true },
  );
  const inFlight = sender.send(request("in-flight"));
  const waiting = sender.send(request("waiting"));
  await waitFor(() => next.seen.length === 1, "one request taken");
  drain.end("the drain time is over");
  await waiting; // safe in storage: resolved
  assert.equal(sender.storesAfterDrain, true);
  await sender.send(request("late")); // stored, resolved without waiting
  next.release();
  await inFlight;
  await sender.drain();
  assert.equal(calls.stopRetrying, 1, "requests in backoff wait in storage instead");
  assert.equal(store.storedItems(), 3);
  assert.equal(registry.value("otelcol_exporter_dropped_items"), undefined);
  assert.ok(logger.messages("info").some((m) => m.includes("stay in the persistent queue")));
});
