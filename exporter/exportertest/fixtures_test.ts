import assert from "node:assert/strict";
import { traces } from "@denocol/pdata";
import { captureTelemetry, freePort, spanNames, tracesWithSpans, waitFor } from "./mod.ts";

Deno.test("exportertest: spans are named <prefix>-<i> with distinct IDs", () => {
  const data = tracesWithSpans("x", 3);
  assert.equal(traces.count(data), 3);
  assert.deepEqual(spanNames(data), ["x-0", "x-1", "x-2"]);
  const spans = data.resourceSpans[0].scopeSpans[0].spans;
  assert.equal(new Set(spans.map((s) => s.spanId.join())).size, 3);
});

Deno.test("exportertest: captureTelemetry captures what the exporter logs", () => {
  const { settings, logger } = captureTelemetry("otlp/x");
  assert.equal(settings.id.toString(), "otlp/x");
  settings.telemetry.logger.info("hello", {});
  assert.ok(logger.records.some((r) => r.message === "hello"));
});

Deno.test("exportertest: nothing listens on a free port; waitFor times out naming its wait", async () => {
  const port = freePort();
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }));
  let polls = 0;
  await waitFor(() => ++polls === 3, "three polls");
  assert.equal(polls, 3);
  await assert.rejects(waitFor(() => false, "never", 30), /timed out waiting for never/);
});
