import assert from "node:assert/strict";
import { nopHost } from "@denocol/component/componenttest";
import type { DrainDeadlineHost } from "../drain.ts";
import { ShutdownDrain } from "./shutdown_drain.ts";
import { waitFor } from "./testutil_test.ts";

function hostWithDeadline(): DrainDeadlineHost & { end(): void } {
  const controller = new AbortController();
  return { ...nopHost(), drainDeadline: controller.signal, end: () => controller.abort() };
}

Deno.test("shutdown drain: the host's deadline ends it, naming service::shutdown::drain_timeout", () => {
  const drain = new ShutdownDrain(600_000);
  const host = hostWithDeadline();
  drain.watch(host);
  drain.begin(); // the host decides: no timer of its own
  assert.equal(drain.over, undefined);
  host.end();
  assert.ok(drain.deadline.aborted);
  assert.match(drain.over!, /service::shutdown::drain_timeout/);
  drain.dispose();
});

Deno.test("shutdown drain: a host whose deadline already passed ends it at once", () => {
  const drain = new ShutdownDrain(600_000);
  const host = hostWithDeadline();
  host.end();
  drain.watch(host);
  assert.match(drain.over!, /drain time/);
  drain.dispose();
});

Deno.test("shutdown drain: without a host deadline the drain time starts with the shutdown", async () => {
  const drain = new ShutdownDrain(30);
  drain.watch(nopHost());
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(drain.over, undefined, "nothing runs before begin");
  drain.begin();
  await waitFor(() => drain.over !== undefined, "the end of the drain time");
  assert.equal(drain.over, "not sent within the 30ms drain time");
  drain.dispose();
});

Deno.test("shutdown drain: settled in time, it never ends; after dispose the host no longer matters", async () => {
  const timed = new ShutdownDrain(30);
  timed.watch(nopHost());
  timed.begin();
  timed.settle();
  await new Promise((r) => setTimeout(r, 90));
  assert.equal(timed.over, undefined);

  const hosted = new ShutdownDrain(30);
  const host = hostWithDeadline();
  hosted.watch(host);
  hosted.dispose();
  host.end();
  assert.equal(hosted.over, undefined);
});

Deno.test("shutdown drain: the first reason stays", () => {
  const drain = new ShutdownDrain(30);
  drain.end("first");
  drain.end("second");
  assert.equal(drain.over, "first");
  assert.equal((drain.deadline.reason as Error).message, "first");
});
