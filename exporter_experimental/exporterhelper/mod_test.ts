import assert from "node:assert/strict";
import { MetricsRegistry } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { type Profiles, profiles } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import { defaultQueueConfig } from "@denocol/exporter/exporterhelper";
import { newProfiles } from "./mod.ts";

Deno.test("profiles exporter counts samples and survives the persistent-queue codec", async () => {
  const registry = new MetricsRegistry();
  const received: Profiles[] = [];
  const exporter = newProfiles(
    nopSettings("exporter", "otlp/p", { meter: registry }),
    (data) => {
      received.push(data);
      return Promise.resolve();
    },
    { queue: defaultQueueConfig() },
  );
  await exporter.start(nopHost());
  const data = generateProfiles({ seed: 7 });
  const samples = profiles.count(data);
  assert.ok(samples > 0);
  await exporter.consume(data);
  await exporter.shutdown();
  assert.equal(received.length, 1);
  assert.equal(
    registry.value("otelcol_exporter_sent_profile_samples", { exporter: "otlp/p" }),
    samples,
  );
});
