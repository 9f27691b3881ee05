// Modules written to files at run time and loaded by the processor, as a user's would be: the
// example module, every signal, errors naming the module's line, error modes and settings.

import assert from "node:assert/strict";
import { CapturingLogger, nopHost, nopSettings } from "@denocol/component/componenttest";
import { clientMetadata, isPermanent } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { AttributeMap, logs, metrics, type Traces, traces } from "@denocol/pdata";
import { ProfileAttributes, profiles, validateProfiles } from "@denocol/pdata-experimental";
import { checkProcessorFactory } from "@denocol/processor-experimental/processortest";
import { type Config, factory } from "@denocol/scriptprocessor";

const dir = await Deno.makeTempDir({ prefix: "denocol-script-" });

/** Writes `source` as a module file and returns its path. */
async function moduleFile(name: string, source: string): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, source);
  return path;
}

const IDENTITY = await moduleFile(
  "identity.ts",
  ["Traces", "Metrics", "Logs", "Profiles"].map((s) =>
    `export const process${s} = (d: unknown) => d;`
  )
    .join("\n"),
);

function config(module: string, extra: Partial<Config> = {}): Config {
  const c = { ...factory.createDefaultConfig(), module, ...extra };
  factory.validateConfig?.(c);
  return c;
}

async function run<T>(
  signal: string,
  c: Config,
  data: T,
  options: { logger?: CapturingLogger; context?: object } = {},
) {
  const sink = new SinkConsumer<T>();
  const settings = nopSettings("processor", "script");
  const processor = factory.create(
    signal as "traces",
    options.logger
      ? { ...settings, telemetry: { ...settings.telemetry, logger: options.logger } }
      : settings,
    c,
    sink as never,
  );
  assert.equal(processor.capabilities().mutatesData, true);
  await processor.start(nopHost());
  try {
    await processor.consume(data as never, options.context);
  } finally {
    await processor.shutdown();
  }
  return sink.all;
}

Deno.test("the factory passes the processor contract for every signal", async () => {
  await checkProcessorFactory({ ...factory, createDefaultConfig: () => config(IDENTITY) }, {
    invalidConfigs: [
      (c) => ({ ...c, module: null }),
      (c) => ({ ...c, module: "./processor.py" }),
      (c) => ({ ...c, error_mode: "silent" as never }),
    ],
  });
  assert.equal(factory.profilesStability, "development");
});

Deno.test("the example module: settings through init, spans dropped and redacted, async logs", async () => {
  const example = new URL("./examples/redact.ts", import.meta.url).pathname;
  const c = config(example, { settings: { attribute: "user.email" } });
  const [out] = await run<Traces>(
    "traces",
    c,
    traces.decodeJson(JSON.stringify({
      resourceSpans: [{
        scopeSpans: [{
          spans: [{ name: "health" }, {
            name: "GET /",
            attributes: [{ key: "user.email", value: { stringValue: "a@b.c" } }],
          }],
        }],
      }],
    })),
  );
  const spans = out.resourceSpans[0].scopeSpans[0].spans;
  assert.deepEqual(spans.map((s) => [s.name, new AttributeMap(s.attributes).toObject()]), [
    ["GET /", { "user.email": "***" }],
  ]);
  // null drops the request: nothing reaches the next consumer.
  assert.deepEqual(
    await run(
      "traces",
      c,
      traces.decodeJson('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"health"}]}]}]}'),
    ),
    [],
  );
  const [logged] = await run(
    "logs",
    c,
    logs.decodeJson(JSON.stringify({
      resourceLogs: [{
        scopeLogs: [{
          logRecords: [{ attributes: [{ key: "user.email", value: { stringValue: "x" } }] }],
        }],
      }],
    })),
  );
  assert.equal(
    new AttributeMap(logged.resourceLogs[0].scopeLogs[0].logRecords[0].attributes).get(
      "user.email",
    ),
    "***",
  );
});

const THROWING = `import type { Metrics } from "@denocol/pdata";

export function processMetrics(data: Metrics): Metrics {
  const first = data.resourceMetrics[0];
  if (first === undefined) throw new RangeError("no resource metrics");
  return data;
}
`;

Deno.test("a throw names the module, its line and column; propagate fails the request for good", async () => {
  const path = await moduleFile("throwing.ts", THROWING);
  const error = await run("metrics", config(path), metrics.decodeJson("{}")).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(isPermanent(error), String(error));
  const url = new URL(`file://${path}`).href;
  // Where the RangeError is created in the file written above.
  const line = THROWING.split("\n").findIndex((l) => l.includes("new RangeError")) + 1;
  const column = THROWING.split("\n")[line - 1].indexOf("new RangeError") + 1;
  assert.equal(
    error.message,
    `processor script: ${url}:${line}:${column}: processMetrics threw: RangeError: no resource metrics`,
  );
});

Deno.test("error_mode ignore logs the failure and passes the data on", async () => {
  const path = await moduleFile("throwing2.ts", THROWING);
  const logger = new CapturingLogger();
  const data = metrics.decodeJson("{}");
  const out = await run("metrics", config(path, { error_mode: "ignore" }), data, { logger });
  assert.equal(out[0], data);
  const record = logger.records.find((r) => r.level === "error")!;
  assert.match(
    String(record.attributes.error),
    /throwing2\.ts:5:\d+: processMetrics threw: RangeError/,
  );
});

Deno.test("nothing returned passes the data given; the context carries the client", async () => {
  const path = await moduleFile(
    "context.ts",
    `import { AttributeMap, type Logs } from "@denocol/pdata";
export function processLogs(data: Logs, context: { client?: { metadata: Map<string, string[]> } }) {
  const tenant = context.client?.metadata.get("x-tenant")?.[0] ?? "none";
  for (const rl of data.resourceLogs) rl.resource && new AttributeMap(rl.resource.attributes).put("tenant", tenant);
}
`,
  );
  const data = logs.decodeJson(
    '{"resourceLogs":[{"resource":{},"scopeLogs":[{"logRecords":[{}]}]}]}',
  );
  const [out] = await run("logs", config(path), data, {
    context: { client: { metadata: clientMetadata([["X-Tenant", "acme"]]) } },
  });
  assert.equal(out, data);
  assert.equal(new AttributeMap(out.resourceLogs[0].resource!.attributes).get("tenant"), "acme");
});

Deno.test("profiles: a module writes attributes through the dictionary", async () => {
  const path = await moduleFile(
    "profiles.ts",
    `import { type Profiles, ProfileAttributes } from "@denocol/pdata-experimental";
export function processProfiles(data: Profiles): Profiles {
  const [first] = data.resourceProfiles[0].scopeProfiles[0].profiles;
  new ProfileAttributes(data.dictionary!, first).put("env", "prod");
  return data;
}
`,
  );
  const [out] = await run(
    "profiles",
    config(path),
    profiles.decodeJson(JSON.stringify({
      dictionary: {
        stringTable: ["", "env"],
        attributeTable: [{}, { keyStrindex: 1, value: { stringValue: "dev" } }],
      },
      resourceProfiles: [{
        scopeProfiles: [{ profiles: [{ attributeIndices: [1] }, { attributeIndices: [1] }] }],
      }],
    })),
  );
  validateProfiles(out);
  const [a, b] = out.resourceProfiles[0].scopeProfiles[0].profiles;
  assert.equal(new ProfileAttributes(out.dictionary!, a).get("env"), "prod");
  assert.equal(new ProfileAttributes(out.dictionary!, b).get("env"), "dev");
});

Deno.test("a module without the signal's function, or that cannot load, fails the start", async () => {
  const example = new URL("./examples/redact.ts", import.meta.url).pathname;
  await assert.rejects(
    () => run("metrics", config(example), metrics.decodeJson("{}")),
    /redact\.ts: the module exports no processMetrics function for a metrics pipeline; it exports init, processLogs, processTraces/,
  );
  const broken = await moduleFile("broken.ts", "export const x = ;\n");
  await assert.rejects(
    () => run("logs", config(broken), logs.decodeJson("{}")),
    /broken\.ts:1:18: cannot load the module: .*Expression expected/,
  );
  await assert.rejects(
    () => run("logs", config(`${dir}/missing.ts`), logs.decodeJson("{}")),
    /missing\.ts: cannot load the module/,
  );
  const failingInit = await moduleFile(
    "init.ts",
    `export function init(settings: { limit?: number }) {\n  if (settings.limit === undefined) throw new Error("limit is required");\n}\nexport const processLogs = (d: unknown) => d;\n`,
  );
  await assert.rejects(
    () => run("logs", config(failingInit), logs.decodeJson("{}")),
    /init\.ts:2:\d+: init threw: Error: limit is required/,
  );
});

Deno.test("configuration errors say what was expected", () => {
  const validate = (c: Partial<Config>) => () =>
    factory.validateConfig?.({ ...factory.createDefaultConfig(), ...c });
  assert.throws(validate({}), /script processor: missing required field "module"/);
  assert.throws(validate({ module: "x.py" }), /expected a \.ts, \.js, \.mts or \.mjs file/);
  assert.throws(validate({ module: "x.ts", settings: [] as never }), /expected a map of settings/);
});

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
