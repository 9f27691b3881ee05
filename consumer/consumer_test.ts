import assert from "node:assert/strict";
import {
  clientMetadata,
  type Consumer,
  fanOut,
  FanOutError,
  isPermanent,
  newConsumer,
  PermanentError,
  RetryableError,
  retryAfterOf,
} from "./mod.ts";
import { errorConsumer, SinkConsumer } from "./consumertest/mod.ts";

type Batch = { items: string[] };
const cloneBatch = (b: Batch): Batch => ({ items: [...b.items] });

Deno.test("newConsumer passes data and context and turns throws into rejections", async () => {
  const received: Array<[Batch, unknown]> = [];
  const consumer = newConsumer<Batch>((data, context) => void received.push([data, context]));
  const batch = { items: ["a"] };
  await consumer.consume(batch);
  assert.equal(received[0][0], batch);
  assert.deepEqual(received[0][1], {});
  assert.deepEqual(consumer.capabilities(), { mutatesData: false });
  const failing = newConsumer<Batch>(() => {
    throw new Error("sync failure");
  });
  await assert.rejects(failing.consume(batch), /sync failure/);
});

Deno.test("fanOut shares the original with read-only consumers and clones for mutating ones", async () => {
  const readA = new SinkConsumer<Batch>();
  const readB = new SinkConsumer<Batch>();
  const mutA = new SinkConsumer<Batch>({ capabilities: { mutatesData: true } });
  const mutB = new SinkConsumer<Batch>({ capabilities: { mutatesData: true } });
  let clones = 0;
  const fan = fanOut([mutA, readA, mutB, readB], (b) => {
    clones++;
    return cloneBatch(b);
  });
  const batch = { items: ["x"] };
  await fan.consume(batch);
  assert.equal(readA.all[0], batch);
  assert.equal(readB.all[0], batch);
  assert.notEqual(mutA.all[0], batch);
  assert.notEqual(mutB.all[0], batch);
  assert.notEqual(mutA.all[0], mutB.all[0]);
  assert.deepEqual(mutA.all[0], batch);
  assert.equal(clones, 2);
  assert.deepEqual(fan.capabilities(), { mutatesData: false });
});

Deno.test("fanOut gives the original to the last mutating consumer when none reads only", async () => {
  const first = new SinkConsumer<Batch>({ capabilities: { mutatesData: true } });
  const last = new SinkConsumer<Batch>({ capabilities: { mutatesData: true } });
  const batch = { items: ["x"] };
  await fanOut([first, last], cloneBatch).consume(batch);
  assert.notEqual(first.all[0], batch);
  assert.equal(last.all[0], batch);
});

Deno.test("fanOut copies before any consumer runs, so a mutation does not leak", async () => {
  const mutator: Consumer<Batch> = newConsumer((b) => {
    b.items.push("mutated");
  }, { capabilities: { mutatesData: true } });
  const reader = new SinkConsumer<Batch>();
  await fanOut([mutator, reader], cloneBatch).consume({ items: ["x"] });
  assert.deepEqual(reader.all[0].items, ["x"]);
});

Deno.test("fanOut of one consumer is that consumer, of none is an error", () => {
  const only = new SinkConsumer<Batch>();
  assert.equal(fanOut([only], cloneBatch), only);
  assert.throws(() => fanOut<Batch>([], cloneBatch), /at least one/);
});

Deno.test("fanOut delivers to every consumer even when some fail, and combines errors", async () => {
  const sink = new SinkConsumer<Batch>();
  const one = new PermanentError("bad data");
  await assert.rejects(
    fanOut([errorConsumer<Batch>(one), sink], cloneBatch).consume({ items: [] }),
    (e) => e === one,
  );
  assert.equal(sink.all.length, 1);

  const two = fanOut<Batch>([
    errorConsumer(new PermanentError("a")),
    errorConsumer(new RetryableError("b", { retryAfterMs: 300 })),
    errorConsumer(new RetryableError("c", { retryAfterMs: 100 })),
  ], cloneBatch);
  const error = await two.consume({ items: [] }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof FanOutError);
  assert.equal(error.errors.length, 3);
  assert.ok(!isPermanent(error), "one retryable consumer makes the whole retryable");
  assert.equal(retryAfterOf(error), 300);
  const allPermanent = new FanOutError([new PermanentError("a"), new PermanentError("b")]);
  assert.ok(isPermanent(allPermanent));
});

Deno.test("isPermanent follows the cause chain and stops at a retryable error", () => {
  assert.ok(isPermanent(new PermanentError("x")));
  assert.ok(isPermanent(new Error("wrapped", { cause: new PermanentError("x") })));
  assert.ok(!isPermanent(new RetryableError("r", { cause: new PermanentError("x") })));
  assert.ok(!isPermanent(new Error("plain")));
  assert.ok(!isPermanent("not an error"));
  assert.ok(!isPermanent(undefined));
  const wrapped = PermanentError.wrap(new TypeError("bad field"));
  assert.equal(wrapped.message, "bad field");
  assert.ok(wrapped.cause instanceof TypeError);
  assert.equal(PermanentError.wrap(wrapped), wrapped);
});

Deno.test("retryAfterOf finds hints through causes and validates them", () => {
  assert.equal(retryAfterOf(new RetryableError("x", { retryAfterMs: 1500 })), 1500);
  assert.equal(
    retryAfterOf(new Error("outer", { cause: new RetryableError("x", { retryAfterMs: 7 }) })),
    7,
  );
  assert.equal(retryAfterOf(new RetryableError("x")), undefined);
  assert.equal(retryAfterOf(new Error("x")), undefined);
  assert.throws(() => new RetryableError("x", { retryAfterMs: -1 }), /non-negative/);
});

Deno.test("clientMetadata lower-cases keys and keeps repeated values", () => {
  const fromHeaders = clientMetadata(new Headers({ "X-Tenant": "a" }));
  assert.deepEqual([...fromHeaders], [["x-tenant", ["a"]]]);
  const fromEntries = clientMetadata([["X-A", "1"], ["x-a", "2"]]);
  assert.deepEqual(fromEntries.get("x-a"), ["1", "2"]);
  const fromRecord = clientMetadata({ Auth: ["t1", "t2"], Tenant: "b" });
  assert.deepEqual(fromRecord.get("auth"), ["t1", "t2"]);
  assert.deepEqual(fromRecord.get("tenant"), ["b"]);
});
