import assert from "node:assert/strict";
import { nopSettings } from "@denocol/component/componenttest";
import { checkExporterFactory } from "@denocol/exporter-experimental/exportertest";
import { factory } from "./mod.ts";

Deno.test("nop exporter: the exporter contract, consuming data of every signal", async () => {
  await checkExporterFactory(factory, { consumeEmpty: true });
});

Deno.test("nop exporter: type, stability and capabilities", () => {
  assert.equal(factory.type, "nop");
  assert.deepEqual(
    [
      factory.tracesStability,
      factory.metricsStability,
      factory.logsStability,
      factory.profilesStability,
    ],
    ["beta", "beta", "beta", "alpha"],
  );
  const exporter = factory.createTraces(nopSettings("exporter", "nop"), {});
  assert.deepEqual(exporter.capabilities(), { mutatesData: false });
});
