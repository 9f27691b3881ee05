import assert from "node:assert/strict";
import { encodedForm, type Traces, traces } from "@denocol/pdata";
import { defaultQueueConfig, type QueueConfig } from "./config.ts";
import { newExporter } from "./exporter.ts";
import { fastRetry, hostWith, lines, MapStorage, telemetry, waitFor } from "./testutil_test.ts";

function persistent(overrides: Partial<QueueConfig> = {}): QueueConfig {
  return { ...defaultQueueConfig(), storage: "file_storage/q", ...overrides };
}

Deno.test("persistent queue: unsent requests stay in the store at shutdown and go out on the next start", async () => {
  const storage = new MapStorage();
  const host = hostWith({ "file_storage/q": storage });
  let up = false;
  const received: string[] = [];
  const push = (data: string[]) => {
    if (!up) return Promise.reject(new Error("connection refused"));
    received.push(...data);
    return Promise.resolve();
  };
  const first = telemetry();
  const before = newExporter(first.settings, lines, push, {
    retry: fastRetry({ max_elapsed_time: "0" }),
    queue: persistent({ num_consumers: 3 }),
  });
  await before.start(host);
  for (let i = 0; i < 10; i++) await before.consume([`r${i}`, `s${i}`]);
  await new Promise((r) => setTimeout(r, 30));
  await before.shutdown();
  assert.equal(received.length, 0);
  assert.equal(storage.storedItems(), 10);
  assert.equal(first.registry.value("otelcol_exporter_dropped_items"), undefined);
  assert.ok(first.logger.messages("info").some((m) => m.includes("stay in the persistent queue")));

  up = true;
  const second = telemetry();
  const after = newExporter(second.settings, lines, push, {
    retry: fastRetry(),
    queue: persistent({ num_consumers: 3 }),
  });
  await after.start(host);
  await waitFor(() => received.length === 20, "20 restored records");
  await waitFor(() => storage.storedItems() === 0, "an empty store");
  await after.shutdown();
  assert.deepEqual(
    [...received].sort(),
    Array.from({ length: 10 }, (_, i) => [`r${i}`, `s${i}`]).flat().sort(),
  );
  assert.ok(second.logger.messages("info").some((m) => m.includes("Resuming requests")));
  assert.equal(second.registry.value("otelcol_exporter_sent_log_records"), 20);
});

Deno.test("persistent queue: a request is deleted only after it was sent", async () => {
  const storage = new MapStorage();
  const host = hostWith({ "file_storage/q": storage });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let sent = 0;
  const { settings } = telemetry();
  const exporter = newExporter(settings, lines, async () => {
    await gate;
    sent++;
  }, { retry: fastRetry(), queue: persistent({ num_consumers: 1 }) });
  await exporter.start(host);
  await exporter.consume(["a"]);
  await exporter.consume(["b"]);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(storage.storedItems(), 2, "in flight and waiting are both stored");
  release();
  await waitFor(() => sent === 2 && storage.storedItems() === 0, "both sent and deleted");
  await exporter.shutdown();
});

Deno.test("persistent queue: an unreadable stored request is dropped, counted and logged", async () => {
  const storage = new MapStorage();
  const host = hostWith({ "file_storage/q": storage });
  const first = telemetry();
  const down = newExporter(first.settings, lines, () => Promise.reject(new Error("down")), {
    retry: fastRetry({ max_elapsed_time: "0" }),
    queue: persistent({ num_consumers: 1 }),
  });
  await down.start(host);
  await down.consume(["good"]);
  await down.consume(["bad", "worse"]);
  await down.shutdown();
  // Corrupt the payload of the second request (keep its frame header, break the JSON).
  const key = [...storage.data.keys()].filter((k) => /\/\d+$/.test(k)).sort().at(-1)!;
  const bytes = storage.data.get(key)!;
  storage.data.set(key, Uint8Array.from([...bytes.subarray(0, 5), 0x7b, 0x7b]));

  const second = telemetry();
  const received: string[] = [];
  const up = newExporter(second.settings, lines, (data) => {
    received.push(...data);
    return Promise.resolve();
  }, { retry: fastRetry(), queue: persistent({ num_consumers: 1 }) });
  await up.start(host);
  await waitFor(() => storage.storedItems() === 0, "an empty store");
  await up.shutdown();
  assert.deepEqual(received, ["good"]);
  assert.equal(
    second.registry.value("otelcol_exporter_dropped_items", {
      reason: "unreadable_stored_request",
    }),
    2,
  );
  assert.ok(
    second.logger.records.some((r) =>
      r.level === "error" && r.attributes.reason === "unreadable_stored_request"
    ),
  );
});

Deno.test("persistent queue: a missing or wrong storage extension fails start with the path", async () => {
  const { settings } = telemetry();
  const exporter = newExporter(settings, lines, () => Promise.resolve(), {
    queue: persistent(),
  });
  await assert.rejects(
    exporter.start(hostWith({})),
    /exporters::test\/one::sending_queue::storage: extension "file_storage\/q" is not configured/,
  );
  await exporter.shutdown();
  const other = newExporter(settings, lines, () => Promise.resolve(), { queue: persistent() });
  await assert.rejects(
    other.start(
      hostWith({ "file_storage/q": { start: async () => {}, shutdown: async () => {} } }),
    ),
    /is not a storage extension/,
  );
  await other.shutdown();
});

Deno.test("persistent queue: full store refuses upstream and counts it", async () => {
  const storage = new MapStorage();
  const { settings, registry } = telemetry();
  const exporter = newExporter(settings, lines, () => Promise.reject(new Error("down")), {
    retry: fastRetry({ max_elapsed_time: "0" }),
    queue: persistent({ queue_size: 3, num_consumers: 1 }),
  });
  await exporter.start(hostWith({ "file_storage/q": storage }));
  for (let i = 0; i < 3; i++) await exporter.consume([`${i}`]);
  await assert.rejects(exporter.consume(["x"]), /queue is full/);
  assert.equal(registry.value("otelcol_exporter_enqueue_failed_log_records"), 1);
  await exporter.shutdown();
  assert.equal(storage.storedItems(), 3);
});

Deno.test("persistent queue: stored requests come back as their bytes, sent without re-encoding", async () => {
  const storage = new MapStorage();
  const host = hostWith({ "file_storage/q": storage });
  let up = false;
  const sent: Traces[] = [];
  const push = (data: Traces) => {
    if (!up) return Promise.reject(new Error("connection refused"));
    sent.push(data);
    return Promise.resolve();
  };
  const options = {
    retry: fastRetry({ max_elapsed_time: "0" }),
    queue: persistent(),
    sendsEncoded: true,
  };
  const before = newExporter(telemetry().settings, traces, push, options);
  await before.start(host);
  const request = traces.decodeJson(JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: [{ name: "a" }, { name: "b" }] }] }],
  }));
  const bytes = traces.encodeProto(request);
  await before.consume(request);
  await new Promise((r) => setTimeout(r, 30));
  await before.shutdown();
  assert.equal(storage.storedItems(), 1);

  // The next run reads the request from the store.
  up = true;
  const after = newExporter(telemetry().settings, traces, push, options);
  await after.start(host);
  await waitFor(() => sent.length === 1, "the stored request sent");
  await after.shutdown();
  const form = encodedForm(sent[0]);
  assert.ok(form !== undefined, "read back from the store as bytes");
  assert.deepEqual(form.bytes, bytes);
  assert.equal(form.items, 2);
});
