import assert from "node:assert/strict";
import { ID, MetricsRegistry, newComponent, SignalNotSupportedError } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { newProfilesSink } from "@denocol/consumer-experimental/consumertest";
import { profiles } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import { newFactory as newStableFactory, withLogs, withTraces } from "@denocol/receiver";
import { isProfilesFactory, newFactory, newObsReport, withProfiles } from "./mod.ts";
import { checkReceiverFactory } from "./receivertest/mod.ts";

/** Sends one generated batch of profiles when it starts. */
const replayFactory = newFactory(
  "replay",
  () => ({ seed: 3 }),
  withLogs(() => newComponent(), "alpha"),
  withProfiles((settings, config, next) => {
    const obs = newObsReport(settings, "memory");
    return newComponent({
      start: async () => {
        const data = generateProfiles({ seed: config.seed, samplesPerProfile: 2 });
        await obs.observe("profiles", profiles.count(data), () => next.consume(data));
      },
    });
  }, "development"),
);

Deno.test("nop receiver with profiles passes the contract including profiles", async () => {
  const nop = newFactory(
    "nop",
    () => ({}),
    withTraces(() => newComponent(), "beta"),
    withProfiles(() => newComponent(), "development"),
  );
  await checkReceiverFactory(nop);
  await checkReceiverFactory(replayFactory);
});

Deno.test("the twin contract checks createProfiles refuses when profiles are not declared", async () => {
  const logsOnly = newFactory("logsonly", () => ({}), withLogs(() => newComponent(), "alpha"));
  assert.ok(isProfilesFactory(logsOnly));
  assert.equal(logsOnly.profilesStability, "undefined");
  assert.throws(
    () => logsOnly.createProfiles(nopSettings("receiver"), {}, newProfilesSink()),
    (e: unknown) => e instanceof SignalNotSupportedError && e.signal === "profiles",
  );
  await checkReceiverFactory(logsOnly);
});

Deno.test("a stable factory is not a profiles factory and keeps its signals", () => {
  const stable = newStableFactory("plain", () => ({}), withTraces(() => newComponent(), "beta"));
  assert.ok(!isProfilesFactory(stable));
  assert.equal(replayFactory.logsStability, "alpha");
  assert.equal(replayFactory.tracesStability, "undefined");
  assert.throws(
    () =>
      newFactory(
        "twice",
        () => ({}),
        withProfiles(() => newComponent(), "alpha"),
        withProfiles(() => newComponent(), "beta"),
      ),
    /profiles is configured twice/,
  );
});

Deno.test("profiles receiver delivers samples and counts them as accepted", async () => {
  const registry = new MetricsRegistry();
  const sink = newProfilesSink();
  const receiver = replayFactory.createProfiles(
    nopSettings("receiver", new ID("replay"), { meter: registry }),
    { seed: 5 },
    sink,
  );
  await receiver.start(nopHost());
  await receiver.shutdown();
  assert.ok(sink.count > 0);
  assert.equal(
    registry.value("otelcol_receiver_accepted_profile_samples", {
      receiver: "replay",
      transport: "memory",
    }),
    sink.count,
  );
});
