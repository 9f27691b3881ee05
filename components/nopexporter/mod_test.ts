import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { logs, metrics, traces } from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";
import { factory } from "./mod.ts";

Deno.test("nop exporter: accepts every signal", async () => {
  assert.equal(factory.type, "nop");
  const settings = nopSettings("exporter", "nop");
  const cases = [
    [factory.createTraces(settings, {}), traces.decodeJson('{"resourceSpans":[{}]}')],
    [factory.createMetrics(settings, {}), metrics.empty()],
    [factory.createLogs(settings, {}), logs.empty()],
    [factory.createProfiles(settings, {}), profiles.empty()],
  ] as const;
  for (const [exporter, data] of cases) {
    await exporter.start(nopHost());
    assert.deepEqual(exporter.capabilities(), { mutatesData: false });
    // deno-lint-ignore no-explicit-any
    await (exporter.consume as (d: any) => Promise<void>)(data);
    await exporter.shutdown();
  }
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
