import assert from "node:assert/strict";
import { SIGNALS } from "@denocol/component";
import { isSignalWithProfiles, PROFILES, SIGNALS_WITH_PROFILES } from "./mod.ts";

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
