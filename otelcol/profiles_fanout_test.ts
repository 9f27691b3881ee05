// A profiles request fanned out to several pipelines: each pipeline that changes data gets a
// copy with a dictionary of its own, and what one changes (entries added, an entry changed in
// place) reaches neither the others nor the pipelines that only read. Go collectors have shipped
// fan-outs whose copies shared or lost the dictionary.

import assert from "node:assert/strict";
import { newComponent, type Settings } from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import {
  newFactory as newExporterFactory,
  withProfiles as exporterProfiles,
} from "@denocol/exporter-experimental";
import {
  ProfileAttributes,
  type Profiles,
  profiles,
  resolveSample,
  setSampleStack,
  validateProfiles,
} from "@denocol/pdata-experimental";
import {
  newFactory as newProcessorFactory,
  withProfiles as processorProfiles,
} from "@denocol/processor-experimental";
import {
  newFactory as newReceiverFactory,
  withProfiles as receiverProfiles,
} from "@denocol/receiver-experimental";
import { cpuProfileToProfiles } from "@denocol/pdata-experimental/pprof";
import { Collector } from "./mod.ts";

const frame = (functionName: string, lineNumber = 0) => ({
  functionName,
  url: "app.js",
  lineNumber,
  columnNumber: 0,
});

/** Bytes of a request of two services' V8 profiles, the form a receiver takes in. */
function requestBytes(): Uint8Array {
  const one = (service: string, leaf: string) =>
    cpuProfileToProfiles({
      nodes: [
        { id: 1, callFrame: frame("(root)"), children: [2] },
        { id: 2, callFrame: frame("main", 1), children: [3] },
        { id: 3, callFrame: frame(leaf, 9) },
      ],
      startTime: 0,
      endTime: 3000,
      samples: [3, 2, 3],
      timeDeltas: [1000, 1000, 1000],
    }, { resource: { "service.name": service } });
  return profiles.encodeProto(profiles.merge([one("web", "render"), one("api", "query")]));
}

function resolvedSamples(data: Profiles): string {
  return JSON.stringify(
    data.resourceProfiles.flatMap((rp) =>
      rp.scopeProfiles.flatMap((sp) =>
        sp.profiles.flatMap((p) => p.samples.map((s) => resolveSample(data.dictionary, s)))
      )
    ),
    (_key, value) => typeof value === "bigint" ? String(value) : value,
  );
}

async function runFanOut(received: () => Profiles) {
  const seen = new Map<string, Profiles[]>();
  const receiver = newReceiverFactory(
    "fixed",
    () => ({}),
    receiverProfiles(
      (_settings: Settings, _config, next: Consumer<Profiles>) =>
        newComponent({ start: () => void next.consume(received()) }),
      "development",
    ),
  );
  // Changes every sample: an attribute (a new entry), a new stack, and a string in place.
  const rewrite = newProcessorFactory(
    "rewrite",
    () => ({}),
    processorProfiles((_settings: Settings, _config, next: Consumer<Profiles>) => ({
      ...newComponent(),
      capabilities: () => ({ mutatesData: true }),
      consume: (data: Profiles) => {
        const dictionary = data.dictionary!;
        for (const rp of data.resourceProfiles) {
          for (const sp of rp.scopeProfiles) {
            for (const p of sp.profiles) {
              for (const s of p.samples) {
                new ProfileAttributes(dictionary, s).put("thread.name", "rewritten");
                setSampleStack(dictionary, s, [{ functionName: "rewritten" }]);
              }
            }
          }
        }
        dictionary.stringTable[dictionary.stringTable.indexOf("main")] = "renamed";
        return next.consume(data);
      },
    }), "development"),
  );
  const sink = newExporterFactory(
    "sink",
    () => ({}),
    exporterProfiles((settings: Settings) => ({
      ...newComponent(),
      capabilities: () => ({ mutatesData: false }),
      consume: (data: Profiles) => {
        const id = settings.id.toString();
        seen.set(id, [...(seen.get(id) ?? []), data]);
        return Promise.resolve();
      },
    }), "development"),
  );
  const collector = new Collector({
    factories: {
      receivers: [receiver],
      processors: [rewrite],
      exporters: [sink],
      connectors: [],
      extensions: [],
    },
    featureGates: "service.profilesSupport",
    config: {
      receivers: { fixed: null },
      processors: { rewrite: null },
      exporters: { "sink/a": null, "sink/b": null, "sink/c": null },
      service: {
        telemetry: { metrics: { level: "none" } },
        pipelines: {
          "profiles/a": { receivers: ["fixed"], processors: ["rewrite"], exporters: ["sink/a"] },
          "profiles/b": { receivers: ["fixed"], exporters: ["sink/b"] },
          "profiles/c": { receivers: ["fixed"], processors: ["rewrite"], exporters: ["sink/c"] },
        },
      },
    },
    writeLog: () => {},
  });
  await collector.start();
  const deadline = performance.now() + 10_000;
  while (seen.size < 3 && performance.now() < deadline) {
    await new Promise((wake) => setTimeout(wake, 10));
  }
  const exit = await collector.shutdown(5000);
  assert.deepEqual(exit.shutdownErrors, []);
  return seen;
}

for (const form of ["decoded", "still encoded"] as const) {
  Deno.test(`profiles fan-out: every copy keeps a dictionary of its own (${form})`, async () => {
    const bytes = requestBytes();
    const original = profiles.decodeProto(bytes);
    const seen = await runFanOut(() =>
      form === "decoded" ? profiles.decodeProto(bytes) : profiles.fromProto(bytes)
    );
    const [a, b, c] = ["sink/a", "sink/b", "sink/c"].map((id) => {
      assert.equal(seen.get(id)?.length, 1, `${id} got the request once`);
      return seen.get(id)![0];
    });
    // The pipeline that only reads sees the request as it came, byte for byte.
    validateProfiles(b);
    assert.deepEqual(profiles.encodeProto(b), bytes);
    assert.equal(resolvedSamples(b), resolvedSamples(original));
    // Each changing pipeline has its own copy: its changes, and not the other's twice.
    for (const changed of [a, c]) {
      validateProfiles(changed);
      assert.notEqual(changed.dictionary, b.dictionary);
      const strings = changed.dictionary!.stringTable;
      assert.equal(strings.filter((s) => s === "rewritten").length, 1);
      assert.equal(strings.filter((s) => s === "renamed").length, 1);
      assert.equal(strings[0], "");
      const samples = JSON.parse(resolvedSamples(changed));
      assert.ok(
        samples.every((s: { frames: { functionName: string }[] }) =>
          s.frames.length === 1 && s.frames[0].functionName === "rewritten"
        ),
      );
    }
    assert.notEqual(a.dictionary, c.dictionary);
  });
}
