import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { withValidateConfig } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { isPermanent } from "@denocol/consumer";
import { newFactory, withProfiles } from "@denocol/exporter-experimental";
import { checkExporterFactory } from "@denocol/exporter-experimental/exportertest";
import { profiles } from "@denocol/pdata-experimental";
import { cpuProfileToProfiles, decodePprof } from "@denocol/pdata-experimental/pprof";
import {
  createPprofExporter,
  factory,
  type PprofExporterConfig,
  PprofExporterConfigError,
  validateConfig,
} from "./mod.ts";

const frame = (functionName: string) => ({
  functionName,
  url: "app.js",
  lineNumber: 0,
  columnNumber: 0,
});

/** A V8 profile of `ticks` ticks in `name`, as OTLP profiles of service `service`. */
function v8Profiles(name: string, ticks: number, service: string, startSeconds: number) {
  return cpuProfileToProfiles({
    nodes: [
      { id: 1, callFrame: frame("(root)"), children: [2] },
      { id: 2, callFrame: frame(name) },
    ],
    startTime: startSeconds * 1e6,
    endTime: startSeconds * 1e6 + ticks * 1000,
    samples: Array(ticks).fill(2),
    timeDeltas: Array(ticks).fill(1000),
  }, { resource: { "service.name": service, "deployment.environment.name": "test" } });
}

Deno.test("pprof exporter: follows the exporter contract (profiles only)", async () => {
  const dir = await Deno.makeTempDir();
  // The contract starts the default config, which names nowhere to write: give it a directory.
  await checkExporterFactory(
    newFactory<PprofExporterConfig>(
      factory.type,
      () => ({ ...factory.createDefaultConfig(), path: dir }),
      withProfiles(createPprofExporter, "development"),
      withValidateConfig((config: PprofExporterConfig) => validateConfig(config)),
    ),
    { invalidConfigs: [(d) => ({ ...d, path: null }), (d) => ({ ...d, endpoint: "ftp://x" })] },
  );
  assert.equal(factory.profilesStability, "development");
  assert.equal(factory.logsStability, "undefined");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("pprof exporter: configuration errors name their path", () => {
  const cases: [Partial<PprofExporterConfig>, string][] = [
    [{}, "path"],
    [{ path: "" }, "path"],
    [{ endpoint: "localhost:4040" }, "endpoint"],
    [{ path: "/tmp", headers: { a: 1 as unknown as string } }, "headers.a"],
  ];
  for (const [change, path] of cases) {
    assert.throws(
      () => validateConfig({ ...factory.createDefaultConfig(), ...change }),
      (error: unknown) => error instanceof PprofExporterConfigError && error.configPath === path,
    );
  }
  assert.throws(
    () => validateConfig({ ...factory.createDefaultConfig(), path: "/tmp", timeout: "later" }),
    /exporters::pprof::timeout: invalid duration/,
  );
});

interface Received {
  query: URLSearchParams;
  authorization: string | null;
  pprof: ReturnType<typeof decodePprof>;
}

/** A Pyroscope-like ingest server on loopback answering with `statuses` in turn, then 200. */
function ingestServer(statuses: number[] = []) {
  const received: Received[] = [];
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: () => {} },
    async (request) => {
      const form = await request.formData();
      const part = form.get("profile") as File;
      const status = statuses.shift() ?? 200;
      if (status === 200) {
        received.push({
          query: new URL(request.url).searchParams,
          authorization: request.headers.get("authorization"),
          pprof: decodePprof(gunzipSync(new Uint8Array(await part.arrayBuffer()))),
        });
      }
      return new Response(status === 200 ? "" : "try later", {
        status,
        headers: status === 503 ? { "retry-after": "0" } : {},
      });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/ingest`,
    received,
    async close() {
      abort.abort();
      await server.finished;
    },
  };
}

Deno.test("pprof exporter: POSTs each profile Pyroscope style, retrying without repeating", async () => {
  // The second POST is refused once: the first profile must not be sent again on the retry.
  const server = ingestServer([200, 503]);
  const exporter = factory.createProfiles(nopSettings("exporter", "pprof"), {
    ...factory.createDefaultConfig(),
    endpoint: server.url,
    headers: { authorization: "Bearer secret" },
    retry_on_failure: {
      ...factory.createDefaultConfig().retry_on_failure,
      initial_interval: "10ms",
    },
    sending_queue: { ...factory.createDefaultConfig().sending_queue, enabled: false },
  });
  await exporter.start(nopHost());
  const start = 1_700_000_000;
  await exporter.consume(
    profiles.merge([v8Profiles("main", 3, "web", start), v8Profiles("work", 5, "api", start + 60)]),
  );
  await exporter.shutdown();
  await server.close();
  // The refused attempt was not counted as received; each profile arrived once.
  assert.equal(server.received.length, 2);
  const [web, api] = server.received;
  assert.equal(web.query.get("name"), "web{deployment.environment.name=test}");
  assert.equal(web.query.get("from"), String(start));
  assert.equal(web.query.get("until"), String(start + 1));
  assert.equal(web.query.get("format"), "pprof");
  assert.equal(web.authorization, "Bearer secret");
  assert.equal(api.query.get("name"), "api{deployment.environment.name=test}");
  assert.deepEqual(web.pprof.sample.map((s) => s.value), [[3n, 3_000_000n]]);
  assert.deepEqual(api.pprof.sample.map((s) => s.value), [[5n, 5_000_000n]]);
});

Deno.test("pprof exporter: a refused POST is a permanent error for the caller", async () => {
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: () => {} },
    async (request) => {
      await request.body?.cancel();
      return new Response("bad profile", { status: 400 });
    },
  );
  const exporter = factory.createProfiles(nopSettings("exporter", "pprof"), {
    ...factory.createDefaultConfig(),
    endpoint: `http://127.0.0.1:${server.addr.port}/ingest`,
    sending_queue: { ...factory.createDefaultConfig().sending_queue, enabled: false },
  });
  await exporter.start(nopHost());
  await assert.rejects(exporter.consume(v8Profiles("main", 1, "web", 1_700_000_000)), (error) => {
    assert.ok(isPermanent(error));
    assert.match(String(error), /exporter pprof: .*HTTP 400: bad profile/);
    return true;
  });
  await exporter.shutdown();
  abort.abort();
  await server.finished;
});

Deno.test("pprof exporter: writes one file per profile, named by service, type and time", async () => {
  const dir = await Deno.makeTempDir();
  const exporter = factory.createProfiles(nopSettings("exporter", "pprof"), {
    ...factory.createDefaultConfig(),
    path: `${dir}/out`,
  });
  await exporter.start(nopHost());
  await exporter.consume(v8Profiles("main", 2, "web/v2 beta", 1_700_000_000));
  await exporter.consume(v8Profiles("main", 2, "web/v2 beta", 1_700_000_000));
  await exporter.shutdown();
  const names = [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name);
  // The same content at the same time is the same file: written twice, kept once.
  assert.deepEqual(names, [
    "web_v2_beta.cpu.20231114T221320.000Z." + names[0].split(".")[4] + ".pb.gz",
  ]);
  await Deno.remove(dir, { recursive: true });
});
