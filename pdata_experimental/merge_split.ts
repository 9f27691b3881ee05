import { clone, create } from "@bufbuild/protobuf";
import {
  type InstrumentationScope,
  InstrumentationScopeSchema,
} from "@denocol/pdata/gen/opentelemetry/proto/common/v1/common_pb.js";
import {
  type Resource,
  ResourceSchema,
} from "@denocol/pdata/gen/opentelemetry/proto/resource/v1/resource_pb.js";
import {
  type Profile,
  type ProfilesData,
  ProfilesDataSchema,
  type ResourceProfiles,
  ResourceProfilesSchema,
  type Sample,
  type ScopeProfiles,
  ScopeProfilesSchema,
} from "./gen/opentelemetry/proto/profiles/v1development/profiles_pb.ts";
import { copyUnknown, DictionaryBuilder } from "./dictionary.ts";
import { DictionaryRemapper, SourceIndexOutOfRange } from "./remapper.ts";
import { validateProfiles } from "./validate.ts";

/** Number of samples in `data`. */
export function countSamples(data: ProfilesData): number {
  let count = 0;
  for (const rp of data.resourceProfiles) {
    for (const sp of rp.scopeProfiles) {
      for (const profile of sp.profiles) count += profile.samples.length;
    }
  }
  return count;
}

/**
 * Runs `body`; when a remapper met an index out of range, validates `inputs` to report which
 * reference it was (validation knows the path; the remapper, on the fast path, does not).
 */
function withPreciseReferenceErrors<T>(inputs: readonly ProfilesData[], body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (!(error instanceof SourceIndexOutOfRange)) throw error;
    for (const input of inputs) validateProfiles(input);
    throw error;
  }
}

function remapResource(resource: Resource | undefined, r: DictionaryRemapper) {
  if (resource === undefined) return undefined;
  // clone keeps every field (and unknown fields); only the attributes need new string indices.
  const copy = clone(ResourceSchema, resource);
  copy.attributes = r.keyValues(resource.attributes);
  return copy;
}

function remapScope(scope: InstrumentationScope | undefined, r: DictionaryRemapper) {
  if (scope === undefined) return undefined;
  const copy = clone(InstrumentationScopeSchema, scope);
  copy.attributes = r.keyValues(scope.attributes);
  return copy;
}

function remapSample(sample: Sample, r: DictionaryRemapper): Sample {
  // A literal rather than create(): this runs once per sample and every field is set here.
  const copy: Sample = {
    $typeName: "opentelemetry.proto.profiles.v1development.Sample",
    stackIndex: r.stack(sample.stackIndex),
    attributeIndices: r.attributeIndices(sample.attributeIndices),
    linkIndex: r.link(sample.linkIndex),
    values: sample.values.slice(),
    timestampsUnixNano: sample.timestampsUnixNano.slice(),
  };
  return copyUnknown(sample, copy);
}

/** A copy of `profile`'s metadata, translated through `r`, holding `samples`. */
function remapProfile(profile: Profile, r: DictionaryRemapper, samples: Sample[]): Profile {
  const copy: Profile = {
    $typeName: "opentelemetry.proto.profiles.v1development.Profile",
    sampleType: r.valueType(profile.sampleType),
    samples,
    timeUnixNano: profile.timeUnixNano,
    durationNano: profile.durationNano,
    periodType: r.valueType(profile.periodType),
    period: profile.period,
    profileId: profile.profileId.slice(),
    droppedAttributesCount: profile.droppedAttributesCount,
    originalPayloadFormat: profile.originalPayloadFormat,
    originalPayload: profile.originalPayload.slice(),
    attributeIndices: r.attributeIndices(profile.attributeIndices),
  };
  return copyUnknown(profile, copy);
}

function remapResourceProfiles(
  rp: ResourceProfiles,
  r: DictionaryRemapper,
  scopeProfiles: ScopeProfiles[],
): ResourceProfiles {
  return copyUnknown(
    rp,
    create(ResourceProfilesSchema, {
      resource: remapResource(rp.resource, r),
      scopeProfiles,
      schemaUrl: rp.schemaUrl,
    }),
  );
}

function remapScopeProfiles(
  sp: ScopeProfiles,
  r: DictionaryRemapper,
  profiles: Profile[],
): ScopeProfiles {
  return copyUnknown(
    sp,
    create(ScopeProfilesSchema, {
      scope: remapScope(sp.scope, r),
      profiles,
      schemaUrl: sp.schemaUrl,
    }),
  );
}

/**
 * Merges `parts` into one `ProfilesData` with one dictionary: every referenced entry of every
 * input is re-indexed into the new tables, equal entries are stored once, and unreferenced
 * entries are dropped. Resource profiles are concatenated in input order. The inputs are not
 * modified and share nothing with the result.
 *
 * @throws {ProfileReferenceError} when an input holds an index outside its table.
 */
export function mergeProfiles(parts: readonly ProfilesData[]): ProfilesData {
  return withPreciseReferenceErrors(parts, () => {
    const builder = new DictionaryBuilder();
    const resourceProfiles: ResourceProfiles[] = [];
    for (const part of parts) {
      const r = new DictionaryRemapper(part.dictionary, builder);
      for (const rp of part.resourceProfiles) {
        const scopeProfiles = rp.scopeProfiles.map((sp) =>
          remapScopeProfiles(
            sp,
            r,
            sp.profiles.map((profile) => {
              const source = profile.samples;
              const samples = new Array<Sample>(source.length);
              for (let i = 0; i < source.length; i++) samples[i] = remapSample(source[i], r);
              return remapProfile(profile, r, samples);
            }),
          )
        );
        resourceProfiles.push(remapResourceProfiles(rp, r, scopeProfiles));
      }
    }
    return create(ProfilesDataSchema, { resourceProfiles, dictionary: builder.build() });
  });
}

/**
 * Splits `data` into chunks of at most `maxSamples` samples, in order. Each chunk repeats the
 * resource, scope and profile metadata of the samples it holds, and has its own dictionary
 * holding only the entries the chunk references (plus the zero value at index 0 of each table).
 * Profiles without samples, and resource and scope groups without profiles, travel in the chunk
 * that is open when they are reached.
 *
 * When `data` has at most `maxSamples` samples it is returned as the only chunk, unchanged.
 *
 * @throws {RangeError} when `maxSamples` is not a positive integer.
 * @throws {ProfileReferenceError} when `data` holds an index outside its table.
 */
export function splitProfiles(data: ProfilesData, maxSamples: number): ProfilesData[] {
  if (!Number.isSafeInteger(maxSamples) || maxSamples < 1) {
    throw new RangeError(
      `profiles: split needs maxSamples to be a positive integer, got ${maxSamples}`,
    );
  }
  if (countSamples(data) <= maxSamples) return [data];
  return withPreciseReferenceErrors([data], () => new Splitter(data, maxSamples).run());
}

/**
 * The state of one split: the chunk being filled, with the containers (resource, scope,
 * profile) of the current position already opened in it.
 */
class Splitter {
  readonly #data: ProfilesData;
  readonly #max: number;
  readonly #chunks: ProfilesData[] = [];
  #builder!: DictionaryBuilder;
  #remapper!: DictionaryRemapper;
  #resourceProfiles: ResourceProfiles[] = [];
  #room = 0;
  /** The open containers of the current chunk, undefined when not yet opened in it. */
  #openResource: ResourceProfiles | undefined;
  #openScope: ScopeProfiles | undefined;
  #openProfile: Profile | undefined;

  constructor(data: ProfilesData, maxSamples: number) {
    this.#data = data;
    this.#max = maxSamples;
    this.#startChunk();
  }

  run(): ProfilesData[] {
    for (const rp of this.#data.resourceProfiles) {
      this.#openResource = undefined;
      // Groups holding nothing travel, like profiles without samples, in the open chunk.
      if (rp.scopeProfiles.length === 0) this.#resourceIn(rp);
      for (const sp of rp.scopeProfiles) {
        this.#openScope = undefined;
        if (sp.profiles.length === 0) this.#scopeIn(rp, sp);
        for (const profile of sp.profiles) {
          this.#openProfile = undefined;
          const samples = profile.samples;
          if (samples.length === 0) {
            this.#profileIn(rp, sp, profile);
            continue;
          }
          for (let i = 0; i < samples.length; i++) {
            if (this.#room === 0) this.#finishChunk();
            this.#profileIn(rp, sp, profile).samples.push(remapSample(samples[i], this.#remapper));
            this.#room--;
          }
        }
      }
    }
    if (this.#resourceProfiles.length > 0) this.#finishChunk();
    return this.#chunks;
  }

  /** The copy of `rp` in the current chunk, opening it. */
  #resourceIn(rp: ResourceProfiles): ResourceProfiles {
    if (this.#openResource === undefined) {
      this.#openResource = remapResourceProfiles(rp, this.#remapper, []);
      this.#resourceProfiles.push(this.#openResource);
    }
    return this.#openResource;
  }

  /** The copy of `sp` in the current chunk, opening it (and its resource). */
  #scopeIn(rp: ResourceProfiles, sp: ScopeProfiles): ScopeProfiles {
    if (this.#openScope === undefined) {
      this.#openScope = remapScopeProfiles(sp, this.#remapper, []);
      this.#resourceIn(rp).scopeProfiles.push(this.#openScope);
    }
    return this.#openScope;
  }

  /** The copy of `profile` in the current chunk, opening it (and its scope and resource). */
  #profileIn(rp: ResourceProfiles, sp: ScopeProfiles, profile: Profile): Profile {
    if (this.#openProfile !== undefined) return this.#openProfile;
    this.#openProfile = remapProfile(profile, this.#remapper, []);
    this.#scopeIn(rp, sp).profiles.push(this.#openProfile);
    return this.#openProfile;
  }

  #finishChunk(): void {
    this.#chunks.push(
      create(ProfilesDataSchema, {
        resourceProfiles: this.#resourceProfiles,
        dictionary: this.#builder.build(),
      }),
    );
    this.#startChunk();
  }

  #startChunk(): void {
    this.#builder = new DictionaryBuilder();
    this.#remapper = new DictionaryRemapper(this.#data.dictionary, this.#builder);
    this.#resourceProfiles = [];
    this.#room = this.#max;
    this.#openResource = undefined;
    this.#openScope = undefined;
    this.#openProfile = undefined;
  }
}
