import assert from "node:assert/strict";
import { parseYaml } from "./yaml.ts";
import { nodeAt, positionAt, toPlain } from "./node.ts";
import { at, configErrorsOf, locate } from "./testutil_test.ts";

Deno.test("parseYaml keeps the position of every key and value", () => {
  const text = "receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\n";
  const root = parseYaml(text, "config.yaml");
  const path = ["receivers", "otlp", "protocols", "grpc", "endpoint"];
  assert.deepEqual(nodeAt(root, path)?.position, {
    file: "config.yaml",
    ...locate(text, "0.0.0.0:4317"),
  });
  assert.deepEqual(positionAt(root, path), { file: "config.yaml", ...locate(text, "endpoint") });
  assert.deepEqual(toPlain(root), {
    receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" } } } },
  });
});

Deno.test("parseYaml reads YAML 1.2 scalars like the Go collector (on/yes stay strings)", () => {
  const root = parseYaml("a: on\nb: true\nc: 10\nd: 1.5\ne:\nf: '10'\n", "x.yaml");
  assert.deepEqual(toPlain(root), { a: "on", b: true, c: 10, d: 1.5, e: null, f: "10" });
});

Deno.test("parseYaml nests keys written with :: as confmap does", () => {
  const root = parseYaml(
    "processors::batch::timeout: 2s\nprocessors:\n  batch:\n    send_batch_size: 5\n",
    "x.yaml",
  );
  assert.deepEqual(toPlain(root), { processors: { batch: { timeout: "2s", send_batch_size: 5 } } });
});

Deno.test("parseYaml resolves aliases and merge keys; explicit keys win over merged ones", () => {
  const text =
    "base: &base\n  timeout: 1s\n  size: 2\nuse:\n  <<: *base\n  size: 3\nlist: [*base]\n";
  assert.deepEqual(toPlain(parseYaml(text, "x.yaml")), {
    base: { timeout: "1s", size: 2 },
    use: { size: 3, timeout: "1s" },
    list: [{ timeout: "1s", size: 2 }],
  });
});

Deno.test("parseYaml reports syntax errors and duplicate keys with file:line:column", async () => {
  const duplicate = "exporters:\n  debug:\n  debug:\n";
  const errors = await configErrorsOf(() => parseYaml(duplicate, "dup.yaml"));
  assert.equal(errors.errors.length, 1);
  assert.equal(errors.errors[0].path, "exporters.debug");
  assert.ok(errors.message.includes(`${at("dup.yaml", duplicate, "debug", 2)}: exporters.debug`));
  assert.match(errors.errors[0].detail, /duplicate key "debug"/);

  const broken = "receivers:\n  otlp: [a, b\nexporters: {}\n";
  const syntax = await configErrorsOf(() => parseYaml(broken, "broken.yaml"));
  assert.ok(syntax.errors.length >= 1);
  assert.equal(syntax.errors[0].file, "broken.yaml");
  assert.ok(syntax.errors[0].line! >= 2, syntax.message);
});

Deno.test("parseYaml rejects values YAML tags can make that a config cannot hold", async () => {
  const errors = await configErrorsOf(() => parseYaml("a:\n  b: !!binary aGVsbG8=\n", "t.yaml"));
  assert.equal(errors.errors[0].path, "a.b");
  assert.ok(errors.message.includes(at("t.yaml", "a:\n  b: !!binary aGVsbG8=\n", "aGVsbG8=")));
});

Deno.test("an empty document is null", () => {
  assert.equal(toPlain(parseYaml("# only a comment\n", "x.yaml")), null);
});
