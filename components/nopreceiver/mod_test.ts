import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { factory } from "./mod.ts";

Deno.test("nop receiver: starts and stops for every signal without producing data", async () => {
  assert.equal(factory.type, "nop");
  const settings = nopSettings("receiver", "nop");
  const sink = new SinkConsumer<never>();
  for (
    const receiver of [
      factory.createTraces(settings, {}, sink),
      factory.createMetrics(settings, {}, sink),
      factory.createLogs(settings, {}, sink),
      factory.createProfiles(settings, {}, sink),
    ]
  ) {
    await receiver.start(nopHost());
    await new Promise((resolve) => setTimeout(resolve, 5));
    await receiver.shutdown();
  }
  assert.equal(sink.all.length, 0);
  assert.deepEqual(
    [
      factory.tracesStability,
      factory.metricsStability,
      factory.logsStability,
      factory.profilesStability,
    ],
    ["beta", "beta", "beta", "alpha"],
  );
});
