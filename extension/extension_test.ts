import assert from "node:assert/strict";
import { type Component, ID, newComponent, withValidateConfig } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { type Extension, isPipelineWatcher, newFactory, type PipelineWatcher } from "./mod.ts";
import { checkExtensionFactory } from "./extensiontest/mod.ts";

interface HealthConfig {
  path: string;
}

/** A health flag that flips with pipeline readiness. */
function newHealth(): Extension & PipelineWatcher & { healthy: boolean } {
  const health = {
    ...newComponent(),
    healthy: false,
    ready() {
      health.healthy = true;
    },
    notReady() {
      health.healthy = false;
    },
  };
  return health;
}

const healthFactory = newFactory<HealthConfig>(
  "health",
  () => ({ path: "/" }),
  () => newHealth(),
  "beta",
  withValidateConfig((config) => {
    if (!config.path.startsWith("/")) {
      throw new Error(`health: path: expected a path starting with "/", got ${config.path}`);
    }
  }),
);

Deno.test("health extension passes the extension contract", async () => {
  await checkExtensionFactory(healthFactory, {
    invalidConfigs: [(c) => ({ ...c, path: "health" })],
  });
});

Deno.test("isPipelineWatcher tells watchers from plain extensions", async () => {
  const health = healthFactory.create(nopSettings("extension", new ID("health")), { path: "/" });
  assert.ok(isPipelineWatcher(health));
  await health.start(nopHost());
  await health.ready();
  assert.equal((health as unknown as { healthy: boolean }).healthy, true);
  await health.notReady();
  assert.equal((health as unknown as { healthy: boolean }).healthy, false);
  await health.shutdown();
  const plain: Component = newComponent();
  assert.ok(!isPipelineWatcher(plain));
});

Deno.test("newFactory rejects an undefined stability and a bad type", () => {
  assert.throws(
    () => newFactory("x", () => ({}), () => newComponent(), "undefined"),
    /extension factory "x": stability "undefined"/,
  );
  assert.throws(
    () => newFactory("9x", () => ({}), () => newComponent(), "beta"),
    /invalid component type/,
  );
  assert.equal(healthFactory.stability, "beta");
});
