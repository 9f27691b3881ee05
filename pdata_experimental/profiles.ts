import { create } from "@bufbuild/protobuf";
import {
  defineSignal,
  OTLP_ID_FIELDS,
  type SignalData,
  type SignalDescriptor,
} from "@denocol/pdata";
import {
  type ProfilesData,
  ProfilesDataSchema,
} from "./gen/opentelemetry/proto/profiles/v1development/profiles_pb.ts";
import {
  type ExportProfilesServiceRequest,
  ExportProfilesServiceRequestSchema,
  ExportProfilesServiceResponseSchema,
  ProfilesService,
} from "./gen/opentelemetry/proto/collector/profiles/v1development/profiles_service_pb.ts";
import { countSamples, mergeProfiles, splitProfiles } from "./merge_split.ts";
import { createWireCodec, createWireScan } from "@denocol/pdata/wire";
import {
  decodeProfilesData,
  scanProfilesData,
  sizeProfilesData,
  writeProfilesData,
} from "./wire/gen/profiles_wire.ts";

/**
 * Profiles as the pipeline carries them: resource and scope groups of profiles, and the one
 * dictionary every profile indexes into (the generated `ProfilesData` message).
 */
export type Profiles = ProfilesData;

/**
 * The data type of each signal including profiles, by name: `@denocol/pdata`'s `SignalData`
 * and `profiles`.
 */
export type SignalDataWithProfiles = SignalData & { readonly profiles: Profiles };

/** Byte lengths of the profile id fields OTLP/JSON writes as hex (trace and span ids of links). */
const PROFILES_ID_FIELDS = Object.freeze({ ...OTLP_ID_FIELDS, profile_id: 16 });

/**
 * The profiles signal: OTLP over `/v1development/profiles` and `ProfilesService`, counted in
 * samples (`profile_samples`); protobuf and OTLP/JSON codecs (`profileId`, and the `traceId` and
 * `spanId` of links, as hex in JSON), `count` (samples), `split` (chunks of at most N samples,
 * each with a dictionary pruned to what it references), `merge` (one dictionary rebuilt from all
 * parts, each entry kept exactly as sent, unknown fields included, and entries equal in every
 * field stored once), `clone` and `empty`.
 *
 * Unlike the stable signals, `split` and `merge` leave their input untouched: every sample is
 * re-indexed into a new dictionary, so the result is a new value anyway. Both throw
 * `ProfileReferenceError` for an index outside its table.
 */
export const profiles: SignalDescriptor<Profiles, "profiles"> = defineSignal({
  name: "profiles",
  itemName: "profile_samples",
  schema: ProfilesDataSchema,
  otlp: {
    httpPath: "/v1development/profiles",
    service: ProfilesService,
    requestSchema: ExportProfilesServiceRequestSchema,
    responseSchema: ExportProfilesServiceResponseSchema,
    toRequest: profilesToRequest,
    fromRequest: profilesFromRequest,
    rejectedField: "rejectedProfiles",
  },
  idFields: PROFILES_ID_FIELDS,
  // Generated for these same id fields (tools/gen_wire.ts), so ids are checked as in JSON.
  proto: createWireCodec({
    typeName: ProfilesDataSchema.typeName,
    decode: decodeProfilesData,
    size: sizeProfilesData,
    write: writeProfilesData,
  }),
  // Counted and checked without decoding; merged through the dictionary, never by
  // concatenation.
  scan: createWireScan(scanProfilesData),
  count: countSamples,
  split: splitProfiles,
  merge: mergeProfiles,
});

/**
 * The export request carrying these profiles (the same wire layout), sharing their resource
 * groups and dictionary.
 */
export function profilesToRequest(data: Profiles): ExportProfilesServiceRequest {
  return create(ExportProfilesServiceRequestSchema, {
    resourceProfiles: data.resourceProfiles,
    dictionary: data.dictionary,
  });
}

/**
 * The profiles of a received export request, sharing its resource groups and dictionary.
 */
export function profilesFromRequest(request: ExportProfilesServiceRequest): Profiles {
  return create(ProfilesDataSchema, {
    resourceProfiles: request.resourceProfiles,
    dictionary: request.dictionary,
  });
}
