// Spans, with the configurations and outcomes the Go processor documents in its README and
// testdata/config.yaml (the spans described in its comments, and what they become).

import assert from "node:assert/strict";
import { clientMetadata } from "@denocol/consumer";
import { AttributeMap, type Traces, traces } from "@denocol/pdata";
import { checkProcessorFactory } from "@denocol/processor-experimental/processortest";
import { type Config, factory } from "@denocol/attributesprocessor";
import { fromYaml, jsonAttributes, runOn, yamlError } from "./testutil_test.ts";

interface SpanSpec {
  service?: string;
  name?: string;
  kind?: number;
  attributes: Record<string, unknown>;
}

/** One resource per span (its service), so that `services` matching can tell them apart. */
function spans(...specs: SpanSpec[]): Traces {
  return traces.decodeJson(JSON.stringify({
    resourceSpans: specs.map((spec) => ({
      resource: {
        attributes: spec.service === undefined
          ? []
          : jsonAttributes({ "service.name": spec.service }),
      },
      scopeSpans: [{
        spans: [{
          name: spec.name ?? "span",
          kind: spec.kind ?? 0,
          attributes: jsonAttributes(spec.attributes),
        }],
      }],
    })),
  }));
}

function attributesOf(data: Traces | undefined): Record<string, unknown>[] {
  return data!.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => new AttributeMap(s.attributes).toObject()))
  );
}

const run = async (yaml: string, data: Traces, context = {}) =>
  attributesOf(
    await runOn(
      factory,
      "traces",
      await fromYaml<Config>("attributes", factory, yaml),
      data,
      context,
    ),
  );

Deno.test("the factory passes the processor contract for every signal", async () => {
  // Go's default config has no actions and is refused; the contract runs with one action.
  await checkProcessorFactory(
    {
      ...factory,
      createDefaultConfig: (): Config => ({
        ...factory.createDefaultConfig(),
        actions: [{ key: "k", action: "delete" }],
      }),
    },
    {
      invalidConfigs: [
        (c) => ({ ...c, actions: [] }),
        (c) => ({ ...c, actions: [{ key: "k", action: "rename" }] }),
        (c) => ({ ...c, include: { match_type: "fuzzy", services: ["a"] } }),
      ],
    },
  );
  assert.equal(factory.tracesStability, "beta");
  assert.equal(factory.profilesStability, "development");
});

Deno.test("attributes/complex: backfill, copy to a new key, delete the old key", async () => {
  const out = await run(
    `  attributes:
    actions:
      - { key: operation, value: default, action: insert }
      - { key: svc.operation, from_attribute: operation, action: upsert }
      - { key: operation, action: delete }`,
    spans(
      { attributes: { timeout: 10, "svc.operation": "addition", operation: "addition" } },
      { attributes: { operation: "subtract", math_value: 123 } },
      { attributes: { timeout: 10, math_value: 4 } },
      { attributes: { "svc.operation": "division", timeout: 3 } },
    ),
  );
  assert.deepEqual(out, [
    { timeout: 10n, "svc.operation": "addition" },
    { "svc.operation": "subtract", math_value: 123n },
    { timeout: 10n, math_value: 4n, "svc.operation": "default" },
    { "svc.operation": "default", timeout: 3n },
  ]);
});

Deno.test("attributes/example: insert keeps, update needs the key, YAML types are kept", async () => {
  const out = await run(
    `  attributes:
    actions:
      - { key: db.table, action: delete }
      - { key: redacted_span, value: true, action: upsert }
      - { key: copy_key, from_attribute: key_original, action: update }
      - { key: account_id, value: 2245, action: insert }
      - { key: ratio, value: 0.5, action: insert }
      - { key: account_password, action: delete }`,
    spans(
      {
        attributes: {
          "db.table": "users",
          account_id: 1,
          account_password: "x",
          key_original: "k",
        },
      },
      { attributes: { copy_key: "old", key_original: "new" } },
    ),
  );
  assert.deepEqual(out, [
    { account_id: 1n, key_original: "k", redacted_span: true, ratio: 0.5 },
    { copy_key: "new", key_original: "new", redacted_span: true, account_id: 2245n, ratio: 0.5 },
  ]);
});

Deno.test("attributes/excludemulti: spans matching services and all attributes are left alone", async () => {
  const out = await run(
    `  attributes:
    exclude:
      match_type: strict
      services: ["svcA", "svcB"]
      attributes:
        - {key: env, value: "dev"}
        - {key: test_request}
    actions:
      - { key: credit_card, action: delete }`,
    spans(
      { service: "svcB", attributes: { env: "dev", test_request: 123, credit_card: 1234 } },
      { service: "svcA", attributes: { env: "dev", test_request: false } },
      { service: "svcB", attributes: { env: 1, test_request: "dev", credit_card: 1234 } },
      { service: "svcC", attributes: { env: "dev", test_request: false, credit_card: 1 } },
    ),
  );
  assert.deepEqual(out, [
    { env: "dev", test_request: 123n, credit_card: 1234n },
    { env: "dev", test_request: false },
    { env: 1n, test_request: "dev" },
    { env: "dev", test_request: false },
  ]);
});

Deno.test("attributes/selectiveprocessing: include by service, then exclude by a typed value", async () => {
  const out = await run(
    `  attributes:
    include: { match_type: strict, services: ["svcA", "svcB"] }
    exclude:
      match_type: strict
      attributes: [{ key: redact_trace, value: false }]
    actions:
      - { key: credit_card, action: delete }`,
    spans(
      {
        service: "svcB",
        attributes: { env: "production", credit_card: 1234, redact_trace: "false" },
      },
      { service: "svcA", attributes: { env: "staging", credit_card: 1, redact_trace: true } },
      {
        service: "svcB",
        attributes: { env: "production", credit_card: 1234, redact_trace: false },
      },
      { service: "svcC", attributes: { env: "dev", credit_card: 2 } },
    ),
  );
  assert.deepEqual(out, [
    { env: "production", redact_trace: "false" },
    { env: "staging", redact_trace: true },
    { env: "production", credit_card: 1234n, redact_trace: false },
    { env: "dev", credit_card: 2n },
  ]);
});

Deno.test("attributes/regexp: include services by pattern, exclude span names by pattern", async () => {
  const out = await run(
    `  attributes:
    include: { match_type: regexp, services: ["auth.*"] }
    exclude: { match_type: regexp, span_names: ["login.*"] }
    actions:
      - { key: password, action: update, value: obfuscated }
      - { key: token, action: delete }`,
    spans(
      { service: "authsvc", name: "check", attributes: { password: "p", token: "t" } },
      { service: "authsvc", name: "login/user", attributes: { password: "p", token: "t" } },
      { service: "billing", name: "check", attributes: { password: "p", token: "t" } },
      { name: "check", attributes: { password: "p" } },
    ),
  );
  assert.deepEqual(out, [
    { password: "obfuscated" },
    { password: "p", token: "t" },
    { password: "p", token: "t" },
    { password: "p" },
  ]);
});

Deno.test("span kinds, libraries and resources match as Go's filterconfig says", async () => {
  const data = spans(
    { name: "a", kind: 2, attributes: { k: 1 } },
    { name: "b", kind: 3, attributes: { k: 1 } },
  );
  data.resourceSpans[1].resource!.attributes.push(
    ...new AttributeMap().put("host.type", "n1-standard-1").keyValues,
  );
  const out = await run(
    `  attributes:
    include: { match_type: strict, span_kinds: [SPAN_KIND_SERVER, SPAN_KIND_CLIENT] }
    exclude: { match_type: strict, resources: [{ key: host.type, value: n1-standard-1 }] }
    actions: [{ key: seen, value: yes, action: insert }]`,
    data,
  );
  assert.deepEqual(out, [{ k: 1n, seen: "yes" }, { k: 1n }]);
  const message = await yamlError(
    "attributes",
    factory,
    `  attributes:
    include: { match_type: strict, span_kinds: [server] }
    actions: [{ key: k, action: delete }]`,
  );
  assert.match(message, /attributes\.yaml|:\d+:\d+: processors\.attributes\.include\.span_kinds: /);
});

Deno.test("attributes/regex_insert: extract writes each named group, the source stays", async () => {
  const out = await run(
    `  attributes:
    actions:
      - key: "http.url"
        pattern: ^(?P<http_protocol>.*):\\/\\/(?P<http_domain>.*)\\/(?P<http_path>.*)(\\?|\\&)(?P<http_query_params>.*)
        action: extract`,
    spans({
      attributes: { "http.url": "http://example.com/path?queryParam1=value1,queryParam2=value2" },
    }),
  ).then(() => "refused", (e) => String(e));
  // Go refuses this documented pattern too: its (\?|\&) group has no name.
  assert.match(out, /group without a name/);
  const extracted = await run(
    `  attributes:
    actions:
      - key: "http.url"
        pattern: ^(?P<http_protocol>.*):\\/\\/(?P<http_domain>[^/]*)\\/(?P<http_path>[^?]*)\\?(?P<http_query_params>.*)
        action: extract`,
    spans(
      {
        attributes: { "http.url": "http://example.com/path?queryParam1=value1,queryParam2=value2" },
      },
      { attributes: { "http.url": 12 } },
    ),
  );
  assert.deepEqual(extracted, [
    {
      "http.url": "http://example.com/path?queryParam1=value1,queryParam2=value2",
      http_protocol: "http",
      http_domain: "example.com",
      http_path: "path",
      http_query_params: "queryParam1=value1,queryParam2=value2",
    },
    { "http.url": 12n },
  ]);
});

Deno.test("hash: SHA-256 hex of the value's bytes, for keys and patterns", async () => {
  const out = await run(
    `  attributes:
    actions:
      - { key: user.email, action: hash }
      - { pattern: "^secret\\\\.", action: hash }`,
    spans({ attributes: { "user.email": "a@b.c", "secret.n": 7, "secret.b": true, other: "x" } }),
  );
  const sha = async (bytes: Uint8Array<ArrayBuffer>) =>
    Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
  const seven = new Uint8Array(8);
  new DataView(seven.buffer).setBigInt64(0, 7n, true);
  assert.deepEqual(out, [{
    "user.email": await sha(new TextEncoder().encode("a@b.c")),
    "secret.n": await sha(seven),
    "secret.b": await sha(Uint8Array.of(1)),
    other: "x",
  }]);
});

Deno.test("convert: to int, double and string; values that do not convert stay", async () => {
  const out = await run(
    `  attributes:
    actions:
      - { key: code, action: convert, converted_type: int }
      - { key: bad, action: convert, converted_type: int }
      - { key: ratio, action: convert, converted_type: int }
      - { key: n, action: convert, converted_type: double }
      - { key: flag, action: convert, converted_type: string }
      - { key: missing, action: convert, converted_type: string }`,
    spans({ attributes: { code: "200", bad: "2x", ratio: 2.9, n: 3, flag: true } }),
  );
  assert.deepEqual(out, [{ code: 200n, bad: "2x", ratio: 2n, n: 3, flag: "true" }]);
});

Deno.test("from_context: request metadata, auth attributes and the client address", async () => {
  const out = await run(
    `  attributes:
    actions:
      - { key: origin, from_context: metadata.origin, action: insert }
      - { key: tenant, from_context: X-Tenant, action: upsert }
      - { key: enduser.id, from_context: auth.subject, action: insert }
      - { key: client, from_context: client.address, action: insert }
      - { key: none, from_context: metadata.absent, action: insert }`,
    spans({ attributes: {} }),
    {
      client: {
        address: "127.0.0.1:53422",
        metadata: clientMetadata([["Origin", "a"], ["origin", "b"], ["x-tenant", "acme"]]),
        auth: { authenticator: "test", attributes: { subject: "user-1" } },
      },
    },
  );
  assert.deepEqual(out, [{
    origin: "a;b",
    tenant: "acme",
    "enduser.id": "user-1",
    client: "127.0.0.1",
  }]);
});

Deno.test("configuration errors name the action's place in the file", async () => {
  const cases: [string, RegExp][] = [
    [`  attributes: {}`, /processors.attributes.actions: .*missing required field "actions"/],
    [
      `  attributes:\n    actions:\n      - { key: a, action: rename }`,
      /\.yaml:6:\d+: processors\.attributes\.actions\[0\]\.action: .*unsupported action "rename"; expected one of insert, update/,
    ],
    [
      `  attributes:\n    actions:\n      - { key: a, action: insert }`,
      /actions\[0\]: .*needs one of "value", "from_attribute" or "from_context"/,
    ],
    [
      `  attributes:\n    actions:\n      - { key: a, value: 1, from_attribute: b, action: upsert }`,
      /takes only one of/,
    ],
    [`  attributes:\n    actions:\n      - { action: delete }`, /needs "key", "pattern" or both/],
    [
      `  attributes:\n    actions:\n      - { key: a, pattern: "x+", action: extract }`,
      /actions\[0\]\.pattern: .*no named groups/,
    ],
    [
      `  attributes:\n    actions:\n      - { key: a, action: convert, converted_type: float }`,
      /converted_type: .*invalid converted_type "float"/,
    ],
    [
      `  attributes:\n    actions:\n      - { key: a, action: delete, converted_type: int }`,
      /does not use the "converted_type" field/,
    ],
    [
      `  attributes:\n    include: { services: [a] }\n    actions: [{ key: a, action: delete }]`,
      /include.match_type: .*unrecognized match_type: ""/,
    ],
  ];
  for (const [yaml, expected] of cases) {
    assert.match(await yamlError("attributes", factory, yaml), expected, yaml);
  }
});

Deno.test("properties a signal does not use are refused when it is created, as in Go", async () => {
  const config: Config = {
    actions: [{ key: "a", action: "delete" }],
    include: { match_type: "strict", log_bodies: ["x"] },
    exclude: null,
  };
  factory.validateConfig?.(config);
  await assert.rejects(
    () => runOn(factory, "traces", config, spans({ attributes: {} })),
    /log_bodies should not be specified for traces/,
  );
  await assert.rejects(
    () =>
      runOn(factory, "logs", { ...config, include: { match_type: "strict", services: ["a"] } }, {}),
    /services should not be specified for logs/,
  );
});
