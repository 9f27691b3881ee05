// The whole way: receivers.pprof -> batch -> exporters.pprof in a collector, with profiles made
// by the real tools, and the files checked with `go tool pprof -top` against the inputs.

import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { Collector } from "@denocol/otelcol";
import { factory as batch } from "@denocol/batchprocessor";
import { factory as pprofReceiver } from "@denocol/pprofreceiver";
import {
  decodePprof,
  gzipPprof,
  parseProfile,
  type PprofProfile,
  profilesToPprof,
  toProfiles,
} from "@denocol/pdata-experimental/pprof";
import {
  GO_MISSING,
  goCommand,
  goProfiles,
  nodeCpuProfile,
  pprofTop,
} from "@denocol/pdata-experimental/pproftest";
import { factory as pprofExporter } from "./mod.ts";

function sampleTypes(p: PprofProfile): string {
  return p.sampleType.map((t) => `${p.stringTable[t.type]}/${p.stringTable[t.unit]}`).join(",");
}

function readPprof(path: string): PprofProfile {
  const bytes = Deno.readFileSync(path);
  return decodePprof(bytes[0] === 0x1f ? gunzipSync(bytes) : bytes);
}

/** Self time (ns) per function name, computed from the V8 profile's own ticks. */
function v8SelfTimes(cpu: {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}): Map<string, bigint> {
  const names = new Map(cpu.nodes.map((n) => [n.id, n.callFrame.functionName || "(anonymous)"]));
  const times = new Map<string, bigint>();
  cpu.samples.forEach((id, i) => {
    const name = names.get(id)!;
    times.set(name, (times.get(name) ?? 0n) + BigInt(Math.max(0, cpu.timeDeltas[i])) * 1000n);
  });
  return times;
}

/** Flat value of sample type `t` per leaf function name. */
function flatByFunction(p: PprofProfile, t: number): Map<string, bigint> {
  const locations = new Map(p.location.map((l) => [l.id, l]));
  const functions = new Map(p.function.map((f) => [f.id, f]));
  const flat = new Map<string, bigint>();
  for (const s of p.sample) {
    const leaf = locations.get(s.locationId[0])!;
    const name = p.stringTable[functions.get(leaf.line[0].functionId)!.name];
    flat.set(name, (flat.get(name) ?? 0n) + s.value[t]);
  }
  for (const [name, value] of flat) if (value === 0n) flat.delete(name);
  return flat;
}

Deno.test("pprof: receiver -> batch -> exporter keeps what go tool pprof -top reports", async () => {
  const input = await Deno.makeTempDir({ prefix: "denocol-pprof-in-" });
  const output = await Deno.makeTempDir({ prefix: "denocol-pprof-out-" });
  const nodeProfile = await nodeCpuProfile(300);
  await Deno.copyFile(nodeProfile, `${input}/node.cpuprofile`);
  const go = goCommand() !== undefined;
  if (go) {
    const { cpu, heap } = await goProfiles(500);
    await Deno.copyFile(cpu, `${input}/cpu.pb.gz`);
    await Deno.copyFile(heap, `${input}/heap.pb.gz`);
  } else console.log(`Go CPU and heap profiles ${GO_MISSING}`);
  const expectedFiles = go ? 3 : 1;

  const collector = new Collector({
    factories: {
      receivers: [pprofReceiver],
      processors: [batch],
      exporters: [pprofExporter],
      connectors: [],
      extensions: [],
    },
    featureGates: "service.profilesSupport",
    config: {
      receivers: { pprof: { include: [`${input}/*`], service_name: "e2e" } },
      processors: { batch: { timeout: "200ms" } },
      exporters: { pprof: { path: output } },
      service: {
        telemetry: { metrics: { level: "none" } },
        pipelines: {
          profiles: { receivers: ["pprof"], processors: ["batch"], exporters: ["pprof"] },
        },
      },
    },
    writeLog: () => {},
  });
  await collector.start();
  const files = () => [...Deno.readDirSync(output)].filter((e) => e.name.endsWith(".pb.gz"));
  const deadline = performance.now() + 30_000;
  while (files().length < expectedFiles && performance.now() < deadline) {
    await new Promise((wake) => setTimeout(wake, 50));
  }
  const exit = await collector.shutdown(10_000);
  assert.deepEqual(exit.shutdownErrors, []);
  const written = files().map((e) => `${output}/${e.name}`);
  assert.equal(written.length, expectedFiles, `files written: ${written}`);
  for (const name of written) assert.match(name, /\/e2e\.(cpu|space)\.\d{8}T\d{6}\.\d{3}Z\./);

  // Go's files have mappings (the binary and its libraries); the V8 profile has none.
  const goFiles = written.filter((path) => readPprof(path).mapping.length > 0);
  const byTypes = new Map(goFiles.map((path) => [sampleTypes(readPprof(path)), path]));
  if (go) {
    for (const source of [`${input}/cpu.pb.gz`, `${input}/heap.pb.gz`]) {
      const original = readPprof(source);
      const result = byTypes.get(sampleTypes(original));
      assert.ok(result, `a file with the sample types of ${source}`);
      const back = readPprof(result);
      assert.equal(back.durationNanos, original.durationNanos);
      for (let t = 0; t < original.sampleType.length; t++) {
        assert.equal(await pprofTop(result, t), await pprofTop(source, t), `${source} type ${t}`);
      }
      // And the default view (the default sample type) too.
      assert.equal(await pprofTop(result), await pprofTop(source));
    }
  }
  // The V8 profile: per-function self time and tick count as V8 recorded them.
  const cpu = JSON.parse(await Deno.readTextFile(nodeProfile));
  const v8Files = written.filter((path) => readPprof(path).mapping.length === 0);
  assert.equal(v8Files.length, 1, "one file of the V8 profile");
  const v8 = v8Files[0];
  assert.ok(v8, "the V8 profile's file");
  const back = readPprof(v8);
  assert.deepEqual(flatByFunction(back, 1), v8SelfTimes(cpu));
  const ticks = back.sample.reduce((sum, s) => sum + s.value[0], 0n);
  assert.equal(ticks, BigInt(cpu.samples.length));
  if (go) {
    // The file go tool pprof reads from the pipeline equals the direct conversion's.
    const direct = `${output}/direct.pprof`;
    // V8 times are not wall-clock times: the receiver ends the profile at the file's mtime, and
    // so does this conversion (at the time of conversion, `Time:` could differ by a minute).
    const mtimeMs = (await Deno.stat(nodeProfile)).mtime!.getTime();
    const converted = toProfiles(parseProfile(await Deno.readFile(nodeProfile)), {
      endTimeUnixNano: BigInt(mtimeMs) * 1_000_000n,
    });
    await Deno.writeFile(direct, gzipPprof(profilesToPprof(converted)[0].profile));
    for (const t of [0, 1]) assert.equal(await pprofTop(v8, t), await pprofTop(direct, t));
  }
  await Deno.remove(input, { recursive: true });
  await Deno.remove(output, { recursive: true });
});
