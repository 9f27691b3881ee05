import assert from "node:assert/strict";
import { newComponent, SignalNotSupportedError, SIGNALS } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { type Consumer, newConsumer } from "@denocol/consumer";
import { newLogsSink, newMetricsSink, newTracesSink } from "@denocol/consumer/consumertest";
import * as pdata from "@denocol/pdata";
import {
  type Connector,
  newFactory,
  withLogsToLogs,
  withMetricsToMetrics,
  withTracesToLogs,
  withTracesToTraces,
} from "./mod.ts";
import { checkConnectorFactory } from "./connectortest/mod.ts";

/** Passes data on unchanged: the smallest same-signal connector. */
function forward<T>(next: Consumer<T>): Connector<T> {
  return { ...newComponent(), ...newConsumer<T>((data, context) => next.consume(data, context)) };
}

const forwardFactory = newFactory(
  "forward",
  () => ({}),
  withTracesToTraces((_s, _c, next) => forward(next), "beta"),
  withMetricsToMetrics((_s, _c, next) => forward(next), "beta"),
  withLogsToLogs((_s, _c, next) => forward(next), "beta"),
);

/** Turns each batch of spans into one log record per span, named after it. */
const spanLogFactory = newFactory(
  "spanlog",
  () => ({}),
  withTracesToLogs((_s, _c, next) => ({
    ...newComponent(),
    ...newConsumer<pdata.Traces>((traces, context) => {
      const records = traces.resourceSpans.flatMap((r) =>
        r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ body: { stringValue: span.name } })))
      );
      return next.consume(
        pdata.logs.decodeJson(JSON.stringify({
          resourceLogs: [{ scopeLogs: [{ logRecords: records }] }],
        })),
        context,
      );
    }),
  }), "development"),
);

Deno.test("forward and spanlog connectors pass the connector contract", async () => {
  await checkConnectorFactory(forwardFactory);
  await checkConnectorFactory(spanLogFactory);
});

Deno.test("stability reports exactly the declared pairs", () => {
  const supported: string[] = [];
  for (const from of SIGNALS) {
    for (const to of SIGNALS) {
      if (forwardFactory.stability(from, to) !== "undefined") supported.push(`${from}->${to}`);
    }
  }
  assert.deepEqual(supported, ["traces->traces", "metrics->metrics", "logs->logs"]);
  assert.equal(spanLogFactory.stability("traces", "logs"), "development");
  assert.equal(spanLogFactory.tracesToLogsStability, "development");
  assert.equal(spanLogFactory.metricsToLogsStability, "undefined");
  assert.equal(spanLogFactory.stability("traces", "profiles"), "undefined");
});

Deno.test("newFactory refuses a pair given twice or without a real stability", () => {
  const create = (_s: unknown, _c: unknown, next: Consumer<pdata.Logs>) => forward(next);
  assert.throws(
    () =>
      newFactory(
        "twice",
        () => ({}),
        withLogsToLogs(create, "beta"),
        withLogsToLogs(create, "alpha"),
      ),
    (e) =>
      e instanceof TypeError &&
      e.message === 'connector factory "twice": logs->logs is configured twice',
  );
  assert.throws(
    () => newFactory("none", () => ({}), withLogsToLogs(create, "undefined")),
    /connector factory "none": logs->logs has stability "undefined"/,
  );
});

Deno.test("a cross-signal connector turns spans into log records", async () => {
  const sink = newLogsSink();
  const connector = spanLogFactory.createTracesToLogs(nopSettings("connector"), {}, sink);
  await connector.start(nopHost());
  await connector.consume(pdata.traces.decodeJson(JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: [{ name: "GET /" }, { name: "SELECT" }] }] }],
  })));
  await connector.shutdown();
  assert.equal(sink.count, 2);
  const bodies = sink.all[0].resourceLogs[0].scopeLogs[0].logRecords.map((r) => r.body?.value);
  assert.deepEqual(bodies.map((v) => v?.value), ["GET /", "SELECT"]);
});

Deno.test("unsupported pairs throw SignalNotSupportedError naming from->to", () => {
  assert.throws(
    () => spanLogFactory.createLogsToTraces(nopSettings("connector"), {}, newTracesSink()),
    (e: unknown) =>
      e instanceof SignalNotSupportedError && e.signal === "logs->traces" &&
      e.message === 'connector "spanlog" does not support the logs->traces signal',
  );
  assert.throws(
    () =>
      forwardFactory.create("traces", "metrics", nopSettings("connector"), {}, newMetricsSink()),
    /does not support the traces->metrics signal/,
  );
});
