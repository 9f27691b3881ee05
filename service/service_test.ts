import assert from "node:assert/strict";
import { type Host, newComponent, type Settings } from "@denocol/component";
import type { Consumer } from "@denocol/consumer";
import * as exporter from "@denocol/exporter";
import { newTraces } from "@denocol/exporter/exporterhelper";
import type * as pdata from "@denocol/pdata";
import * as receiver from "@denocol/receiver";
import { validateCollectorConfig } from "./collector_config.ts";
import { ConfigErrors } from "./config/mod.ts";
import { ComponentStartError, GraphBuildError } from "./errors.ts";
import {
  newTestService,
  recordedExtensionFactory,
  Recorder,
  testFactories,
  tracesWithSpans,
} from "./testutil_test.ts";

/** A receiver counting through the receiver ObsReport; `state.next` pushes into its pipeline. */
function observedReceiver(state: { push?: (data: pdata.Traces) => Promise<void>; host?: Host }) {
  return receiver.newFactory(
    "observed",
    () => ({}),
    receiver.withTraces((settings: Settings, _config, next: Consumer<pdata.Traces>) => {
      const report = new receiver.ObsReport({ settings, transport: "test" });
      state.push = (data) => report.observe("traces", 2, () => next.consume(data));
      return newComponent({ start: (host) => void (state.host = host) });
    }, "development"),
  );
}

/** An exporter with the helper's default sending queue; `pushed` gets what it sends. */
function queuedExporter(pushed: pdata.Traces[], gate: Promise<void>) {
  return exporter.newFactory(
    "queued",
    () => ({}),
    exporter.withTraces((settings: Settings) =>
      newTraces(settings, async (data) => {
        await gate;
        pushed.push(data);
      }), "development"),
  );
}

const PROMETHEUS_ON_ANY_PORT = {
  readers: [{ pull: { exporter: { prometheus: { host: "127.0.0.1", port: 0 } } } }],
};

Deno.test("service: serves internal metrics in Prometheus text, logs JSON, and drains the sending queue on shutdown", async () => {
  const state: { push?: (data: pdata.Traces) => Promise<void> } = {};
  const pushed: pdata.Traces[] = [];
  const release = Promise.withResolvers<void>();
  const lines: string[] = [];
  const service = await newTestService({
    factories: {
      receivers: [observedReceiver(state)],
      exporters: [queuedExporter(pushed, release.promise)],
    },
    config: {
      receivers: { observed: null },
      exporters: { queued: null },
      service: {
        telemetry: { logs: { level: "info", encoding: "json" }, metrics: PROMETHEUS_ON_ANY_PORT },
        pipelines: { traces: { receivers: ["observed"], exporters: ["queued"] } },
      },
    },
    writeLog: (line) => lines.push(line),
  });
  try {
    await service.start();
    await state.push!(tracesWithSpans("a", "b"));
    const address = service.metricsAddress;
    assert.ok(address !== undefined && !address.endsWith(":0"), `bound address ${address}`);
    const response = await fetch(`http://${address}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.match(
      text,
      /^otelcol_receiver_accepted_spans(_total)?\{receiver="observed",transport="test"\} 2$/m,
    );
    assert.match(text, /^otelcol_exporter_queue_size\{[^}]*exporter="queued"[^}]*\} 1$/m);
    assert.match(text, /^otelcol_exporter_queue_capacity\{[^}]*exporter="queued"[^}]*\} \d+$/m);
    assert.match(text, /^otelcol_process_memory_rss [1-9]\d*$/m);
    assert.match(text, /^otelcol_process_runtime_heap_alloc_bytes [1-9]\d*$/m);
    assert.match(text, /^otelcol_process_uptime(_total)? [0-9.e-]+$/m);
    const missing = await fetch(`http://${address}/other`);
    await missing.body?.cancel();
    assert.equal(missing.status, 404);
  } finally {
    const stopping = service.shutdown(5000);
    release.resolve();
    assert.deepEqual(await stopping, []);
  }
  assert.equal(pushed.length, 1, "the queued batch was sent during shutdown");
  const records = lines.map((line) => JSON.parse(line));
  assert.ok(records.every((r) => typeof r.level === "string" && typeof r.msg === "string"));
  assert.ok(records.some((r) => r.msg.includes("everything is ready")));
  assert.ok(records.some((r) => r.msg === "shutting down"));
});

Deno.test("service: a component's fatal error reaches the service's owner", async () => {
  const state: { host?: Host } = {};
  const reported: Error[] = [];
  const service = await newTestService({
    factories: {
      receivers: [observedReceiver(state)],
      exporters: testFactories(new Recorder()).exporters,
    },
    config: {
      receivers: { observed: null },
      exporters: { sink: null },
      service: {
        telemetry: { metrics: { level: "none" } },
        pipelines: { traces: { receivers: ["observed"], exporters: ["sink"] } },
      },
    },
    writeLog: () => {},
    reportFatalError: (error) => reported.push(error),
  });
  try {
    await service.start();
    assert.equal(service.metricsAddress, undefined, "level: none serves no metrics");
    state.host!.reportFatalError(new Error("port stolen"));
    assert.deepEqual(reported.map((error) => error.message), ["port stolen"]);
  } finally {
    assert.deepEqual(await service.shutdown(), []);
  }
});

Deno.test("service: a component failing to start rejects start; shutdown stops everything created", async () => {
  const recorder = new Recorder();
  recorder.failStart.add("receiver push traces");
  const service = await newTestService({
    factories: testFactories(recorder),
    config: `
receivers:
  push:
exporters:
  sink:
service:
  telemetry:
    metrics:
      address: 127.0.0.1:0
  pipelines:
    traces:
      receivers: [push]
      exporters: [sink]
`,
    writeLog: () => {},
  });
  await assert.rejects(service.start(), (error) => {
    assert.ok(error instanceof ComponentStartError);
    assert.match(error.message, /receiver "push" \(traces\): receiver push traces cannot start/);
    assert.equal(error.kind, "receiver");
    assert.equal(error.id.toString(), "push");
    return true;
  });
  assert.deepEqual(await service.shutdown(), []);
  assert.deepEqual(recorder.events, [
    "start exporter sink traces",
    "start receiver push traces",
    "shutdown receiver push traces",
    "shutdown exporter sink traces",
  ]);
});

Deno.test("service: a component that cannot be created rejects start; shutdown stops what was created before it", async () => {
  const recorder = new Recorder();
  const failing = exporter.newFactory(
    "broken",
    () => ({}),
    exporter.withTraces(() => {
      throw new Error("no endpoint");
    }, "development"),
  );
  const service = await newTestService({
    factories: {
      ...testFactories(recorder),
      exporters: [failing],
      extensions: [recordedExtensionFactory(recorder)],
    },
    config: {
      receivers: { push: null },
      exporters: { broken: null },
      extensions: { recorded: null },
      service: {
        extensions: ["recorded"],
        telemetry: { metrics: { level: "none" } },
        pipelines: { traces: { receivers: ["push"], exporters: ["broken"] } },
      },
    },
    writeLog: () => {},
  });
  await assert.rejects(service.start(), (error) => {
    assert.ok(error instanceof GraphBuildError, String(error));
    assert.match(error.message, /failed to create exporter "broken" for traces: no endpoint/);
    return true;
  });
  assert.deepEqual(await service.shutdown(), []);
  assert.deepEqual(recorder.events, ["shutdown extension recorded"]);
});

Deno.test("service: shutdown gives up at the deadline and names what is still stopping", async () => {
  const hang = Promise.withResolvers<void>();
  const service = await newTestService({
    factories: {
      receivers: [observedReceiver({})],
      exporters: [exporter.newFactory(
        "stuck",
        () => ({}),
        exporter.withTraces(() => ({
          ...newComponent({ shutdown: () => hang.promise }),
          capabilities: () => ({ mutatesData: false }),
          consume: () => Promise.resolve(),
        }), "development"),
      )],
    },
    config: {
      receivers: { observed: null },
      exporters: { stuck: null },
      service: {
        telemetry: { metrics: { level: "none" } },
        pipelines: { traces: { receivers: ["observed"], exporters: ["stuck"] } },
      },
    },
    writeLog: () => {},
  });
  await service.start();
  const errors = await service.shutdown(50);
  hang.resolve();
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /within 50 ms; still stopping: exporter stuck traces/);
});

Deno.test("service: an invalid configuration is refused with every problem", async () => {
  const error = await validateCollectorConfig({
    factories: testFactories(new Recorder()),
    config: `receivers:
  push:
    colour: red
exporters:
  sink:
service:
  pipelines:
    traces:
      receivers: [push]
      exporters: [sinc]
`,
  }).then(() => undefined, (e) => e);
  assert.ok(error instanceof ConfigErrors, String(error));
  assert.match(error.message, /<config>:3:5: receivers\.push\.colour: unknown key "colour"/);
  assert.match(
    error.message,
    /<config>:10:19: service\.pipelines\.traces\.exporters\[0\]: exporter "sinc"/,
  );
});

Deno.test("service: console logs at the configured level go to the configured output path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const logFile = `${dir}/collector.log`;
    const service = await newTestService({
      factories: testFactories(new Recorder()),
      config: {
        receivers: { push: null },
        exporters: { sink: null, "sink/unused": null },
        service: {
          telemetry: {
            logs: { level: "warn", encoding: "console", output_paths: [logFile] },
            metrics: { level: "none" },
          },
          pipelines: { traces: { receivers: ["push"], exporters: ["sink"] } },
        },
      },
    });
    await service.start();
    service.logger.info("not written at level warn");
    service.logger.with({ extra: "x" }).error("written", { code: 7 });
    await service.shutdown();
    const lines = (await Deno.readTextFile(logFile)).trimEnd().split("\n");
    assert.equal(lines.length, 2, lines.join("\n"));
    assert.match(lines[0], /^\S+\twarn\t.*exporters\.sink\/unused: .*not used/);
    assert.match(lines[1], /^\S+\terror\twritten\t\{"extra":"x","code":7\}$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
