import assert from "node:assert/strict";
import { CapturingLogger, nopHost, nopSettings } from "@denocol/component/componenttest";
import { isPermanent } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import {
  AttributeMap,
  type Logs,
  logs,
  type Metrics,
  metrics,
  type Traces,
  traces,
} from "@denocol/pdata";
import { ProfileAttributes, type Profiles, profiles } from "@denocol/pdata-experimental";
import { checkProcessorFactory } from "@denocol/processor-experimental/processortest";
import { type ComponentCatalog, ConfigErrors, loadConfig, resolveConfig } from "@denocol/service";
import { type Config, factory } from "@denocol/transformprocessor";

const catalog: ComponentCatalog = {
  kinds: {
    receiver: new Map([["nop", {}]]),
    exporter: new Map([["nop", {}]]),
    processor: new Map([["transform", {
      createDefaultConfig: factory.createDefaultConfig,
      validateConfig: (c: unknown) => factory.validateConfig?.(c as Config),
    }]]),
  },
};

/** The processor's validated config from a YAML file as the Go collector's would be written. */
async function fromYaml(processor: string): Promise<Config> {
  const file = await Deno.makeTempFile({ suffix: ".yaml" });
  try {
    await Deno.writeTextFile(
      file,
      `receivers: {nop: {}}\nexporters: {nop: {}}\nprocessors:\n${processor}\n` +
        "service: {pipelines: {traces: {receivers: [nop], processors: [transform], exporters: [nop]}}}\n",
    );
    const { root } = await loadConfig({ configs: [file] });
    return resolveConfig(root, catalog).components.processor.get("transform") as Config;
  } finally {
    await Deno.remove(file);
  }
}

async function configError(processor: string): Promise<string> {
  const error = await fromYaml(processor).then(() => undefined, (e) => e);
  assert.ok(error instanceof ConfigErrors, String(error));
  return error.message;
}

async function runOn<T>(
  signal: "traces" | "metrics" | "logs" | "profiles",
  config: Config,
  data: T,
  settings = nopSettings("processor", "transform"),
): Promise<T> {
  const sink = new SinkConsumer<T>();
  const processor = factory.create(signal, settings, config, sink as never) as {
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

Deno.test("the factory passes the processor contract for every signal", async () => {
  assert.equal(factory.profilesStability, "development");
  await checkProcessorFactory(factory, {
    invalidConfigs: [
      (defaults) => ({ ...defaults, error_mode: "loud" as never }),
      (defaults) => ({ ...defaults, trace_statements: ["set(span.nope, 1)"] }),
    ],
  });
});

Deno.test("the README's basic config runs unchanged on every signal", async () => {
  const config = await fromYaml(`  transform:
    error_mode: ignore
    trace_statements:
      - keep_keys(span.attributes, ["service.name", "service.namespace", "cloud.region", "process.command_line"])
      - replace_pattern(span.attributes["process.command_line"], "password\\\\=[^\\\\s]*(\\\\s?)", "password=***")
      - limit(span.attributes, 100, [])
      - truncate_all(span.attributes, 4096)
    metric_statements:
      - keep_keys(resource.attributes, ["host.name"])
      - truncate_all(resource.attributes, 4096)
      - set(metric.description, "Sum") where metric.type == METRIC_DATA_TYPE_SUM
    log_statements:
      - set(log.severity_text, "FAIL") where log.body == "request failed"
      - replace_all_matches(log.attributes, "/user/*/list/*", "/user/{userId}/list/{listId}")
      - replace_all_patterns(log.attributes, "value", "/account/\\\\d{4}", "/account/{accountId}")
      - set(log.body, log.attributes["http.route"])
    profile_statements:
      - keep_keys(resource.attributes, ["host.name"])
      - set(profile.attributes["tag"], "profile#23")
      - set(profile.original_payload_format, "json")
`);
  const spans = await runOn<Traces>(
    "traces",
    config,
    traces.decodeJson(JSON.stringify({
      resourceSpans: [{
        scopeSpans: [{
          spans: [{
            attributes: [
              { key: "process.command_line", value: { stringValue: "app --password=hunter2 -v" } },
              { key: "drop.me", value: { stringValue: "x" } },
            ],
          }],
        }],
      }],
    })),
  );
  assert.deepEqual(
    new AttributeMap(spans.resourceSpans[0].scopeSpans[0].spans[0].attributes).toObject(),
    {
      "process.command_line": "app --password=***-v",
    },
  );
  const ms = await runOn<Metrics>(
    "metrics",
    config,
    metrics.decodeJson(JSON.stringify({
      resourceMetrics: [{
        resource: {
          attributes: [{ key: "host.name", value: { stringValue: "h" } }, {
            key: "pod",
            value: { stringValue: "p" },
          }],
        },
        scopeMetrics: [{
          metrics: [{ name: "s", sum: { dataPoints: [{ asInt: "1" }] } }, { name: "g", gauge: {} }],
        }],
      }],
    })),
  );
  assert.deepEqual(new AttributeMap(ms.resourceMetrics[0].resource!.attributes).toObject(), {
    "host.name": "h",
  });
  assert.deepEqual(ms.resourceMetrics[0].scopeMetrics[0].metrics.map((m) => m.description), [
    "Sum",
    "",
  ]);
  const ls = await runOn<Logs>(
    "logs",
    config,
    logs.decodeJson(JSON.stringify({
      resourceLogs: [{
        scopeLogs: [{
          logRecords: [{
            body: { stringValue: "request failed" },
            attributes: [
              { key: "http.route", value: { stringValue: "/user/1/list/2" } },
              { key: "acct", value: { stringValue: "/account/1234" } },
            ],
          }],
        }],
      }],
    })),
  );
  const record = ls.resourceLogs[0].scopeLogs[0].logRecords[0];
  assert.equal(record.severityText, "FAIL");
  assert.deepEqual(new AttributeMap(record.attributes).toObject(), {
    "http.route": "/user/{userId}/list/{listId}",
    acct: "/account/{accountId}",
  });
  assert.deepEqual(record.body?.value, {
    case: "stringValue",
    value: "/user/{userId}/list/{listId}",
  });
  const ps = await runOn<Profiles>(
    "profiles",
    config,
    profiles.decodeJson(JSON.stringify({
      dictionary: { stringTable: [""], attributeTable: [{}] },
      resourceProfiles: [{ scopeProfiles: [{ profiles: [{ samples: [{}] }] }] }],
    })),
  );
  const profile = ps.resourceProfiles[0].scopeProfiles[0].profiles[0];
  assert.equal(new ProfileAttributes(ps.dictionary!, profile).get("tag"), "profile#23");
  assert.equal(profile.originalPayloadFormat, "json");
});

Deno.test("the advanced form: context, conditions, error_mode per group, legacy paths", async () => {
  const config = await fromYaml(`  transform:
    error_mode: propagate
    trace_statements:
      - context: span
        statements:
          - set(attributes["legacy"], name)
      - error_mode: ignore
        conditions:
          - span.kind == SPAN_KIND_SERVER
        statements:
          - set(span.name, 1)
          - set(span.attributes["server"], true)
`);
  const logger = new CapturingLogger();
  const out = await runOn<Traces>(
    "traces",
    config,
    traces.decodeJson(JSON.stringify({
      resourceSpans: [{
        scopeSpans: [{ spans: [{ name: "a", kind: 2 }, { name: "b", kind: 3 }] }],
      }],
    })),
    nopSettings("processor", "transform", { logger }),
  );
  assert.deepEqual(
    out.resourceSpans[0].scopeSpans[0].spans.map((s) => new AttributeMap(s.attributes).toObject()),
    [{ legacy: "a", server: true }, { legacy: "b" }],
  );
  assert.ok(logger.records.some((r) => r.message === "failed to execute statement"));
  // propagate: the request fails with a permanent error.
  const failing = await fromYaml(`  transform:
    error_mode: propagate
    log_statements: ['set(log.severity_text, 1)']
`);
  const error = await runOn<Logs>(
    "logs",
    failing,
    logs.decodeJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}'),
  )
    .then(() => undefined, (e) => e);
  assert.ok(isPermanent(error), String(error));
  assert.match(String(error), /failed to execute statement: set\(log.severity_text, 1\)/);
});

Deno.test("configuration errors point at the statement with file:line:column and list what exists", async () => {
  const unknownFunction = await configError(`  transform:
    trace_statements:
      - set(span.name, "ok")
      - sett(span.name, "x")
`);
  assert.match(unknownFunction, /\.yaml:\d+:\d+/);
  assert.match(
    unknownFunction,
    /:7:9: processors\.transform\.trace_statements\[1\]: .*unknown editor "sett"; editors available here: .*keep_keys/,
  );
  const unknownPath = await configError(`  transform:
    log_statements:
      - context: log
        statements: ['set(attributes["a"], bodyy)']
`);
  assert.match(
    unknownPath,
    /:7:22: processors\.transform\.log_statements\[0\]\.statements\[0\]: .*unknown path "bodyy" in the log context; paths here: .*log\.body/,
  );
  assert.match(
    await configError(`  transform:
    trace_statements: ["set(span.name, \\"x\\")", {statements: ["set(span.name, \\"y\\")"]}]
`),
    /configuring multiple configuration styles is not supported/,
  );
  assert.match(
    await configError(`  transform:
    flatten_data: true
`),
    /flatten_data/,
  );
});
