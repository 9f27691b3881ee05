import assert from "node:assert/strict";
import { loadConfig, parseSetFlag, readConfigSource } from "./load.ts";
import { mergeNodes } from "./merge.ts";
import { nodeAt, toPlain } from "./node.ts";
import { parseYaml } from "./yaml.ts";
import { at, configErrorsOf } from "./testutil_test.ts";

const BASE = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: localhost:4317
processors:
  batch:
    timeout: 1s
    metadata_keys: [tenant, region]
exporters:
  debug:
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
`;

const OVERRIDE = `receivers:
  otlp:
    protocols:
      http:
processors:
  batch:
    metadata_keys: [tenant]
service:
  pipelines:
    traces:
      exporters: [otlp]
`;

function memoryFiles(files: Record<string, string>) {
  return async (path: string) => {
    await Promise.resolve();
    if (!(path in files)) throw new Deno.errors.NotFound(`No such file: ${path}`);
    return files[path];
  };
}

Deno.test("several --config sources merge in order: maps deeply, lists replaced", async () => {
  const { root } = await loadConfig({
    configs: ["base.yaml", "file:override.yaml"],
    readTextFile: memoryFiles({ "base.yaml": BASE, "override.yaml": OVERRIDE }),
  });
  const plain = toPlain(root) as Record<string, Record<string, unknown>>;
  assert.deepEqual(plain.receivers, {
    otlp: { protocols: { grpc: { endpoint: "localhost:4317" }, http: null } },
  });
  assert.deepEqual(plain.processors, { batch: { timeout: "1s", metadata_keys: ["tenant"] } });
  assert.deepEqual(plain.service, {
    pipelines: { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["otlp"] } },
  });
  // Each value keeps the position of the source that wrote it.
  assert.equal(
    nodeAt(root, ["receivers", "otlp", "protocols", "grpc", "endpoint"])?.position?.file,
    "base.yaml",
  );
  const exporters = nodeAt(root, ["service", "pipelines", "traces", "exporters", 0]);
  assert.equal(
    `${exporters?.position?.file}:${exporters?.position?.line}:${exporters?.position?.column}`,
    at("override.yaml", OVERRIDE, "otlp]"),
  );
});

Deno.test("mergeNodes: a later scalar, list or null replaces; maps merge", () => {
  const merged = mergeNodes(
    parseYaml("a: {x: 1, y: [1, 2]}\nb: {k: v}\nc: 1\n", "1.yaml"),
    parseYaml("a: {y: [3]}\nb:\nc: {z: 2}\n", "2.yaml"),
  );
  assert.deepEqual(toPlain(merged), { a: { x: 1, y: [3] }, b: null, c: { z: 2 } });
});

Deno.test("--set overrides after all configs, with dotted paths and YAML values", async () => {
  const { root } = await loadConfig({
    configs: ["base.yaml"],
    sets: [
      "processors.batch.timeout=2s",
      "processors::batch::send_batch_size = 100",
      "service.pipelines.traces.exporters=[debug, otlp/2]",
      "exporters.otlp/2.endpoint=backend:4317",
    ],
    readTextFile: memoryFiles({ "base.yaml": BASE }),
  });
  const plain = toPlain(root) as Record<string, Record<string, unknown>>;
  assert.deepEqual(plain.processors, {
    batch: { timeout: "2s", metadata_keys: ["tenant", "region"], send_batch_size: 100 },
  });
  assert.deepEqual(plain.exporters, { debug: null, "otlp/2": { endpoint: "backend:4317" } });
  assert.deepEqual(
    (plain.service as { pipelines: { traces: { exporters: string[] } } }).pipelines.traces
      .exporters,
    ["debug", "otlp/2"],
  );
  // A --set value is located in its flag: flag number, column of the value.
  const timeout = nodeAt(root, ["processors", "batch", "timeout"])?.position;
  assert.deepEqual(timeout, {
    file: "<--set #1>",
    line: 1,
    column: "processors.batch.timeout=".length + 1,
  });
});

Deno.test("malformed --set flags are errors that show the expected form", async () => {
  assert.throws(() => parseSetFlag("processors.batch.timeout"), /missing "=".*key\.path=value/);
  assert.throws(
    () => parseSetFlag("processors..timeout=1s"),
    /invalid key path "processors\.\.timeout"/,
  );
  assert.throws(() => parseSetFlag("=1s"), /invalid key path ""/);
  const errors = await configErrorsOf(() => parseSetFlag("a.b=[1, 2", 2));
  assert.equal(errors.errors[0].path, "a.b");
  assert.equal(errors.errors[0].file, "<--set #3>");
});

Deno.test("env: and yaml: sources, as the Go collector's providers", async () => {
  const fromEnv = await readConfigSource("env:COLLECTOR_CONFIG", {
    getEnv: (name) =>
      name === "COLLECTOR_CONFIG" ? "exporters:\n  debug:\n    verbosity: detailed\n" : undefined,
  });
  assert.deepEqual(toPlain(fromEnv), { exporters: { debug: { verbosity: "detailed" } } });
  assert.equal(
    nodeAt(fromEnv, ["exporters", "debug", "verbosity"])?.position?.file,
    "<env:COLLECTOR_CONFIG>",
  );
  const inline = await readConfigSource("yaml:processors::batch::timeout: 2s");
  assert.deepEqual(toPlain(inline), { processors: { batch: { timeout: "2s" } } });
  await assert.rejects(
    readConfigSource("env:MISSING_CONFIG", { getEnv: () => undefined }),
    /MISSING_CONFIG is not set/,
  );
  await assert.rejects(
    readConfigSource("https://example.com/c.yaml"),
    /unsupported configuration source scheme "https".*file, env, yaml/,
  );
});

Deno.test("loadConfig reports every unreadable or malformed source at once", async () => {
  const errors = await configErrorsOf(() =>
    loadConfig({
      configs: ["missing.yaml", "bad.yaml", "list.yaml"],
      sets: ["nonsense"],
      readTextFile: memoryFiles({ "bad.yaml": "a: [1\n", "list.yaml": "- a\n- b\n" }),
    })
  );
  const messages = errors.errors.map((error) => error.message);
  assert.equal(messages.length, 4, errors.message);
  assert.ok(messages.some((m) => /cannot read configuration file "missing\.yaml"/.test(m)));
  assert.ok(messages.some((m) => m.startsWith("bad.yaml:")));
  assert.ok(
    messages.some((m) => m.startsWith("list.yaml:1:1: <root>: the configuration must be a map")),
  );
  assert.ok(messages.some((m) => /missing "="/.test(m)));
  await assert.rejects(loadConfig({ configs: [] }), /at least one configuration source/);
});

Deno.test("loadConfig reads real files and expands after merging", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/a.yaml`,
      "exporters:\n  otlp:\n    endpoint: ${env:DENOCOL_TEST_ENDPOINT:-default:4317}\n",
    );
    await Deno.writeTextFile(
      `${dir}/b.yaml`,
      "exporters:\n  otlp:\n    headers:\n      x: ${DENOCOL_TEST_UNSET_HEADER}\n",
    );
    const { root, warnings } = await loadConfig({
      configs: [`${dir}/a.yaml`, `file:${dir}/b.yaml`],
      getEnv: () => undefined,
    });
    assert.deepEqual(toPlain(root), {
      exporters: { otlp: { endpoint: "default:4317", headers: { x: null } } },
    });
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].path, "exporters.otlp.headers.x");
    assert.equal(warnings[0].file, `${dir}/b.yaml`);
    assert.equal(warnings[0].line, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
