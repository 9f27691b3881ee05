import assert from "node:assert/strict";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  ExportProfilesServiceRequestSchema,
  ExportProfilesServiceResponseSchema,
  profiles,
} from "./mod.ts";
import { generateProfiles } from "./profilestest/mod.ts";

Deno.test("profiles: path and service as the development protocol names them", () => {
  assert.equal(profiles.name, "profiles");
  assert.equal(profiles.itemName, "profile_samples");
  assert.equal(profiles.httpPath, "/v1development/profiles");
  assert.equal(
    profiles.service.typeName,
    "opentelemetry.proto.collector.profiles.v1development.ProfilesService",
  );
  assert.equal(profiles.requestSchema.typeName, ExportProfilesServiceRequestSchema.typeName);
});

Deno.test("profiles: a request keeps samples and dictionary through the wire", () => {
  const data = generateProfiles({ seed: 3 });
  const wire = toBinary(ExportProfilesServiceRequestSchema, profiles.toRequest(data) as never);
  const back = profiles.fromRequest(fromBinary(ExportProfilesServiceRequestSchema, wire));
  assert.ok(profiles.count(data) > 0);
  assert.equal(profiles.count(back), profiles.count(data));
  assert.deepEqual(profiles.encodeJson(back), profiles.encodeJson(data));
  assert.ok(back.dictionary !== undefined && back.dictionary.stringTable.length > 1);
});

Deno.test("profiles: partial success round trip", () => {
  const response = profiles.response({ rejected: 4, message: "unknown stack" });
  const wire = toBinary(ExportProfilesServiceResponseSchema, response as never);
  const decoded = fromBinary(ExportProfilesServiceResponseSchema, wire);
  assert.equal(decoded.partialSuccess?.rejectedProfiles, 4n);
  assert.deepEqual(profiles.rejection(decoded), { rejected: 4, message: "unknown stack" });
  assert.equal(profiles.rejection(profiles.response()), undefined);
});
