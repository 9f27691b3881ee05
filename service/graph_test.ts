import assert from "node:assert/strict";
import { type Component, newComponent, type Settings } from "@denocol/component";
import { nopHost } from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import * as exporterExperimental from "@denocol/exporter-experimental";
import { factory as forwardFactory } from "@denocol/forwardconnector";
import type * as pdata from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";
import * as processor from "@denocol/processor";
import * as receiver from "@denocol/receiver";
import * as receiverExperimental from "@denocol/receiver-experimental";
import { ComponentStartError } from "./errors.ts";
import {
  buildGraph,
  Recorder,
  sinkExporterFactory,
  spanNames,
  testFactories,
  tracesWithSpans,
} from "./testutil_test.ts";

Deno.test("graph: shared receiver fans out, shared exporter fans in, connectors join signals, mutation stays in its branch", async () => {
  const recorder = new Recorder();
  const factories = testFactories(recorder);
  const graph = buildGraph({
    ...factories,
    connectors: [...factories.connectors!, forwardFactory],
  }, {
    receivers: { push: null },
    processors: { rename: null, "rename/b": { suffix: "-b" } },
    exporters: { "sink/a": null, "sink/b": null },
    connectors: { spancount: null, forward: null },
    service: {
      pipelines: {
        "traces/1": {
          receivers: ["push"],
          processors: ["rename"],
          exporters: ["sink/a", "spancount"],
        },
        "traces/2": { receivers: ["push"], exporters: ["sink/a", "forward"] },
        "traces/3": { receivers: ["forward"], processors: ["rename/b"], exporters: ["sink/b"] },
        metrics: { receivers: ["spancount", "push"], exporters: ["sink/a"] },
      },
    },
  });
  await graph.start(nopHost());
  try {
    // One receiver per signal, one exporter per (ID, signal), one processor per pipeline use.
    assert.deepEqual(recorder.receivers.map((r) => r.label).sort(), [
      "receiver push metrics",
      "receiver push traces",
    ]);
    assert.deepEqual(recorder.exporters.map((e) => e.label).sort(), [
      "exporter sink/a metrics",
      "exporter sink/a traces",
      "exporter sink/b traces",
    ]);
    assert.equal(recorder.processors.length, 2);

    const sent = tracesWithSpans("a", "b", "c");
    await recorder.receiver("receiver push traces").consume(sent);

    assert.deepEqual(spanNames(sent), ["a", "b", "c"], "the receiver's data is not changed");
    const atA = recorder.received("exporter sink/a traces").map(spanNames);
    assert.equal(atA.length, 2, "sink/a gets the batch once from each of its two pipelines");
    assert.deepEqual(
      atA.map((names) => names.join(",")).sort(),
      ["a,b,c", "a-renamed,b-renamed,c-renamed"],
    );
    assert.deepEqual(
      recorder.received("exporter sink/b traces").map(spanNames),
      [["a-b", "b-b", "c-b"]],
      "traces/3 renames its own copy, fed by forward from traces/2",
    );
    const metrics = recorder.received("exporter sink/a metrics") as pdata.Metrics[];
    assert.equal(metrics.length, 1);
    const point = metrics[0].resourceMetrics[0].scopeMetrics[0].metrics[0];
    assert.equal(point.name, "span.count");
    assert.equal(
      point.data.case === "gauge" ? point.data.value.dataPoints[0].value.value : undefined,
      3n,
    );
  } finally {
    assert.deepEqual(await graph.shutdown(), []);
  }
});

Deno.test("graph: starts extensions, exporters, connectors and processors downstream first, then receivers; stops in reverse", async () => {
  const recorder = new Recorder();
  const graph = buildGraph(testFactories(recorder), {
    receivers: { push: null },
    processors: { rename: null },
    exporters: { sink: null },
    connectors: { spancount: null },
    extensions: { "recorded/1": null, "recorded/2": null },
    service: {
      extensions: ["recorded/2", "recorded/1"],
      pipelines: {
        traces: { receivers: ["push"], processors: ["rename"], exporters: ["spancount"] },
        metrics: { receivers: ["spancount"], exporters: ["sink"] },
      },
    },
  });
  await graph.start(nopHost());
  const order = [
    "extension recorded/2",
    "extension recorded/1",
    "exporter sink metrics",
    "connector spancount traces->metrics",
    "processor rename #1",
    "receiver push traces",
  ];
  assert.deepEqual(recorder.events, order.map((label) => `start ${label}`));
  recorder.events.length = 0;
  assert.deepEqual(await graph.shutdown(), []);
  assert.deepEqual(await graph.shutdown(), [], "a second shutdown returns the same outcome");
  assert.deepEqual(recorder.events, order.reverse().map((label) => `shutdown ${label}`));
});

Deno.test("graph: a failing start stops the start and every created component is shut down exactly once", async () => {
  const recorder = new Recorder();
  recorder.failStart.add("connector spancount traces->metrics");
  const graph = buildGraph(testFactories(recorder), {
    receivers: { push: null },
    processors: { rename: null },
    exporters: { sink: null },
    connectors: { spancount: null },
    extensions: { recorded: null },
    service: {
      extensions: ["recorded"],
      pipelines: {
        traces: { receivers: ["push"], processors: ["rename"], exporters: ["spancount"] },
        metrics: { receivers: ["spancount"], exporters: ["sink"] },
      },
    },
  });
  const error = await graph.start(nopHost()).then(() => undefined, (e) => e);
  assert.ok(error instanceof ComponentStartError, String(error));
  assert.match(
    error.message,
    /failed to start connector "spancount" \(traces to metrics\): connector spancount traces->metrics cannot start/,
  );
  assert.deepEqual(recorder.events, [
    "start extension recorded",
    "start exporter sink metrics",
    "start connector spancount traces->metrics",
  ]);
  recorder.events.length = 0;
  await graph.shutdown();
  await graph.shutdown();
  assert.deepEqual(recorder.events, [
    "shutdown receiver push traces",
    "shutdown processor rename #1",
    "shutdown connector spancount traces->metrics",
    "shutdown exporter sink metrics",
    "shutdown extension recorded",
  ]);
});

Deno.test("graph: a receiver instance shared across signals starts and stops once", async () => {
  const events: string[] = [];
  const nexts: Record<string, Consumer<unknown>> = {};
  const instances = new Map<string, Component>();
  const shared = (signal: string) => (settings: Settings, _c: unknown, next: Consumer<unknown>) => {
    nexts[signal] = next;
    const key = settings.id.toString();
    if (!instances.has(key)) {
      instances.set(key, {
        start: () => Promise.resolve(void events.push(`start ${key}`)),
        shutdown: () => Promise.resolve(void events.push(`shutdown ${key}`)),
      });
    }
    return instances.get(key)!;
  };
  const recorder = new Recorder();
  const graph = buildGraph({
    receivers: [
      receiver.newFactory(
        "multi",
        () => ({}),
        receiver.withTraces(shared("traces"), "beta"),
        receiver.withLogs(shared("logs"), "beta"),
      ),
    ],
    exporters: [sinkExporterFactory(recorder)],
  }, {
    receivers: { multi: null },
    exporters: { sink: null },
    service: {
      pipelines: {
        traces: { receivers: ["multi"], exporters: ["sink"] },
        logs: { receivers: ["multi"], exporters: ["sink"] },
      },
    },
  });
  await graph.start(nopHost());
  await graph.shutdown();
  assert.deepEqual(events, ["start multi", "shutdown multi"]);
  assert.deepEqual(Object.keys(nexts).sort(), ["logs", "traces"]);
});

Deno.test("graph: a profiles pipeline is built through the twins when the gate is on", async () => {
  let next: Consumer<unknown> | undefined;
  const received: unknown[] = [];
  const profilesReceiver = receiverExperimental.newFactory(
    "prof",
    () => ({}),
    receiverExperimental.withProfiles((_s, _c, n) => {
      next = n as Consumer<unknown>;
      return newComponent();
    }, "development"),
  );
  const profilesExporter = exporterExperimental.newFactory(
    "psink",
    () => ({}),
    exporterExperimental.withProfiles(() => ({
      ...newComponent(),
      capabilities: () => ({ mutatesData: false }),
      consume: (data: unknown) => Promise.resolve(void received.push(data)),
    }), "development"),
  );
  const config = {
    receivers: { prof: null },
    exporters: { psink: null },
    service: { pipelines: { profiles: { receivers: ["prof"], exporters: ["psink"] } } },
  };
  const factories = { receivers: [profilesReceiver], exporters: [profilesExporter] };
  assert.throws(() => buildGraph(factories, config), /service\.profilesSupport/);
  const graph = buildGraph(factories, config, "service.profilesSupport");
  await graph.start(nopHost());
  const data = profiles.empty();
  await next!.consume(data);
  assert.deepEqual(received, [data]);
  await graph.shutdown();
});

Deno.test("graph: a pipeline whose later processor mutates gets its own copy from a shared receiver", async () => {
  const recorder = new Recorder();
  const factories = testFactories(recorder);
  const passThrough = processor.newFactory(
    "pass",
    () => ({}),
    processor.withTraces(
      (_settings, _config, next) =>
        processor.newTracesProcessor(next, (traces) => traces, {
          capabilities: { mutatesData: false },
        }),
      "development",
    ),
  );
  const graph = buildGraph({ ...factories, processors: [...factories.processors!, passThrough] }, {
    receivers: { push: null },
    processors: { pass: null, rename: null },
    exporters: { "sink/a": null, "sink/b": null },
    service: {
      pipelines: {
        "traces/a": { receivers: ["push"], processors: ["pass", "rename"], exporters: ["sink/a"] },
        "traces/b": { receivers: ["push"], exporters: ["sink/b"] },
      },
    },
  });
  await graph.start(nopHost());
  try {
    const sent = tracesWithSpans("a");
    await recorder.receiver("receiver push traces").consume(sent);
    assert.deepEqual(spanNames(sent), ["a"], "the receiver's data is not changed");
    assert.deepEqual(recorder.received("exporter sink/a traces").map(spanNames), [["a-renamed"]]);
    assert.deepEqual(recorder.received("exporter sink/b traces").map(spanNames), [["a"]]);
  } finally {
    assert.deepEqual(await graph.shutdown(), []);
  }
});
