import assert from "node:assert/strict";
import type { StatusEvent } from "@denocol/component";
import { nopHost } from "@denocol/component/componenttest";
import { PermanentError } from "@denocol/consumer";
import { newExporter } from "./exporter.ts";
import { fastRetry, lines, telemetry, waitFor } from "./testutil_test.ts";

Deno.test("exporter status: every failed attempt is reported, then ok once the backend answers", async () => {
  const events: StatusEvent[] = [];
  const host = { ...nopHost(), reportStatus: (event: StatusEvent) => events.push(event) };
  let failuresLeft = 2;
  const exporter = newExporter(telemetry().settings, lines, () => {
    if (failuresLeft-- > 0) return Promise.reject(new Error("backend unavailable"));
    return Promise.resolve();
  }, { retry: fastRetry(), queue: { ...defaultQueue(), enabled: false } });
  await exporter.start(host);
  try {
    await exporter.consume(["a"]);
    assert.deepEqual(events.map((e) => e.status), ["recoverable_error", "recoverable_error", "ok"]);
    assert.equal(events[0].error?.message, "backend unavailable");
    await exporter.consume(["b"]);
    assert.equal(events.length, 3, "a healthy exporter reports nothing more");
  } finally {
    await exporter.shutdown();
  }
});

Deno.test("exporter status: a permanent error is reported as such", async () => {
  const events: StatusEvent[] = [];
  const host = { ...nopHost(), reportStatus: (event: StatusEvent) => events.push(event) };
  const exporter = newExporter(
    telemetry().settings,
    lines,
    () => Promise.reject(new PermanentError("bad request")),
    { retry: fastRetry() },
  );
  await exporter.start(host);
  try {
    await exporter.consume(["a"]);
    await waitFor(() => events.length > 0, "a status report");
    assert.equal(events[0].status, "permanent_error");
  } finally {
    await exporter.shutdown();
  }
});

function defaultQueue() {
  return {
    enabled: true,
    num_consumers: 1,
    queue_size: 10,
    blocking: false,
    block_on_overflow: false,
    sizer: "requests" as const,
    storage: null,
    wait_for_result: false,
  };
}
