// The OpenTelemetry JS SDK's own exporters, over each transport, against the receiver.

import assert from "node:assert/strict";
import { SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPTraceExporter as GrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as ProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPMetricExporter as GrpcMetricExporter } from "@opentelemetry/exporter-metrics-otlp-grpc";
import { OTLPMetricExporter as ProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPMetricExporter as JsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPLogExporter as GrpcLogExporter } from "@opentelemetry/exporter-logs-otlp-grpc";
import { OTLPLogExporter as ProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import type { AnyValue, KeyValue } from "@denocol/pdata";
import { logsSink, metricsSink, startReceiver, tracesSink } from "./test_helpers.ts";

type Transport = "grpc" | "http/protobuf" | "http/json";
const TRANSPORTS: Transport[] = ["grpc", "http/protobuf", "http/json"];

function plain(value: AnyValue | undefined): unknown {
  const inner = value?.value;
  if (inner === undefined) return undefined;
  if (inner.case === "intValue") return Number(inner.value);
  return inner.value;
}

function attributesOf(list: readonly KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((kv) => [kv.key, plain(kv.value)]));
}

Deno.test("JS SDK exporters: every span, data point and log record arrives with its attributes", async (t) => {
  const tracesOut = tracesSink();
  const metricsOut = metricsSink();
  const logsOut = logsSink();
  await using r = await startReceiver({ traces: tracesOut, metrics: metricsOut, logs: logsOut });
  const grpcUrl = `http://${r.grpcTarget}`;

  for (const transport of TRANSPORTS) {
    const resource = resourceFromAttributes({
      "service.name": "sdk-test",
      "test.transport": transport,
    });

    await t.step(`traces over ${transport}`, async () => {
      tracesOut.reset();
      const exporter = transport === "grpc"
        ? new GrpcTraceExporter({ url: grpcUrl })
        : transport === "http/protobuf"
        ? new ProtoTraceExporter({ url: `${r.httpUrl}/v1/traces` })
        : new JsonTraceExporter({ url: `${r.httpUrl}/v1/traces` });
      const provider = new TracerProvider({
        resource,
        spanProcessors: [new SimpleSpanProcessor({ exporter })],
      });
      const tracer = provider.getTracer("sdk-test-tracer", "1.2.3");
      for (let i = 0; i < 5; i++) {
        tracer.startSpan(`operation-${i}`, {
          attributes: { "test.index": i, "test.label": `label-${i}`, "test.flag": i % 2 === 0 },
        }).end();
      }
      await provider.forceFlush();
      await provider.shutdown();
      await tracesOut.waitFor(5);
      const spans = tracesOut.all.flatMap((data) =>
        data.resourceSpans.flatMap((rs) => {
          const resourceAttributes = attributesOf(rs.resource?.attributes ?? []);
          assert.equal(resourceAttributes["service.name"], "sdk-test");
          assert.equal(resourceAttributes["test.transport"], transport);
          return rs.scopeSpans.flatMap((ss) => {
            assert.equal(ss.scope?.name, "sdk-test-tracer");
            assert.equal(ss.scope?.version, "1.2.3");
            return ss.spans;
          });
        })
      );
      assert.equal(spans.length, 5);
      spans.sort((a, b) => a.name.localeCompare(b.name));
      spans.forEach((span, i) => {
        assert.equal(span.name, `operation-${i}`);
        assert.deepEqual(attributesOf(span.attributes), {
          "test.index": i,
          "test.label": `label-${i}`,
          "test.flag": i % 2 === 0,
        });
        assert.equal(span.traceId.length, 16);
        assert.equal(span.spanId.length, 8);
        assert.ok(span.endTimeUnixNano >= span.startTimeUnixNano);
      });
    });

    await t.step(`metrics over ${transport}`, async () => {
      metricsOut.reset();
      const exporter = transport === "grpc"
        ? new GrpcMetricExporter({ url: grpcUrl })
        : transport === "http/protobuf"
        ? new ProtoMetricExporter({ url: `${r.httpUrl}/v1/metrics` })
        : new JsonMetricExporter({ url: `${r.httpUrl}/v1/metrics` });
      const provider = new MeterProvider({
        resource,
        readers: [
          new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 }),
        ],
      });
      const meter = provider.getMeter("sdk-test-meter");
      const counter = meter.createCounter("test.requests");
      counter.add(1, { route: "/a" });
      counter.add(2, { route: "/b" });
      counter.add(3, { route: "/a" });
      meter.createHistogram("test.latency").record(12.5, { route: "/a" });
      await provider.forceFlush();
      await provider.shutdown();
      await metricsOut.waitFor(3);
      // forceFlush exports one collection and shutdown another (cumulative temporality): check
      // the first.
      const metrics = metricsOut.all.slice(0, 1).flatMap((data) =>
        data.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      );
      const requests = metrics.find((m) => m.name === "test.requests");
      assert.equal(requests?.data.case, "sum");
      const sums = requests!.data.case === "sum"
        ? requests!.data.value.dataPoints.map((p) => ({
          route: attributesOf(p.attributes).route,
          value: p.value.case === "asDouble" || p.value.case === "asInt"
            ? Number(p.value.value)
            : NaN,
        }))
        : [];
      sums.sort((a, b) => String(a.route).localeCompare(String(b.route)));
      assert.deepEqual(sums, [{ route: "/a", value: 4 }, { route: "/b", value: 2 }]);
      const latency = metrics.find((m) => m.name === "test.latency");
      assert.equal(latency?.data.case, "histogram");
      if (latency?.data.case === "histogram") {
        const [point] = latency.data.value.dataPoints;
        assert.equal(point.count, 1n);
        assert.equal(point.sum, 12.5);
        assert.deepEqual(attributesOf(point.attributes), { route: "/a" });
      }
      assert.equal(metricsOut.all.length, 2);
    });

    await t.step(`logs over ${transport}`, async () => {
      logsOut.reset();
      const exporter = transport === "grpc"
        ? new GrpcLogExporter({ url: grpcUrl })
        : transport === "http/protobuf"
        ? new ProtoLogExporter({ url: `${r.httpUrl}/v1/logs` })
        : new JsonLogExporter({ url: `${r.httpUrl}/v1/logs` });
      const provider = new LoggerProvider({
        resource,
        processors: [new SimpleLogRecordProcessor({ exporter })],
      });
      const logger = provider.getLogger("sdk-test-logger");
      for (let i = 0; i < 4; i++) {
        logger.emit({
          body: `message ${i}`,
          severityText: "WARN",
          severityNumber: 13,
          attributes: { "test.index": i, "test.user": `user-${i}` },
        });
      }
      await provider.forceFlush();
      await provider.shutdown();
      await logsOut.waitFor(4);
      const records = logsOut.all.flatMap((data) =>
        data.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords))
      );
      records.sort((a, b) => String(plain(a.body)).localeCompare(String(plain(b.body))));
      assert.equal(records.length, 4);
      records.forEach((record, i) => {
        assert.equal(plain(record.body), `message ${i}`);
        assert.equal(record.severityText, "WARN");
        assert.equal(record.severityNumber, 13);
        assert.deepEqual(attributesOf(record.attributes), {
          "test.index": i,
          "test.user": `user-${i}`,
        });
      });
    });
  }
});
