import { create } from "@bufbuild/protobuf";
import {
  defineSignal,
  encodedForm,
  encodedValue,
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
import { mergeEncodedProfiles } from "./encoded_merge.ts";
import { createJsonTranscoder, createWireCodec, createWireScan } from "@denocol/pdata/wire";
import {
  decodeProfilesData,
  scanProfilesData,
  sizeProfilesData,
  writeProfilesData,
} from "./wire/gen/profiles_wire.ts";
import { jsonProfilesData } from "./wire/gen/profiles_json.ts";

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

// Generated for these same id fields (tools/gen_wire.ts), so ids are checked as in JSON.
const proto = createWireCodec({
  typeName: ProfilesDataSchema.typeName,
  decode: decodeProfilesData,
  size: sizeProfilesData,
  write: writeProfilesData,
});

/**
 * Merges through the dictionary. When every part still has its encoded form (or all but some
 * that are encoded here, as they would be to be sent), the bytes are merged and the result keeps
 * its encoded form; otherwise, or when the byte merge leaves the parts to it, the decoded parts
 * are merged.
 */
function merge(parts: readonly Profiles[]): Profiles {
  return mergeBytes(parts) ?? mergeProfiles(parts);
}

function mergeBytes(parts: readonly Profiles[]): Profiles | undefined {
  if (!parts.some((part) => encodedForm(part) !== undefined)) return undefined;
  let items = 0;
  const bytes: Uint8Array[] = [];
  for (const part of parts) {
    const form = encodedForm(part);
    if (form !== undefined) {
      items += form.items;
      bytes.push(form.bytes);
      continue;
    }
    try {
      bytes.push(proto.encode(part));
    } catch {
      // Data that cannot be encoded is the decoded merge's to report (or to merge).
      return undefined;
    }
    items += countSamples(part);
  }
  const merged = mergeEncodedProfiles(bytes);
  return merged === undefined
    ? undefined
    : encodedValue(ProfilesDataSchema, merged, items, (b) => proto.decode(b));
}

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
 * `ProfileReferenceError` for an index outside its table. Data still in its encoded form is
 * merged on its bytes, and the result keeps its encoded form.
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
  proto,
  // Counted and checked without decoding; merged through the dictionary, never by
  // concatenation.
  scan: createWireScan(scanProfilesData),
  // Ids and the dictionary are plain fields: JSON of encoded profiles is written from the bytes.
  jsonFromProto: createJsonTranscoder(ProfilesDataSchema.typeName, jsonProfilesData),
  count: countSamples,
  split: splitProfiles,
  merge,
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
