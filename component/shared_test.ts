import assert from "node:assert/strict";
import { newComponent, SharedComponents } from "./mod.ts";
import { nopHost } from "./componenttest/mod.ts";

Deno.test("SharedComponents starts once and stops after the last handle shuts down", async () => {
  const events: string[] = [];
  let created = 0;
  const make = () => {
    created++;
    return newComponent({
      start: () => void events.push("start"),
      shutdown: () => void events.push("stop"),
    });
  };
  const shared = new SharedComponents<string, ReturnType<typeof newComponent>>();
  const a = shared.getOrAdd("otlp", make);
  const b = shared.getOrAdd("otlp", make);
  const other = shared.getOrAdd("other", make);
  assert.equal(a.shared, b.shared);
  assert.notEqual(a.shared, other.shared);
  assert.equal(created, 2);
  await a.start(nopHost());
  await b.start(nopHost());
  await a.shutdown();
  await a.shutdown();
  assert.deepEqual(events, ["start"]);
  await b.shutdown();
  assert.deepEqual(events, ["start", "stop"]);
  await other.shutdown();
  assert.deepEqual(events, ["start", "stop", "stop"]);
  assert.equal(shared.size, 0);
  const again = shared.getOrAdd("otlp", make);
  assert.notEqual(again.shared, a.shared, "a stopped component is not handed out again");
});

Deno.test("SharedComponents: a failing use makes no handle and forgets a component made for it", async () => {
  const events: string[] = [];
  const shared = new SharedComponents<string, ReturnType<typeof newComponent>>();
  const make = () => newComponent({ shutdown: () => void events.push("stop") });
  assert.throws(
    () =>
      shared.getOrAdd("otlp", make, () => {
        throw new Error("traces is already wired");
      }),
    /already wired/,
  );
  assert.equal(shared.size, 0);
  await Promise.resolve();
  assert.deepEqual(events, ["stop"], "the component made for the failed call is shut down");
  const first = shared.getOrAdd("otlp", make);
  assert.throws(() =>
    shared.getOrAdd("otlp", make, () => {
      throw new Error("no");
    })
  );
  assert.equal(shared.size, 1, "an existing component is kept when another user fails");
  await first.shutdown();
  assert.deepEqual(events, ["stop", "stop"], "the failed call took no handle");
});

Deno.test("SharedComponents: every user gets the outcome of the one start", async () => {
  let starts = 0;
  const shared = new SharedComponents<string, ReturnType<typeof newComponent>>();
  const make = () =>
    newComponent({
      start: () => {
        starts++;
        throw new Error("port in use");
      },
    });
  const a = shared.getOrAdd("otlp", make);
  const b = shared.getOrAdd("otlp", make);
  await assert.rejects(a.start(nopHost()), /port in use/);
  await assert.rejects(b.start(nopHost()), /port in use/);
  assert.equal(starts, 1);
  await a.shutdown();
  await b.shutdown();
  await assert.rejects(a.start(nopHost()), /already been shut down/);
});
