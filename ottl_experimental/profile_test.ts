import assert from "node:assert/strict";
import { compileGroup, type GroupConfig, OttlGroupError, standardFunctions } from "@denocol/ottl";
import { filterProfiles, profileContexts, walkProfiles } from "@denocol/ottl-experimental";
import {
  ProfileAttributes,
  profiles,
  resolveSample,
  validateProfiles,
} from "@denocol/pdata-experimental";

function twoProfiles() {
  return profiles.decodeJson(JSON.stringify({
    dictionary: {
      stringTable: ["", "host", "a", "cpu", "nanoseconds"],
      attributeTable: [{}, { keyStrindex: 1, value: { stringValue: "a" } }],
      stackTable: [{}],
      locationTable: [{}],
      functionTable: [{}],
      mappingTable: [{}],
      linkTable: [{}],
    },
    resourceProfiles: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }] },
      scopeProfiles: [{
        profiles: [
          {
            attributeIndices: [1],
            sampleType: { typeStrindex: 3, unitStrindex: 4 },
            samples: [{ attributeIndices: [1] }],
          },
          { attributeIndices: [1], samples: [{}, {}] },
        ],
      }],
    }],
  }));
}

function run(group: GroupConfig) {
  const data = twoProfiles();
  const compiled = compileGroup(profileContexts(standardFunctions()), group, {
    errorMode: "propagate",
  });
  walkProfiles(data, compiled.context, (t) => compiled.execute(t));
  return data;
}

Deno.test("profile attributes changed by OTTL resolve through the dictionary afterwards", () => {
  const data = run({
    statements: [
      'set(profile.attributes["host"], "b") where profile.sample_type.type == "cpu"',
      'set(profile.attributes["service"], resource.attributes["service.name"])',
      'delete_key(profile.attributes, "host") where profile.sample_count == 2',
      'set(profile.sample_type.unit, "ms") where profile.sample_type.type == "cpu"',
    ],
  });
  validateProfiles(data);
  const roundTrip = profiles.decodeProto(profiles.encodeProto(data));
  const [first, second] = roundTrip.resourceProfiles[0].scopeProfiles[0].profiles;
  const dictionary = roundTrip.dictionary!;
  assert.deepEqual(new ProfileAttributes(dictionary, first).toObject(), {
    host: "b",
    service: "api",
  });
  assert.deepEqual(new ProfileAttributes(dictionary, second).toObject(), { service: "api" });
  // The sample kept the entry it shared with the profile before the change.
  assert.deepEqual(
    resolveSample(dictionary, first.samples[0]).attributes.map((a) => [a.key, a.value]),
    [["host", {
      $typeName: "opentelemetry.proto.common.v1.AnyValue",
      value: { case: "stringValue", value: "a" },
    }]],
  );
  assert.equal(dictionary.stringTable[first.sampleType!.unitStrindex], "ms");
  assert.equal(dictionary.stringTable[0], "");
});

Deno.test("filterProfiles drops profiles whose condition holds and counts their samples", () => {
  const data = twoProfiles();
  const group = compileGroup(profileContexts(standardFunctions()), {
    context: "profile",
    conditions: ['attributes["host"] == "a" and sample_count > 1'],
  }, { errorMode: "propagate" });
  assert.equal(filterProfiles(data, (t) => group.matches(t)), 2);
  assert.equal(data.resourceProfiles[0].scopeProfiles[0].profiles.length, 1);
  assert.equal(filterProfiles(data, () => true), 1);
  assert.equal(data.resourceProfiles.length, 0);
});

Deno.test("an unknown profile path names the paths of the profile context", () => {
  assert.throws(
    () =>
      compileGroup(profileContexts(standardFunctions()), {
        statements: ['set(profile.sample, "x")'],
      }, { errorMode: "propagate" }),
    (error: unknown) =>
      error instanceof OttlGroupError &&
      /unknown path "profile.sample" in the profile context; paths here: .*profile\.attributes/
        .test(error.message),
  );
});
