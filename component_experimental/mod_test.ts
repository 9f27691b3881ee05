import assert from "node:assert/strict";
import {
  newSignalFactory,
  SignalNotSupportedError,
  signalOption,
  type Signature,
} from "@denocol/component";
import { profilesMembers } from "./mod.ts";

type Signatures = {
  readonly traces: Signature<[label: string], string>;
  readonly profiles: Signature<[label: string], string>;
};

Deno.test("profilesMembers call create and stability for profiles", () => {
  const core = newSignalFactory<unknown, Signatures>("exporter", "both", () => ({}), [
    signalOption("traces", (label: string) => `traces ${label}`, "beta"),
    signalOption("profiles", (label: string) => `profiles ${label}`, "alpha"),
  ]);
  const members = profilesMembers(core);
  assert.equal(members.profilesStability, "alpha");
  assert.equal(members.createProfiles("p"), "profiles p");
});

Deno.test("profilesMembers refuse profiles when no option gives it", () => {
  const core = newSignalFactory<unknown, Signatures>("exporter", "plain", () => ({}), [
    signalOption("traces", (label: string) => label, "beta"),
  ]);
  const members = profilesMembers(core);
  assert.equal(members.profilesStability, "undefined");
  assert.throws(
    () => members.createProfiles("p"),
    (e) =>
      e instanceof SignalNotSupportedError &&
      e.message === 'exporter "plain" does not support the profiles signal',
  );
});
