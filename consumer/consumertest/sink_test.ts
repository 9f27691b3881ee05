import assert from "node:assert/strict";
import { errorConsumer, nopConsumer, SinkConsumer } from "./mod.ts";

Deno.test("SinkConsumer records batches, contexts and item counts", async () => {
  const sink = new SinkConsumer<number[]>({ countItems: (b) => b.length });
  const controller = new AbortController();
  await sink.consume([1, 2]);
  await sink.consume([3], { signal: controller.signal });
  assert.deepEqual(sink.all, [[1, 2], [3]]);
  assert.equal(sink.count, 3);
  assert.equal(sink.contexts[1].signal, controller.signal);
  sink.reset();
  assert.equal(sink.count, 0);
  assert.equal(sink.all.length, 0);
});

Deno.test("SinkConsumer.waitFor resolves when enough items arrive and times out otherwise", async () => {
  const sink = new SinkConsumer<string>();
  const waiting = sink.waitFor(2, 2000);
  await sink.consume("a");
  setTimeout(() => sink.consume("b"), 5);
  await waiting;
  assert.equal(sink.count, 2);
  await assert.rejects(sink.waitFor(3, 10), /received 2 items, expected 3 within 10 ms/);
});

Deno.test("errorConsumer rejects with its error and nopConsumer accepts", async () => {
  const error = new Error("down");
  await assert.rejects(errorConsumer<string>(error).consume("x"), (e) => e === error);
  await nopConsumer<string>().consume("x");
});
