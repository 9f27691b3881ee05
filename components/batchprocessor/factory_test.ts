import assert from "node:assert/strict";
import { MetricsRegistry } from "@denocol/component";
import { CapturingLogger, nopHost, nopSettings } from "@denocol/component/componenttest";
import { isPermanent, PermanentError, RetryableError } from "@denocol/consumer";
import { errorConsumer, SinkConsumer } from "@denocol/consumer/consumertest";
import { encodedForm, type Logs, logs, type Traces, traces } from "@denocol/pdata";
import { type Profiles, profiles, resolveSample } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import { type Config, factory } from "./mod.ts";

const settings = nopSettings("processor", "batch");

function config(overrides: Partial<Config>): Config {
  const c = { ...factory.createDefaultConfig(), ...overrides };
  factory.validateConfig?.(c);
  return c;
}

function spans(names: string[], service = "svc"): Traces {
  return traces.decodeJson(JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: "s" }, spans: names.map((name) => ({ name })) }],
    }],
  }));
}

function spanNames(data: Traces): string[] {
  return data.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))
  );
}

function records(count: number): Logs {
  return logs.decodeJson(JSON.stringify({
    resourceLogs: [{
      scopeLogs: [{
        logRecords: Array.from({ length: count }, (_, i) => ({ body: { intValue: i } })),
      }],
    }],
  }));
}

Deno.test("batch factory: type, stabilities and validation", () => {
  assert.equal(factory.type, "batch");
  assert.deepEqual(
    [
      factory.tracesStability,
      factory.metricsStability,
      factory.logsStability,
      factory.profilesStability,
    ],
    ["beta", "beta", "beta", "development"],
  );
  assert.throws(
    () => factory.validateConfig?.({ ...factory.createDefaultConfig(), send_batch_max_size: 10 }),
    /send_batch_max_size \(10\) must be greater than or equal to send_batch_size \(8192\)/,
  );
});

Deno.test("batch traces: requests a processor decoded are held as their bytes", async () => {
  const sink = new SinkConsumer<Traces>({ countItems: traces.count });
  const batch = factory.createTraces(settings, config({ timeout: "1h" }), sink);
  await batch.start(nopHost());
  const requests = [spans(["a", "b"]), spans(["c"], "other")];
  for (const request of requests) await batch.consume(request);
  // Held as bytes, the batch no longer shares objects with what was consumed.
  for (const request of requests) request.resourceSpans[0].scopeSpans[0].spans[0].name = "changed";
  await batch.shutdown();
  assert.ok(encodedForm(sink.all[0]) !== undefined, "the batch leaves as bytes");
  assert.equal(traces.count(sink.all[0]), 3);
  assert.deepEqual(sink.all.flatMap(spanNames), ["a", "b", "c"]);
});

Deno.test("batch traces: batches keep every span, in order, within send_batch_max_size", async () => {
  const sink = new SinkConsumer<Traces>({ countItems: traces.count });
  const batch = factory.createTraces(
    settings,
    config({ send_batch_size: 5, send_batch_max_size: 7, timeout: "1h" }),
    sink,
  );
  await batch.start(nopHost());
  const sent: string[] = [];
  for (let request = 0; request < 9; request++) {
    const names = Array.from({ length: request + 1 }, (_, i) => `r${request}s${i}`);
    sent.push(...names);
    await batch.consume(spans(names, `svc${request % 3}`));
  }
  await batch.shutdown();
  assert.deepEqual(sink.all.flatMap(spanNames), sent);
  for (const data of sink.all) assert.ok(traces.count(data) <= 7, `${traces.count(data)} spans`);
  // Every resource keeps its own attributes after merging and splitting.
  for (const data of sink.all) {
    for (const rs of data.resourceSpans) {
      const service = rs.resource?.attributes[0].value?.value.value as string;
      for (const name of rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))) {
        const request = Number(/^r(\d+)/.exec(name)![1]);
        assert.equal(service, `svc${request % 3}`);
      }
    }
  }
});

function stacksOf(data: Profiles): string[] {
  const out: string[] = [];
  for (const rp of data.resourceProfiles) {
    for (const sp of rp.scopeProfiles) {
      for (const profile of sp.profiles) {
        for (const sample of profile.samples) {
          const resolved = resolveSample(data.dictionary, sample);
          out.push(
            `${resolved.values.join(",")}|` +
              resolved.frames.map((f) => `${f.functionName}@${f.fileName}:${f.line}`).join(";"),
          );
        }
      }
    }
  }
  return out;
}

Deno.test("batch profiles: merged batches resolve every sample to the same stack", async () => {
  const sink = new SinkConsumer<Profiles>({ countItems: profiles.count });
  const batch = factory.createProfiles(
    settings,
    config({ send_batch_size: 100, send_batch_max_size: 150, timeout: "1h" }),
    sink,
  );
  await batch.start(nopHost());
  const expected: string[] = [];
  let total = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const request = generateProfiles({ seed, samplesPerProfile: 10, duplicates: seed % 2 === 0 });
    expected.push(...stacksOf(request));
    total += profiles.count(request);
    await batch.consume(profiles.clone(request));
  }
  await batch.shutdown();
  assert.equal(sink.count, total);
  assert.ok(sink.all.length >= 2, "nothing was merged or split");
  assert.ok(sink.all.some((data) => data.resourceProfiles.length > 1), "no request was merged");
  for (const data of sink.all) assert.ok(profiles.count(data) <= 150);
  assert.deepEqual(sink.all.flatMap(stacksOf), expected);
});

Deno.test("batch → exporter: a size-triggered failure reaches the caller unchanged", async () => {
  for (
    const error of [new RetryableError("busy", { retryAfterMs: 100 }), new PermanentError("bad")]
  ) {
    const batch = factory.createLogs(
      settings,
      config({ send_batch_size: 10, timeout: "1h" }),
      errorConsumer<Logs>(error),
    );
    await batch.start(nopHost());
    await batch.consume(records(4));
    await assert.rejects(batch.consume(records(6)), (e) => e === error);
    assert.equal(isPermanent(error), error instanceof PermanentError);
    await batch.shutdown();
  }
});

Deno.test("batch → exporter: timer and shutdown failures are counted and logged", async () => {
  const registry = new MetricsRegistry();
  const logger = new CapturingLogger();
  const batch = factory.createLogs(
    nopSettings("processor", "batch/async", { logger, meter: registry }),
    config({ send_batch_size: 1000, timeout: "5ms" }),
    errorConsumer<Logs>(new RetryableError("exporter queue full")),
  );
  await batch.start(nopHost());
  await batch.consume(records(3)); // resolves: the batch is not full
  for (
    let i = 0;
    i < 200 && registry.value("otelcol_processor_batch_send_failed_items") !== 3;
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(
    registry.value("otelcol_processor_batch_send_failed_items", { processor: "batch/async" }),
    3,
  );
  await batch.consume(records(2));
  await batch.shutdown();
  assert.equal(registry.value("otelcol_processor_batch_send_failed_items"), 5);
  assert.equal(logger.messages("warn").length, 2);
});
