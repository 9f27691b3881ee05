import assert from "node:assert/strict";
import {
  newSignalFactory,
  type SignalFactory,
  SignalNotSupportedError,
  signalOption,
  type SignalOptionOf,
  type Signature,
  stableSignalMembers,
  withValidateConfig,
} from "./mod.ts";

interface Config {
  port: number;
}

/** A kind whose create functions take a label and return what they made. */
type Made = { readonly made: string; readonly label: string };
type Signatures = {
  readonly traces: Signature<[label: string], Made>;
  readonly metrics: Signature<[label: string], Made>;
  readonly logs: Signature<[label: string], Made>;
  readonly profiles: Signature<[label: string, extra: number], Made>;
};

function make(signal: string) {
  return (label: string): Made => ({ made: signal, label });
}

function pull(
  ...options: SignalOptionOf<Signatures>[]
): SignalFactory<Config, Signatures> {
  return newSignalFactory<Config, Signatures>("receiver", "pull", () => ({ port: 1 }), [
    ...options,
    withValidateConfig((config: Config) => {
      if (config.port < 1) throw new Error("port: expected >= 1");
    }),
  ]);
}

Deno.test("newSignalFactory creates and rates the signals it has options for", () => {
  const factory = pull(
    signalOption("metrics", make("metrics"), "beta"),
    signalOption(
      "profiles",
      (label: string, extra: number) => ({ made: `p${extra}`, label }),
      "alpha",
    ),
  );
  assert.equal(factory.stability("metrics"), "beta");
  assert.equal(factory.stability("profiles"), "alpha");
  assert.equal(factory.stability("traces"), "undefined");
  assert.equal(factory.stability("entities"), "undefined");
  assert.deepEqual(factory.create("metrics", "m"), { made: "metrics", label: "m" });
  assert.deepEqual(factory.create("profiles", "p", 2), { made: "p2", label: "p" });
  assert.throws(
    () => factory.create("traces", "t"),
    (e) =>
      e instanceof SignalNotSupportedError && e.signal === "traces" &&
      e.message === 'receiver "pull" does not support the traces signal',
  );
  assert.throws(() => factory.validateConfig?.({ port: 0 }), /port/);
  assert.deepEqual(factory.createDefaultConfig(), { port: 1 });
});

Deno.test("newSignalFactory refuses a signal given twice or without a real stability", () => {
  assert.throws(
    () => pull(signalOption("logs", make("a"), "alpha"), signalOption("logs", make("b"), "beta")),
    (e) =>
      e instanceof TypeError && e.message === 'receiver factory "pull": logs is configured twice',
  );
  assert.throws(
    () => pull(signalOption("logs", make("a"), "undefined")),
    (e) =>
      e instanceof TypeError &&
      e.message === 'receiver factory "pull": logs has stability "undefined"; expected one of ' +
          "unmaintained, deprecated, development, alpha, beta, stable",
  );
  assert.throws(
    () => newSignalFactory("receiver", "bad-type", () => ({}), []),
    /invalid component type "bad-type"/,
  );
});

Deno.test("newSignalFactory keeps create functions typed by signal", () => {
  const factory = pull(signalOption("traces", make("traces"), "beta"));
  // @ts-expect-error: profiles takes a second argument
  assert.throws(() => factory.create("profiles", "p"), SignalNotSupportedError);
  // @ts-expect-error: traces takes a label, not a number
  assert.deepEqual(factory.create("traces", 1), { made: "traces", label: 1 });
  const wrong = pull(
    // @ts-expect-error: metrics is given a create function of another signature
    signalOption("metrics", (n: number) => ({ made: "metrics", label: `${n}` }), "beta"),
  );
  assert.equal(wrong.stability("metrics"), "beta");
});

Deno.test("stableSignalMembers are the Go-style members over create and stability", () => {
  const factory = pull(
    signalOption("traces", make("traces"), "development"),
    signalOption("logs", make("logs"), "stable"),
  );
  const members = stableSignalMembers(factory);
  assert.deepEqual(Object.keys(members), [
    "createTraces",
    "tracesStability",
    "createMetrics",
    "metricsStability",
    "createLogs",
    "logsStability",
  ]);
  assert.equal(members.tracesStability, "development");
  assert.equal(members.metricsStability, "undefined");
  assert.equal(members.logsStability, "stable");
  assert.deepEqual(members.createLogs("l"), { made: "logs", label: "l" });
  assert.throws(() => members.createMetrics("m"), SignalNotSupportedError);
});
