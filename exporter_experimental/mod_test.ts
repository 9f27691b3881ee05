import assert from "node:assert/strict";
import { ID, MetricsRegistry, newComponent, SignalNotSupportedError } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { newConsumer } from "@denocol/consumer";
import { type Exporter, newFactory as newStableFactory, withTraces } from "@denocol/exporter";
import type * as pdata from "@denocol/pdata";
import { type Profiles, profiles } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import { isProfilesFactory, newFactory, newObsReport, withProfiles } from "./mod.ts";
import { checkExporterFactory } from "./exportertest/mod.ts";

function nopExporter<T>(): Exporter<T> {
  return { ...newComponent(), ...newConsumer<T>(() => {}) };
}

/** Counts exported samples, reporting through the profiles ObsReport. */
const countingFactory = newFactory(
  "counting",
  () => ({}),
  withTraces(() => nopExporter<pdata.Traces>(), "beta"),
  withProfiles((settings) => {
    const obs = newObsReport(settings);
    return {
      ...newComponent(),
      ...newConsumer<Profiles>((data) =>
        obs.observe("profiles", profiles.count(data), () => Promise.resolve())
      ),
    };
  }, "development"),
);

Deno.test("nop and counting exporters pass the twin contract including profiles", async () => {
  const nop = newFactory("nop", () => ({}), withProfiles(() => nopExporter<Profiles>(), "alpha"));
  await checkExporterFactory(nop, { consumeEmpty: true });
  await checkExporterFactory(countingFactory, { consumeEmpty: true });
});

Deno.test("the twin contract catches a profiles exporter that fails to consume", async () => {
  const broken = newFactory(
    "broken",
    () => ({}),
    withProfiles(() => ({
      ...newComponent(),
      ...newConsumer<Profiles>(() => Promise.reject(new Error("no backend"))),
    }), "alpha"),
  );
  await assert.rejects(
    checkExporterFactory(broken, { consumeEmpty: true }),
    /lifecycle of profiles failed/,
  );
});

Deno.test("profiles ObsReport counts sent samples", async () => {
  const registry = new MetricsRegistry();
  const exporter = countingFactory.createProfiles(
    nopSettings("exporter", new ID("counting"), { meter: registry }),
    {},
  );
  const data = generateProfiles({ seed: 9, samplesPerProfile: 2 });
  await exporter.start(nopHost());
  await exporter.consume(data);
  await exporter.shutdown();
  assert.equal(
    registry.value("otelcol_exporter_sent_profile_samples", { exporter: "counting" }),
    profiles.count(data),
  );
});

Deno.test("profiles support is visible only on twin factories", () => {
  assert.ok(isProfilesFactory(countingFactory));
  assert.ok(!isProfilesFactory(newStableFactory("plain", () => ({}))));
  const tracesOnly = newFactory(
    "tonly",
    () => ({}),
    withTraces(() => nopExporter<pdata.Traces>(), "beta"),
  );
  assert.throws(
    () => tracesOnly.createProfiles(nopSettings("exporter"), {}),
    SignalNotSupportedError,
  );
});
