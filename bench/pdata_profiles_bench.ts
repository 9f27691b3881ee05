/**
 * Throughput of the profiles helpers of `@denocol/pdata-experimental`: binary and OTLP/JSON
 * decode and encode of a 10,000-sample profile, its validation, and merge as the number of
 * merged requests grows, of decoded data and of data as a receiver hands it on (`fromProto`:
 * still encoded, validated and merged on its bytes). Every figure is also printed as a ratio to a
 * baseline measured in the same run (a raw copy of the encoded bytes, and a deep clone of the
 * same data), so that runs on different machines can be compared by their ratios.
 *
 * Run: `deno run -A bench/pdata_profiles_bench.ts` (or `deno task bench`).
 *
 * @module
 */

import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type Profiles,
  profiles,
  ProfilesDataSchema,
  validateProfiles,
} from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";

/**
 * Milliseconds per call of `op`: the fastest of several rounds of at least `roundMs` each, after
 * a warm-up. The minimum is the figure least disturbed by garbage collection and by other
 * processes sharing the machine.
 */
function timePerCall(op: () => unknown, roundMs = 100, rounds = 5): number {
  for (let i = 0; i < 3; i++) op();
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < roundMs || calls < 2) {
      op();
      calls++;
      elapsed = performance.now() - start;
    }
    best = Math.min(best, elapsed / calls);
  }
  return best;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
}

const SAMPLES = 10_000;

function largeProfile(seed: number, samples: number): Profiles {
  return generateProfiles({
    seed,
    maxResources: 1,
    maxScopes: 1,
    maxProfiles: 1,
    samplesPerProfile: samples,
    strings: 1000,
    functions: 800,
    locations: 2000,
    stacks: 500,
  });
}

/** Prints codec throughput for a 10,000-sample profile. */
function codecs(): void {
  const data = largeProfile(1, SAMPLES);
  const count = profiles.count(data);
  const binary = profiles.encodeProto(data);
  const json = profiles.encodeJson(data);
  const jsonBytes = new TextEncoder().encode(json);

  const copyMs = timePerCall(() => binary.slice());
  const cloneMs = timePerCall(() => profiles.clone(data));

  console.log(
    `profiles codecs: ${fmt(count)} samples, binary ${fmt(binary.length / 1e6, 2)} MB, ` +
      `JSON ${fmt(jsonBytes.length / 1e6, 2)} MB`,
  );
  console.log(
    `baselines: raw byte copy of the binary ${fmt(binary.length / 1e6 / (copyMs / 1000))} MB/s, ` +
      `clone ${fmt(count / (cloneMs / 1000))} samples/s`,
  );
  // protobuf-es's reflection codec, which the binary codec replaced: the last column.
  const esDecodeMs = timePerCall(() => fromBinary(ProfilesDataSchema, binary));
  const esEncodeMs = timePerCall(() => toBinary(ProfilesDataSchema, data));
  const widths = [14, 14, 10, 12, 12, 14];
  console.log(
    row(["operation", "samples/s", "MB/s", "x clone", "x byte copy", "x protobuf-es"], widths),
  );
  const cases: [string, () => unknown, number, number?][] = [
    ["decode binary", () => profiles.decodeProto(binary), binary.length, esDecodeMs],
    ["encode binary", () => profiles.encodeProto(data), binary.length, esEncodeMs],
    ["decode JSON", () => profiles.decodeJson(jsonBytes), jsonBytes.length],
    ["encode JSON", () => profiles.encodeJson(data), jsonBytes.length],
    ["validate", () => validateProfiles(data), binary.length],
    // What the otlp receiver does with a request: scan, then check the references.
    [
      "receive+valid.",
      () => validateProfiles(profiles.fromProto(binary)),
      binary.length,
    ],
  ];
  for (const [name, op, bytes, reflectionMs] of cases) {
    const ms = timePerCall(op);
    console.log(row([
      name,
      fmt(count / (ms / 1000)),
      fmt(bytes / 1e6 / (ms / 1000), 1),
      fmt(cloneMs / ms, 2),
      fmt(copyMs / ms, 4),
      reflectionMs === undefined ? "" : fmt(reflectionMs / ms, 2),
    ], widths));
  }
}

/** Prints merge cost as the number of merged requests (each with its own dictionary) grows. */
function merges(): void {
  const perPart = 1000;
  const parts = Array.from({ length: 64 }, (_, i) =>
    generateProfiles({
      seed: 1000 + i,
      maxResources: 1,
      maxScopes: 1,
      maxProfiles: 1,
      samplesPerProfile: perPart,
      strings: 300,
      functions: 200,
      locations: 400,
      stacks: 150,
    }));
  console.log(
    `\nprofiles merge: requests of ${fmt(perPart)} samples, each with its own dictionary ` +
      `(a single request is merged with an empty one, so its dictionary is still rebuilt)`,
  );
  console.log(
    "received: each request's bytes taken in as the otlp receiver does (fromProto, " +
      "validateProfiles), then merged as the batch processor does",
  );
  const widths = [10, 14, 14, 10, 18, 10, 16];
  console.log(
    row(
      [
        "requests",
        "samples",
        "samples/s",
        "x clone",
        "received samples/s",
        "x merge",
        "string table",
      ],
      widths,
    ),
  );
  const encoded = parts.map((part) => profiles.encodeProto(part));
  const receive = (bytes: Uint8Array) => {
    const data = profiles.fromProto(bytes);
    validateProfiles(data);
    return data;
  };
  for (let n = 1; n <= 64; n *= 2) {
    const input = n === 1 ? [parts[0], profiles.empty()] : parts.slice(0, n);
    const receivedInput = n === 1
      ? [encoded[0], profiles.encodeProto(profiles.empty())]
      : encoded.slice(0, n);
    const samples = n * perPart;
    const mergeMs = timePerCall(() => profiles.merge(input));
    const receivedMs = timePerCall(() => profiles.merge(receivedInput.map(receive)));
    const cloneMs = timePerCall(() => input.forEach((p) => profiles.clone(p)));
    const merged = profiles.merge(input);
    const inputStrings = input.reduce((sum, p) => sum + (p.dictionary?.stringTable.length ?? 0), 0);
    console.log(row([
      String(n),
      fmt(samples),
      fmt(samples / (mergeMs / 1000)),
      fmt(cloneMs / mergeMs, 2),
      fmt(samples / (receivedMs / 1000)),
      fmt(mergeMs / receivedMs, 2),
      `${fmt(inputStrings)} -> ${fmt(merged.dictionary!.stringTable.length)}`,
    ], widths));
  }
}

codecs();
merges();
