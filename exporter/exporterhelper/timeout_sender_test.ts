import assert from "node:assert/strict";
import { SendInterrupted } from "./sender.ts";
import { TimeoutSender } from "./timeout_sender.ts";
import type { PushContext } from "./types.ts";

/** A push that never answers: it settles only when its attempt is aborted. */
function hang(_data: string[], context: PushContext): Promise<void> {
  return new Promise((_, reject) => {
    context.signal.addEventListener("abort", () => reject(context.signal.reason), { once: true });
  });
}

Deno.test("timeout sender: an attempt past its timeout fails, and its push's signal is aborted", async () => {
  const signals: AbortSignal[] = [];
  const sender = new TimeoutSender<string[]>(
    (data, context) => {
      signals.push(context.signal);
      return hang(data, context);
    },
    50,
    new AbortController().signal,
  );
  const error = await sender.send({ data: ["a"], items: 1 }).catch((e) => e);
  assert.ok(!(error instanceof SendInterrupted), "a timeout is an ordinary failure, retried");
  assert.match(String(error), /timed out after 50ms/);
  assert.equal(signals.length, 1);
  assert.ok(signals[0].aborted);
  assert.equal(signals[0].reason, error);
});

Deno.test("timeout sender: stopping cuts off the attempt in flight as interrupted", async () => {
  const stop = new AbortController();
  let started!: () => void;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  const sender = new TimeoutSender<string[]>(
    (data, context) => {
      started();
      return hang(data, context);
    },
    0,
    stop.signal,
  );
  const sent = sender.send({ data: ["a"], items: 1 }).catch((e) => e);
  await inFlight;
  stop.abort(new Error("drain time is over"));
  const error = await sent;
  assert.ok(error instanceof SendInterrupted, String(error));
  assert.equal((error.cause as Error).message, "drain time is over");
});

Deno.test("timeout sender: after the stop an attempt ends at once, even a push that ignores its signal", async () => {
  const stop = new AbortController();
  stop.abort(new Error("stopped"));
  let pushSignal: AbortSignal | undefined;
  const sender = new TimeoutSender<string[]>(
    (_data, context) => {
      pushSignal = context.signal;
      return new Promise(() => {}); // ignores its signal
    },
    0,
    stop.signal,
  );
  const error = await sender.send({ data: ["a"], items: 1 }).catch((e) => e);
  assert.ok(error instanceof SendInterrupted, String(error));
  assert.ok(pushSignal?.aborted, "the push was told to let go");
});

Deno.test("timeout sender: passes the data, the client and a partial success through", async () => {
  const seen: unknown[] = [];
  const sender = new TimeoutSender<string[]>(
    async (data, context) => {
      seen.push(data, context.client?.address);
      // Slower than a zero timeout would allow, were zero a limit.
      await new Promise((r) => setTimeout(r, 20));
      return { rejectedItems: 1, errorMessage: "one too old" };
    },
    0,
    new AbortController().signal,
  );
  const client = { address: "127.0.0.1:4000", metadata: new Map<string, string[]>() };
  const partial = await sender.send({ data: ["a", "b"], items: 2, client });
  assert.deepEqual(partial, { rejectedItems: 1, errorMessage: "one too old" });
  assert.deepEqual(seen, [["a", "b"], "127.0.0.1:4000"]);
});
