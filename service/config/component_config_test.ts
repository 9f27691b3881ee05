import assert from "node:assert/strict";
import { decodeComponentConfig } from "./component_config.ts";
import { parseYaml } from "./yaml.ts";
import { nodeAt } from "./node.ts";
import { at, configErrorsOf, expectProblem } from "./testutil_test.ts";

const defaults = () => ({
  endpoint: "localhost:4317",
  compression: "gzip",
  timeout: "5s",
  headers: {} as Record<string, string>,
  tls: { insecure: false, ca_file: null as string | null },
  retry_on_failure: { enabled: true, multiplier: 1.5 },
  balancer_name: null as unknown,
  metadata_keys: [] as string[],
  codes: ["ok"],
});

Deno.test("the user's keys overlay the defaults; open maps and null-default keys take anything", () => {
  const text = `exporters:
  otlp:
    endpoint: backend:4317
    headers:
      x-api-key: abc
      any-key-at-all: "1"
    tls:
      insecure: true
    balancer_name: round_robin
    metadata_keys: [tenant]
`;
  const raw = nodeAt(parseYaml(text, "c.yaml"), ["exporters", "otlp"]);
  const original = defaults();
  const config = decodeComponentConfig(original, raw, ["exporters", "otlp"]);
  assert.deepEqual(config, {
    ...defaults(),
    endpoint: "backend:4317",
    headers: { "x-api-key": "abc", "any-key-at-all": "1" },
    tls: { insecure: true, ca_file: null },
    balancer_name: "round_robin",
    metadata_keys: ["tenant"],
  });
  assert.deepEqual(original, defaults(), "defaults are not modified");
});

Deno.test("null or absent config gives the defaults; null for a key keeps its default", () => {
  assert.deepEqual(decodeComponentConfig(defaults(), null), defaults());
  assert.deepEqual(decodeComponentConfig(defaults(), undefined), defaults());
  const raw = parseYaml("tls:\ntimeout:\n", "c.yaml");
  assert.deepEqual(decodeComponentConfig(defaults(), raw), defaults());
});

Deno.test("plain values written in code are accepted and checked the same way", () => {
  assert.deepEqual(decodeComponentConfig(defaults(), { compression: "none" }).compression, "none");
  assert.throws(
    () => decodeComponentConfig(defaults(), { compresion: "none" }, ["exporters", "otlp"]),
    /exporters\.otlp\.compresion: unknown key "compresion" \(did you mean "compression"\?\)/,
  );
});

Deno.test("unknown keys are errors with full path, file:line:column and the valid keys", async () => {
  const text = `exporters:
  otlp:
    endpiont: backend:4317
    tls:
      insecure_skip: true
`;
  const raw = nodeAt(parseYaml(text, "c.yaml"), ["exporters", "otlp"]);
  const errors = await configErrorsOf(() =>
    decodeComponentConfig(defaults(), raw, ["exporters", "otlp"])
  );
  assert.equal(errors.errors.length, 2);
  expectProblem(
    errors,
    'unknown key "endpiont" (did you mean "endpoint"?)',
    "exporters.otlp.endpiont",
    at("c.yaml", text, "endpiont"),
  );
  expectProblem(
    errors,
    'unknown key "insecure_skip"',
    "exporters.otlp.tls.insecure_skip",
    at("c.yaml", text, "insecure_skip"),
  );
  assert.match(
    errors.errors[0].detail,
    /valid keys: endpoint, compression, timeout, headers, tls, retry_on_failure, balancer_name, metadata_keys, codes/,
  );
  assert.match(errors.errors[1].detail, /valid keys: insecure, ca_file$/);
});

Deno.test("type mismatches are errors saying what was expected and what was given", async () => {
  const text = `endpoint: 4317
tls: true
retry_on_failure:
  enabled: "yes"
  multiplier: fast
headers: [a]
metadata_keys: tenant
codes: [ok, 5]
`;
  const errors = await configErrorsOf(() =>
    decodeComponentConfig(defaults(), parseYaml(text, "t.yaml"), ["exporters", "otlp"])
  );
  const cases: [string, string, string][] = [
    ["exporters.otlp.endpoint", "4317", "expected a string, got a number (4317)"],
    [
      "exporters.otlp.tls",
      "true",
      "expected a map (keys: insecure, ca_file), got a boolean (true)",
    ],
    [
      "exporters.otlp.retry_on_failure.enabled",
      '"yes"',
      'expected a boolean (true or false), got a string ("yes")',
    ],
    [
      "exporters.otlp.retry_on_failure.multiplier",
      "fast",
      'expected a number, got a string ("fast")',
    ],
    ["exporters.otlp.headers", "[a]", "expected a map, got a list"],
    ["exporters.otlp.metadata_keys", "tenant", 'expected a list, got a string ("tenant")'],
    ["exporters.otlp.codes[1]", "5]", "expected a string, got a number (5)"],
  ];
  assert.equal(errors.errors.length, cases.length, errors.message);
  for (const [path, needle, detail] of cases) {
    expectProblem(errors, detail, path, at("t.yaml", text, needle));
  }
});

Deno.test("a component whose default config is empty refuses every key, naming path and line", async () => {
  const text = `connectors:
  forward:
    bogus: 1
`;
  const raw = nodeAt(parseYaml(text, "c.yaml"), ["connectors", "forward"]);
  const errors = await configErrorsOf(() =>
    decodeComponentConfig({}, raw, ["connectors", "forward"])
  );
  expectProblem(
    errors,
    "takes no configuration keys",
    "connectors.forward.bogus",
    at("c.yaml", text, "bogus"),
  );
  assert.deepEqual(decodeComponentConfig({}, null, ["connectors", "forward"]), {});
});
