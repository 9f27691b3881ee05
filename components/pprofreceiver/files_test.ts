import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { createDefaultConfig as storageDefaults, createFileStorage } from "@denocol/filestorage";
import type { Profiles } from "@denocol/pdata-experimental";
import {
  GO_MISSING,
  goCommand,
  goProfiles,
  nodeCpuProfile,
} from "@denocol/pdata-experimental/pproftest";
import { expandGlobs } from "./glob.ts";
import { factory } from "./mod.ts";
import { observedSettings, refused, sampleTypes, waitFor } from "./testutil_test.ts";

Deno.test("pprof receiver: globs match files by segment, ** and alternatives", async () => {
  const dir = await Deno.makeTempDir();
  for (
    const path of ["a.pb.gz", "b.cpuprofile", "sub/c.pb.gz", "sub/deep/d.pb.gz", ".hidden.pb.gz"]
  ) {
    await Deno.mkdir(`${dir}/${path}`.replace(/\/[^/]*$/, ""), { recursive: true });
    await Deno.writeTextFile(`${dir}/${path}`, "x");
  }
  const rel = (paths: string[]) => paths.map((p) => p.slice(dir.length + 1));
  assert.deepEqual(rel(await expandGlobs([`${dir}/*.pb.gz`])), ["a.pb.gz"]);
  assert.deepEqual(rel(await expandGlobs([`${dir}/**/*.pb.gz`])), [
    "a.pb.gz",
    "sub/c.pb.gz",
    "sub/deep/d.pb.gz",
  ]);
  assert.deepEqual(rel(await expandGlobs([`${dir}/*.{cpuprofile,pb.gz}`])), [
    "a.pb.gz",
    "b.cpuprofile",
  ]);
  assert.deepEqual(rel(await expandGlobs(["sub/[c]?pb.gz"], dir)), ["sub/c.pb.gz"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("pprof receiver: reads V8, Go CPU and Go heap files; a bad file is logged, counted and skipped", async () => {
  const dir = await Deno.makeTempDir();
  const node = await nodeCpuProfile(200);
  await Deno.copyFile(node, `${dir}/node.cpuprofile`);
  await Deno.writeFile(`${dir}/broken.pb.gz`, new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]));
  const expected: string[][] = [["samples/count", "cpu/nanoseconds"]];
  if (goCommand() !== undefined) {
    const go = await goProfiles(200);
    await Deno.copyFile(go.cpu, `${dir}/go-cpu.pb.gz`);
    await Deno.copyFile(go.heap, `${dir}/go-heap.pb.gz`);
    expected.push(
      ["samples/count", "cpu/nanoseconds"],
      ["alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes"],
    );
  } else console.log(`Go files ${GO_MISSING}`);
  const { settings, logger, meter } = observedSettings();
  const sink = new SinkConsumer<Profiles>();
  const receiver = factory.createProfiles(settings, {
    ...factory.createDefaultConfig(),
    include: [`${dir}/*`],
    service_name: "shop",
  }, sink);
  await receiver.start(nopHost());
  await waitFor(() => sink.all.length === expected.length, "every good file");
  await waitFor(() => refused(meter, "file") === 1, "the bad file counted");
  await receiver.shutdown();
  assert.deepEqual(sink.all.map(sampleTypes).sort(), expected.sort());
  const resource = sink.all[0].resourceProfiles[0].resource!;
  assert.deepEqual(resource.attributes.map((kv) => [kv.key, kv.value?.value.value]), [[
    "service.name",
    "shop",
  ]]);
  const bad = logger.records.find((r) => r.message === "Cannot read profile");
  assert.equal(bad?.attributes.source, `${dir}/broken.pb.gz`);
  assert.match(String(bad?.attributes.error), /decompress/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("pprof receiver: polling reads new files once; with storage a restart reads nothing twice", async () => {
  const dir = await Deno.makeTempDir();
  const storageDir = await Deno.makeTempDir();
  const node = await nodeCpuProfile(100);
  await Deno.copyFile(node, `${dir}/first.cpuprofile`);
  const run = async (during: () => Promise<void>, expectAtLeast: number) => {
    const storage = createFileStorage(nopSettings("extension", "file_storage"), {
      ...storageDefaults(),
      directory: storageDir,
    });
    await storage.start(nopHost());
    const sink = new SinkConsumer<Profiles>();
    const receiver = factory.createProfiles(nopSettings("receiver", "pprof"), {
      ...factory.createDefaultConfig(),
      include: [`${dir}/*.cpuprofile`],
      poll_interval: "50ms",
      storage: "file_storage",
    }, sink);
    await receiver.start(nopHost(new Map([["file_storage", storage]])));
    await waitFor(() => sink.all.length >= expectAtLeast, `${expectAtLeast} files`);
    await during();
    await receiver.shutdown();
    await storage.shutdown();
    return sink.all.length;
  };
  // First run: the file present at start, then one written while polling.
  const firstRun = await run(async () => {
    await Deno.copyFile(node, `${dir}/second.cpuprofile`);
    await new Promise((wake) => setTimeout(wake, 600));
  }, 1);
  assert.equal(firstRun, 2);
  // Second run with the same storage: neither is read again, a third one is.
  const secondRun = await run(async () => {
    await new Promise((wake) => setTimeout(wake, 300));
    await Deno.copyFile(node, `${dir}/third.cpuprofile`);
    await new Promise((wake) => setTimeout(wake, 600));
  }, 0);
  assert.equal(secondRun, 1);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(storageDir, { recursive: true });
});
