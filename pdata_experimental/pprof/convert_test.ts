import assert from "node:assert/strict";
import { profiles, resolveAttributes, validateProfiles } from "../mod.ts";
import {
  BUILD_ID_KEY,
  decodePprof,
  emptyPprof,
  encodePprof,
  gzipPprof,
  parseProfile,
  type PprofProfile,
  pprofToProfiles,
  profilesToPprof,
  profileTop,
  toProfiles,
} from "./mod.ts";
import { GO_MISSING, goCommand, goProfiles, nodeCpuProfile, pprofTop } from "./pproftest/mod.ts";

/** A pprof profile with every field the conversion carries, written by hand. */
function handMade(): PprofProfile {
  const p = emptyPprof();
  const s = (text: string) => {
    const at = p.stringTable.indexOf(text);
    if (at >= 0) return at;
    p.stringTable.push(text);
    return p.stringTable.length - 1;
  };
  p.sampleType = [{ type: s("alloc_objects"), unit: s("count") }, {
    type: s("alloc_space"),
    unit: s("bytes"),
  }];
  p.mapping = [{
    id: 7n,
    memoryStart: 0x400000n,
    memoryLimit: 0x800000n,
    fileOffset: 0x1000n,
    filename: s("/bin/app"),
    buildId: s("abc123"),
    hasFunctions: true,
    hasFilenames: true,
    hasLineNumbers: false,
    hasInlineFrames: true,
  }];
  p.function = [
    { id: 3n, name: s("inner"), systemName: s("_Z5innerv"), filename: s("a.cc"), startLine: 10n },
    { id: 4n, name: s("outer"), systemName: s("outer"), filename: s("a.cc"), startLine: 20n },
  ];
  p.location = [
    {
      id: 11n,
      mappingId: 7n,
      address: 0x401000n,
      line: [{ functionId: 3n, line: 12n, column: 3n }, { functionId: 4n, line: 25n, column: 0n }],
      isFolded: true,
    },
    {
      id: 12n,
      mappingId: 0n,
      address: 0n,
      line: [{ functionId: 4n, line: 30n, column: 0n }],
      isFolded: false,
    },
  ];
  p.sample = [
    {
      locationId: [11n, 12n],
      value: [3n, 300n],
      label: [
        { key: s("thread"), str: s("main"), num: 0n, numUnit: 0 },
        { key: s("bytes"), str: 0, num: 100n, numUnit: s("bytes") },
        { key: s("tag"), str: s("x"), num: 0n, numUnit: 0 },
        { key: s("tag"), str: s("y"), num: 0n, numUnit: 0 },
      ],
    },
    { locationId: [12n], value: [1n, 0n], label: [] },
  ];
  p.timeNanos = 1_700_000_000_000_000_000n;
  p.durationNanos = 5_000_000_000n;
  p.periodType = { type: s("space"), unit: s("bytes") };
  p.period = 524288n;
  p.comment = [s("first"), s("second")];
  p.dropFrames = s("runtime\\..*");
  p.keepFrames = s("runtime\\.main");
  p.defaultSampleType = s("alloc_space");
  p.docUrl = "https://example.com/heap";
  return p;
}

/** The profile with its ids replaced by positions, for comparing conversions. */
function normalized(p: PprofProfile) {
  const str = (i: number) => p.stringTable[i];
  const fn = new Map(p.function.map((f) => [f.id, f]));
  const loc = new Map(p.location.map((l) => [l.id, l]));
  const map = new Map(p.mapping.map((m) => [m.id, m]));
  const mapping = (id: bigint) => {
    const m = map.get(id);
    return m && { ...m, id: 0n, filename: str(m.filename), buildId: str(m.buildId) };
  };
  return {
    sampleType: p.sampleType.map((t) => [str(t.type), str(t.unit)]),
    samples: p.sample.map((s) => ({
      value: s.value,
      labels: s.label.map((l) => [str(l.key), str(l.str), l.num, str(l.numUnit)]),
      stack: s.locationId.map((id) => {
        const l = loc.get(id)!;
        return {
          address: l.address,
          isFolded: l.isFolded,
          mapping: l.mappingId === 0n ? undefined : mapping(l.mappingId),
          lines: l.line.map((ln) => {
            const f = fn.get(ln.functionId)!;
            return [
              str(f.name),
              str(f.systemName),
              str(f.filename),
              f.startLine,
              ln.line,
              ln.column,
            ];
          }),
        };
      }),
    })),
    mappings: p.mapping.map((m) => mapping(m.id)),
    time: [p.timeNanos, p.durationNanos, p.period],
    periodType: p.periodType && [str(p.periodType.type), str(p.periodType.unit)],
    comment: p.comment.map(str),
    frames: [str(p.dropFrames), str(p.keepFrames)],
    defaultSampleType: str(p.defaultSampleType),
    docUrl: p.docUrl,
  };
}

Deno.test("pprof: every field survives pprof -> OTLP (encoded, merged) -> pprof", () => {
  const original = handMade();
  const decoded = decodePprof(encodePprof(original));
  assert.deepEqual(normalized(decoded), normalized(original));
  const data = pprofToProfiles(decoded, { resource: { "service.name": "app" } });
  validateProfiles(data);
  // Every table has its zero value at index 0, as the specification requires.
  const d = data.dictionary!;
  assert.equal(d.stringTable[0], "");
  for (
    const table of [
      d.mappingTable,
      d.locationTable,
      d.functionTable,
      d.linkTable,
      d.attributeTable,
      d.stackTable,
    ]
  ) {
    assert.deepEqual(
      Object.entries(table[0]).filter(([k, v]) =>
        k !== "$typeName" && !(Array.isArray(v) && v.length === 0) && v !== 0 && v !== 0n &&
        v !== "" && !(v instanceof Uint8Array && v.length === 0) && v !== undefined
      ),
      [],
    );
  }
  const [alloc, space] = data.resourceProfiles[0].scopeProfiles[0].profiles;
  assert.deepEqual(alloc.samples.map((s) => s.values), [[3n], [1n]]);
  assert.deepEqual(space.samples.map((s) => s.values), [[300n], [0n]]);
  // Labels are sample attributes: numbers with their unit, a repeated key as a list.
  const labels = resolveAttributes(data.dictionary, alloc.samples[0].attributeIndices);
  assert.deepEqual(labels.map((a) => [a.key, a.unit, a.value?.value.case]), [
    ["thread", "", "stringValue"],
    ["bytes", "bytes", "intValue"],
    ["tag", "", "arrayValue"],
  ]);
  const mapping = data.dictionary!.mappingTable[1];
  assert.ok(
    resolveAttributes(data.dictionary, mapping.attributeIndices).some((a) =>
      a.key === BUILD_ID_KEY && a.value?.value.value === "abc123"
    ),
  );
  // Through the wire and a merge with another request, as a pipeline would.
  const other = pprofToProfiles(handMade());
  const merged = profiles.merge([profiles.decodeProto(profiles.encodeProto(data)), other]);
  const outputs = profilesToPprof(merged);
  assert.equal(outputs.length, 2);
  assert.equal(outputs[0].serviceName, "app");
  assert.equal(outputs[0].profileType, "space");
  assert.deepEqual(normalized(outputs[0].profile), normalized(original));
  assert.deepEqual(normalized(decodePprof(encodePprof(outputs[1].profile))), normalized(original));
});

Deno.test("pprof: samples split across requests and merged back keep their totals", () => {
  const data = pprofToProfiles(handMade());
  const chunks = profiles.split(data, 1);
  assert.ok(chunks.length > 2);
  const [output] = profilesToPprof(profiles.merge(chunks));
  assert.deepEqual(output.profile.sample.map((s) => s.value), [[3n, 300n], [1n, 0n]]);
});

Deno.test("pprof: bad input is refused naming the problem", () => {
  assert.throws(() => parseProfile(new Uint8Array()), /empty/);
  assert.throws(() => parseProfile(new Uint8Array([0x1f, 0x8b, 1, 2, 3])), /decompress/);
  assert.throws(() => parseProfile(new TextEncoder().encode("hello world")), /pprof/);
  const noTypes = emptyPprof();
  assert.throws(() => decodePprof(encodePprof(noTypes)), /no sample_type/);
  const dangling = handMade();
  dangling.sample[0].locationId.push(99n);
  assert.throws(() => decodePprof(encodePprof(dangling)), /sample\[0\]: location id 99/);
  assert.throws(
    () =>
      parseProfile(
        new TextEncoder().encode(
          '{"nodes":[],"startTime":0,"endTime":1,"samples":[1],"timeDeltas":[]}',
        ),
      ),
    /1 samples but 0 timeDeltas/,
  );
});

async function assertSameTop(input: string, output: string, types: number): Promise<void> {
  for (let i = 0; i < types; i++) {
    assert.equal(await pprofTop(output, i), await pprofTop(input, i), `sample type ${i}`);
  }
}

Deno.test({
  name: "pprof: real Go CPU and heap profiles convert back to what go tool pprof reports",
  ignore: goCommand() === undefined,
  async fn() {
    const { cpu, heap, dir } = await goProfiles(400);
    for (const [path, types] of [[cpu, 2], [heap, 4]] as const) {
      const data = toProfiles(parseProfile(await Deno.readFile(path)));
      validateProfiles(data);
      const converted = data.resourceProfiles[0].scopeProfiles[0].profiles;
      assert.equal(converted.length, types);
      const [output] = profilesToPprof(profiles.decodeProto(profiles.encodeProto(data)));
      const written = `${path}.back.pb.gz`;
      await Deno.writeFile(written, gzipPprof(output.profile));
      await assertSameTop(path, written, types);
    }
    await Deno.remove(dir, { recursive: true });
  },
});
if (goCommand() === undefined) console.log(`pprof conversion with real Go profiles ${GO_MISSING}`);

Deno.test("pprof: a V8 CPU profile from node --cpu-prof keeps its ticks and times", async () => {
  const path = await nodeCpuProfile(300);
  const cpu = JSON.parse(await Deno.readTextFile(path));
  const data = toProfiles(parseProfile(await Deno.readFile(path)));
  validateProfiles(data);
  const [count, time] = data.resourceProfiles[0].scopeProfiles[0].profiles;
  const total = (p: typeof count) => profileTop(data.dictionary, p).total;
  assert.equal(total(count), BigInt(cpu.samples.length));
  const micros = cpu.timeDeltas.reduce((a: number, d: number) => a + Math.max(0, d), 0);
  assert.equal(total(time), BigInt(micros) * 1000n);
  // Every function V8 ticked in is a frame, V8's own pseudo frames included.
  const ticked = new Set<string>();
  const byId = new Map(cpu.nodes.map((n: { id: number }) => [n.id, n]));
  for (const id of cpu.samples) {
    ticked.add(
      (byId.get(id) as { callFrame: { functionName: string } }).callFrame.functionName ||
        "(anonymous)",
    );
  }
  const names = new Set(profileTop(data.dictionary, count).functions.map((f) => f.name));
  for (const name of ticked) assert.ok(names.has(name), `${name} is a frame`);
  assert.ok(names.has("(program)") || names.has("(garbage collector)") || names.has("(idle)"));
  await Deno.remove(path.slice(0, path.lastIndexOf("/")), { recursive: true });
});
