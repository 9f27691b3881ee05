// Logs, metrics and profiles: what the actions change on each signal, and how include/exclude
// select the items (the Go README's log and metric examples).

import assert from "node:assert/strict";
import { dataPointsOf } from "@denocol/ottl";
import { AttributeMap, type Logs, logs, type Metrics, metrics } from "@denocol/pdata";
import {
  ProfileAttributes,
  type Profiles,
  profiles,
  validateProfiles,
} from "@denocol/pdata-experimental";
import { type Config, factory } from "@denocol/attributesprocessor";
import { fromYaml, jsonAttributes, runOn } from "./testutil_test.ts";

const config = (yaml: string) => fromYaml<Config>("attributes", factory, yaml);

Deno.test("attributes/log_body_regexp and log_severity: only matching log records change", async () => {
  const data = logs.decodeJson(JSON.stringify({
    resourceLogs: [{
      scopeLogs: [{
        logRecords: [
          {
            body: { stringValue: "AUTH failed" },
            severityNumber: 9,
            attributes: jsonAttributes({ password: "p", token: "t" }),
          },
          {
            body: { stringValue: "other" },
            severityNumber: 17,
            attributes: jsonAttributes({ password: "p" }),
          },
          {
            body: { stringValue: "AUTH ok" },
            severityNumber: 0,
            attributes: jsonAttributes({ password: "p" }),
          },
        ],
      }],
    }],
  }));
  const out = await runOn<Logs, Config>(
    factory,
    "logs",
    await config(`  attributes:
    include: { match_type: regexp, log_bodies: ["AUTH.*"] }
    exclude:
      match_type: strict
      log_severity_number: { min: INFO, match_undefined: false }
    actions:
      - { key: password, action: update, value: obfuscated }
      - { key: token, action: delete }`),
    data,
  );
  const records = out!.resourceLogs[0].scopeLogs[0].logRecords;
  assert.deepEqual(records.map((r) => new AttributeMap(r.attributes).toObject()), [
    { password: "p", token: "t" }, // AUTH, but INFO and above are excluded
    { password: "p" }, // not AUTH
    { password: "obfuscated" }, // AUTH, undefined severity is not excluded
  ]);
});

Deno.test("metrics: metric_names select metrics, actions change every data point", async () => {
  const points = (n: number) =>
    Array.from(
      { length: n },
      (_, i) => ({ asInt: String(i), attributes: jsonAttributes({ host: `h${i}` }) }),
    );
  const data = metrics.decodeJson(JSON.stringify({
    resourceMetrics: [{
      scopeMetrics: [{
        metrics: [
          { name: "http.requests", sum: { dataPoints: points(2) } },
          {
            name: "http.latency",
            histogram: { dataPoints: [{ count: "1", attributes: jsonAttributes({ host: "h" }) }] },
          },
          { name: "cpu", gauge: { dataPoints: points(1) } },
        ],
      }],
    }],
  }));
  const out = await runOn<Metrics, Config>(
    factory,
    "metrics",
    await config(`  attributes:
    include: { match_type: regexp, metric_names: ["^http\\\\."] }
    actions: [{ key: host, action: hash }, { key: env, value: prod, action: insert }]`),
    data,
  );
  const [requests, latency, cpu] = out!.resourceMetrics[0].scopeMetrics[0].metrics;
  const attrs = (m: typeof cpu) =>
    dataPointsOf(m)!.map((p) => new AttributeMap(p.attributes).toObject());
  for (const point of [...attrs(requests), ...attrs(latency)]) {
    assert.match(String(point.host), /^[0-9a-f]{64}$/);
    assert.equal(point.env, "prod");
  }
  assert.deepEqual(attrs(cpu), [{ host: "h0" }]);
});

Deno.test("profiles: attributes change through the dictionary; other profiles keep the shared entry", async () => {
  const data = profiles.decodeJson(JSON.stringify({
    dictionary: {
      stringTable: ["", "env", "user.email", "thread"],
      attributeTable: [
        {},
        { keyStrindex: 1, value: { stringValue: "dev" } },
        { keyStrindex: 2, value: { stringValue: "a@b.c" } },
        { keyStrindex: 3, value: { stringValue: "main" }, unitStrindex: 0 },
      ],
      mappingTable: [{}],
      locationTable: [{}],
      functionTable: [{}],
      stackTable: [{}],
      linkTable: [{}],
    },
    resourceProfiles: [{
      resource: { attributes: jsonAttributes({ "service.name": "cart" }) },
      scopeProfiles: [{
        profiles: [
          { attributeIndices: [1, 2, 3], samples: [{ attributeIndices: [1] }] },
          { attributeIndices: [1, 3], samples: [{}] },
        ],
      }],
    }],
  }));
  const out = await runOn<Profiles, Config>(
    factory,
    "profiles",
    await config(`  attributes:
    include:
      match_type: strict
      services: [cart]
      attributes: [{ key: user.email }]
    actions:
      - { key: env, value: prod, action: update }
      - { key: user.email, action: hash }
      - { key: thread, action: delete }`),
    data,
  );
  validateProfiles(out!);
  const [changed, kept] = out!.resourceProfiles[0].scopeProfiles[0].profiles;
  const view = (holder: { attributeIndices: number[] }) =>
    new ProfileAttributes(out!.dictionary!, holder).toObject();
  const digest = Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("a@b.c"))),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  assert.deepEqual(view(changed), { env: "prod", "user.email": digest });
  // The second profile and the sample pointed at the same entries and still see their values.
  assert.deepEqual(view(kept), { env: "dev", thread: "main" });
  assert.deepEqual(view(changed.samples[0]), { env: "dev" });
  // A round trip through the wire keeps what the views read.
  const again = profiles.decodeProto(profiles.encodeProto(out!));
  const [changedAgain] = again.resourceProfiles[0].scopeProfiles[0].profiles;
  assert.deepEqual(
    new ProfileAttributes(again.dictionary!, changedAgain).toObject(),
    view(changed),
  );
});
