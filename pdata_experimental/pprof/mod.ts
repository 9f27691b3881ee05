/**
 * EXPERIMENTAL: pprof and V8 CPU profiles to and from OTLP profiles, and views of a profile
 * (per-function values like `pprof -top`, collapsed stacks for flame graphs). Used by the `pprof`
 * receiver and exporter, the `profilestometrics` connector and the `debug` exporter.
 *
 * - {@link parseProfile} recognises a profile by its content (gzipped or not; a V8
 *   `.cpuprofile` JSON or a pprof `profile.proto` message) and {@link toProfiles} converts it.
 * - {@link pprofToProfiles}: one OTLP profile per pprof sample type (a Go heap profile gives
 *   four), sharing one dictionary: samples with their labels as attributes (numeric ones with
 *   their unit), mappings with build ids, locations with inlined lines, functions. The profiles
 *   of one pprof carry the attribute `denocol.pprof.group` (and their sample type's position),
 *   so that {@link profilesToPprof} writes them back as one pprof profile with every sample
 *   type in its order, whatever batching did in between.
 * - {@link cpuProfileToProfiles}: a V8 profile becomes `samples/count` and `cpu/nanoseconds`
 *   profiles, one sample per call tree node with ticks (one value and timestamp per tick, the
 *   time being V8's delta before the tick), each call frame a location.
 * - {@link profileTop} and {@link collapsedStacks}: what a person reads.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { collapsedStacks, cpuProfileToProfiles, profilesToPprof } from "@denocol/pdata-experimental/pprof";
 *
 * // A V8 profile: main() called work(); two ticks in work (1 ms and 2 ms), one in main.
 * const frame = (functionName: string) => ({ functionName, url: "app.js", lineNumber: 0, columnNumber: 0 });
 * const data = cpuProfileToProfiles({
 *   nodes: [
 *     { id: 1, callFrame: frame("(root)"), children: [2] },
 *     { id: 2, callFrame: frame("main"), children: [3] },
 *     { id: 3, callFrame: frame("work") },
 *   ],
 *   startTime: 0, endTime: 4000, samples: [3, 2, 3], timeDeltas: [1000, 1000, 2000],
 * });
 * const [count, cpu] = data.resourceProfiles[0].scopeProfiles[0].profiles;
 * assert.deepEqual(collapsedStacks(data.dictionary, count), ["main 1", "main;work 2"]);
 * assert.deepEqual(collapsedStacks(data.dictionary, cpu), ["main 1000000", "main;work 3000000"]);
 * // Both sample types go back into one pprof profile.
 * const [pprof] = profilesToPprof(data);
 * assert.equal(pprof.profile.sampleType.length, 2);
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

export {
  checkPprof,
  decodePprof,
  emptyPprof,
  encodePprof,
  PprofDecodeError,
  type PprofFunction,
  type PprofLabel,
  type PprofLine,
  type PprofLocation,
  type PprofMapping,
  type PprofProfile,
  type PprofSample,
  type PprofValueType,
} from "./profile.ts";
export {
  DEFAULT_MAX_PROFILE_BYTES,
  gzipPprof,
  isGzip,
  type ParsedProfile,
  parseProfile,
  ProfileFormatError,
  toProfiles,
} from "./input.ts";
export { type ConvertOptions, pprofToProfiles } from "./to_otlp.ts";
export {
  type CpuProfile,
  type CpuProfileCallFrame,
  CpuProfileError,
  type CpuProfileNode,
  type CpuProfileOptions,
  cpuProfileToProfiles,
  looksLikeCpuProfile,
  parseCpuProfile,
} from "./v8.ts";
export { type PprofOutput, profilesToPprof, sampleTotal } from "./from_otlp.ts";
export {
  collapsedStacks,
  type FunctionValue,
  type ProfileTop,
  profileTop,
  stackFunctionNames,
} from "./analysis.ts";
export {
  BUILD_ID_KEY,
  COMMENT_KEY,
  DEFAULT_SAMPLE_TYPE_KEY,
  DOC_URL_KEY,
  DROP_FRAMES_KEY,
  GROUP_KEY,
  HAS_FILENAMES_KEY,
  HAS_FUNCTIONS_KEY,
  HAS_INLINE_FRAMES_KEY,
  HAS_LINE_NUMBERS_KEY,
  IS_FOLDED_KEY,
  KEEP_FRAMES_KEY,
  PROFILE_KEYS,
  SAMPLE_TYPE_INDEX_KEY,
} from "./attributes.ts";
