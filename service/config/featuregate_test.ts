import assert from "node:assert/strict";
import {
  FeatureGateError,
  FeatureGateRegistry,
  newFeatureGateRegistry,
  PROFILES_SUPPORT_GATE,
} from "./featuregate.ts";

function registry(): FeatureGateRegistry {
  const gates = new FeatureGateRegistry();
  gates.register("alpha.gate", { description: "a", stage: "alpha" });
  gates.register("beta.gate", { description: "b", stage: "beta" });
  gates.register("stable.gate", { description: "s", stage: "stable" });
  gates.register("old.gate", { description: "d", stage: "deprecated" });
  return gates;
}

Deno.test("a gate's default follows its stage", () => {
  const gates = registry();
  assert.equal(gates.isEnabled("alpha.gate"), false);
  assert.equal(gates.isEnabled("beta.gate"), true);
  assert.equal(gates.isEnabled("stable.gate"), true);
  assert.equal(gates.isEnabled("old.gate"), false);
});

Deno.test("--feature-gates enables, disables with -, enables with +", () => {
  const gates = registry();
  gates.applyFlag("alpha.gate,-beta.gate");
  assert.equal(gates.isEnabled("alpha.gate"), true);
  assert.equal(gates.isEnabled("beta.gate"), false);
  gates.applyFlag(" +beta.gate , -alpha.gate,");
  assert.equal(gates.isEnabled("alpha.gate"), false);
  assert.equal(gates.isEnabled("beta.gate"), true);
  const view = gates.gates().find((gate) => gate.id === "beta.gate")!;
  assert.equal(view.enabled, true);
  gates.set("beta.gate", false);
  assert.equal(view.enabled, false, "a gate view reads the live state");
});

Deno.test("unknown gates are errors listing the known ones, and a bad flag changes nothing", () => {
  const gates = registry();
  assert.throws(
    () => gates.applyFlag("alpha.gate,nope"),
    (error: unknown) => {
      assert.ok(error instanceof FeatureGateError);
      assert.match(error.message, /unknown feature gate "nope"/);
      assert.match(error.message, /known gates: alpha\.gate, beta\.gate, old\.gate, stable\.gate/);
      return true;
    },
  );
  assert.equal(gates.isEnabled("alpha.gate"), false);
  assert.throws(() => gates.isEnabled("nope"), /unknown feature gate "nope" \(known gates:/);
});

Deno.test("stable gates cannot be disabled nor deprecated ones enabled", () => {
  const gates = registry();
  assert.throws(
    () => gates.applyFlag("-stable.gate"),
    /"stable\.gate" is stable and can no longer be disabled/,
  );
  assert.throws(
    () => gates.set("old.gate", true),
    /"old\.gate" is deprecated and can no longer be enabled/,
  );
});

Deno.test("registration rejects duplicates and malformed IDs", () => {
  const gates = registry();
  assert.throws(
    () => gates.register("alpha.gate", { description: "", stage: "alpha" }),
    /already registered/,
  );
  assert.throws(
    () => gates.register("bad gate", { description: "", stage: "alpha" }),
    /invalid feature gate ID/,
  );
});

Deno.test("the service registers service.profilesSupport as an alpha gate, off by default", () => {
  const gates = newFeatureGateRegistry();
  const gate = gates.gates().find((g) => g.id === PROFILES_SUPPORT_GATE);
  assert.equal(gate?.stage, "alpha");
  assert.equal(gate?.enabled, false);
  gates.applyFlag("service.profilesSupport");
  assert.equal(gates.isEnabled(PROFILES_SUPPORT_GATE), true);
});
