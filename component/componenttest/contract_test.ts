import assert from "node:assert/strict";
import {
  type Component,
  newBaseFactory,
  newComponent,
  type Settings,
  SignalNotSupportedError,
  type StabilityLevel,
  withValidateConfig,
} from "@denocol/component";
import { checkFactoryContract, ContractError, type SignalCase } from "./mod.ts";

interface Config {
  port: number;
}

const validate = withValidateConfig<Config>((config) => {
  if (config.port < 1 || config.port > 65535) {
    throw new Error(`port: expected 1..65535, got ${config.port}`);
  }
});

function cases(
  make: (signal: string) => Component,
  stabilities: Record<string, StabilityLevel>,
): SignalCase<Config>[] {
  return Object.entries(stabilities).map(([signal, stability]) => ({
    signal,
    stability,
    create: (_settings: Settings, _config: Config) => {
      if (stability === "undefined") throw new SignalNotSupportedError("receiver", "fake", signal);
      return make(signal);
    },
  }));
}

const factory = newBaseFactory<Config>("fake", () => ({ port: 4317 }), [validate]);

Deno.test("a well-behaved factory passes the contract", async () => {
  let starts = 0;
  await checkFactoryContract({
    kind: "receiver",
    factory,
    cases: cases(
      () => newComponent({ start: () => void starts++ }),
      { traces: "beta", metrics: "undefined", logs: "alpha" },
    ),
    invalidConfigs: [(c) => ({ ...c, port: 0 })],
  });
  assert.equal(starts, 2);
});

Deno.test("the contract catches a second shutdown that fails", async () => {
  const fragile = (): Component => {
    let closed = false;
    return {
      start: () => Promise.resolve(),
      shutdown: () => {
        if (closed) return Promise.reject(new Error("already closed"));
        closed = true;
        return Promise.resolve();
      },
    };
  };
  await assert.rejects(
    checkFactoryContract({ kind: "receiver", factory, cases: cases(fragile, { traces: "beta" }) }),
    (e: unknown) => e instanceof ContractError && /lifecycle of traces failed/.test(e.message),
  );
});

Deno.test("the contract catches an unsupported signal that does not throw the right error", async () => {
  const sloppy: SignalCase<Config>[] = [
    ...cases(() => newComponent(), { traces: "beta" }),
    { signal: "logs", stability: "undefined", create: () => newComponent() },
  ];
  await assert.rejects(
    checkFactoryContract({ kind: "exporter", factory, cases: sloppy }),
    /exporter factory "fake": creating unsupported signal logs must throw SignalNotSupportedError/,
  );
});

Deno.test("the contract catches a validator that accepts a bad config", async () => {
  await assert.rejects(
    checkFactoryContract({
      kind: "receiver",
      factory,
      cases: cases(() => newComponent(), { traces: "beta" }),
      invalidConfigs: [(c) => ({ ...c, port: 80 })],
    }),
    /validateConfig accepted invalid config #0/,
  );
});

Deno.test("the contract catches a shared default config and a factory with no signal", async () => {
  const shared = { port: 1 };
  await assert.rejects(
    checkFactoryContract({
      kind: "receiver",
      factory: newBaseFactory("shared", () => shared, []),
      cases: cases(() => newComponent(), { traces: "beta" }),
    }),
    /same object twice/,
  );
  await assert.rejects(
    checkFactoryContract({
      kind: "receiver",
      factory,
      cases: cases(() => newComponent(), { traces: "undefined" }),
    }),
    /supports no signal/,
  );
});
