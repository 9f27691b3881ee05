/**
 * EXPERIMENTAL: the OTTL `profile` context of `@denocol/ottl`, for the profiles signal. Its
 * attributes are resolved through the request's dictionary and written back through it
 * (`ProfileAttributes` of `@denocol/pdata-experimental`), so a changed value gets its own
 * dictionary entry and profiles that shared the old one keep it.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileGroup, standardFunctions } from "@denocol/ottl";
 * import { profileContexts, walkProfiles } from "@denocol/ottl-experimental";
 * import { ProfileAttributes, profiles } from "@denocol/pdata-experimental";
 *
 * const data = profiles.decodeJson(JSON.stringify({
 *   dictionary: { stringTable: [""], attributeTable: [{}] },
 *   resourceProfiles: [{ scopeProfiles: [{ profiles: [{ samples: [{}] }] }] }],
 * }));
 * const group = compileGroup(profileContexts(standardFunctions()), {
 *   statements: ['set(profile.attributes["tag"], "profile#23")'],
 * }, { errorMode: "propagate" });
 * walkProfiles(data, group.context, (t) => group.execute(t));
 * const profile = data.resourceProfiles[0].scopeProfiles[0].profiles[0];
 * assert.equal(new ProfileAttributes(data.dictionary!, profile).get("tag"), "profile#23");
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

export {
  filterProfiles,
  profileContext,
  profileContexts,
  profileLevel,
  type ProfileTransformContext,
  walkProfiles,
} from "./profile.ts";
