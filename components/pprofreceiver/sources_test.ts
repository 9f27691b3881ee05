import assert from "node:assert/strict";
import { nopHost } from "@denocol/component/componenttest";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import { type Profiles, profiles } from "@denocol/pdata-experimental";
import {
  gzipPprof,
  parseProfile,
  profilesToPprof,
  toProfiles,
} from "@denocol/pdata-experimental/pprof";
import {
  GO_MISSING,
  goCommand,
  nodeCpuProfile,
  startGoPprofServer,
} from "@denocol/pdata-experimental/pproftest";
import { factory, type PprofReceiver } from "./mod.ts";
import { observedSettings, refused, sampleTypes, waitFor } from "./testutil_test.ts";

Deno.test({
  name: "pprof receiver: pulls CPU and heap profiles from Go's net/http/pprof",
  ignore: goCommand() === undefined,
  async fn() {
    const server = await startGoPprofServer();
    const sink = new SinkConsumer<Profiles>();
    const receiver = factory.createProfiles(observedSettings().settings, {
      ...factory.createDefaultConfig(),
      scrape: [
        {
          endpoint: `${server.url}/debug/pprof/profile`,
          interval: "1h",
          seconds: 1,
          service_name: null,
        },
        {
          endpoint: `${server.url}/debug/pprof/heap`,
          interval: "1h",
          seconds: null,
          service_name: "heapy",
        },
      ],
    }, sink);
    try {
      await receiver.start(nopHost());
      await waitFor(() => sink.all.length === 2, "both pulls");
    } finally {
      await receiver.shutdown();
      await server.close();
    }
    const byTypes = new Map(sink.all.map((data) => [sampleTypes(data).join(","), data]));
    const cpu = byTypes.get("samples/count,cpu/nanoseconds");
    assert.ok(cpu, `a CPU profile among ${[...byTypes.keys()]}`);
    assert.ok(profiles.count(cpu) > 0, "the busy Go program was sampled");
    const heap = byTypes.get(
      "alloc_objects/count,alloc_space/bytes,inuse_objects/count,inuse_space/bytes",
    );
    assert.ok(heap);
    assert.equal(heap.resourceProfiles[0].resource?.attributes[0].value?.value.value, "heapy");
  },
});
if (goCommand() === undefined) console.log(`pulling from Go's net/http/pprof ${GO_MISSING}`);

Deno.test("pprof receiver: pulls a served capture; a failing endpoint is logged and counted", async () => {
  const capture = await Deno.readFile(await nodeCpuProfile(100));
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: () => {} },
    (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/broken") return new Response("no profile here", { status: 500 });
      assert.equal(url.searchParams.get("seconds"), "2");
      return new Response(capture);
    },
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const { settings, logger, meter } = observedSettings();
  const sink = new SinkConsumer<Profiles>();
  const receiver = factory.createProfiles(settings, {
    ...factory.createDefaultConfig(),
    scrape: [
      {
        endpoint: `${base}/debug/pprof/profile`,
        interval: "100ms",
        seconds: 2,
        service_name: null,
      },
      { endpoint: `${base}/broken`, interval: "1h", seconds: null, service_name: null },
    ],
  }, sink);
  try {
    await receiver.start(nopHost());
    await waitFor(() => sink.all.length >= 2, "two pulls of the capture");
    await waitFor(() => refused(meter, "scrape") === 1, "the failing pull counted");
  } finally {
    await receiver.shutdown();
    abort.abort();
    await server.finished;
  }
  assert.deepEqual(sampleTypes(sink.all[0]), ["samples/count", "cpu/nanoseconds"]);
  const failed = logger.records.find((r) => r.message === "Cannot pull profile");
  assert.equal(failed?.attributes.source, `${base}/broken`);
  assert.match(String(failed?.attributes.error), /HTTP 500: no profile here/);
});

Deno.test("pprof receiver: takes pushed profiles, raw and multipart, Pyroscope style", async () => {
  const cpuprofile = await Deno.readFile(await nodeCpuProfile(100));
  // The same profile as a gzipped pprof file, as a Pyroscope SDK would upload it.
  const pprof = gzipPprof(profilesToPprof(toProfiles(parseProfile(cpuprofile)))[0].profile);
  const { settings, meter } = observedSettings();
  const sink = new SinkConsumer<Profiles>();
  const receiver = factory.createProfiles(settings, {
    ...factory.createDefaultConfig(),
    endpoint: "127.0.0.1:0",
  }, sink) as PprofReceiver;
  await receiver.start(nopHost());
  try {
    const base = `http://127.0.0.1:${receiver.pushAddress!.port}`;
    const raw = await fetch(`${base}/ingest?name=checkout{env=test,region=eu}&format=pprof`, {
      method: "POST",
      body: cpuprofile,
    });
    assert.equal(raw.status, 200, await raw.text());
    const form = new FormData();
    form.append("profile", new Blob([pprof]), "profile.pprof");
    const from = 1_700_000_000;
    const multipart = await fetch(`${base}/ingest?name=cart&from=${from}&until=${from + 10}`, {
      method: "POST",
      body: form,
    });
    assert.equal(multipart.status, 200, await multipart.text());
    const bad = await fetch(`${base}/ingest?name=cart`, { method: "POST", body: "not a profile" });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /pprof/);
    const wrongMethod = await fetch(`${base}/ingest`);
    assert.equal(wrongMethod.status, 405);
    await wrongMethod.body?.cancel();
    const wrongPath = await fetch(`${base}/push`, { method: "POST", body: pprof });
    assert.equal(wrongPath.status, 404);
    await wrongPath.body?.cancel();
  } finally {
    await receiver.shutdown();
  }
  assert.equal(sink.all.length, 2);
  const attributes = (data: Profiles) =>
    Object.fromEntries(
      data.resourceProfiles[0].resource!.attributes.map((kv) => [kv.key, kv.value?.value.value]),
    );
  assert.deepEqual(attributes(sink.all[0]), {
    env: "test",
    region: "eu",
    "service.name": "checkout",
  });
  assert.deepEqual(attributes(sink.all[1]), { "service.name": "cart" });
  // Both carry the same samples: one came as V8 JSON, the other as the pprof made of it.
  assert.equal(profiles.count(sink.all[0]), profiles.count(sink.all[1]));
  assert.equal(refused(meter, "http"), 1);
});
