import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { nopHost } from "@denocol/component/componenttest";
import { isPermanent, PermanentError, RetryableError } from "@denocol/consumer";
import { encodedForm, type Traces, traces } from "@denocol/pdata";
import { defaultQueueConfig, type QueueConfig } from "./config.ts";
import { newExporter, type PushContext } from "./exporter.ts";
import { deferred, fastRetry, lines, telemetry, waitFor } from "./testutil_test.ts";

function queue(overrides: Partial<QueueConfig> = {}): QueueConfig {
  return { ...defaultQueueConfig(), ...overrides };
}

Deno.test("retryable failures are retried with growing backoff until success", async () => {
  const { settings, registry, logger } = telemetry();
  let attempts = 0;
  const exporter = newExporter(settings, lines, (data) => {
    attempts++;
    if (attempts < 4) return Promise.reject(new Error(`backend unavailable ${attempts}`));
    assert.deepEqual(data, ["a", "b"]);
    return Promise.resolve();
  }, { retry: fastRetry(), queue: queue({ enabled: false }) });
  await exporter.start(nopHost());
  await exporter.consume(["a", "b"]);
  await exporter.shutdown();
  assert.equal(attempts, 4);
  // initial 10ms, ×2, capped at 40ms, no jitter: each wait is announced before it starts.
  const retries = logger.records.filter((r) =>
    r.message.startsWith("Exporting failed. Will retry")
  );
  assert.deepEqual(retries.map((r) => r.attributes.interval_ms), [10, 20, 40]);
  assert.deepEqual(retries.map((r) => r.attributes.error), [
    "backend unavailable 1",
    "backend unavailable 2",
    "backend unavailable 3",
  ]);
  assert.equal(registry.value("otelcol_exporter_sent_log_records"), 2);
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), undefined);
});

Deno.test("sendsEncoded: queued requests wait as their bytes, unchanged by later edits", async () => {
  for (const sendsEncoded of [true, false]) {
    const { settings } = telemetry();
    const gate = deferred<void>();
    const sent: Traces[] = [];
    const exporter = newExporter(settings, traces, async (data) => {
      await gate.promise;
      sent.push(data);
    }, { retry: fastRetry(), queue: queue(), sendsEncoded });
    await exporter.start(nopHost());
    const request = traces.decodeJson(JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ name: "as sent" }] }] }],
    }));
    await exporter.consume(request);
    request.resourceSpans[0].scopeSpans[0].spans[0].name = "changed while queued";
    gate.resolve();
    await exporter.shutdown();
    assert.equal(encodedForm(sent[0]) !== undefined, sendsEncoded);
    assert.equal(
      sent[0].resourceSpans[0].scopeSpans[0].spans[0].name,
      sendsEncoded ? "as sent" : "changed while queued",
    );
  }
});

Deno.test("a retry-after hint longer than the backoff is honoured", async () => {
  const { settings, logger } = telemetry();
  let attempts = 0;
  const exporter = newExporter(settings, lines, () => {
    attempts++;
    if (attempts === 1) {
      return Promise.reject(new RetryableError("throttled", { retryAfterMs: 300 }));
    }
    return Promise.resolve();
  }, { retry: fastRetry(), queue: queue({ enabled: false }) });
  await exporter.start(nopHost());
  await exporter.consume(["x"]);
  await exporter.shutdown();
  assert.equal(attempts, 2);
  const retries = logger.records.filter((r) =>
    r.message.startsWith("Exporting failed. Will retry")
  );
  assert.deepEqual(retries.map((r) => r.attributes.interval_ms), [300], "not the 10ms backoff");
});

Deno.test("permanent errors are not retried; queued ones are dropped, counted, logged", async () => {
  const { settings, registry, logger } = telemetry();
  let calls = 0;
  const exporter = newExporter(settings, lines, () => {
    calls++;
    return Promise.reject(new PermanentError("400 bad request"));
  }, { retry: fastRetry(), queue: queue({ wait_for_result: true }) });
  await exporter.start(nopHost());
  await assert.rejects(exporter.consume(["a", "b", "c"]), /400 bad request/);
  await exporter.shutdown();
  assert.equal(calls, 1);
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), 3);
  assert.equal(
    registry.value("otelcol_exporter_dropped_items", { reason: "permanent_error" }),
    3,
  );
  const drop = logger.records.find((r) => r.message === "Exporting failed. Dropping data.");
  assert.equal(drop?.level, "error");
  assert.equal(drop?.attributes.reason, "permanent_error");
  assert.equal(drop?.attributes.dropped_log_records, 3);
});

Deno.test("without a queue a permanent error reaches the caller as permanent", async () => {
  const { settings } = telemetry();
  const exporter = newExporter(
    settings,
    lines,
    () => Promise.reject(new PermanentError("malformed")),
    { retry: fastRetry(), queue: queue({ enabled: false }) },
  );
  await exporter.start(nopHost());
  const error = await exporter.consume(["a"]).catch((e) => e);
  assert.ok(isPermanent(error));
  await exporter.shutdown();
});

Deno.test("permanent and retryable failures both reach the caller naming the exporter", async () => {
  for (const waitForResult of [false, true]) {
    const { settings } = telemetry("otlphttp/backend");
    const exporter = newExporter(settings, lines, (data) =>
      Promise.reject(
        data[0] === "bad"
          ? new PermanentError("HTTP 400 Bad Request: span name too long")
          : new RetryableError("HTTP 503 Service Unavailable", { retryAfterMs: 1 }),
      ), {
      retry: fastRetry({ enabled: false }),
      queue: waitForResult ? queue({ wait_for_result: true }) : queue({ enabled: false }),
    });
    await exporter.start(nopHost());
    const permanent = await exporter.consume(["bad"]).then(() => undefined, (e) => e);
    const retryable = await exporter.consume(["later"]).then(() => undefined, (e) => e);
    await exporter.shutdown();
    const mode = waitForResult ? "wait_for_result" : "no queue";
    assert.ok(permanent instanceof PermanentError, `${mode}: ${permanent}`);
    assert.equal(
      permanent.message,
      "exporter otlphttp/backend: HTTP 400 Bad Request: span name too long",
      mode,
    );
    assert.ok(retryable instanceof RetryableError, `${mode}: ${retryable}`);
    assert.ok(!isPermanent(retryable), mode);
    assert.equal(
      retryable.message,
      "exporter otlphttp/backend: HTTP 503 Service Unavailable",
      mode,
    );
    assert.equal(retryable.retryAfterMs, 1, mode);
  }
});

Deno.test("max_elapsed_time exhausts retries: dropped, counted and logged", async () => {
  const { settings, registry, logger } = telemetry();
  let calls = 0;
  const exporter = newExporter(settings, lines, () => {
    calls++;
    return Promise.reject(new Error("connection refused"));
  }, {
    retry: fastRetry({ max_elapsed_time: "100ms" }),
    queue: queue({ wait_for_result: true }),
  });
  await exporter.start(nopHost());
  await assert.rejects(exporter.consume(["a", "b"]), /connection refused/);
  await exporter.shutdown();
  // Waits of 10, 20, 40, 40ms: at most 4 attempts fit in 100ms (fewer on a slow machine).
  assert.ok(calls >= 1 && calls <= 4, `calls ${calls}`);
  assert.equal(
    registry.value("otelcol_exporter_dropped_items", { reason: "retries_exhausted" }),
    2,
  );
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), 2);
  const drop = logger.records.find((r) => r.attributes.reason === "retries_exhausted");
  assert.equal(drop?.attributes.attempts, calls);
});

Deno.test("retry disabled: a failed queued request is dropped, counted and logged", async () => {
  const { settings, registry } = telemetry();
  let calls = 0;
  const exporter = newExporter(settings, lines, () => {
    calls++;
    return Promise.reject(new Error("boom"));
  }, {
    retry: fastRetry({ enabled: false }),
    queue: queue({ wait_for_result: true }),
  });
  await exporter.start(nopHost());
  await assert.rejects(exporter.consume(["a"]), /boom/);
  await exporter.shutdown();
  assert.equal(calls, 1);
  assert.equal(registry.value("otelcol_exporter_dropped_items", { reason: "retry_disabled" }), 1);
});

Deno.test("a slow attempt is cut by the timeout, its signal aborted, and retried", async () => {
  const { settings } = telemetry();
  const signals: AbortSignal[] = [];
  const exporter = newExporter(settings, lines, (_data, context: PushContext) => {
    signals.push(context.signal);
    if (signals.length === 1) return new Promise(() => {}); // never answers
    return Promise.resolve();
  }, { timeout: { timeout: "50ms" }, retry: fastRetry(), queue: queue({ enabled: false }) });
  await exporter.start(nopHost());
  await exporter.consume(["a"]);
  await exporter.shutdown();
  assert.equal(signals.length, 2);
  assert.ok(signals[0].aborted);
  assert.match(String(signals[0].reason), /timed out after 50ms/);
});

Deno.test("a full queue refuses with a retryable error, counted and logged", async () => {
  const { settings, registry, logger } = telemetry();
  const gate = deferred();
  const exporter = newExporter(settings, lines, () => gate.promise, {
    retry: fastRetry(),
    queue: queue({ num_consumers: 1, queue_size: 2 }),
  });
  await exporter.start(nopHost());
  await exporter.consume(["1"]); // taken by the consumer, still counted until sent
  await exporter.consume(["2"]);
  const refusal = await exporter.consume(["3", "4"]).catch((e) => e);
  assert.ok(refusal instanceof RetryableError, String(refusal));
  assert.ok(!isPermanent(refusal));
  assert.match(refusal.message, /queue is full/);
  assert.equal(registry.value("otelcol_exporter_enqueue_failed_log_records"), 2);
  assert.equal(registry.value("otelcol_exporter_queue_size"), 2);
  assert.equal(registry.value("otelcol_exporter_queue_capacity", { data_type: "logs" }), 2);
  assert.ok(logger.messages("warn").some((m) => m.includes("refused")));
  gate.resolve();
  await exporter.shutdown();
  assert.equal(registry.value("otelcol_exporter_sent_log_records"), 2);
  assert.equal(registry.value("otelcol_exporter_queue_size"), 0);
});

Deno.test("items sizer counts items against queue_size", async () => {
  const { settings, registry } = telemetry();
  const gate = deferred();
  const exporter = newExporter(settings, lines, () => gate.promise, {
    retry: fastRetry(),
    queue: queue({ num_consumers: 1, queue_size: 5, sizer: "items" }),
  });
  await exporter.start(nopHost());
  await exporter.consume(["1", "2", "3"]);
  await assert.rejects(exporter.consume(["4", "5", "6"]), RetryableError);
  await exporter.consume(["4", "5"]);
  assert.equal(registry.value("otelcol_exporter_queue_size"), 5);
  gate.resolve();
  await exporter.shutdown();
});

Deno.test("a blocking queue makes the caller wait for room instead of refusing", async () => {
  const { settings, registry } = telemetry();
  const gate = deferred();
  const exporter = newExporter(settings, lines, () => gate.promise, {
    retry: fastRetry(),
    queue: queue({ num_consumers: 1, queue_size: 1, blocking: true }),
  });
  await exporter.start(nopHost());
  await exporter.consume(["1"]);
  let admitted = false;
  const second = exporter.consume(["2"]).then(() => (admitted = true));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(admitted, false);
  gate.resolve();
  await second;
  await exporter.shutdown();
  assert.equal(registry.value("otelcol_exporter_sent_log_records"), 2);
  assert.equal(registry.value("otelcol_exporter_enqueue_failed_log_records"), undefined);
});

Deno.test("partial success: rejected items counted as failed, logged, not retried", async () => {
  const { settings, registry, logger } = telemetry();
  let calls = 0;
  const exporter = newExporter(settings, lines, () => {
    calls++;
    return Promise.resolve({ rejectedItems: 2, errorMessage: "2 records too old" });
  }, { retry: fastRetry(), queue: queue({ enabled: false }) });
  await exporter.start(nopHost());
  await exporter.consume(["a", "b", "c", "d", "e"]);
  await exporter.shutdown();
  assert.equal(calls, 1);
  assert.equal(registry.value("otelcol_exporter_sent_log_records"), 3);
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), 2);
  assert.equal(
    registry.value("otelcol_exporter_dropped_items", { reason: "partial_success" }),
    2,
  );
  const record = logger.records.find((r) => r.attributes.reason === "partial_success");
  assert.equal(record?.attributes.error, "2 records too old");
  assert.equal(record?.attributes.dropped_log_records, 2);
});

Deno.test("shutdown drains the in-memory queue", async () => {
  const { settings, registry } = telemetry();
  const received: string[] = [];
  let failuresLeft = 3;
  const exporter = newExporter(settings, lines, async (data) => {
    await new Promise((r) => setTimeout(r, 2));
    if (failuresLeft-- > 0) throw new Error("flaky");
    received.push(...data);
  }, { retry: fastRetry(), queue: queue({ num_consumers: 2 }) });
  await exporter.start(nopHost());
  for (let i = 0; i < 50; i++) await exporter.consume([`r${i}`]);
  await exporter.shutdown();
  assert.equal(received.length, 50);
  assert.deepEqual(new Set(received).size, 50);
  assert.equal(registry.value("otelcol_exporter_sent_log_records"), 50);
  await assert.rejects(exporter.consume(["late"]), RetryableError);
});

Deno.test("shutdown drops what it cannot drain in time, counted and logged", async () => {
  const { settings, registry, logger } = telemetry();
  const exporter = newExporter(
    settings,
    lines,
    () => Promise.reject(new Error("backend down")),
    {
      retry: fastRetry({ max_elapsed_time: "0" }),
      queue: queue({ num_consumers: 2 }),
      drainTimeoutMs: 100,
    },
  );
  await exporter.start(nopHost());
  for (let i = 0; i < 5; i++) await exporter.consume([`a${i}`, `b${i}`]);
  // Retried forever, the requests would hold the shutdown; the 100ms drain time ends it.
  const started = performance.now();
  await exporter.shutdown();
  assert.ok(performance.now() - started < 20_000);
  assert.equal(registry.value("otelcol_exporter_dropped_items", { reason: "shutdown" }), 10);
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), 10);
  assert.ok(logger.records.some((r) => r.attributes.reason === "shutdown"));
  assert.equal(registry.value("otelcol_exporter_queue_size"), 0);
});

Deno.test("invalid config sections are rejected naming the key", () => {
  const { settings } = telemetry();
  assert.throws(
    () =>
      newExporter(settings, lines, () => Promise.resolve(), {
        queue: queue({ queue_size: 0 }),
      }),
    /exporters::test\/one::sending_queue::queue_size: expected an integer >= 1, got 0/,
  );
  assert.throws(
    () =>
      newExporter(settings, lines, () => Promise.resolve(), {
        retry: fastRetry({ initial_interval: "5 parsecs" }),
      }),
    /retry_on_failure::initial_interval: invalid duration/,
  );
  assert.throws(
    () => newExporter(settings, lines, () => Promise.resolve(), { timeout: { timeout: "-1s" } }),
    /timeout/,
  );
});

Deno.test("consumers keep going after the backend recovers", async () => {
  const { settings, registry } = telemetry();
  let up = false;
  const received: string[] = [];
  const exporter = newExporter(settings, lines, (data) => {
    if (!up) return Promise.reject(new Error("connection refused"));
    received.push(...data);
    return Promise.resolve();
  }, { retry: fastRetry({ max_elapsed_time: "0" }), queue: queue() });
  await exporter.start(nopHost());
  for (let i = 0; i < 20; i++) await exporter.consume([`${i}`]);
  await new Promise((r) => setTimeout(r, 100));
  up = true;
  await waitFor(() => received.length === 20, "all 20 requests");
  await exporter.shutdown();
  assert.equal(registry.value("otelcol_exporter_dropped_items"), undefined);
});

Deno.test("a request larger than the whole queue is refused as permanent", async () => {
  const { settings, registry, logger } = telemetry();
  const exporter = newExporter(settings, lines, () => Promise.resolve(), {
    retry: fastRetry(),
    queue: queue({ queue_size: 2, sizer: "items" }),
  });
  await exporter.start(nopHost());
  const error = await exporter.consume(["1", "2", "3"]).catch((e) => e);
  await exporter.shutdown();
  assert.ok(isPermanent(error), String(error));
  assert.match(error.message, /larger than the queue capacity 2/);
  assert.equal(registry.value("otelcol_exporter_enqueue_failed_log_records"), 3);
  assert.ok(logger.messages("error").some((m) => m.includes("larger than its capacity")));
});

/** V8's full collection: `--expose-gc` set at run time, `gc` read from a fresh context. */
function fullGc(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc");
}

Deno.test("requests already sent are not kept alive by idle queue consumers", async () => {
  const gc = fullGc();
  const { settings } = telemetry();
  let pushed = 0;
  const exporter = newExporter(settings, lines, (data) => {
    pushed += data.length;
    return Promise.resolve();
  }, { retry: fastRetry(), queue: queue({ num_consumers: 4 }) });
  await exporter.start(nopHost());
  const sent: WeakRef<string[]>[] = [];
  // Built in a separate function so that no frame of this test holds the requests.
  const offer = async (i: number) => {
    const request = [`request ${i}`, "x".repeat(1024)];
    sent.push(new WeakRef(request));
    await exporter.consume(request);
  };
  for (let i = 0; i < 8; i++) await offer(i);
  await waitFor(() => pushed === 16, "all 8 requests pushed");
  // Let the consumers go back to waiting for the next entry, then collect.
  await new Promise((r) => setTimeout(r, 20));
  gc();
  const alive = sent.filter((ref) => ref.deref() !== undefined).length;
  await exporter.shutdown();
  assert.equal(alive, 0, `${alive} of 8 sent requests are still reachable after a full GC`);
});
