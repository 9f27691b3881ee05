import assert from "node:assert/strict";
import { type Request, SendFailure, SendInterrupted } from "./sender.ts";
import { ExporterTelemetry, ObsReport } from "./telemetry.ts";
import { TelemetrySender } from "./telemetry_sender.ts";
import { lines, telemetry } from "./testutil_test.ts";
import type { PartialSuccess } from "./types.ts";

const request: Request<string[]> = { data: ["a", "b", "c"], items: 3 };

function counted(answer: () => Promise<PartialSuccess | void>) {
  const captured = telemetry("otlp/backend");
  const counts = new ExporterTelemetry(captured.settings, lines);
  const sender = new TelemetrySender(counts, { send: answer });
  const value = (name: string, attributes?: Record<string, string>) =>
    captured.registry.value(name, attributes);
  return { ...captured, counts, sender, value };
}

Deno.test("telemetry sender: a sent request counts its items as sent", async () => {
  const { sender, value, logger } = counted(() => Promise.resolve());
  await sender.send(request);
  assert.equal(value("otelcol_exporter_sent_log_records", { exporter: "otlp/backend" }), 3);
  assert.equal(value("otelcol_exporter_send_failed_log_records"), undefined);
  assert.equal(logger.records.length, 0);
});

Deno.test("telemetry sender: a partial success counts the rejected items as failed and dropped, with a warning", async () => {
  const { sender, value, logger } = counted(() =>
    Promise.resolve({ rejectedItems: 2, errorMessage: "2 records too old" })
  );
  await sender.send(request);
  assert.equal(value("otelcol_exporter_sent_log_records"), 1);
  assert.equal(value("otelcol_exporter_send_failed_log_records"), 2);
  assert.equal(
    value("otelcol_exporter_dropped_items", { data_type: "logs", reason: "partial_success" }),
    2,
  );
  assert.deepEqual(logger.records.map((r) => [r.level, r.attributes.dropped_log_records]), [
    ["warn", 2],
  ]);
  assert.equal(logger.records[0].attributes.error, "2 records too old");
});

Deno.test("telemetry sender: a given-up request counts as failed, not dropped; the failure goes on", async () => {
  const failure = new SendFailure("retries_exhausted", new Error("down"), 4);
  const { sender, value, logger } = counted(() => Promise.reject(failure));
  assert.equal(await sender.send(request).catch((e) => e), failure);
  assert.equal(value("otelcol_exporter_send_failed_log_records"), 3);
  assert.equal(value("otelcol_exporter_dropped_items"), undefined, "the step in front decides");
  assert.equal(value("otelcol_exporter_sent_log_records"), undefined);
  assert.equal(logger.records.length, 0);
});

Deno.test("telemetry sender: an interrupted request or a helper error is not counted", async () => {
  for (const error of [new SendInterrupted(new Error("drain over")), new TypeError("bug")]) {
    const { sender, registry } = counted(() => Promise.reject(error));
    assert.equal(await sender.send(request).catch((e) => e), error);
    assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), undefined);
    assert.equal(registry.value("otelcol_exporter_sent_log_records"), undefined);
  }
});

Deno.test("exporter telemetry: shutdown drops make one line with the sum; later ones log at once", () => {
  const { counts, value, logger } = counted(() => Promise.resolve());
  counts.shutdownDrop(3, 1, "first reason");
  counts.shutdownDrop(4, 2, "drain time is over");
  assert.equal(logger.records.length, 0, "gathered, not logged yet");
  counts.logShutdownDrops();
  counts.logShutdownDrops();
  counts.shutdownDrop(5, 1, "after the line");
  assert.equal(value("otelcol_exporter_send_failed_log_records"), 12);
  assert.equal(value("otelcol_exporter_dropped_items", { reason: "shutdown" }), 12);
  const drops = logger.records.map((r) => r.attributes);
  assert.equal(drops.length, 2);
  assert.deepEqual(
    [drops[0].dropped_log_records, drops[0].requests, drops[0].error, drops[0].exporter],
    [7, 3, "drain time is over", "otlp/backend"],
  );
  assert.deepEqual(
    [drops[1].dropped_log_records, drops[1].requests, drops[1].data_type],
    [5, 1, "logs"],
  );
});

Deno.test("exporter telemetry: no shutdown drop, no line", () => {
  const { counts, logger } = counted(() => Promise.resolve());
  counts.logShutdownDrops();
  assert.equal(logger.records.length, 0);
});

Deno.test("ObsReport counts in the same instruments as the helper", () => {
  const { counts, settings, value } = counted(() => Promise.resolve());
  const report = new ObsReport({ settings });
  counts.sent(2, undefined);
  report.sent("logs", 5);
  report.enqueueFailed("logs", 1);
  counts.refused(2);
  assert.equal(value("otelcol_exporter_sent_log_records", { exporter: "otlp/backend" }), 7);
  assert.equal(value("otelcol_exporter_enqueue_failed_log_records"), 3);
  const unknown = new ObsReport<string>({ settings, itemNames: { logs: "log_records" } });
  assert.throws(() => unknown.sent("traces", 1), /otlp\/backend: no item name for signal traces/);
});
