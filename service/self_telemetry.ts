/**
 * The collector's own telemetry pushed through the OpenTelemetry JS SDK, as the Go collector
 * pushes its own through the Go SDK: a `MeterProvider` whose `periodic` readers export the
 * internal metrics (the registry components record in, read at each export as a metric
 * producer), and a `LoggerProvider` whose processors export every log record the collector
 * writes (`service.telemetry.logs.processors`).
 *
 * No feedback loop when the collector sends its telemetry to itself: the SDK's own errors (a
 * backend that cannot be reached) go to the local log outputs only; the records of the
 * components that carry the collector's own telemetry back into it (the receiver it is sent to
 * and everything downstream of it, `self_telemetry_path.ts`) stay local too, so a component that
 * fails on those records makes no new ones; the SDK's exporters are not pipeline components, so
 * the data is counted once, as received; and what is left is sent as the shutdown begins,
 * while the collector's receivers still take it.
 *
 * Internal to the service: `mod.ts` does not export this file.
 */

import type {
  InstrumentSnapshot,
  Logger,
  LogRecordEvent,
  MetricsRegistry,
} from "@denocol/component";
import { diag, type DiagLogger, DiagLogLevel, SeverityNumber } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AggregationTemporality,
  type CollectionResult,
  ConsoleMetricExporter,
  DataPointType,
  MeterProvider,
  type MetricData,
  type MetricProducer,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from "@opentelemetry/sdk-metrics";
import {
  BatchLogRecordProcessor,
  ConsoleLogRecordExporter,
  LoggerProvider,
  type LogRecordExporter,
  type LogRecordProcessor,
  SimpleLogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import { OTLPMetricExporter as HttpJsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as HttpProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPMetricExporter as GrpcMetricExporter } from "@opentelemetry/exporter-metrics-otlp-grpc";
import { OTLPLogExporter as HttpJsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as HttpProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPLogExporter as GrpcLogExporter } from "@opentelemetry/exporter-logs-otlp-grpc";
import { credentials, Metadata } from "@grpc/grpc-js";
import type { TelemetryConfig } from "./config/mod.ts";
import type {
  LogProcessorConfig,
  TelemetryExporter,
  TelemetryOtlpExporter,
} from "./config/telemetry_otlp.ts";

/** The instrumentation scope of everything the collector exports about itself. */
export const SELF_TELEMETRY_SCOPE = "denocol/service";

/** What {@linkcode SelfTelemetry} describes the collector as. */
export interface SelfTelemetryIdentity {
  /** `service.name`: the command, such as `otelcol`. */
  readonly serviceName: string;
  /** `service.version`. */
  readonly serviceVersion: string;
}

const SEVERITY: Record<LogRecordEvent["level"], SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

/**
 * The providers of the collector's own telemetry; nothing runs when `service.telemetry` has no
 * periodic reader and no log processor.
 */
export class SelfTelemetry {
  readonly #meterProvider: MeterProvider | undefined;
  readonly #loggerProvider: LoggerProvider | undefined;
  readonly #emit: ((record: LogRecordEvent) => void) | undefined;
  #stopped = false;

  /**
   * Builds the providers `config` asks for. Metrics are read from `registry` at each export;
   * `localLogger` receives the SDK's own errors (it must write to the local outputs only);
   * records whose attributes `keepLocal` accepts are not exported (the components that carry
   * the collector's own telemetry back into it).
   */
  constructor(
    config: TelemetryConfig,
    registry: MetricsRegistry,
    identity: SelfTelemetryIdentity,
    localLogger: Logger,
    keepLocal: (attributes: Readonly<Record<string, unknown>>) => boolean = () => false,
  ) {
    const readers = config.metrics.periodicReaders;
    const processors = config.logs.processors;
    if (readers.length === 0 && processors.length === 0) return;
    routeSdkErrors(localLogger);
    const resource = resourceFromAttributes(resourceAttributes(config.resource, identity));
    if (readers.length > 0) {
      const producer = registryProducer(registry, Date.now());
      this.#meterProvider = new MeterProvider({
        resource,
        readers: readers.map((reader) =>
          new PeriodicExportingMetricReader({
            exporter: metricExporter(reader.exporter),
            exportIntervalMillis: reader.intervalMs,
            exportTimeoutMillis: Math.min(reader.timeoutMs, reader.intervalMs),
            metricProducers: [producer],
          })
        ),
      });
    }
    if (processors.length > 0) {
      this.#loggerProvider = new LoggerProvider({
        resource,
        processors: processors.map(logProcessor),
      });
      const logger = this.#loggerProvider.getLogger(SELF_TELEMETRY_SCOPE, identity.serviceVersion);
      this.#emit = (record) => {
        if (this.#stopped || keepLocal(record.attributes)) return;
        logger.emit({
          timestamp: record.timeMs,
          severityNumber: SEVERITY[record.level],
          severityText: record.level.toUpperCase(),
          body: record.message,
          attributes: plainAttributes(record.attributes),
        });
      };
    }
  }

  /** Whether anything is exported. */
  get enabled(): boolean {
    return this.#meterProvider !== undefined || this.#loggerProvider !== undefined;
  }

  /** What the logger calls with each record; undefined when logs are not exported. */
  get onRecord(): ((record: LogRecordEvent) => void) | undefined {
    return this.#emit;
  }

  /**
   * Exports what is left (the last metrics, the queued records) and stops; records logged
   * afterwards stay local.
   */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    await Promise.allSettled([this.#meterProvider?.shutdown(), this.#loggerProvider?.shutdown()]);
  }
}

/**
 * The SDK reports failed exports through its diagnostic logger: they go to the local outputs
 * (never back into the exported logs, where a failing backend would make more of them).
 */
function routeSdkErrors(localLogger: Logger): void {
  const write = (level: "warn" | "error") => (message: string, ...args: unknown[]) =>
    localLogger[level]("self-telemetry: " + message, detailOf(args));
  const logger: DiagLogger = {
    error: write("error"),
    warn: write("warn"),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

function detailOf(args: unknown[]): Record<string, string> {
  if (args.length === 0) return {};
  const text = args.map((arg) =>
    arg instanceof Error ? arg.message : typeof arg === "string" ? arg : JSON.stringify(arg)
  ).join(" ");
  return { error: text };
}

/** `service.name`, `service.version`, `service.instance.id`, then the configured attributes. */
function resourceAttributes(
  configured: Readonly<Record<string, unknown>>,
  identity: SelfTelemetryIdentity,
): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {
    "service.name": identity.serviceName,
    "service.version": identity.serviceVersion,
    "service.instance.id": crypto.randomUUID(),
  };
  for (const [key, value] of Object.entries(configured)) {
    // As in Go, a null value removes an attribute the collector would set.
    if (value === null) delete attributes[key];
    else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      attributes[key] = value;
    } else attributes[key] = JSON.stringify(value);
  }
  return attributes;
}

function plainAttributes(
  attributes: Readonly<Record<string, unknown>>,
): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    result[key] = typeof value === "string" || typeof value === "number" ||
        typeof value === "boolean"
      ? value
      : JSON.stringify(value);
  }
  return result;
}

/**
 * The registry as an SDK metric producer: counters become monotonic sums, up-down counters
 * non-monotonic sums, gauges gauges, all cumulative from `startMs`.
 */
export function registryProducer(registry: MetricsRegistry, startMs: number): MetricProducer {
  return {
    collect(): Promise<CollectionResult> {
      const now = hrTime(Date.now());
      const start = hrTime(startMs);
      const metrics = registry.collect().map((instrument) => metricData(instrument, start, now));
      return Promise.resolve({
        resourceMetrics: {
          resource: resourceFromAttributes({}),
          scopeMetrics: [{ scope: { name: SELF_TELEMETRY_SCOPE }, metrics }],
        },
        errors: [],
      });
    },
  };
}

function metricData(
  instrument: InstrumentSnapshot,
  startTime: [number, number],
  endTime: [number, number],
): MetricData {
  const descriptor = {
    name: instrument.name,
    description: instrument.description,
    unit: instrument.unit,
    valueType: 1, // DOUBLE: the registry keeps every value as a JavaScript number
  };
  const dataPoints = instrument.series.map((series) => ({
    startTime,
    endTime,
    attributes: { ...series.attributes },
    value: series.value,
  }));
  if (instrument.kind === "gauge") {
    return {
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints,
    };
  }
  return {
    descriptor,
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: instrument.kind === "counter",
    dataPoints,
  };
}

function hrTime(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** The URL of an HTTP exporter: the endpoint, with `http://` and the signal's path if missing. */
export function otlpHttpUrl(endpoint: string, signalPath: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  const url = new URL(withScheme);
  if (url.pathname === "" || url.pathname === "/") url.pathname = signalPath;
  return url.toString();
}

function grpcUrl(otlp: TelemetryOtlpExporter): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(otlp.endpoint)) return otlp.endpoint;
  return `${otlp.insecure ? "http" : "https"}://${otlp.endpoint}`;
}

function readFile(path: string | undefined): Uint8Array | undefined {
  return path === undefined ? undefined : Deno.readFileSync(path);
}

function grpcOptions(otlp: TelemetryOtlpExporter) {
  const metadata = new Metadata();
  for (const [name, value] of Object.entries(otlp.headers)) metadata.set(name, value);
  const url = grpcUrl(otlp);
  const secure = url.startsWith("https:");
  return {
    url,
    metadata,
    timeoutMillis: otlp.timeoutMs,
    compression: otlp.compression as never,
    credentials: secure
      ? credentials.createSsl(
        readFile(otlp.certificate) as Buffer | undefined,
        readFile(otlp.clientKey) as Buffer | undefined,
        readFile(otlp.clientCertificate) as Buffer | undefined,
      )
      : credentials.createInsecure(),
  };
}

function httpOptions(otlp: TelemetryOtlpExporter, signalPath: string) {
  const ca = readFile(otlp.certificate);
  const key = readFile(otlp.clientKey);
  const cert = readFile(otlp.clientCertificate);
  return {
    url: otlpHttpUrl(otlp.endpoint, signalPath),
    headers: { ...otlp.headers },
    timeoutMillis: otlp.timeoutMs,
    compression: otlp.compression as never,
    ...(ca || key || cert ? { httpAgentOptions: { ca, key, cert } as never } : {}),
  };
}

function metricExporter(exporter: TelemetryExporter): PushMetricExporter {
  if (exporter.kind === "console") return new ConsoleMetricExporter();
  const otlp = exporter.otlp;
  switch (otlp.protocol) {
    case "grpc":
      return new GrpcMetricExporter(grpcOptions(otlp));
    case "http/json":
      return new HttpJsonMetricExporter(httpOptions(otlp, "/v1/metrics"));
    case "http/protobuf":
      return new HttpProtoMetricExporter(httpOptions(otlp, "/v1/metrics"));
  }
}

function logExporter(exporter: TelemetryExporter): LogRecordExporter {
  if (exporter.kind === "console") return new ConsoleLogRecordExporter();
  const otlp = exporter.otlp;
  switch (otlp.protocol) {
    case "grpc":
      return new GrpcLogExporter(grpcOptions(otlp));
    case "http/json":
      return new HttpJsonLogExporter(httpOptions(otlp, "/v1/logs"));
    case "http/protobuf":
      return new HttpProtoLogExporter(httpOptions(otlp, "/v1/logs"));
  }
}

function logProcessor(config: LogProcessorConfig): LogRecordProcessor {
  const exporter = logExporter(config.exporter);
  if (config.kind === "simple") return new SimpleLogRecordProcessor({ exporter });
  return new BatchLogRecordProcessor({
    exporter,
    scheduledDelayMillis: config.scheduleDelayMs,
    exportTimeoutMillis: config.exportTimeoutMs,
    maxQueueSize: config.maxQueueSize,
    maxExportBatchSize: Math.min(config.maxExportBatchSize, config.maxQueueSize),
  });
}
