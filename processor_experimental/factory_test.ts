import assert from "node:assert/strict";
import { SignalNotSupportedError } from "@denocol/component";
import { nopSettings } from "@denocol/component/componenttest";
import { newProfilesSink } from "@denocol/consumer-experimental/consumertest";
import { profiles } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import { newFactory as newStableFactory, newLogsProcessor, withLogs } from "@denocol/processor";
import { isProfilesFactory, newFactory, newProfilesProcessor, withProfiles } from "./mod.ts";
import { checkProcessorFactory } from "./processortest/mod.ts";

Deno.test("a twin factory without withProfiles refuses profiles by name", async () => {
  const logsOnly = newFactory(
    "logsonly",
    () => ({}),
    withLogs((_s, _c, next) => newLogsProcessor(next, (l) => l), "alpha"),
  );
  assert.ok(isProfilesFactory(logsOnly));
  assert.equal(logsOnly.profilesStability, "undefined");
  assert.throws(
    () => logsOnly.createProfiles(nopSettings("processor"), {}, newProfilesSink()),
    (e: unknown) => e instanceof SignalNotSupportedError && e.kind === "processor",
  );
  await checkProcessorFactory(logsOnly);
});

Deno.test("a profiles processor can drop data by returning undefined", async () => {
  const sink = newProfilesSink();
  const dropEmpty = newProfilesProcessor(sink, (p) => profiles.count(p) === 0 ? undefined : p);
  await dropEmpty.consume(profiles.empty());
  await dropEmpty.consume(generateProfiles({ seed: 2, samplesPerProfile: 1 }));
  assert.equal(sink.all.length, 1);
});

Deno.test("stable factories are not profiles factories; twice-declared profiles is an error", () => {
  assert.ok(!isProfilesFactory(newStableFactory("plain", () => ({}))));
  assert.throws(
    () =>
      newFactory(
        "twice",
        () => ({}),
        withProfiles((_s, _c, next) => newProfilesProcessor(next, (p) => p), "alpha"),
        withProfiles((_s, _c, next) => newProfilesProcessor(next, (p) => p), "beta"),
      ),
    /processor factory "twice": profiles is configured twice/,
  );
});
