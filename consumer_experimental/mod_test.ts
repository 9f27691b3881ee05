import assert from "node:assert/strict";
import { profiles } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import { fanOutProfiles, newProfiles } from "./mod.ts";
import { newProfilesSink } from "./consumertest/mod.ts";

Deno.test("fanOutProfiles gives a mutating consumer its own deep copy", async () => {
  const data = generateProfiles({ seed: 7, samplesPerProfile: 3 });
  const expected = profiles.count(data);
  assert.ok(expected > 0);
  const mutating = newProfilesSink({ capabilities: { mutatesData: true } });
  const reading = newProfilesSink();
  await fanOutProfiles([mutating, reading]).consume(data);
  assert.equal(reading.all[0], data);
  assert.notEqual(mutating.all[0], data);
  mutating.all[0].resourceProfiles.length = 0;
  assert.equal(profiles.count(data), expected);
  assert.equal(reading.count, expected);
  assert.equal(mutating.count, expected);
});

Deno.test("newProfiles wraps a function and reports capabilities", async () => {
  let samples = 0;
  const consumer = newProfiles((data) => void (samples += profiles.count(data)), {
    capabilities: { mutatesData: true },
  });
  await consumer.consume(generateProfiles({ seed: 1, samplesPerProfile: 2 }));
  assert.ok(samples > 0);
  assert.deepEqual(consumer.capabilities(), { mutatesData: true });
});
