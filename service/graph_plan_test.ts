import assert from "node:assert/strict";
import { factory as forwardFactory } from "@denocol/forwardconnector";
import { fromPlain, parseConfig } from "./config/mod.ts";
import { FactoryIndex } from "./factories.ts";
import { PipelineGraph } from "./graph.ts";
import { type DataNode, describeNode } from "./graph_nodes.ts";
import { GraphCycleError, planGraph, sortTopologically } from "./graph_plan.ts";
import { GraphBuildError } from "./errors.ts";
import { Recorder, testFactories, testSettings } from "./testutil_test.ts";

/** Each node with the nodes it hands data to, as errors name them. */
function edgesOf(plan: ReturnType<typeof planGraph>): string[] {
  return plan.nodes.map((node) =>
    `${label(node)} -> ${plan.next.get(node)!.map(label).join(", ") || "(none)"}`
  );
}

function label(node: DataNode): string {
  return node.kind === "fanout" ? `fan-out of ${describeNode(node)}` : describeNode(node);
}

Deno.test("graph plan: one node per receiver and exporter signal, per processor use and per connector signal pair, edges in configuration order", () => {
  const config = parseConfig(fromPlain({
    receivers: { push: null },
    processors: { rename: null },
    exporters: { sink: null },
    connectors: { spancount: null },
    service: {
      pipelines: {
        "traces/a": {
          receivers: ["push"],
          processors: ["rename"],
          exporters: ["sink", "spancount"],
        },
        "traces/b": { receivers: ["push"], processors: ["rename"], exporters: ["sink"] },
        metrics: { receivers: ["spancount", "push"], exporters: ["sink"] },
      },
    },
  }));
  const asked: string[] = [];
  const plan = planGraph(config, (id, from, to) => {
    asked.push(`${id} ${from}->${to}`);
    return from === "traces" && to === "metrics";
  });
  assert.deepEqual(edgesOf(plan), [
    `receiver "push" (traces) -> pipeline "traces/a", pipeline "traces/b"`,
    `pipeline "traces/a" -> processor "rename" in pipeline "traces/a"`,
    `processor "rename" in pipeline "traces/a" -> fan-out of pipeline "traces/a"`,
    `fan-out of pipeline "traces/a" -> exporter "sink" (traces), connector "spancount" (traces to metrics)`,
    `exporter "sink" (traces) -> (none)`,
    `connector "spancount" (traces to metrics) -> pipeline "metrics"`,
    `pipeline "metrics" -> fan-out of pipeline "metrics"`,
    `pipeline "traces/b" -> processor "rename" in pipeline "traces/b"`,
    `processor "rename" in pipeline "traces/b" -> fan-out of pipeline "traces/b"`,
    `fan-out of pipeline "traces/b" -> exporter "sink" (traces)`,
    `receiver "push" (metrics) -> pipeline "metrics"`,
    `fan-out of pipeline "metrics" -> exporter "sink" (metrics)`,
    `exporter "sink" (metrics) -> (none)`,
  ]);
  assert.deepEqual(asked, ["spancount traces->metrics"]);

  const sorted = sortTopologically(plan);
  assert.equal(sorted.length, plan.nodes.length);
  for (const [node, next] of plan.next) {
    for (const target of next) {
      assert.ok(
        sorted.indexOf(node) < sorted.indexOf(target),
        `${label(node)} sorts before ${label(target)}`,
      );
    }
  }
});

Deno.test("graph plan: a cycle through connectors is refused by the sort, naming its components and pipelines", () => {
  const config = parseConfig(fromPlain({
    receivers: { push: null },
    processors: { rename: null },
    exporters: { sink: null },
    connectors: { forward: null, "forward/back": null },
    service: {
      pipelines: {
        "traces/a": {
          receivers: ["push", "forward/back"],
          processors: ["rename"],
          exporters: ["forward"],
        },
        "traces/b": { receivers: ["forward"], exporters: ["sink", "forward/back"] },
      },
    },
  }));
  const plan = planGraph(config, () => true);
  const error = (() => {
    try {
      sortTopologically(plan);
    } catch (error) {
      return error;
    }
  })();
  assert.ok(error instanceof GraphCycleError, String(error));
  assert.deepEqual(error.cycle, [
    `pipeline "traces/a"`,
    `processor "rename" in pipeline "traces/a"`,
    `connector "forward" (traces to traces)`,
    `pipeline "traces/b"`,
    `connector "forward/back" (traces to traces)`,
    `pipeline "traces/a"`,
  ]);
  assert.match(error.message, /cycle.*pipeline "traces\/a" -> processor "rename"/);
});

Deno.test("graph: a cycle the configuration was not checked for fails the build before any pipeline component is created", async () => {
  const recorder = new Recorder();
  const factories = testFactories(recorder);
  const config = parseConfig(fromPlain({
    receivers: { push: null },
    exporters: { sink: null },
    connectors: { forward: null },
    extensions: { recorded: null },
    service: {
      extensions: ["recorded"],
      pipelines: { logs: { receivers: ["push", "forward"], exporters: ["sink", "forward"] } },
    },
  }));
  const graph = new PipelineGraph({
    factories: new FactoryIndex({ ...factories, connectors: [forwardFactory] }),
    config: { config, components: noComponentConfigs(), warnings: [] },
    settings: testSettings,
  });
  assert.throws(() => graph.build(), (error) => {
    assert.ok(error instanceof GraphBuildError, String(error));
    assert.match(
      error.message,
      /cycle.*: pipeline "logs" -> connector "forward" \(logs to logs\) -> pipeline "logs"$/,
    );
    return true;
  });
  assert.deepEqual(recorder.receivers, [], "no receiver was created");
  assert.deepEqual(recorder.exporters, [], "no exporter was created");
  assert.deepEqual(await graph.shutdown(), []);
  assert.deepEqual(
    recorder.events,
    ["shutdown extension recorded"],
    "the extension created before the failure is shut down",
  );
});

function noComponentConfigs() {
  return {
    receiver: new Map(),
    processor: new Map(),
    exporter: new Map(),
    connector: new Map(),
    extension: new Map(),
  };
}
