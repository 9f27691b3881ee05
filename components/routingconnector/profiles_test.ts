// Routed profiles requests each carry a dictionary of their own that resolves to what the
// original said, holding only what the part references.

import assert from "node:assert/strict";
import { nopSettings } from "@denocol/component/componenttest";
import { newPipelineRouter } from "@denocol/connector";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import {
  ProfileAttributes,
  type Profiles,
  profiles,
  resolveSample,
  validateProfiles,
} from "@denocol/pdata-experimental";
import { factory } from "@denocol/routingconnector";

function request(): Profiles {
  return profiles.decodeJson(JSON.stringify({
    dictionary: {
      stringTable: ["", "env", "main", "handleLogin", "handleCheckout", "cpu"],
      functionTable: [{}, { nameStrindex: 2 }, { nameStrindex: 3 }, { nameStrindex: 4 }],
      locationTable: [{}, { lines: [{ functionIndex: 1 }] }, { lines: [{ functionIndex: 2 }] }, {
        lines: [{ functionIndex: 3 }],
      }],
      stackTable: [{}, { locationIndices: [2, 1] }, { locationIndices: [3, 1] }],
      mappingTable: [{}],
      attributeTable: [{}, { keyStrindex: 1, value: { stringValue: "prod" } }, {
        keyStrindex: 1,
        value: { stringValue: "dev" },
      }],
      linkTable: [{}],
    },
    resourceProfiles: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "shop" } }] },
      scopeProfiles: [{
        profiles: [
          {
            attributeIndices: [1],
            sampleType: { typeStrindex: 5 },
            samples: [{ stackIndex: 1, values: ["3"] }],
          },
          {
            attributeIndices: [2],
            sampleType: { typeStrindex: 5 },
            samples: [{ stackIndex: 2, values: ["4"] }],
          },
        ],
      }],
    }],
  }));
}

const resolved = (data: Profiles) =>
  data.resourceProfiles.flatMap((rp) =>
    rp.scopeProfiles.flatMap((sp) =>
      sp.profiles.map((p) => ({
        attributes: new ProfileAttributes(data.dictionary!, p).toObject(),
        type: data.dictionary!.stringTable[p.sampleType?.typeStrindex ?? 0],
        samples: p.samples.map((s) => resolveSample(data.dictionary, s)),
      }))
    )
  );

Deno.test("profiles split by a profile condition: each part's dictionary is its own and pruned", async () => {
  const original = resolved(request());
  const sinks = new Map([["profiles/prod", new SinkConsumer<Profiles>()], [
    "profiles/other",
    new SinkConsumer<Profiles>(),
  ]]);
  const connector = factory.createProfilesToProfiles(
    nopSettings("connector", "routing"),
    {
      ...factory.createDefaultConfig(),
      default_pipelines: ["profiles/other"],
      table: [{
        context: "profile",
        condition: 'attributes["env"] == "prod"',
        pipelines: ["profiles/prod"],
      }],
    },
    newPipelineRouter(sinks, profiles.clone),
  );
  await connector.consume(request());
  const prod = sinks.get("profiles/prod")!.all[0];
  const other = sinks.get("profiles/other")!.all[0];
  for (const part of [prod, other]) validateProfiles(part);
  assert.deepEqual(resolved(prod), [original[0]]);
  assert.deepEqual(resolved(other), [original[1]]);
  assert.notEqual(prod.dictionary, other.dictionary);
  // Each dictionary holds the strings its part references, not the other part's.
  assert.ok(prod.dictionary!.stringTable.includes("handleLogin"));
  assert.ok(!prod.dictionary!.stringTable.includes("handleCheckout"));
  assert.ok(other.dictionary!.stringTable.includes("handleCheckout"));
  assert.ok(!other.dictionary!.stringTable.includes("handleLogin"));
  // Through the wire as well.
  assert.deepEqual(resolved(profiles.decodeProto(profiles.encodeProto(prod))), [original[0]]);
});

Deno.test("profiles routed whole by resource are passed on as they are", async () => {
  const sink = new SinkConsumer<Profiles>();
  const connector = factory.createProfilesToProfiles(
    nopSettings("connector", "routing"),
    {
      ...factory.createDefaultConfig(),
      table: [{ condition: 'attributes["service.name"] == "shop"', pipelines: ["profiles/shop"] }],
    },
    newPipelineRouter(new Map([["profiles/shop", sink]]), profiles.clone),
  );
  const data = request();
  await connector.consume(data);
  assert.equal(sink.all[0], data);
});
