/**
 * Throughput of `@denocol/pdata` for traces, metrics and logs: binary and OTLP/JSON decode and
 * encode of a 1,000-span, a 1,000-point and a 1,000-record request, plus clone, split and merge.
 *
 * Every figure is also printed as a ratio to a baseline measured in the same run, so that runs on
 * different machines compare by their ratios: binary codecs against a plain copy of the same
 * bytes, JSON codecs against `JSON.parse` / `JSON.stringify` of the same JSON text (the work any
 * JSON decoder does before looking at the data), helpers against `structuredClone`. The binary
 * codecs are also compared with protobuf-es's reflection codec (`fromBinary` / `toBinary`, what
 * `createProtoCodec` uses), measured in the same run: the last column.
 *
 * OTLP/JSON of data still in its encoded form (as the OTLP receiver hands requests on) is measured
 * both ways in the same run: written from the bytes by the generated transcoder (what `encodeJson`
 * does for such data: rows `JSON from bytes`), and through objects (decode, then encode the
 * objects, what it did before: rows `JSON via objects`), in turns so that load from elsewhere
 * weighs on both alike; the line under each table gives the ratio.
 *
 * Profiles have their own file, `bench/pdata_profiles_bench.ts`; `bench/main.ts` runs both.
 *
 * Run: `deno run -A bench/pdata_bench.ts` (or `deno task bench`).
 *
 * @module
 */

import { clone, toBinary } from "@bufbuild/protobuf";
import {
  createProtoCodec,
  encodedValue,
  logs,
  LogsDataSchema,
  metrics,
  MetricsDataSchema,
  type SignalDescriptor,
  traces,
  TracesDataSchema,
} from "@denocol/pdata";
import type { DescMessage, Message } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { randomLogs, randomMetrics, randomTraces, seededRandom } from "@denocol/pdata/pdatatest";

/**
 * Milliseconds per call of `op`: the fastest of several rounds of at least `roundMs` each, after
 * a warm-up; the minimum is the figure least disturbed by garbage collection.
 */
function timePerCall(op: () => unknown, roundMs = 30, rounds = 3): number {
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

interface Case<T> {
  name: string;
  unit: string;
  helpers: SignalDescriptor<T>;
  schema: DescMessage;
  data: T;
}

function bench<T>({ name, unit, helpers, schema, data }: Case<T>): void {
  const count = helpers.count(data);
  const binary = helpers.encodeProto(data);
  const json = helpers.encodeJson(data);
  const jsonBytes = new TextEncoder().encode(json);
  const parsed = JSON.parse(json);

  const copyMs = timePerCall(() => binary.slice());
  const parseMs = timePerCall(() => JSON.parse(json));
  const stringifyMs = timePerCall(() => JSON.stringify(parsed));
  const structuredMs = timePerCall(() => structuredClone(data));
  const reflection = createProtoCodec(schema as GenMessage<Message>);
  const esDecodeMs = timePerCall(() => reflection.decode(binary));
  const esEncodeMs = timePerCall(() => toBinary(schema, data as unknown as Message));
  // A fresh encoded value per call: writing JSON through objects decodes it for good.
  const encoded = () =>
    encodedValue(schema, binary, count, (b) => helpers.decodeProto(b) as Message) as T;
  const viaObjects = () => helpers.encodeJson(helpers.decodeProto(binary));
  const fromBytes = () => helpers.encodeJson(encoded());
  if (fromBytes() !== viaObjects()) throw new Error(`${name}: JSON from bytes differs`);
  // Measured in turns, so that load from elsewhere weighs on both alike.
  let viaObjectsMs = Infinity;
  let fromBytesMs = Infinity;
  for (let turn = 0; turn < 4; turn++) {
    viaObjectsMs = Math.min(viaObjectsMs, timePerCall(viaObjects));
    fromBytesMs = Math.min(fromBytesMs, timePerCall(fromBytes));
  }
  const paired = new Map([["JSON via objects", viaObjectsMs], ["JSON from bytes", fromBytesMs]]);

  console.log(
    `\n${name}: ${fmt(count)} ${unit}, binary ${fmt(binary.length / 1e3)} kB, ` +
      `JSON ${fmt(jsonBytes.length / 1e3)} kB`,
  );
  const widths = [22, 12, 9, 30, 14];
  console.log(
    row(["operation", `${unit}/s`, "MB/s", "ratio to baseline", "x protobuf-es"], widths),
  );
  const cases: [string, () => unknown, number, number, string, number?][] = [
    [
      "decode binary",
      () => helpers.decodeProto(binary),
      binary.length,
      copyMs,
      "byte copy",
      esDecodeMs,
    ],
    [
      "encode binary",
      () => helpers.encodeProto(data),
      binary.length,
      copyMs,
      "byte copy",
      esEncodeMs,
    ],
    [
      "decode bin protobuf-es",
      () => reflection.decode(binary),
      binary.length,
      copyMs,
      "byte copy",
    ],
    [
      "encode bin protobuf-es",
      () => toBinary(schema, data as unknown as Message),
      binary.length,
      copyMs,
      "byte copy",
    ],
    [
      "decode JSON (bytes)",
      () => helpers.decodeJson(jsonBytes),
      jsonBytes.length,
      parseMs,
      "JSON.parse",
    ],
    [
      "encode JSON",
      () => helpers.encodeJson(data),
      jsonBytes.length,
      stringifyMs,
      "JSON.stringify",
    ],
    [
      "JSON via objects",
      viaObjects,
      jsonBytes.length,
      stringifyMs,
      "JSON.stringify",
    ],
    [
      "JSON from bytes",
      fromBytes,
      jsonBytes.length,
      stringifyMs,
      "JSON.stringify",
    ],
    ["clone (helpers)", () => helpers.clone(data), 0, structuredMs, "structuredClone"],
    [
      "clone (protobuf-es)",
      () => clone(schema, data as unknown as Message),
      0,
      structuredMs,
      "structuredClone",
    ],
    ["split by 100", () => helpers.split(data, 100), 0, structuredMs, "structuredClone"],
    [
      "merge 10 parts",
      // Merging moves groups, so each round merges fresh shallow copies of the split parts.
      (() => {
        const parts = helpers.split(helpers.clone(data), 100);
        return () => helpers.merge(parts.slice());
      })(),
      0,
      structuredMs,
      "structuredClone",
    ],
  ];
  for (const [operation, op, bytes, baselineMs, baseline, reflectionMs] of cases) {
    const ms = paired.get(operation) ?? timePerCall(op);
    console.log(row([
      operation,
      fmt(count / (ms / 1000)),
      bytes ? fmt(bytes / 1e6 / (ms / 1000), 1) : "-",
      `${fmt(baselineMs / ms, 3)} x ${baseline}`,
      reflectionMs === undefined ? "" : fmt(reflectionMs / ms, 2),
    ], widths));
  }
  console.log(
    `JSON of encoded data: from bytes ${fmt(viaObjectsMs / fromBytesMs, 2)} x as fast as ` +
      "via objects",
  );
}

console.log(
  `pdata benchmark (Deno ${Deno.version.deno}, V8 ${Deno.version.v8}, ` +
    `${navigator.hardwareConcurrency} logical cores). Ratios > 1 are faster than the baseline.`,
);
const random = seededRandom(42);
bench({
  name: "traces",
  unit: "spans",
  helpers: traces,
  schema: TracesDataSchema,
  // 5 resources x 4 scopes x 50 spans, 8 attributes each.
  data: randomTraces(random, { resources: 5, scopes: 4, items: 50, attributes: 8 }, true),
});
bench({
  name: "metrics",
  unit: "points",
  helpers: metrics,
  schema: MetricsDataSchema,
  // 5 resources x 4 scopes x 10 metrics (all five types) x 5 points, 4 attributes each.
  data: randomMetrics(random, { resources: 5, scopes: 4, items: 10, attributes: 4 }, 5, true),
});
bench({
  name: "logs",
  unit: "records",
  helpers: logs,
  schema: LogsDataSchema,
  data: randomLogs(random, { resources: 5, scopes: 4, items: 50, attributes: 6 }, true),
});
