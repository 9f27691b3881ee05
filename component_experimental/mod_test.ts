import assert from "node:assert/strict";
import {
  type BaseFactory,
  ITEM_NAMES,
  type Kind,
  newSignalFactory,
  SignalNotSupportedError,
  type SignalOption,
  signalOption,
  SIGNALS,
} from "@denocol/component";
import {
  isSignalWithProfiles,
  ITEM_NAMES_WITH_PROFILES,
  newProfilesFactory,
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

type Members = BaseFactory<unknown> & Readonly<Record<string, unknown>>;
type Option = SignalOption<string, unknown>;

function stableFactory(kind: Kind, type: string, options: Option[]): Members {
  return newSignalFactory<Members, unknown>(kind, type, () => ({}), options, SIGNALS);
}

Deno.test("newProfilesFactory adds the profiles members to the stable factory", () => {
  const passed: Option[][] = [];
  const factory = newProfilesFactory<Members, Option>(
    "receiver",
    "both",
    [
      signalOption("traces", () => "traces receiver", "beta"),
      signalOption(PROFILES, (...args: unknown[]) => ["profiles receiver", ...args], "alpha"),
    ],
    (stable) => {
      passed.push(stable);
      return stableFactory("receiver", "both", stable);
    },
  );
  assert.deepEqual(passed.map((options) => options.map((o) => o.signal)), [["traces"]]);
  assert.equal(factory.tracesStability, "beta");
  assert.equal(factory.profilesStability, "alpha");
  assert.deepEqual((factory.createProfiles as (...a: unknown[]) => unknown)("s", "c", "n"), [
    "profiles receiver",
    "s",
    "c",
    "n",
  ]);
});

Deno.test("newProfilesFactory refuses profiles when no option gives it", () => {
  const factory = newProfilesFactory<Members, Option>(
    "exporter",
    "plain",
    [],
    (stable) => stableFactory("exporter", "plain", stable),
  );
  assert.equal(factory.profilesStability, "undefined");
  assert.throws(
    () => (factory.createProfiles as () => unknown)(),
    (e) =>
      e instanceof SignalNotSupportedError &&
      e.message === 'exporter "plain" does not support the profiles signal',
  );
});

Deno.test("newProfilesFactory rejects profiles twice or undefined, after the stable checks", () => {
  const create = () => undefined;
  const build = (type: string, options: Option[]) =>
    newProfilesFactory<Members, Option>(
      "processor",
      type,
      options,
      (stable) => stableFactory("processor", type, stable),
    );
  assert.throws(
    () =>
      build("twice", [
        signalOption(PROFILES, create, "alpha"),
        signalOption(PROFILES, create, "beta"),
      ]),
    (e) =>
      e instanceof TypeError &&
      e.message === 'processor factory "twice": profiles is configured twice',
  );
  assert.throws(
    () => build("none", [signalOption(PROFILES, create, "undefined")]),
    (e) =>
      e instanceof TypeError &&
      e.message ===
        'processor factory "none": profiles has stability "undefined"; expected one of ' +
          "unmaintained, deprecated, development, alpha, beta, stable",
  );
  assert.throws(
    () => build("bad-type", [signalOption(PROFILES, create, "undefined")]),
    /invalid component type "bad-type"/,
  );
});
