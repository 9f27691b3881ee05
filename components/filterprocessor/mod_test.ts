import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { MetricsRegistry } from "@denocol/component";
import { isPermanent } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { type Logs, logs, type Metrics, metrics, type Traces, traces } from "@denocol/pdata";
import { type Profiles, profiles } from "@denocol/pdata-experimental";
import { checkProcessorFactory } from "@denocol/processor-experimental/processortest";
import { type ComponentCatalog, ConfigErrors, loadConfig, resolveConfig } from "@denocol/service";
import { type Config, factory } from "@denocol/filterprocessor";

const catalog: ComponentCatalog = {
  kinds: {
    receiver: new Map([["nop", {}]]),
    exporter: new Map([["nop", {}]]),
    processor: new Map([["filter", {
      createDefaultConfig: factory.createDefaultConfig,
      validateConfig: (c: unknown) => factory.validateConfig?.(c as Config),
    }]]),
  },
};

async function fromYaml(processor: string): Promise<Config> {
  const file = await Deno.makeTempFile({ suffix: ".yaml" });
  try {
    await Deno.writeTextFile(
      file,
      `receivers: {nop: {}}\nexporters: {nop: {}}\nprocessors:\n${processor}\n` +
        "service: {pipelines: {logs: {receivers: [nop], processors: [filter], exporters: [nop]}}}\n",
    );
    const { root } = await loadConfig({ configs: [file] });
    return resolveConfig(root, catalog).components.processor.get("filter") as Config;
  } finally {
    await Deno.remove(file);
  }
}

async function runOn<T>(
  signal: "traces" | "metrics" | "logs" | "profiles",
  config: Config,
  data: T,
  meter = new MetricsRegistry(),
): Promise<T | undefined> {
  const sink = new SinkConsumer<T>();
  const processor = factory.create(
    signal,
    nopSettings("processor", "filter", { meter }),
    config,
    sink as never,
  ) as {
    start(h: unknown): Promise<void>;
    consume(d: T): Promise<void>;
    shutdown(): Promise<void>;
  };
  await processor.start(nopHost());
  try {
    await processor.consume(data);
  } finally {
    await processor.shutdown();
  }
  return sink.all[0];
}

// The Go README's example configuration, as written there (paths without context names).
const README = `  filter/ottl:
    error_mode: ignore
    traces:
      span:
        - 'attributes["container.name"] == "app_container_1"'
        - 'resource.attributes["host.name"] == "localhost"'
        - 'name == "app_3"'
      spanevent:
        - 'attributes["grpc"] == true'
        - 'IsMatch(name, ".*grpc.*")'
    metrics:
      metric:
          - 'name == "my.metric" and resource.attributes["my_label"] == "abc123"'
          - 'type == METRIC_DATA_TYPE_HISTOGRAM'
      datapoint:
          - 'metric.type == METRIC_DATA_TYPE_SUMMARY'
          - 'resource.attributes["service.name"] == "my_service_name"'
    logs:
      log_record:
        - 'IsMatch(body, ".*password.*")'
        - 'severity_number < SEVERITY_NUMBER_WARN'
`;

Deno.test("the factory passes the processor contract for every signal", async () => {
  await checkProcessorFactory(factory, {
    invalidConfigs: [
      (d) => ({ ...d, logs: { ...d.logs, log_record: ["body =="] } }),
      (d) => ({ ...d, error_mode: "loud" as never }),
    ],
  });
});

Deno.test("the README's configuration drops what it describes, and counts it", async () => {
  const config = await fromYaml(README.replace("filter/ottl", "filter"));
  const meter = new MetricsRegistry();
  const spans = await runOn<Traces>(
    "traces",
    config,
    traces.decodeJson(JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "host.name", value: { stringValue: "localhost" } }] },
          scopeSpans: [{ spans: [{ name: "x" }] }],
        },
        {
          scopeSpans: [{
            spans: [
              { name: "app_3" },
              {
                name: "kept",
                events: [{ name: "a grpc call" }, {
                  name: "other",
                  attributes: [{ key: "grpc", value: { boolValue: true } }],
                }, { name: "stays" }],
              },
              {
                name: "c",
                attributes: [{ key: "container.name", value: { stringValue: "app_container_1" } }],
              },
            ],
          }],
        },
      ],
    })),
    meter,
  );
  assert.equal(spans!.resourceSpans.length, 1);
  const kept = spans!.resourceSpans[0].scopeSpans[0].spans;
  assert.deepEqual(kept.map((s) => s.name), ["kept"]);
  assert.deepEqual(kept[0].events.map((e) => e.name), ["stays"]);
  assert.equal(meter.value("otelcol_processor_filter_spans_filtered", { filter: "filter" }), 3);

  const ms = await runOn<Metrics>(
    "metrics",
    config,
    metrics.decodeJson(JSON.stringify({
      resourceMetrics: [{
        scopeMetrics: [{
          metrics: [
            { name: "h", histogram: { dataPoints: [{}, {}] } },
            { name: "s", summary: { dataPoints: [{}] } },
            { name: "g", gauge: { dataPoints: [{ asInt: "1" }] } },
          ],
        }],
      }],
    })),
  );
  assert.deepEqual(ms!.resourceMetrics[0].scopeMetrics[0].metrics.map((m) => m.name), ["g"]);

  const ls = await runOn<Logs>(
    "logs",
    config,
    logs.decodeJson(JSON.stringify({
      resourceLogs: [{
        scopeLogs: [{
          logRecords: [
            { body: { stringValue: "password=x" }, severityNumber: 17 },
            { body: { stringValue: "debug" }, severityNumber: 5 },
            { body: { stringValue: "warn" }, severityNumber: 13 },
          ],
        }],
      }],
    })),
  );
  assert.deepEqual(ls!.resourceLogs[0].scopeLogs[0].logRecords.map((r) => r.body?.value.value), [
    "warn",
  ]);
  // A request whose every item is dropped goes no further.
  const none = await runOn<Logs>(
    "logs",
    config,
    logs.decodeJson(JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: "password" } }] }] }],
    })),
  );
  assert.equal(none, undefined);
});

Deno.test("profiles and the metric-only datapoint attribute functions", async () => {
  const config = await fromYaml(`  filter:
    profiles:
      profile: ['attributes["env"] == "test"']
    metrics:
      metric: ['HasAttrOnDatapoint("env", "test")', 'HasAttrKeyOnDatapoint("drop")']
`);
  const ps = await runOn<Profiles>(
    "profiles",
    config,
    profiles.decodeJson(JSON.stringify({
      dictionary: {
        stringTable: ["", "env", "test"],
        attributeTable: [{}, { keyStrindex: 1, value: { stringValue: "test" } }],
      },
      resourceProfiles: [{
        scopeProfiles: [{
          profiles: [{ attributeIndices: [1], samples: [{}] }, { samples: [{}, {}] }],
        }],
      }],
    })),
  );
  assert.equal(profiles.count(ps!), 2);
  const ms = await runOn<Metrics>(
    "metrics",
    config,
    metrics.decodeJson(JSON.stringify({
      resourceMetrics: [{
        scopeMetrics: [{
          metrics: [
            {
              name: "a",
              gauge: {
                dataPoints: [{ attributes: [{ key: "env", value: { stringValue: "test" } }] }],
              },
            },
            {
              name: "b",
              sum: { dataPoints: [{ attributes: [{ key: "drop", value: { stringValue: "" } }] }] },
            },
            {
              name: "c",
              sum: {
                dataPoints: [{ attributes: [{ key: "env", value: { stringValue: "prod" } }] }],
              },
            },
          ],
        }],
      }],
    })),
  );
  assert.deepEqual(ms!.resourceMetrics[0].scopeMetrics[0].metrics.map((m) => m.name), ["c"]);
});

Deno.test("error modes: a failing condition keeps the item, or fails the request with propagate", async () => {
  const condition = `    logs:\n      log_record: ['Substring(body, 0, 100) == "x"']\n`;
  const data = () =>
    logs.decodeJson(
      JSON.stringify({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: "short" } }] }] }],
      }),
    );
  const kept = await runOn<Logs>("logs", await fromYaml(`  filter:\n${condition}`), data());
  assert.equal(logs.count(kept!), 1);
  const error = await runOn<Logs>(
    "logs",
    await fromYaml(`  filter:\n    error_mode: propagate\n${condition}`),
    data(),
  )
    .then(() => undefined, (e) => e);
  assert.ok(isPermanent(error), String(error));
});

Deno.test("configuration errors point at the condition and say what is not supported", async () => {
  const failure = (yaml: string) =>
    fromYaml(yaml).then(() => assert.fail("accepted"), (e) => {
      assert.ok(e instanceof ConfigErrors, String(e));
      return e.message;
    });
  assert.match(
    await failure(
      `  filter:\n    logs:\n      log_record:\n        - 'body == "a"'\n        - 'severity_number < SEVERITY_NUMBER_WARNING'\n`,
    ),
    /:8:11: processors\.filter\.logs\.log_record\[1\]: .*unknown enum symbol "SEVERITY_NUMBER_WARNING" in the log context; enums here: .*SEVERITY_NUMBER_WARN\b/,
  );
  assert.match(
    await failure(`  filter:\n    logs:\n      log_record: ['set(body, "x")']\n`),
    /log_record\[0\]: .*converter names must start with an uppercase letter/,
  );
  assert.match(
    await failure(
      `  filter:\n    metrics:\n      include:\n        match_type: strict\n        metric_names: [a]\n`,
    ),
    /processors\.filter\.metrics\.include: .*include\/exclude match properties are not supported/,
  );
});
