import assert from "node:assert/strict";
import { isPermanent, PermanentError, RetryableError } from "@denocol/consumer";
import { DirectSender } from "./direct_sender.ts";
import { type Request, SendFailure, SendInterrupted } from "./sender.ts";
import { ShutdownDrain } from "./shutdown_drain.ts";
import { ExporterTelemetry } from "./telemetry.ts";
import { lines, telemetry } from "./testutil_test.ts";

const request: Request<string[]> = { data: ["a", "b"], items: 2 };

function direct(error: unknown) {
  const captured = telemetry("otlphttp/backend");
  const drain = new ShutdownDrain(600_000);
  const sender = new DirectSender<string[]>({ send: () => Promise.reject(error) }, {
    exporter: captured.settings.id.toString(),
    itemName: lines.itemName,
    telemetry: new ExporterTelemetry(captured.settings, lines),
    drain,
    logger: captured.logger,
  });
  return { ...captured, sender, drain };
}

Deno.test("direct sender: a given-up request goes back to the caller, naming the exporter, not dropped", async () => {
  const cases = [
    new SendFailure("permanent_error", new PermanentError("HTTP 400 Bad Request")),
    new SendFailure("retry_disabled", new RetryableError("HTTP 503", { retryAfterMs: 7 })),
  ];
  for (const failure of cases) {
    const { sender, registry, logger } = direct(failure);
    const error = await sender.send(request).catch((e) => e);
    const backend = failure.cause as Error;
    assert.equal(error.message, `exporter otlphttp/backend: ${backend.message}`);
    assert.equal(isPermanent(error), isPermanent(backend), failure.reason);
    if (error instanceof RetryableError) assert.equal(error.retryAfterMs, 7);
    assert.ok(error instanceof PermanentError || error instanceof RetryableError);
    assert.equal(registry.value("otelcol_exporter_dropped_items"), undefined, failure.reason);
    const line = logger.records.find((r) => r.message.includes("returned to the caller"));
    assert.deepEqual(
      [line?.level, line?.attributes.reason, line?.attributes.log_records],
      ["error", failure.reason, 2],
    );
  }
});

Deno.test("direct sender: a call cut off at the end of the drain is a shutdown drop, and the caller hears it", async () => {
  const { sender, registry, drain, logger } = direct(
    new SendInterrupted(new Error("drain over")),
  );
  drain.end("the drain time is over");
  const error = await sender.send(request).catch((e) => e);
  assert.ok(error instanceof RetryableError, String(error));
  assert.equal(error.message, "exporter otlphttp/backend: drain over");
  assert.equal(registry.value("otelcol_exporter_dropped_items", { reason: "shutdown" }), 2);
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), 2);
  assert.equal(logger.records.length, 0, "logged in the exporter's one shutdown line");
});

Deno.test("direct sender: any other error reaches the caller untouched", async () => {
  const bug = new TypeError("bug");
  const { sender, registry } = direct(bug);
  assert.equal(await sender.send(request).catch((e) => e), bug);
  assert.equal(registry.value("otelcol_exporter_send_failed_log_records"), undefined);
});
