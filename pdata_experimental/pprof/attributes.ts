// Attribute keys that carry what pprof has and OTLP profiles have no field for. The keys of the
// OpenTelemetry semantic conventions are used where they exist; the `denocol.pprof.*` keys tie the
// OTLP profiles made of one pprof profile (one per sample type) back together.

/** Mapping attribute: the build id of a mapped binary (pprof `Mapping.build_id`). */
export const BUILD_ID_KEY = "process.executable.build_id.gnu";
/** Mapping attribute: pprof `Mapping.has_functions`. */
export const HAS_FUNCTIONS_KEY = "pprof.mapping.has_functions";
/** Mapping attribute: pprof `Mapping.has_filenames`. */
export const HAS_FILENAMES_KEY = "pprof.mapping.has_filenames";
/** Mapping attribute: pprof `Mapping.has_line_numbers`. */
export const HAS_LINE_NUMBERS_KEY = "pprof.mapping.has_line_numbers";
/** Mapping attribute: pprof `Mapping.has_inline_frames`. */
export const HAS_INLINE_FRAMES_KEY = "pprof.mapping.has_inline_frames";
/** Location attribute: pprof `Location.is_folded`. */
export const IS_FOLDED_KEY = "pprof.location.is_folded";
/** Profile attribute: pprof `Profile.drop_frames`. */
export const DROP_FRAMES_KEY = "pprof.profile.drop_frames";
/** Profile attribute: pprof `Profile.keep_frames`. */
export const KEEP_FRAMES_KEY = "pprof.profile.keep_frames";
/** Profile attribute: pprof `Profile.comment`, a list of strings. */
export const COMMENT_KEY = "pprof.profile.comment";
/** Profile attribute: pprof `Profile.doc_url`. */
export const DOC_URL_KEY = "pprof.profile.doc_url";
/**
 * Profile attribute: 32 hex digits shared by the OTLP profiles made of one pprof profile, which
 * an exporter writes back as one pprof profile.
 */
export const GROUP_KEY = "denocol.pprof.group";
/** Profile attribute: the position of this profile's sample type in the pprof profile. */
export const SAMPLE_TYPE_INDEX_KEY = "denocol.pprof.sample_type_index";
/** Profile attribute: pprof `Profile.default_sample_type`, the type shown by default. */
export const DEFAULT_SAMPLE_TYPE_KEY = "denocol.pprof.default_sample_type";
/** The attributes the conversion writes into profiles, which go back into pprof fields. */
export const PROFILE_KEYS: ReadonlySet<string> = new Set([
  DROP_FRAMES_KEY,
  KEEP_FRAMES_KEY,
  COMMENT_KEY,
  DOC_URL_KEY,
  GROUP_KEY,
  SAMPLE_TYPE_INDEX_KEY,
  DEFAULT_SAMPLE_TYPE_KEY,
]);
