import assert from "node:assert/strict";
import { expandNode } from "./expand.ts";
import { parseYaml } from "./yaml.ts";
import { nodeAt, toPlain } from "./node.ts";
import { decodeComponentConfig } from "./component_config.ts";
import { at, configErrorsOf } from "./testutil_test.ts";

const ENV: Record<string, string> = {
  HOST: "collector.example",
  PORT: "4317",
  FLAG: "true",
  EMPTY: "",
  LIST: "[a, b]",
  DOLLAR: "x$$y${NOT_EXPANDED}",
};
const getEnv = (name: string) => ENV[name];

function expand(text: string, files: Record<string, string> = {}) {
  return expandNode(parseYaml(text, "config.yaml"), {
    getEnv,
    readTextFile: (path) => {
      if (!(path in files)) throw new Deno.errors.NotFound(`no such file ${path}`);
      return files[path];
    },
  });
}

Deno.test("${env:NAME} and ${NAME} read the environment, inside strings too", () => {
  const { node, warnings } = expand(
    "a: ${env:HOST}\nb: ${HOST}\nc: http://${env:HOST}:${PORT}/v1\n",
  );
  assert.deepEqual(toPlain(node), {
    a: "collector.example",
    b: "collector.example",
    c: "http://collector.example:4317/v1",
  });
  assert.equal(warnings.length, 0);
});

Deno.test("a whole-value reference takes the YAML type of the text it reads", () => {
  const { node } = expand(
    "port: ${env:PORT}\nflag: ${FLAG}\nlist: ${env:LIST}\nembedded: p${PORT}\n",
  );
  assert.deepEqual(toPlain(node), { port: 4317, flag: true, list: ["a", "b"], embedded: "p4317" });
  // ...and a string field still receives the text.
  const config = decodeComponentConfig({ port: "", flag: false, list: [], embedded: "" }, node);
  assert.deepEqual(config, { port: "4317", flag: true, list: ["a", "b"], embedded: "p4317" });
  const literal = parseYaml("port: 4317\n", "config.yaml");
  assert.throws(
    () => decodeComponentConfig({ port: "" }, literal),
    /expected a string, got a number/,
  );
  assert.equal(nodeAt(node, ["port"])?.position?.line, 1);
});

Deno.test("${env:NAME:-default} uses the default only when the variable is unset", () => {
  const { node, warnings } = expand(
    "a: ${env:UNSET:-localhost:4317}\nb: ${env:EMPTY:-fallback}\nc: ${UNSET:-7}\nd: x${env:UNSET:-}y\n",
  );
  // An empty whole value is YAML null (as in Go), which leaves non-string fields at their default;
  // a string field receives the empty text.
  assert.deepEqual(toPlain(node), { a: "localhost:4317", b: null, c: 7, d: "xy" });
  assert.deepEqual(decodeComponentConfig({ a: "", b: "default", c: 0, d: "" }, node), {
    a: "localhost:4317",
    b: "",
    c: 7,
    d: "xy",
  });
  assert.equal(warnings.length, 0);
});

Deno.test("an unset variable reads as empty and warns with path and position", () => {
  const text =
    "exporters:\n  otlp:\n    endpoint: ${env:UNSET_ENDPOINT}\n    token: Bearer ${UNSET_TOKEN}\n";
  const { node, warnings } = expand(text);
  assert.deepEqual(toPlain(node), { exporters: { otlp: { endpoint: null, token: "Bearer " } } });
  assert.equal(warnings.length, 2);
  assert.equal(warnings[0].path, "exporters.otlp.endpoint");
  assert.ok(
    warnings[0].message.startsWith(`${at("config.yaml", text, "${env:UNSET_ENDPOINT}")}: `),
  );
  assert.match(warnings[0].message, /UNSET_ENDPOINT is not set/);
  assert.match(warnings[1].message, /UNSET_TOKEN is not set/);
});

Deno.test("$$ is a literal $, and text read from the environment is not expanded again", () => {
  const { node } = expand(
    "a: $${env:HOST}\nb: pa$$word\nc: cost $5\nd: ${DOLLAR}\ne: $$$${HOST}\n",
  );
  assert.deepEqual(toPlain(node), {
    a: "${env:HOST}",
    b: "pa$word",
    c: "cost $5",
    d: "x$$y${NOT_EXPANDED}",
    e: "$${HOST}",
  });
});

Deno.test("keys are never expanded", () => {
  assert.deepEqual(toPlain(expand("${HOST}: 1\n").node), { "${HOST}": 1 });
});

Deno.test("${file:path} includes YAML, expanded in turn; inside a string it must be a scalar", async () => {
  const files = { "extra.yaml": "endpoint: ${HOST}:${PORT}\n", "token.txt": "s3cret\n" };
  const { node } = expand("exporter: ${file:extra.yaml}\ntoken: Bearer ${file:token.txt}\n", files);
  assert.deepEqual(toPlain(node), {
    exporter: { endpoint: "collector.example:4317" },
    token: "Bearer s3cret",
  });
  const text = "a: x${file:extra.yaml}\n";
  const errors = await configErrorsOf(() => expand(text, files));
  assert.equal(errors.errors[0].path, "a");
  assert.match(errors.errors[0].message, /reads a map, which cannot be inserted/);
});

Deno.test("malformed references are errors naming path and file:line:column, all at once", async () => {
  const text = [
    "receivers:",
    "  otlp:",
    "    protocols:",
    "      grpc:",
    "        endpoint: ${env:HOST",
    "exporters:",
    "  otlp:",
    "    endpoint: ${}",
    "    headers:",
    "      a: ${env:1BAD}",
    "      b: ${vault:secret}",
    "      c: ${env:A${B}}",
    "",
  ].join("\n");
  const errors = await configErrorsOf(() => expand(text));
  assert.equal(errors.errors.length, 5, errors.message);
  const expectations: [string, string, RegExp][] = [
    ["receivers.otlp.protocols.grpc.endpoint", "${env:HOST", /unterminated reference/],
    ["exporters.otlp.endpoint", "${}", /empty reference/],
    ["exporters.otlp.headers.a", "${env:1BAD}", /invalid environment variable name "1BAD"/],
    ["exporters.otlp.headers.b", "${vault:secret}", /unsupported scheme "vault".*env, file/],
    ["exporters.otlp.headers.c", "${env:A${B}}", /nested references are not supported/],
  ];
  for (const [index, [path, needle, detail]] of expectations.entries()) {
    const error = errors.errors[index];
    assert.equal(error.path, path);
    assert.equal(`${error.file}:${error.line}:${error.column}`, at("config.yaml", text, needle));
    assert.match(error.detail, detail);
  }
});
