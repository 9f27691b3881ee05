import assert from "node:assert/strict";
import {
  type BaseFactory,
  hasSignalMembers,
  memberCreate,
  memberStability,
  newSignalFactory,
  pairKey,
  signalKey,
  SignalNotSupportedError,
  signalOption,
  withValidateConfig,
} from "./mod.ts";

interface Made {
  readonly made: string;
  readonly args: unknown[];
}

type Members<C> = BaseFactory<C> & Readonly<Record<string, unknown>>;

Deno.test("pair keys and member names follow the option names", () => {
  assert.equal(pairKey("traces", "metrics"), "tracesToMetrics");
  assert.equal(signalKey("logs"), "logs");
  assert.equal(signalKey(["logs", "traces"]), "logsToTraces");
});

Deno.test("newSignalFactory gives every listed signal a create and a stability member", () => {
  const factory = newSignalFactory<Members<{ port: number }>, { port: number }>(
    "receiver",
    "pull",
    () => ({ port: 1 }),
    [
      signalOption("metrics", (...args: unknown[]): Made => ({ made: "metrics", args }), "beta"),
      withValidateConfig((config: { port: number }) => {
        if (config.port < 1) throw new Error("port: expected >= 1");
      }),
      // A signal the kind does not list (a twin's) is checked but gets no member.
      signalOption("profiles", () => undefined, "alpha"),
    ],
    ["traces", "metrics"],
  );
  assert.deepEqual(
    Object.keys(factory).filter((k) => k.startsWith("create") || k.endsWith("Stability")),
    ["createDefaultConfig", "createTraces", "tracesStability", "createMetrics", "metricsStability"],
  );
  assert.equal(factory.metricsStability, "beta");
  assert.equal(factory.tracesStability, "undefined");
  assert.equal(factory.profilesStability, undefined);
  const made = (factory.createMetrics as (...args: unknown[]) => Made)("s", "c", "n");
  assert.deepEqual(made, { made: "metrics", args: ["s", "c", "n"] });
  assert.throws(
    () => (factory.createTraces as () => unknown)(),
    (e) =>
      e instanceof SignalNotSupportedError &&
      e.message === 'receiver "pull" does not support the traces signal',
  );
  assert.throws(() => factory.validateConfig?.({ port: 0 }), /port/);
  assert.throws(
    () =>
      newSignalFactory("receiver", "pull", () => ({}), [
        signalOption("profiles", () => undefined, "alpha"),
        signalOption("profiles", () => undefined, "beta"),
      ], ["traces"]),
    /receiver factory "pull": profiles is configured twice/,
  );
});

Deno.test("pair members are named by pair key and refuse with from->to", () => {
  const factory = newSignalFactory<Members<unknown>, unknown>(
    "connector",
    "count",
    () => ({}),
    [signalOption(pairKey("traces", "logs"), () => "joined", "development")],
    [["traces", "logs"], ["logs", "traces"]],
  );
  assert.equal(memberStability(factory, "tracesToLogs"), "development");
  assert.equal(memberStability(factory, "logsToTraces"), "undefined");
  assert.equal(memberStability(factory, "tracesToTraces"), "undefined");
  assert.equal(memberCreate(factory, "tracesToLogs")?.(), "joined");
  assert.equal(memberCreate(factory, "tracesToTraces"), undefined);
  assert.ok(hasSignalMembers(factory, "logsToTraces"));
  assert.ok(!hasSignalMembers(factory, "metricsToTraces"));
  assert.throws(
    () => memberCreate(factory, "logsToTraces")?.(),
    /connector "count" does not support the logs->traces signal/,
  );
});

Deno.test("memberCreate calls the member on its factory", () => {
  const factory = {
    type: "self",
    prefix: "from",
    createTraces(this: { prefix: string }, suffix: string) {
      return `${this.prefix} ${suffix}`;
    },
  };
  assert.equal(memberCreate(factory, "traces")?.("self"), "from self");
});
