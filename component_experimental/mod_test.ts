import assert from "node:assert/strict";
import { ITEM_NAMES, SIGNALS } from "@denocol/component";
import {
  isSignalWithProfiles,
  ITEM_NAMES_WITH_PROFILES,
  PROFILES,
  SIGNALS_WITH_PROFILES,
} from "./mod.ts";

Deno.test("profiles extends the stable signals without changing them", () => {
  assert.deepEqual(SIGNALS_WITH_PROFILES, [...SIGNALS, "profiles"]);
  assert.ok(!(SIGNALS as readonly string[]).includes(PROFILES));
});

Deno.test("isSignalWithProfiles accepts the four signals only", () => {
  for (const signal of ["traces", "metrics", "logs", "profiles"]) {
    assert.ok(isSignalWithProfiles(signal), signal);
  }
  assert.ok(!isSignalWithProfiles("profile"));
  assert.ok(!isSignalWithProfiles("Traces"));
});

Deno.test("profiles are counted in samples and the stable item names are kept", () => {
  assert.equal(ITEM_NAMES_WITH_PROFILES.profiles, "profile_samples");
  for (const signal of SIGNALS) assert.equal(ITEM_NAMES_WITH_PROFILES[signal], ITEM_NAMES[signal]);
});
