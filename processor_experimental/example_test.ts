import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { newLogsSink, newMetricsSink, newTracesSink } from "@denocol/consumer/consumertest";
import { newProfilesSink } from "@denocol/consumer-experimental/consumertest";
import * as pdata from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import { envTagFactory } from "./examples/envtag.ts";
import { checkProcessorFactory } from "./processortest/mod.ts";

function environmentsOf(groups: readonly { resource?: pdata.Resource }[]): string[] {
  return groups.map((group) => {
    const attribute = group.resource?.attributes.find((a) => a.key === "deployment.environment");
    return attribute?.value?.value.case === "stringValue" ? attribute.value.value.value : "";
  });
}

Deno.test("the module doc shows examples/envtag.ts verbatim", async () => {
  const doc = await Deno.readTextFile(new URL("./mod.ts", import.meta.url));
  const example = await Deno.readTextFile(new URL("./examples/envtag.ts", import.meta.url));
  const block = /```ts\n([\s\S]*?)\n \* ```/.exec(doc);
  assert.ok(block, "mod.ts has a ts code block");
  const shown = block[1].split("\n").map((line) => line.replace(/^ \* ?/, "")).join("\n");
  assert.equal(shown, example.trimEnd());
});

Deno.test("the envtag example passes the processor contract for all four signals", async () => {
  assert.equal(envTagFactory.tracesStability, "development");
  assert.equal(envTagFactory.profilesStability, "development");
  await checkProcessorFactory(envTagFactory, {
    invalidConfigs: [(c) => ({ ...c, environment: " " })],
  });
});

Deno.test("the envtag example tags every resource of every signal", async () => {
  const settings = nopSettings("processor", "envtag");
  const config = { environment: "staging" };
  const host = nopHost();

  const tracesSink = newTracesSink();
  const tracesProcessor = envTagFactory.createTraces(settings, config, tracesSink);
  await tracesProcessor.start(host);
  await tracesProcessor.consume(pdata.traces.decodeJson(JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: [{ name: "a" }] }] }, { resource: {} }],
  })));
  assert.deepEqual(environmentsOf(tracesSink.all[0].resourceSpans), ["staging", "staging"]);

  const metricsSink = newMetricsSink();
  await envTagFactory.createMetrics(settings, config, metricsSink).consume(
    pdata.metrics.decodeJson(JSON.stringify({ resourceMetrics: [{}] })),
  );
  assert.deepEqual(environmentsOf(metricsSink.all[0].resourceMetrics), ["staging"]);

  const logsSink = newLogsSink();
  await envTagFactory.createLogs(settings, config, logsSink).consume(
    pdata.logs.decodeJson(JSON.stringify({ resourceLogs: [{}] })),
  );
  assert.deepEqual(environmentsOf(logsSink.all[0].resourceLogs), ["staging"]);

  const profilesSink = newProfilesSink();
  const input = generateProfiles({ seed: 11 });
  const samples = profiles.count(input);
  await envTagFactory.createProfiles(settings, config, profilesSink).consume(input);
  const tagged = profilesSink.all[0].resourceProfiles;
  assert.ok(tagged.length > 0);
  assert.deepEqual(environmentsOf(tagged), tagged.map(() => "staging"));
  assert.equal(profilesSink.count, samples);
  await tracesProcessor.shutdown();
});
