import assert from "node:assert/strict";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  ExportProfilesServiceRequestSchema,
  ExportProfilesServiceResponseSchema,
  OTLP_PROFILES,
  profiles,
} from "./mod.ts";
import { generateProfiles } from "./profilestest/mod.ts";

Deno.test("OTLP_PROFILES: path and service as the development protocol names them", () => {
  assert.equal(OTLP_PROFILES.signal, "profiles");
  assert.equal(OTLP_PROFILES.httpPath, "/v1development/profiles");
  assert.equal(
    OTLP_PROFILES.service.typeName,
    "opentelemetry.proto.collector.profiles.v1development.ProfilesService",
  );
  assert.equal(OTLP_PROFILES.requestSchema.typeName, ExportProfilesServiceRequestSchema.typeName);
});

Deno.test("OTLP_PROFILES: a request keeps samples and dictionary through the wire", () => {
  const data = generateProfiles({ seed: 3 });
  const wire = toBinary(ExportProfilesServiceRequestSchema, OTLP_PROFILES.toRequest(data) as never);
  const back = OTLP_PROFILES.fromRequest(fromBinary(ExportProfilesServiceRequestSchema, wire));
  assert.ok(profiles.count(data) > 0);
  assert.equal(profiles.count(back), profiles.count(data));
  assert.deepEqual(profiles.encodeJson(back), profiles.encodeJson(data));
  assert.ok(back.dictionary !== undefined && back.dictionary.stringTable.length > 1);
});

Deno.test("OTLP_PROFILES: partial success round trip", () => {
  const response = OTLP_PROFILES.response({ rejected: 4, message: "unknown stack" });
  const wire = toBinary(ExportProfilesServiceResponseSchema, response as never);
  const decoded = fromBinary(ExportProfilesServiceResponseSchema, wire);
  assert.equal(decoded.partialSuccess?.rejectedProfiles, 4n);
  assert.deepEqual(OTLP_PROFILES.rejection(decoded), { rejected: 4, message: "unknown stack" });
  assert.equal(OTLP_PROFILES.rejection(OTLP_PROFILES.response()), undefined);
});
