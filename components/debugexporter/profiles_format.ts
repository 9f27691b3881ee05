import type { AnyValue } from "@denocol/pdata";
import {
  type Profiles,
  type ProfilesDictionary,
  resolveAttributes,
  type ResolvedAttribute,
  type ResolvedFrame,
  type ResolvedSample,
  resolveSample,
  resolveValueType,
} from "@denocol/pdata-experimental";
import {
  formatId,
  formatTime,
  plainValue,
  resourceHeading,
  scopeHeading,
  TextBuilder,
} from "./text.ts";
import type { Verbosity } from "./format.ts";
import { sampleTotal } from "@denocol/pdata-experimental/pprof";
import { writeProfileTop } from "./profiles_top.ts";

/** Runs `resolve`, turning a broken dictionary reference into a readable note. */
function safely<R>(resolve: () => R, fallback: (message: string) => R): R {
  try {
    return resolve();
  } catch (error) {
    return fallback(error instanceof Error ? error.message : String(error));
  }
}

function attributeText(attributes: readonly ResolvedAttribute[]): string {
  return attributes.map((a) =>
    `${a.key}=${plainValue(a.value as AnyValue | undefined)}${a.unit ? ` ${a.unit}` : ""}`
  ).join(" ");
}

function frameText(frame: ResolvedFrame): string {
  const name = frame.functionName || frame.systemName || "(unknown function)";
  let where = frame.fileName || "(unknown file)";
  if (frame.line !== 0n) where += `:${frame.line}`;
  if (frame.column !== 0n) where += `:${frame.column}`;
  return `${name} ${where}`;
}

/**
 * The one-line summary of a profiles batch.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function summarizeProfiles(data: Profiles): string {
  let profiles = 0;
  let samples = 0;
  for (const rp of data.resourceProfiles) {
    for (const sp of rp.scopeProfiles) {
      profiles += sp.profiles.length;
      for (const profile of sp.profiles) samples += profile.samples.length;
    }
  }
  const s = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `Profiles: ${s(data.resourceProfiles.length, "resource")}, ${s(profiles, "profile")}, ${
    s(samples, "sample")
  }`;
}

/**
 * Lines describing a profiles batch at `verbosity`: in normal form one line per profile with its
 * sample type, sample count and total; in detailed form each sample with its values and its stack
 * resolved through the dictionary to function names, files and lines, then the functions with the
 * largest values (flat and cumulative, like `pprof -top`) and the collapsed stacks
 * (`root;caller;leaf value`, the text flame graph tools read).
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function describeProfiles(data: Profiles, verbosity: Verbosity): string[] {
  const dictionary: ProfilesDictionary | undefined = data.dictionary;
  const out = new TextBuilder();
  data.resourceProfiles.forEach((rp, r) => {
    if (verbosity === "normal") {
      out.line(0, resourceHeading("ResourceProfiles", r, rp.resource, rp.schemaUrl));
    } else {
      out.line(0, `ResourceProfiles #${r}`);
      out.resource(1, rp.resource, rp.schemaUrl);
    }
    rp.scopeProfiles.forEach((sp, s) => {
      if (verbosity === "normal") {
        out.line(1, scopeHeading("ScopeProfiles", s, sp.scope, sp.schemaUrl));
      } else {
        out.line(1, `ScopeProfiles #${s}`);
        out.scope(2, sp.scope, sp.schemaUrl);
      }
      sp.profiles.forEach((profile, p) => {
        const attributes = safely(
          () => attributeText(resolveAttributes(dictionary, profile.attributeIndices)),
          (message) => `[${message}]`,
        );
        const sampleType = safely(
          () => resolveValueType(dictionary, profile.sampleType),
          () => ({ type: "?", unit: "?" }),
        );
        if (verbosity === "normal") {
          let total = 0n;
          for (const sample of profile.samples) total += sampleTotal(sample);
          out.line(
            2,
            `${formatId(profile.profileId)} ${sampleType.type}/${sampleType.unit} ` +
              `samples=${profile.samples.length} total=${total}` +
              (attributes === "" ? "" : ` ${attributes}`),
          );
          return;
        }
        out.line(2, `Profile #${p}`);
        out.line(3, `Profile ID: ${formatId(profile.profileId)}`);
        out.line(3, `Time: ${formatTime(profile.timeUnixNano)}`);
        out.line(3, `Duration: ${profile.durationNano} ns`);
        out.line(3, `Sample type: ${sampleType.type} (${sampleType.unit})`);
        if (profile.periodType !== undefined || profile.period !== 0n) {
          const periodType = safely(
            () => resolveValueType(dictionary, profile.periodType),
            () => ({ type: "?", unit: "?" }),
          );
          out.line(3, `Period: ${profile.period} ${periodType.unit} (${periodType.type})`);
        }
        if (attributes !== "") out.line(3, `Attributes: ${attributes}`);
        if (profile.droppedAttributesCount > 0) {
          out.line(3, `Dropped attributes: ${profile.droppedAttributesCount}`);
        }
        if (profile.originalPayloadFormat !== "") {
          out.line(
            3,
            `Original payload: ${profile.originalPayloadFormat}, ` +
              `${profile.originalPayload.length} bytes`,
          );
        }
        profile.samples.forEach((sample, i) => {
          const resolved = safely<ResolvedSample | string>(
            () => resolveSample(dictionary, sample),
            (message) => message,
          );
          if (typeof resolved === "string") {
            out.line(3, `Sample #${i}: values [${sample.values.join(", ")}] [${resolved}]`);
            return;
          }
          out.line(
            3,
            `Sample #${i}: values [${resolved.values.join(", ")}] ${sampleType.unit}`.trimEnd(),
          );
          if (resolved.timestampsUnixNano.length > 0) {
            out.line(4, `Times: ${resolved.timestampsUnixNano.map(formatTime).join(", ")}`);
          }
          if (resolved.attributes.length > 0) {
            out.line(4, `Attributes: ${attributeText(resolved.attributes)}`);
          }
          if (resolved.link !== undefined) {
            out.line(4, `Link: trace ${resolved.link.traceId} span ${resolved.link.spanId}`);
          }
          if (resolved.frames.length === 0) {
            out.line(4, "Stack: (empty)");
            return;
          }
          out.line(4, "Stack (leaf first):");
          resolved.frames.forEach((frame, f) => out.line(5, `#${f} ${frameText(frame)}`));
        });
        writeProfileTop(out, 3, dictionary, profile, sampleType.unit);
      });
    });
  });
  return out.lines;
}
