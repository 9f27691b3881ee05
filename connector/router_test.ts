import assert from "node:assert/strict";
import { newConsumer } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { isPipelineRouter, newPipelineRouter } from "@denocol/connector";

Deno.test("a pipeline router feeds all its pipelines, or the ones asked for", async () => {
  const a = new SinkConsumer<string[]>();
  const b = new SinkConsumer<string[]>();
  const mutating = newConsumer<string[]>((data) => void data.push("changed"), {
    capabilities: { mutatesData: true },
  });
  const router = newPipelineRouter(
    new Map([["logs/a", a], ["logs/b", b], ["logs/m", mutating]]),
    (data) => [...data],
  );
  assert.ok(isPipelineRouter(router));
  assert.ok(!isPipelineRouter(a));
  assert.deepEqual(router.pipelineIds, ["logs/a", "logs/b", "logs/m"]);
  await router.consume(["all"]);
  // The mutating pipeline got its own copy; the others share the original, unchanged.
  assert.deepEqual(a.all, [["all"]]);
  assert.equal(a.all[0], b.all[0]);
  await router.consumerFor(["logs/b", "logs/b"]).consume(["only b"]);
  assert.deepEqual(b.all.at(-1), ["only b"]);
  assert.equal(a.all.length, 1);
  assert.throws(
    () => router.consumerFor(["logs/a", "logs/x"]),
    /pipelines logs\/x are not fed by this connector; it feeds logs\/a, logs\/b, logs\/m/,
  );
  assert.throws(() => router.consumerFor([]), /no pipeline named; it feeds logs\/a/);
});
