import assert from "node:assert/strict";
import { CapturingLogger } from "@denocol/component/componenttest";
import { PermanentError, RetryableError } from "@denocol/consumer";
import { resolveRetry, type RetryConfig } from "./config.ts";
import { RetrySender } from "./retry_sender.ts";
import { type Request, type Sender, SendFailure, SendInterrupted } from "./sender.ts";
import { fastRetry, waitFor } from "./testutil_test.ts";
import type { PartialSuccess } from "./types.ts";

const request: Request<string[]> = { data: ["a", "b"], items: 2 };

/** A next step answering attempt `i` (from 0) with `answer(i)`; counts its attempts. */
function attempts(answer: (i: number) => Promise<PartialSuccess | void>) {
  const step = {
    calls: 0,
    send: (_: Request<string[]>) => answer(step.calls++),
  };
  return step;
}

function retrySender(
  next: Sender<string[], PartialSuccess | void>,
  config: Partial<RetryConfig> = {},
  stop = new AbortController().signal,
) {
  const logger = new CapturingLogger();
  const sender = new RetrySender(resolveRetry(fastRetry(config), "retry"), next, {
    logger,
    stop,
  });
  const retries = () =>
    logger.records.filter((r) => r.message.startsWith("Exporting failed. Will retry"));
  return { sender, logger, retries };
}

Deno.test("retry sender: retries with growing backoff until sent, passing the result on", async () => {
  const next = attempts((i) =>
    i < 3
      ? Promise.reject(new Error(`unavailable ${i}`))
      : Promise.resolve({ rejectedItems: 1, errorMessage: "late" })
  );
  const { sender, retries } = retrySender(next);
  const result = await sender.send(request);
  assert.deepEqual(result, { rejectedItems: 1, errorMessage: "late" });
  assert.equal(next.calls, 4);
  // initial 10ms, ×2, capped at 40ms, no jitter: the waits announced, in order.
  assert.deepEqual(retries().map((r) => r.attributes.interval_ms), [10, 20, 40]);
  assert.deepEqual(retries().map((r) => r.attributes.attempt), [1, 2, 3]);
  assert.deepEqual(retries().map((r) => r.attributes.error), [
    "unavailable 0",
    "unavailable 1",
    "unavailable 2",
  ]);
});

Deno.test("retry sender: a retry-after hint longer than the backoff sets the wait", async () => {
  const next = attempts(() => Promise.reject(new RetryableError("429", { retryAfterMs: 600_000 })));
  const { sender, retries } = retrySender(next, { max_elapsed_time: "0" });
  const sent = sender.send(request).catch((e) => e);
  await waitFor(() => retries().length === 1, "the first retry");
  assert.equal(retries()[0].attributes.interval_ms, 600_000);
  // Far past the 10ms backoff, the hint still holds the second attempt back.
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(next.calls, 1);
  sender.shutdown();
  const error = await sent;
  assert.ok(error instanceof SendInterrupted, String(error));
  assert.equal((error.cause as Error).message, "429");
});

Deno.test("retry sender: gives up with the reason, the backend's error as cause", async () => {
  const cases: [string, Partial<RetryConfig>, () => Error, SendFailure["reason"], number][] = [
    ["permanent", {}, () => new PermanentError("400 bad request"), "permanent_error", 1],
    ["disabled", { enabled: false }, () => new Error("503"), "retry_disabled", 1],
  ];
  for (const [name, config, error, reason, calls] of cases) {
    const next = attempts(() => Promise.reject(error()));
    const { sender, retries } = retrySender(next, config);
    const failure = await sender.send(request).catch((e) => e);
    assert.ok(failure instanceof SendFailure, `${name}: ${failure}`);
    assert.equal(failure.reason, reason, name);
    assert.equal(failure.attempts, undefined, name);
    assert.equal((failure.cause as Error).message, error().message, name);
    assert.equal(next.calls, calls, name);
    assert.equal(retries().length, 0, name);
  }
});

Deno.test("retry sender: max_elapsed_time ends the retries, counting the attempts", async () => {
  const next = attempts(() => Promise.reject(new Error("connection refused")));
  const { sender, retries } = retrySender(next, { max_elapsed_time: "100ms" });
  const failure = await sender.send(request).catch((e) => e);
  assert.ok(failure instanceof SendFailure, String(failure));
  assert.equal(failure.reason, "retries_exhausted");
  assert.equal(failure.attempts, next.calls);
  assert.equal(retries().length, next.calls - 1, "every attempt but the last was announced");
  assert.ok(next.calls >= 2, `calls ${next.calls}`);
});

Deno.test("retry sender: the stop signal ends a wait; an interrupted attempt is not retried", async () => {
  const stop = new AbortController();
  const waiting = attempts(() => Promise.reject(new Error("down")));
  const { sender, retries } = retrySender(
    waiting,
    { initial_interval: "1m", max_interval: "1m", max_elapsed_time: "0" },
    stop.signal,
  );
  const sent = sender.send(request).catch((e) => e);
  await waitFor(() => retries().length === 1, "a wait for the next attempt");
  stop.abort(new Error("drain over"));
  const error = await sent;
  assert.ok(error instanceof SendInterrupted, String(error));
  assert.equal(waiting.calls, 1);

  const cut = attempts(() => Promise.reject(new SendInterrupted(new Error("cut off"))));
  const other = retrySender(cut);
  const interrupted = await other.sender.send(request).catch((e) => e);
  assert.ok(interrupted instanceof SendInterrupted);
  assert.equal(cut.calls, 1);
  assert.equal(other.retries().length, 0);
});

Deno.test("retry sender: after shutdown a failed request is interrupted instead of waiting", async () => {
  const next = attempts(() => Promise.reject(new Error("down")));
  const { sender } = retrySender(next);
  sender.shutdown();
  const error = await sender.send(request).catch((e) => e);
  assert.ok(error instanceof SendInterrupted, String(error));
  assert.equal(next.calls, 1, "the attempt itself still runs");
});
