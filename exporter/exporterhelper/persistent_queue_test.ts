import assert from "node:assert/strict";
import { ID } from "@denocol/component";
import { type CorruptEntryHandler, PersistentQueue } from "./persistent_queue.ts";
import { QueueClosedError } from "./queue.ts";
import { MapStorage } from "./testutil_test.ts";

const codec = {
  encode: (data: string) => new TextEncoder().encode(data),
  decode: (bytes: Uint8Array) => new TextDecoder().decode(bytes),
};

async function open(storage: MapStorage, onCorrupt: CorruptEntryHandler = () => {}) {
  const client = await storage.getClient("exporter", ID.parse("otlp"), "logs");
  return PersistentQueue.open(client, codec, {
    capacity: 100,
    sizer: "items",
    blocking: false,
    onCorrupt,
  });
}

const entry = (data: string, items = 1) => ({ data, items });

Deno.test("persistent queue: what was in flight comes back first, then what waited; a completed entry is gone", async () => {
  const storage = new MapStorage();
  const before = await open(storage);
  for (const name of ["a", "b", "c", "d"]) await before.offer(entry(name, 2));
  const a = (await before.take())!;
  const b = (await before.take())!;
  await before.complete(a);
  assert.equal(storage.storedItems(), 3);
  // b is still in flight: the drain waits for it unless its deadline passes.
  const deadline = new AbortController();
  const drained = before.drain(deadline.signal);
  deadline.abort();
  await drained;
  assert.equal(await before.take(), undefined, "a drained persistent queue hands out nothing");
  await before.retain(b);
  assert.equal(await before.close(), 6, "b, c and d stay, 2 items each");

  const after = await open(storage);
  assert.equal(after.restored, 3);
  assert.equal(after.size(), 6);
  const order: string[] = [];
  for (let i = 0; i < 3; i++) {
    const next = (await after.take())!;
    order.push(next.data);
    await after.complete(next);
  }
  assert.deepEqual(order, ["b", "c", "d"]);
  assert.equal(storage.storedItems(), 0);
  await after.close();
});

Deno.test("persistent queue: drain resolves once the entries in flight are done, leaving the rest stored", async () => {
  const storage = new MapStorage();
  const queue = await open(storage);
  await queue.offer(entry("sending"));
  await queue.offer(entry("waiting"));
  const sending = (await queue.take())!;
  let drained = false;
  const draining = queue.drain(new AbortController().signal).then(() => (drained = true));
  await assert.rejects(queue.offer(entry("late")), QueueClosedError);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(drained, false);
  await queue.complete(sending);
  await draining;
  assert.equal(await queue.close(), 1);
  assert.equal(storage.storedItems(), 1);
});

Deno.test("persistent queue: stop keeps what waits and goes on storing offers until drained", async () => {
  const storage = new MapStorage();
  const queue = await open(storage);
  await queue.offer(entry("waiting"));
  const kept = queue.stop();
  assert.deepEqual(kept.map((e) => e.data), ["waiting"]);
  assert.equal(queue.keepsUnsent, true);
  assert.equal(await queue.take(), undefined, "consumers get nothing after the stop");
  await queue.offer(entry("late"));
  assert.equal(storage.storedItems(), 2);
  await queue.drain(new AbortController().signal);
  assert.equal(await queue.close(), 2);
  const after = await open(storage);
  assert.deepEqual(after.stop(), [], "restored requests have no entry until they are taken");
  assert.equal(after.size(), 2);
});

Deno.test("persistent queue: a stored request that cannot be read is skipped and reported", async () => {
  const storage = new MapStorage();
  const before = await open(storage);
  await before.offer(entry("good"));
  await before.offer(entry("bad", 3));
  await before.close();
  const key = [...storage.data.keys()].filter((k) => /\/\d+$/.test(k)).sort().at(-1)!;
  storage.data.set(key, Uint8Array.of(9, 9, 9));
  const reported: [number, number][] = [];
  const after = await open(storage, (k, items) => reported.push([k, items]));
  assert.deepEqual(reported, [[1, 0]], "a broken frame is reported on open");
  assert.equal((await after.take())?.data, "good");
  assert.equal(after.size(), 1);
});

Deno.test("persistent queue: takes over what leftover stores hold, after its own, and empties them", async () => {
  const own = new MapStorage();
  const leftover = new MapStorage();
  const mine = await open(own);
  await mine.offer(entry("own"));
  await mine.close();
  // A store of an instance that no longer runs: one request in flight, two waiting, one corrupt.
  const other = await open(leftover);
  for (const name of ["in flight", "waiting", "broken", "last"]) await other.offer(entry(name, 2));
  await other.take();
  await other.close();
  const brokenKey = [...leftover.data.keys()].find((k) => k.endsWith("/2"))!;
  leftover.data.set(brokenKey, Uint8Array.of(9));

  const ownClient = await own.getClient("exporter", ID.parse("otlp"), "logs");
  const leftoverClient = await leftover.getClient("exporter", ID.parse("otlp"), "logs");
  let leftoverClosed = false;
  const reported: number[] = [];
  const queue = await PersistentQueue.open(
    {
      ...ownClient,
      leftovers: () =>
        Promise.resolve([{
          ...leftoverClient,
          close: () => {
            leftoverClosed = true;
            return leftoverClient.close();
          },
        }]),
    },
    codec,
    {
      capacity: 100,
      sizer: "items",
      blocking: false,
      onCorrupt: (key) => reported.push(key),
    },
  );
  assert.equal(queue.restored, 4);
  assert.equal(queue.size(), 7);
  assert.deepEqual(reported, [2], "the corrupt request is reported and dropped");
  assert.equal(leftoverClosed, true);
  assert.deepEqual([...leftover.data.keys()], [], "the leftover store is left empty");
  const order: string[] = [];
  for (let i = 0; i < 4; i++) {
    const next = (await queue.take())!;
    order.push(next.data);
    await queue.complete(next);
  }
  assert.deepEqual(order, ["own", "in flight", "waiting", "last"]);
  assert.equal(own.storedItems(), 0);
  await queue.close();
});
