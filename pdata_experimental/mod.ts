/**
 * EXPERIMENTAL: the OTLP profiles data model (`v1development`, OTLP 1.11.0): the messages generated
 * from the profiles schema, the protobuf and OTLP/JSON codecs, and the helpers a pipeline needs,
 * built so that every sample keeps its meaning through merging and splitting.
 *
 * Profiles keep their strings, functions, locations, mappings, stacks, links and attributes in one
 * {@link ProfilesDictionary} shared by every profile of a {@link Profiles} value; samples and
 * other messages point into its tables by index. Therefore:
 *
 * - {@link profiles}`.merge` rebuilds one dictionary from the parts' dictionaries, storing equal
 *   entries once and rewriting every index;
 * - {@link profiles}`.split` gives each chunk a dictionary holding only what the chunk references;
 * - {@link validateProfiles} checks every index against its table and throws a
 *   {@link ProfileReferenceError} naming the table, the index and where it was found;
 * - profiles received as protobuf (`profiles.fromProto`) stay in their encoded form through
 *   both: validation reads the bytes, and merge rewrites the indices in the bytes, giving what
 *   merging the decoded data and encoding it would give;
 * - {@link profiles} is also the profiles signal's descriptor, as `@denocol/pdata` has one for
 *   each stable signal (path `/v1development/profiles`, `ProfilesService`, items
 *   `profile_samples`);
 * - {@link resolveSample} turns a sample into frames, attributes and a link that no longer depend
 *   on indices (what a debug exporter prints, and what tests compare);
 * - {@link ProfileAttributes} reads and writes the attributes of a profile, sample, mapping or
 *   location through the dictionary (a changed value gets its own table entry, so messages that
 *   shared the old one keep it), and {@link setSampleStack} points a sample at a new stack,
 *   adding its strings, functions, locations and stack to the dictionary.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { profiles, resolveSample, validateProfiles } from "@denocol/pdata-experimental";
 *
 * // One sample whose stack is the function `main`, through the dictionary's tables.
 * const data = profiles.decodeJson(JSON.stringify({
 *   dictionary: {
 *     stringTable: ["", "main"],
 *     functionTable: [{}, { nameStrindex: 1 }],
 *     locationTable: [{}, { lines: [{ functionIndex: 1 }] }],
 *     stackTable: [{}, { locationIndices: [1] }],
 *     mappingTable: [{}],
 *     attributeTable: [{}],
 *     linkTable: [{}],
 *   },
 *   resourceProfiles: [{ scopeProfiles: [{ profiles: [{ samples: [{ stackIndex: 1 }] }] }] }],
 * }));
 * validateProfiles(data); // every index is in range
 * const sample = data.resourceProfiles[0].scopeProfiles[0].profiles[0].samples[0];
 * const frames = resolveSample(data.dictionary, sample).frames;
 * assert.deepEqual(frames.map((frame) => frame.functionName), ["main"]);
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release: the OTLP profiles
 * signal itself is still in development.
 *
 * @module
 */

export {
  /** Profiles as the pipeline carries them (the generated `ProfilesData` message). */
  type Profiles,
  /**
   * The profiles signal: OTLP path and service, codecs, `count` (samples), `split`, `merge`,
   * `clone`, `empty`.
   */
  profiles,
  profilesFromRequest,
  profilesToRequest,
  type SignalDataWithProfiles,
} from "./profiles.ts";
export {
  type AttributeIndexed,
  DictionaryWriter,
  ProfileAttributes,
  sampleStack,
  setSampleStack,
  type StackFrame,
} from "./attributes.ts";
export { ProfileReferenceError, type ProfileTable } from "./reference_error.ts";
export { validateProfiles } from "./validate.ts";
export {
  resolveAnyValue,
  resolveAttributes,
  type ResolvedAttribute,
  type ResolvedFrame,
  type ResolvedLink,
  type ResolvedLocation,
  type ResolvedMapping,
  type ResolvedSample,
  resolveKeyValues,
  resolveSample,
  resolveString,
  resolveValueType,
} from "./resolve.ts";
export {
  /** The descriptor of the file `opentelemetry/proto/profiles/v1development/profiles.proto`. */
  file_opentelemetry_proto_profiles_v1development_profiles,
  /** A function: name, system name and file name as string indices, and its first line. */
  type Function,
  /**
   * The message type (descriptor) of {@link Function}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  FunctionSchema,
  /** An entry of the attribute table: key and unit as string indices, and the value. */
  type KeyValueAndUnit,
  /**
   * The message type (descriptor) of {@link KeyValueAndUnit}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  KeyValueAndUnitSchema,
  /** A source position within a location: function index, line and column. */
  type Line,
  /**
   * The message type (descriptor) of {@link Line}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  LineSchema,
  /** The trace and span a sample was recorded in. */
  type Link,
  /**
   * The message type (descriptor) of {@link Link}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  LinkSchema,
  /** An instruction address, its mapping, and the source lines (inlined calls first) at it. */
  type Location,
  /**
   * The message type (descriptor) of {@link Location}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  LocationSchema,
  /** A binary or library mapped into memory: address range, file offset and file name. */
  type Mapping,
  /**
   * The message type (descriptor) of {@link Mapping}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  MappingSchema,
  /** The samples of one sample type collected over one time window, with their metadata. */
  type Profile,
  /**
   * The message type (descriptor) of {@link Profile}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  ProfileSchema,
  /** Resource groups of profiles with the dictionary they index into; see {@link Profiles}. */
  type ProfilesData,
  /**
   * The message type (descriptor) of {@link ProfilesData}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  ProfilesDataSchema,
  /**
   * The tables (strings, functions, locations, mappings, stacks, links, attributes) that
   * profile messages reference by index; entry 0 of each table is its zero value.
   */
  type ProfilesDictionary,
  /**
   * The message type (descriptor) of {@link ProfilesDictionary}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  ProfilesDictionarySchema,
  /** The profiles of one resource, grouped by instrumentation scope. */
  type ResourceProfiles,
  /**
   * The message type (descriptor) of {@link ResourceProfiles}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  ResourceProfilesSchema,
  /** One observation: a stack index, attribute and link indices, values and timestamps. */
  type Sample,
  /**
   * The message type (descriptor) of {@link Sample}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  SampleSchema,
  /** The profiles one instrumentation scope produced. */
  type ScopeProfiles,
  /**
   * The message type (descriptor) of {@link ScopeProfiles}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  ScopeProfilesSchema,
  /** A call stack as indices into the location table, leaf frame first. */
  type Stack,
  /**
   * The message type (descriptor) of {@link Stack}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  StackSchema,
  /** What a value measures and its unit, as string indices. */
  type ValueType,
  /**
   * The message type (descriptor) of {@link ValueType}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  ValueTypeSchema,
} from "./gen/opentelemetry/proto/profiles/v1development/profiles_pb.ts";
export {
  /** How many profiles the server rejected, and why. */
  type ExportProfilesPartialSuccess,
  /**
   * The message type (descriptor) of {@link ExportProfilesPartialSuccess}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  ExportProfilesPartialSuccessSchema,
  /** The request of `ProfilesService/Export`; same wire layout as {@link ProfilesData}. */
  type ExportProfilesServiceRequest,
  /**
   * The message type (descriptor) of {@link ExportProfilesServiceRequest}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  ExportProfilesServiceRequestSchema,
  /** The response of `ProfilesService/Export`. */
  type ExportProfilesServiceResponse,
  /**
   * The message type (descriptor) of {@link ExportProfilesServiceResponse}, for `create`, `clone`, `toBinary` and
   * `fromBinary` of `@bufbuild/protobuf`.
   */
  ExportProfilesServiceResponseSchema,
  /**
   * The descriptor of the file
   * `opentelemetry/proto/collector/profiles/v1development/profiles_service.proto`.
   */
  file_opentelemetry_proto_collector_profiles_v1development_profiles_service,
  /** The OTLP profiles export service (`Export`), for gRPC and HTTP servers and clients. */
  ProfilesService,
} from "./gen/opentelemetry/proto/collector/profiles/v1development/profiles_service_pb.ts";

// Types of `@denocol/pdata` and `@bufbuild/protobuf` that appear in the signatures above.
export type {
  AnyValue,
  ArrayValue,
  EntityRef,
  GenFile,
  GenMessage,
  GenService,
  InstrumentationScope,
  KeyValue,
  KeyValueList,
  Message,
  OtlpRejection,
  Resource,
  SignalData,
  SignalDescriptor,
} from "@denocol/pdata";
