import { create } from "@bufbuild/protobuf";
import {
  bigintField,
  type CacheHolder,
  type ContextLevel,
  enterResource,
  enterScope,
  expect,
  field,
  type FunctionTable,
  idField,
  intField,
  mapPath,
  newTransformContext,
  type OttlContext,
  resourceContext,
  resourceLevel,
  scopeContext,
  scopeLevel,
  type SignalContexts,
  signalContexts,
  stringField,
  timeField,
  type TransformContext,
  withSubfields,
} from "@denocol/ottl";
import {
  DictionaryWriter,
  type Profile,
  ProfileAttributes,
  type Profiles,
  type ProfilesDictionary,
  ProfilesDictionarySchema,
  type ValueType,
  ValueTypeSchema,
} from "@denocol/pdata-experimental";

/** The transform context of profiles: the profile and the dictionary it indexes into. */
export interface ProfileTransformContext extends TransformContext {
  /** The profile, in the `profile` context. */
  profile?: Profile;
  /** The request's dictionary. */
  dictionary?: ProfilesDictionary;
}

const profile = (t: ProfileTransformContext): Profile => t.profile!;
const dictionary = (t: ProfileTransformContext): ProfilesDictionary => t.dictionary!;

/** `type` and `unit` of a value type, as strings through the dictionary. */
function valueTypePath(key: "sampleType" | "periodType") {
  const read = (t: ProfileTransformContext): ValueType | undefined => profile(t)[key];
  const write = (
    t: ProfileTransformContext,
  ): ValueType => (profile(t)[key] ??= create(ValueTypeSchema));
  const strings = (t: ProfileTransformContext) => dictionary(t).stringTable;
  return withSubfields<ProfileTransformContext>(undefined, {
    type: stringField(
      (t) => strings(t)[read(t)?.typeStrindex ?? 0] ?? "",
      (t, v) => (write(t).typeStrindex = new DictionaryWriter(dictionary(t)).string(v)),
    ),
    unit: stringField(
      (t) => strings(t)[read(t)?.unitStrindex ?? 0] ?? "",
      (t, v) => (write(t).unitStrindex = new DictionaryWriter(dictionary(t)).string(v)),
    ),
  });
}

/** The `profile` level. */
export const profileLevel: ContextLevel<ProfileTransformContext> = {
  name: "profile",
  paths: {
    attributes: mapPath(
      (t) => new ProfileAttributes(dictionary(t), profile(t)).toAttributeMap(),
      (t, map) => new ProfileAttributes(dictionary(t), profile(t)).replaceWith(map),
    ),
    attribute_indices: field(
      "[]int64",
      (t) => profile(t).attributeIndices.map(BigInt),
    ),
    sample_type: valueTypePath("sampleType"),
    period_type: valueTypePath("periodType"),
    time_unix_nano: bigintField(
      (t) => profile(t).timeUnixNano,
      (t, v) => (profile(t).timeUnixNano = v),
    ),
    time: timeField((t) => profile(t).timeUnixNano, (t, v) => (profile(t).timeUnixNano = v)),
    duration_unix_nano: bigintField(
      (t) => profile(t).durationNano,
      (t, v) => (profile(t).durationNano = v),
    ),
    duration: bigintField((t) => profile(t).durationNano, (t, v) => (profile(t).durationNano = v)),
    period: bigintField((t) => profile(t).period, (t, v) => (profile(t).period = v)),
    profile_id: idField(16, (t) => profile(t).profileId, (t, v) => (profile(t).profileId = v)),
    dropped_attributes_count: intField(
      (t) => profile(t).droppedAttributesCount,
      (t, v) => (profile(t).droppedAttributesCount = v),
    ),
    original_payload_format: stringField(
      (t) => profile(t).originalPayloadFormat,
      (t, v) => (profile(t).originalPayloadFormat = v),
    ),
    original_payload: field(
      "[]byte",
      (t) => profile(t).originalPayload,
      (t, v) => {
        if (!(v instanceof Uint8Array)) expect("string", v);
        profile(t).originalPayload = (v as Uint8Array).slice();
      },
    ),
    sample_count: intField((t) => profile(t).samples.length),
  },
};

/** The `profile` context. */
export const profileContext: OttlContext<ProfileTransformContext> = {
  levels: [resourceLevel, scopeLevel, profileLevel],
};

/** The contexts of profiles: `profile`, `scope`, `resource`. */
export function profileContexts(
  functions:
    | FunctionTable<ProfileTransformContext>
    | ((context: string) => FunctionTable<ProfileTransformContext>),
): SignalContexts<ProfileTransformContext> {
  return signalContexts<ProfileTransformContext & CacheHolder>([
    ["profile", profileContext],
    ["scope", scopeContext as OttlContext<ProfileTransformContext>],
    ["resource", resourceContext as OttlContext<ProfileTransformContext>],
  ], functions);
}

function start(data: Profiles): ProfileTransformContext {
  const t: ProfileTransformContext = newTransformContext();
  t.dictionary = data.dictionary ??= create(ProfilesDictionarySchema);
  return t;
}

/** Calls `visit` for each item of `data` at the level of `context`. */
export function walkProfiles(
  data: Profiles,
  context: string,
  visit: (t: ProfileTransformContext) => void,
): void {
  const t = start(data);
  for (const rp of data.resourceProfiles) {
    enterResource(t, rp);
    if (context === "resource") {
      visit(t);
      continue;
    }
    for (const sp of rp.scopeProfiles) {
      enterScope(t, sp);
      if (context === "scope") {
        visit(t);
        continue;
      }
      for (const p of sp.profiles) {
        t.profile = p;
        t.cache = undefined;
        visit(t);
      }
    }
  }
}

/**
 * Removes the profiles for which `drop` is true and the groups left without any. Returns the
 * number of samples removed with them.
 */
export function filterProfiles(
  data: Profiles,
  drop: (t: ProfileTransformContext) => boolean,
): number {
  const t = start(data);
  let removed = 0;
  data.resourceProfiles = data.resourceProfiles.filter((rp) => {
    enterResource(t, rp);
    rp.scopeProfiles = rp.scopeProfiles.filter((sp) => {
      enterScope(t, sp);
      sp.profiles = sp.profiles.filter((p) => {
        t.profile = p;
        t.cache = undefined;
        if (!drop(t)) return true;
        removed += p.samples.length;
        return false;
      });
      return sp.profiles.length > 0;
    });
    return rp.scopeProfiles.length > 0;
  });
  return removed;
}
