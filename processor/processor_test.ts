import assert from "node:assert/strict";
import { SignalNotSupportedError, withValidateConfig } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { fanOutTraces, PermanentError } from "@denocol/consumer";
import { newLogsSink, newTracesSink } from "@denocol/consumer/consumertest";
import * as pdata from "@denocol/pdata";
import {
  newFactory,
  newLogsProcessor,
  newProcessor,
  newTracesProcessor,
  withLogs,
  withTraces,
} from "./mod.ts";
import { checkProcessorFactory } from "./processortest/mod.ts";

function spans(...names: string[]): pdata.Traces {
  return pdata.traces.decodeJson(JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: names.map((name) => ({ name })) }] }],
  }));
}

interface RenameConfig {
  prefix: string;
}

const renameFactory = newFactory<RenameConfig>(
  "rename",
  () => ({ prefix: "svc." }),
  withTraces((_settings, config, next) =>
    newTracesProcessor(next, (traces) => {
      for (const resource of traces.resourceSpans) {
        for (const scope of resource.scopeSpans) {
          for (const span of scope.spans) span.name = config.prefix + span.name;
        }
      }
      return traces;
    }, { capabilities: { mutatesData: true } }), "alpha"),
  withValidateConfig((config) => {
    if (config.prefix === "") throw new Error("rename: prefix: expected a non-empty string");
  }),
);

Deno.test("rename processor passes the processor contract", async () => {
  await checkProcessorFactory(renameFactory, { invalidConfigs: [(c) => ({ ...c, prefix: "" })] });
});

Deno.test("processor changes data and reports that it mutates", async () => {
  const sink = newTracesSink();
  const processor = renameFactory.createTraces(nopSettings("processor"), { prefix: "x." }, sink);
  await processor.start(nopHost());
  await processor.consume(spans("a", "b"));
  await processor.shutdown();
  assert.deepEqual(
    sink.all[0].resourceSpans[0].scopeSpans[0].spans.map((s) => s.name),
    ["x.a", "x.b"],
  );
  assert.deepEqual(processor.capabilities(), { mutatesData: true });
  assert.throws(
    () => renameFactory.createLogs(nopSettings("processor"), { prefix: "x" }, newLogsSink()),
    SignalNotSupportedError,
  );
});

Deno.test("a mutating processor behind a fan-out does not change the other branch", async () => {
  const renamed = newTracesSink();
  const untouched = newTracesSink();
  const processor = renameFactory.createTraces(nopSettings("processor"), { prefix: "p." }, renamed);
  await fanOutTraces([processor, untouched]).consume(spans("a"));
  assert.equal(renamed.all[0].resourceSpans[0].scopeSpans[0].spans[0].name, "p.a");
  assert.equal(untouched.all[0].resourceSpans[0].scopeSpans[0].spans[0].name, "a");
});

Deno.test("returning undefined drops the data and counts as success", async () => {
  const sink = newLogsSink();
  let seen = 0;
  const dropAll = newLogsProcessor(sink, () => {
    seen++;
    return undefined;
  });
  await dropAll.consume(pdata.logs.empty());
  assert.equal(seen, 1);
  assert.equal(sink.all.length, 0);
});

Deno.test("async process functions, errors and context pass through", async () => {
  const sink = newTracesSink();
  const controller = new AbortController();
  const asyncProcessor = newProcessor(sink, async (data: pdata.Traces) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return data;
  });
  await asyncProcessor.consume(spans("a"), { signal: controller.signal });
  assert.equal(sink.contexts[0].signal, controller.signal);

  const refusal = new PermanentError("bad span");
  const failing = newProcessor(sink, () => Promise.reject(refusal));
  await assert.rejects(failing.consume(spans("b")), (e) => e === refusal);
  assert.equal(sink.all.length, 1);
});

Deno.test("processor hooks run once each, shutdown safe without start", async () => {
  const events: string[] = [];
  const processor = newProcessor(newTracesSink(), (d: pdata.Traces) => d, {
    start: () => void events.push("start"),
    shutdown: () => void events.push("shutdown"),
  });
  await processor.start(nopHost());
  await processor.start(nopHost());
  await processor.shutdown();
  await processor.shutdown();
  assert.deepEqual(events, ["start", "shutdown"]);
  const neverStarted = newProcessor(newTracesSink(), (d: pdata.Traces) => d, {
    shutdown: () => void events.push("released"),
  });
  await neverStarted.shutdown();
  assert.deepEqual(events, ["start", "shutdown", "released"]);
});

Deno.test("the processor contract catches a processor that fails on empty data", async () => {
  const picky = newFactory(
    "picky",
    () => ({}),
    withLogs((_s, _c, next) =>
      newLogsProcessor(next, (logs) => {
        if (pdata.logs.count(logs) === 0) throw new Error("empty batch");
        return logs;
      }), "alpha"),
  );
  await assert.rejects(checkProcessorFactory(picky), /lifecycle of logs failed/);
});
