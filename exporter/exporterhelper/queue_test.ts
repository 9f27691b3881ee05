import assert from "node:assert/strict";
import {
  MemoryQueue,
  QueueClosedError,
  type QueueEntry,
  QueueFullError,
  RequestTooLargeError,
} from "./queue.ts";

const entry = (name: string, items = 1): QueueEntry<string> => ({ data: name, items });
const never = () => new AbortController().signal;

/** Whether `promise` is still pending once everything already runnable has run. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol("pending");
  const first = await Promise.race([
    promise.then(() => undefined, () => undefined),
    new Promise((r) => setTimeout(() => r(marker), 10)),
  ]);
  return first === marker;
}

Deno.test("memory queue: first in, first out; size counts requests or items", async () => {
  const requests = new MemoryQueue<string>(10, "requests", false);
  const items = new MemoryQueue<string>(10, "items", false);
  for (const queue of [requests, items]) {
    await queue.offer(entry("a", 3));
    await queue.offer(entry("b", 4));
  }
  assert.equal(requests.size(), 2);
  assert.equal(items.size(), 7);
  const first = await items.take();
  assert.equal(first?.data, "a");
  assert.equal(items.size(), 7, "an entry in flight still counts");
  await items.complete(first!);
  assert.equal(items.size(), 4);
  assert.equal((await items.take())?.data, "b");
});

Deno.test("memory queue: refuses when full, and a request larger than the whole queue", async () => {
  const queue = new MemoryQueue<string>(5, "items", false);
  await assert.rejects(queue.offer(entry("huge", 6)), RequestTooLargeError);
  await queue.offer(entry("a", 3));
  await assert.rejects(queue.offer(entry("b", 3)), QueueFullError);
  await queue.offer(entry("c", 2));
  assert.equal(queue.size(), 5);
});

Deno.test("memory queue: a blocking offer waits for room; its signal ends the wait", async () => {
  const queue = new MemoryQueue<string>(1, "requests", true);
  await queue.offer(entry("a"));
  const second = queue.offer(entry("b"));
  const gaveUp = new AbortController();
  const third = queue.offer(entry("c"), gaveUp.signal);
  assert.ok(await pending(second));
  gaveUp.abort(new Error("caller gone"));
  await assert.rejects(third, /caller gone/);
  await queue.complete((await queue.take())!);
  await second;
  assert.equal((await queue.take())?.data, "b");
});

Deno.test("memory queue: drain refuses offers, hands out what is left and resolves once it was completed", async () => {
  const queue = new MemoryQueue<string>(10, "requests", true);
  await queue.offer(entry("a"));
  await queue.offer(entry("b"));
  const taken = (await queue.take())!;
  const drained = queue.drain(never());
  await assert.rejects(queue.offer(entry("late")), QueueClosedError);
  const rest = (await queue.take())!;
  assert.equal(rest.data, "b");
  assert.equal(await queue.take(), undefined, "nothing more after the drain began");
  await queue.complete(rest);
  assert.ok(await pending(drained), "an entry is still in flight");
  await queue.complete(taken);
  await drained;
  assert.equal(queue.size(), 0);
  assert.equal(await queue.close(), 0);
});

Deno.test("memory queue: the deadline ends a drain with an entry still in flight", async () => {
  const queue = new MemoryQueue<string>(10, "requests", false);
  await queue.offer(entry("a"));
  await queue.take();
  const deadline = new AbortController();
  const drained = queue.drain(deadline.signal);
  assert.ok(await pending(drained));
  deadline.abort();
  await drained;
});

Deno.test("memory queue: stop gives up what waits, refuses offers, and a cut-off entry leaves", async () => {
  const queue = new MemoryQueue<string>(10, "items", true);
  await queue.offer(entry("sending", 2));
  await queue.offer(entry("waiting", 3));
  const sending = (await queue.take())!;
  const waiting = queue.stop();
  assert.deepEqual(waiting.map((e) => e.data), ["waiting"]);
  assert.equal(await queue.take(), undefined);
  await assert.rejects(queue.offer(entry("late")), QueueClosedError);
  assert.equal(queue.size(), 2, "only the entry in flight");
  assert.equal(queue.keepsUnsent, false);
  await queue.retain(sending);
  assert.equal(queue.size(), 0, "a cut-off entry is not kept in memory");
});

Deno.test("memory queue: a consumer waiting for an entry gets none once stopped", async () => {
  const queue = new MemoryQueue<string>(10, "requests", false);
  const consumer = queue.take();
  assert.ok(await pending(consumer));
  assert.deepEqual(queue.stop(), []);
  assert.equal(await consumer, undefined);
});
