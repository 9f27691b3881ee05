// Recognises a profile by its content: gzip (any of the formats inside), a V8 CPU profile
// (JSON), or a pprof protobuf message; and converts it into OTLP profiles.

import { gunzipSync, gzipSync } from "node:zlib";
import type { Profiles } from "../mod.ts";
import { decodePprof, encodePprof, type PprofProfile } from "./profile.ts";
import { type ConvertOptions, pprofToProfiles } from "./to_otlp.ts";
import {
  type CpuProfile,
  type CpuProfileOptions,
  cpuProfileToProfiles,
  looksLikeCpuProfile,
  parseCpuProfile,
} from "./v8.ts";

/** Largest decompressed profile accepted by default: 256 MiB. */
export const DEFAULT_MAX_PROFILE_BYTES = 256 * 1024 * 1024;

/** A profile read from bytes, in its own format. */
export type ParsedProfile =
  | { readonly format: "pprof"; readonly profile: PprofProfile }
  | { readonly format: "v8"; readonly profile: CpuProfile };

/** A profile that cannot be read; the message says what is wrong. */
export class ProfileFormatError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProfileFormatError";
  }
}

/** Whether `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a profile from bytes, gzipped or not: a V8 CPU profile when it is a JSON object with
 * `nodes`, a pprof `profile.proto` message otherwise.
 *
 * @param maxBytes Largest size accepted after decompression.
 * @throws {ProfileFormatError} (or the format's own error) naming what is wrong.
 */
export function parseProfile(
  bytes: Uint8Array,
  maxBytes: number = DEFAULT_MAX_PROFILE_BYTES,
): ParsedProfile {
  let plain = bytes;
  if (isGzip(bytes)) {
    try {
      plain = new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes }));
    } catch (error) {
      throw new ProfileFormatError(
        `cannot decompress the gzip data: ${error instanceof Error ? error.message : error}`,
        { cause: error },
      );
    }
  }
  if (plain.length > maxBytes) {
    throw new ProfileFormatError(`profile of ${plain.length} bytes is over ${maxBytes} bytes`);
  }
  if (plain.length === 0) throw new ProfileFormatError("the profile is empty");
  if (looksLikeCpuProfile(plain)) {
    return { format: "v8", profile: parseCpuProfile(new TextDecoder().decode(plain)) };
  }
  return { format: "pprof", profile: decodePprof(plain) };
}

/** Converts a parsed profile into OTLP profiles; see `pprofToProfiles`, `cpuProfileToProfiles`. */
export function toProfiles(
  parsed: ParsedProfile,
  options: ConvertOptions & CpuProfileOptions = {},
): Profiles {
  return parsed.format === "pprof"
    ? pprofToProfiles(parsed.profile, options)
    : cpuProfileToProfiles(parsed.profile, options);
}

/** A pprof profile as `go tool pprof` reads it from a file: encoded and gzipped. */
export function gzipPprof(profile: PprofProfile): Uint8Array<ArrayBuffer> {
  return new Uint8Array(gzipSync(encodePprof(profile)));
}
