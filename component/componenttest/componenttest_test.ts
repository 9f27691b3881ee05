import assert from "node:assert/strict";
import { ID, MetricsRegistry, newComponent } from "@denocol/component";
import { CapturingLogger, nopHost, nopSettings } from "./mod.ts";

Deno.test("CapturingLogger shares records with derived loggers", () => {
  const logger = new CapturingLogger();
  logger.with({ a: 1 }).with({ b: "x" }).error("boom", { c: true });
  logger.info("plain");
  assert.deepEqual(logger.records, [
    { level: "error", message: "boom", attributes: { a: 1, b: "x", c: true } },
    { level: "info", message: "plain", attributes: {} },
  ]);
  assert.deepEqual(logger.messages("info"), ["plain"]);
});

Deno.test("nopHost finds extensions by ID and records fatal errors", () => {
  const ext = newComponent();
  const host = nopHost(new Map([["health_check/a", ext]]));
  assert.equal(host.getExtension(ID.parse("health_check/a")), ext);
  assert.equal(host.getExtension(ID.parse("health_check")), undefined);
  host.reportFatalError(new Error("x"));
  assert.equal(host.fatalErrors.length, 1);
});

Deno.test("nopSettings uses the given ID and telemetry", () => {
  const meter = new MetricsRegistry();
  const settings = nopSettings("exporter", "otlp/b", { meter });
  assert.equal(settings.id.toString(), "otlp/b");
  assert.equal(settings.kind, "exporter");
  settings.telemetry.meter.counter("c").add(1);
  assert.equal(meter.value("c"), 1);
  assert.equal(nopSettings("receiver").id.toString(), "nop");
});
