import assert from "node:assert/strict";
import { equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  ExportLogsServiceResponseSchema,
  ExportMetricsServiceResponseSchema,
  ExportTraceServiceResponseSchema,
  logs,
  LogsDataSchema,
  metrics,
  MetricsDataSchema,
  type SignalDescriptor,
  SIGNALS,
  signalTable,
  traces,
  TracesDataSchema,
} from "./mod.ts";
import { randomLogs, randomMetrics, randomTraces, seededRandom } from "./pdatatest/mod.ts";

const shape = { resources: 2, scopes: 2, items: 3, attributes: 2 };

// Paths, services and rejected-count fields as the OTLP specification and protos name them.
const expected = [
  {
    otlp: traces,
    itemName: "spans",
    path: "/v1/traces",
    service: "opentelemetry.proto.collector.trace.v1.TraceService",
    data: TracesDataSchema,
  },
  {
    otlp: metrics,
    itemName: "metric_points",
    path: "/v1/metrics",
    service: "opentelemetry.proto.collector.metrics.v1.MetricsService",
    data: MetricsDataSchema,
  },
  {
    otlp: logs,
    itemName: "log_records",
    path: "/v1/logs",
    service: "opentelemetry.proto.collector.logs.v1.LogsService",
    data: LogsDataSchema,
  },
] as const;

Deno.test("signal table: each stable signal under its name, in pipeline order", () => {
  assert.deepEqual(Object.keys(SIGNALS), ["traces", "metrics", "logs"]);
  for (const [name, signal] of Object.entries(SIGNALS)) assert.equal(signal.name, name);
});

Deno.test("signalTable refuses a descriptor filed under another name", () => {
  // @ts-expect-error: the metrics descriptor under the name traces
  const wrong = signalTable({ traces: metrics });
  assert.equal(wrong.traces.name, "metrics");
});

Deno.test("OTLP table: paths, gRPC services and message types per the specification", () => {
  for (const { otlp, path, service, itemName } of expected) {
    assert.equal(otlp.itemName, itemName);
    assert.equal(otlp.httpPath, path);
    assert.equal(otlp.service.typeName, service);
    assert.deepEqual(otlp.service.methods.map((m) => m.name), ["Export"]);
    assert.equal(otlp.service.methods[0].input.typeName, otlp.requestSchema.typeName);
    assert.equal(otlp.service.methods[0].output.typeName, otlp.responseSchema.typeName);
  }
});

Deno.test("OTLP table: a request carries the data through the wire format", () => {
  const random = seededRandom(11);
  const samples = [
    randomTraces(random, shape, true),
    randomMetrics(random, shape, 2, true),
    randomLogs(random, shape, true),
  ];
  expected.forEach(({ otlp, data: dataSchema }, i) => {
    const signal = otlp as SignalDescriptor;
    const data = samples[i];
    const wire = toBinary(signal.requestSchema, signal.toRequest(data));
    const back = signal.fromRequest(fromBinary(signal.requestSchema, wire));
    assert.ok(equals(dataSchema, back as never, data as never), otlp.name);
    assert.ok(signal.count(back) > 0);
    assert.equal(signal.count(back), signal.count(data));
    // An OTLP/HTTP body is the request; the data codec reads it too.
    assert.equal(signal.count(signal.decodeProto(wire)), signal.count(data));
  });
});

Deno.test("OTLP table: partial success written by response() is read back by rejection()", () => {
  const fields = [
    [ExportTraceServiceResponseSchema, "rejectedSpans"],
    [ExportMetricsServiceResponseSchema, "rejectedDataPoints"],
    [ExportLogsServiceResponseSchema, "rejectedLogRecords"],
  ] as const;
  expected.forEach(({ otlp }, i) => {
    const signal = otlp as SignalDescriptor;
    const wire = toBinary(signal.responseSchema, signal.response({ rejected: 7, message: "bad" }));
    const decoded = fromBinary(fields[i][0], wire);
    assert.equal(
      (decoded.partialSuccess as unknown as Record<string, bigint>)[fields[i][1]],
      7n,
      otlp.name,
    );
    assert.deepEqual(signal.rejection(decoded), { rejected: 7, message: "bad" });
    assert.equal(signal.rejection(signal.response()), undefined);
    assert.equal(signal.rejection(signal.response({ rejected: 0, message: "" })), undefined);
    assert.deepEqual(signal.rejection(signal.response({ rejected: 0, message: "slow down" })), {
      rejected: 0,
      message: "slow down",
    });
  });
});
