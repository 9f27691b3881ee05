// The Go README's example on each signal, profiles with dictionary-indexed resource attributes,
// and the configuration errors.

import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { AttributeMap, logs, metrics, type Resource, traces } from "@denocol/pdata";
import { profiles, validateProfiles } from "@denocol/pdata-experimental";
import { checkProcessorFactory } from "@denocol/processor-experimental/processortest";
import { type ComponentCatalog, ConfigErrors, loadConfig, resolveConfig } from "@denocol/service";
import { type Config, factory } from "@denocol/resourceprocessor";

async function fromYaml(processor: string): Promise<Config> {
  const catalog: ComponentCatalog = {
    kinds: {
      receiver: new Map([["nop", {}]]),
      exporter: new Map([["nop", {}]]),
      processor: new Map([["resource", {
        createDefaultConfig: factory.createDefaultConfig,
        validateConfig: (c: unknown) => factory.validateConfig?.(c as Config),
      }]]),
    },
  };
  const file = await Deno.makeTempFile({ suffix: ".yaml" });
  try {
    await Deno.writeTextFile(
      file,
      `receivers: {nop: {}}\nexporters: {nop: {}}\nprocessors:\n${processor}\n` +
        "service: {pipelines: {logs: {receivers: [nop], processors: [resource], exporters: [nop]}}}\n",
    );
    const { root } = await loadConfig({ configs: [file] });
    return resolveConfig(root, catalog).components.processor.get("resource") as Config;
  } finally {
    await Deno.remove(file);
  }
}

const README_EXAMPLE = `  resource:
    attributes:
      - key: cloud.availability_zone
        value: "zone-1"
        action: upsert
      - key: k8s.cluster.name
        from_attribute: k8s-cluster
        action: insert
      - key: redundant-attribute
        action: delete`;

const resourceJson = {
  attributes: [
    { key: "cloud.availability_zone", value: { stringValue: "zone-0" } },
    { key: "k8s-cluster", value: { stringValue: "c1" } },
    { key: "redundant-attribute", value: { intValue: "1" } },
  ],
};
const expected = {
  "cloud.availability_zone": "zone-1",
  "k8s-cluster": "c1",
  "k8s.cluster.name": "c1",
};

async function run<T>(signal: string, data: T): Promise<T> {
  const sink = new SinkConsumer<T>();
  const processor = factory.create(
    signal as "logs",
    nopSettings("processor", "resource"),
    await fromYaml(README_EXAMPLE),
    sink as never,
  );
  assert.equal(processor.capabilities().mutatesData, true);
  await processor.start(nopHost());
  await processor.consume(data as never);
  await processor.shutdown();
  return sink.all[0];
}

const plain = (resource: Resource | undefined) => new AttributeMap(resource!.attributes).toObject();

Deno.test("the factory passes the processor contract for every signal", async () => {
  await checkProcessorFactory(
    {
      ...factory,
      createDefaultConfig: (): Config => ({ attributes: [{ key: "k", action: "delete" }] }),
    },
    {
      invalidConfigs: [() => ({ attributes: [] }), () => ({ attributes: [{ action: "insert" }] })],
    },
  );
  assert.equal(factory.metricsStability, "beta");
});

Deno.test("the README's actions change the resource of traces, metrics and logs", async () => {
  const t = await run(
    "traces",
    traces.decodeJson(JSON.stringify({ resourceSpans: [{ resource: resourceJson }, {}] })),
  );
  assert.deepEqual(plain(t.resourceSpans[0].resource), expected);
  // A group sent without a resource gets one holding what the actions add.
  assert.deepEqual(plain(t.resourceSpans[1].resource), { "cloud.availability_zone": "zone-1" });
  const m = await run(
    "metrics",
    metrics.decodeJson(JSON.stringify({ resourceMetrics: [{ resource: resourceJson }] })),
  );
  assert.deepEqual(plain(m.resourceMetrics[0].resource), expected);
  const l = await run(
    "logs",
    logs.decodeJson(JSON.stringify({ resourceLogs: [{ resource: resourceJson }] })),
  );
  assert.deepEqual(plain(l.resourceLogs[0].resource), expected);
});

Deno.test("profiles: resource keys and values indexed in the dictionary are read and kept", async () => {
  const data = profiles.decodeJson(JSON.stringify({
    dictionary: { stringTable: ["", "k8s-cluster", "c1", "zone-0"], attributeTable: [{}] },
    resourceProfiles: [{
      resource: {
        attributes: [
          { keyStrindex: 1, value: { stringValueStrindex: 2 } },
          { key: "cloud.availability_zone", value: { stringValueStrindex: 3 } },
          { key: "redundant-attribute", value: { boolValue: true } },
        ],
      },
      scopeProfiles: [{ profiles: [{ samples: [{}] }] }],
    }],
  }));
  const out = await run("profiles", data);
  validateProfiles(out);
  assert.deepEqual(plain(out.resourceProfiles[0].resource), expected);
  const again = profiles.decodeProto(profiles.encodeProto(out));
  assert.deepEqual(plain(again.resourceProfiles[0].resource), expected);
});

Deno.test("configuration errors name the place in the file", async () => {
  const errorOf = (yaml: string) =>
    fromYaml(yaml).then(() => "accepted", (e) => (assert.ok(e instanceof ConfigErrors), e.message));
  assert.match(
    await errorOf("  resource: {}"),
    /processors\.resource\.attributes: .*resource processor: missing required field "attributes"/,
  );
  assert.match(
    await errorOf("  resource:\n    attributes:\n      - { key: a, action: upsert }"),
    /\.yaml:6:\d+: processors\.resource\.attributes\[0\]: .*needs one of "value"/,
  );
  assert.match(
    await errorOf(
      "  resource:\n    attributes:\n      - { key: a, value: 1, action: upsert, pattern: x }",
    ),
    /does not use the "pattern" field/,
  );
});
