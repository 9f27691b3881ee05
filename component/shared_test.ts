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
