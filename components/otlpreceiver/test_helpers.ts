// Shared pieces of this package's tests: starting a receiver on loopback with port 0, building
// telemetry, and raw gRPC calls. (Certificates: @denocol/config/configtest.)

import { Buffer } from "node:buffer";
import * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import type { Component, SharedHandle } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import { SinkConsumer } from "@denocol/consumer/consumertest";
import {
  type Logs,
  logs,
  LogsDataSchema,
  type Metrics,
  metrics,
  MetricsDataSchema,
  type Traces,
  traces,
  TracesDataSchema,
} from "@denocol/pdata";
import {
  defaultGrpcConfig,
  defaultHttpConfig,
  type GrpcProtocolConfig,
  type HttpProtocolConfig,
  type OtlpReceiverConfig,
} from "./config.ts";
import { createFactory } from "./factory.ts";
import type { Profiles } from "@denocol/pdata-experimental";
import type { OtlpReceiver } from "./receiver.ts";

/** Consumers to wire; a missing one leaves the signal unwired. */
export interface TestConsumers {
  traces?: Consumer<Traces>;
  metrics?: Consumer<Metrics>;
  logs?: Consumer<Logs>;
  profiles?: Consumer<Profiles>;
}

/** A started receiver and its base URLs. */
export interface TestReceiver {
  receiver: OtlpReceiver;
  /** `http://127.0.0.1:port` (or https) of the HTTP protocol, if enabled. */
  httpUrl: string;
  /** `127.0.0.1:port` of the gRPC protocol, if enabled. */
  grpcTarget: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@linkcode startReceiver}. */
export interface StartOptions {
  grpc?: Partial<GrpcProtocolConfig> | null;
  http?: Partial<HttpProtocolConfig> | null;
  extensions?: ReadonlyMap<string, Component>;
  id?: string;
}

/** Starts an otlp receiver on 127.0.0.1 port 0 with the given consumers. */
export async function startReceiver(
  consumers: TestConsumers,
  options: StartOptions = {},
): Promise<TestReceiver> {
  const config: OtlpReceiverConfig = {
    protocols: {
      grpc: options.grpc === null
        ? null
        : { ...defaultGrpcConfig(), endpoint: "127.0.0.1:0", ...options.grpc },
      http: options.http === null
        ? null
        : { ...defaultHttpConfig(), endpoint: "127.0.0.1:0", ...options.http },
    },
  };
  const factory = createFactory();
  factory.validateConfig!(config);
  const settings = nopSettings("receiver", options.id ?? "otlp");
  // One handle per wired signal, as the collector holds them; the receiver stops with the last.
  const handles: Component[] = [];
  if (consumers.traces) handles.push(factory.createTraces(settings, config, consumers.traces));
  if (consumers.metrics) handles.push(factory.createMetrics(settings, config, consumers.metrics));
  if (consumers.logs) handles.push(factory.createLogs(settings, config, consumers.logs));
  if (consumers.profiles) {
    handles.push(factory.createProfiles(settings, config, consumers.profiles));
  }
  const receiver = (handles[0] as SharedHandle<OtlpReceiver>).shared;
  for (const handle of handles) await handle.start(nopHost(options.extensions));
  const http = receiver.httpAddress;
  const grpc = receiver.grpcAddress;
  const scheme = config.protocols.http?.tls ? "https" : "http";
  return {
    receiver,
    httpUrl: http ? `${scheme}://${http.hostname}:${http.port}` : "",
    grpcTarget: grpc ? `${grpc.hostname}:${grpc.port}` : "",
    [Symbol.asyncDispose]: async () => {
      for (const handle of handles) await handle.shutdown();
    },
  };
}

/** A sink counting spans. */
export function tracesSink(): SinkConsumer<Traces> {
  return new SinkConsumer<Traces>({ countItems: (d) => traces.count(d) });
}

/** A sink counting metric data points. */
export function metricsSink(): SinkConsumer<Metrics> {
  return new SinkConsumer<Metrics>({ countItems: (d) => metrics.count(d) });
}

/** A sink counting log records. */
export function logsSink(): SinkConsumer<Logs> {
  return new SinkConsumer<Logs>({ countItems: (d) => logs.count(d) });
}

/** Traces with `spans` spans named `span-<i>` with an attribute `index` = i. */
export function makeTraces(spans: number, service = "test-service"): Traces {
  return create(TracesDataSchema, {
    resourceSpans: [{
      resource: {
        attributes: [{
          key: "service.name",
          value: { value: { case: "stringValue" as const, value: service } },
        }],
      },
      scopeSpans: [{
        scope: { name: "test-scope" },
        spans: Array.from({ length: spans }, (_, i) => ({
          traceId: new Uint8Array(16).fill(1 + (i % 200)),
          spanId: new Uint8Array(8).fill(1 + (i % 200)),
          name: `span-${i}`,
          startTimeUnixNano: 1_000_000_000n + BigInt(i),
          endTimeUnixNano: 2_000_000_000n + BigInt(i),
          attributes: [{
            key: "index",
            value: { value: { case: "intValue" as const, value: BigInt(i) } },
          }],
        })),
      }],
    }],
  });
}

/** Metrics with one gauge of `points` data points. */
export function makeMetrics(points: number): Metrics {
  return create(MetricsDataSchema, {
    resourceMetrics: [{
      scopeMetrics: [{
        metrics: [{
          name: "test.gauge",
          data: {
            case: "gauge" as const,
            value: {
              dataPoints: Array.from({ length: points }, (_, i) => ({
                timeUnixNano: 1_000_000_000n,
                value: { case: "asInt" as const, value: BigInt(i) },
              })),
            },
          },
        }],
      }],
    }],
  });
}

/** Logs with `records` log records. */
export function makeLogs(records: number): Logs {
  return create(LogsDataSchema, {
    resourceLogs: [{
      scopeLogs: [{
        logRecords: Array.from({ length: records }, (_, i) => ({
          timeUnixNano: 1_000_000_000n,
          body: { value: { case: "stringValue" as const, value: `record-${i}` } },
        })),
      }],
    }],
  });
}

/** The outcome of one raw gRPC call. */
export interface CallResult {
  error: grpc.ServiceError | null;
  response: Uint8Array | undefined;
}

/** One unary call with raw bytes through a grpc-js client. */
export function call(
  client: grpc.Client,
  path: string,
  body: Uint8Array,
  metadata = new grpc.Metadata(),
): Promise<CallResult> {
  return new Promise((resolve) => {
    client.makeUnaryRequest<Uint8Array, Uint8Array>(
      path,
      (bytes) => Buffer.from(bytes),
      (bytes) => new Uint8Array(bytes),
      body,
      metadata,
      { deadline: Date.now() + 10_000 },
      (error, response) => resolve({ error, response }),
    );
  });
}
