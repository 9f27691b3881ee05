/**
 * The OpenTelemetry SDK sections of `service.telemetry`, as the Go collector reads them
 * (OpenTelemetry declarative configuration v0.3): `metrics.readers[].periodic` with an `otlp`
 * or `console` exporter, and `logs.processors[]` (`batch` or `simple`) with the same exporters.
 */

import type { PathSegment, Position, ProblemCollector } from "./errors.ts";

/** How an OTLP exporter of the collector's own telemetry sends. */
export type OtlpProtocol = "grpc" | "http/protobuf" | "http/json";

/** An `otlp` exporter of the collector's own telemetry. */
export interface TelemetryOtlpExporter {
  /** The transport and encoding. */
  readonly protocol: OtlpProtocol;
  /**
   * Where to send: for HTTP the full URL (`/v1/metrics` or `/v1/logs` added when the URL has no
   * path; `http://` when it has no scheme), for gRPC `host:port` or a URL.
   */
  readonly endpoint: string;
  /** Headers sent with every request. */
  readonly headers: Readonly<Record<string, string>>;
  /** `gzip` or `none`. */
  readonly compression: "gzip" | "none";
  /** Time one export may take, ms. */
  readonly timeoutMs: number;
  /** gRPC without TLS. */
  readonly insecure: boolean;
  /** CA certificate file for the backend's certificate. */
  readonly certificate?: string;
  /** Client certificate file. */
  readonly clientCertificate?: string;
  /** Client key file. */
  readonly clientKey?: string;
}

/** An exporter of the collector's own telemetry: OTLP, or lines on standard output. */
export type TelemetryExporter =
  | { readonly kind: "otlp"; readonly otlp: TelemetryOtlpExporter }
  | { readonly kind: "console" };

/** A `periodic` metric reader. */
export interface PeriodicReaderConfig {
  /** Time between exports, ms; default 60000. */
  readonly intervalMs: number;
  /** Time one export may take, ms; default 30000. */
  readonly timeoutMs: number;
  /** Where the metrics go. */
  readonly exporter: TelemetryExporter;
}

/** A log record processor. */
export interface LogProcessorConfig {
  /** `batch` (records gathered and sent on a schedule) or `simple` (each record at once). */
  readonly kind: "batch" | "simple";
  /** Time between batches, ms; default 1000. */
  readonly scheduleDelayMs: number;
  /** Time one export may take, ms; default 30000. */
  readonly exportTimeoutMs: number;
  /** Records held waiting; more are dropped. Default 2048. */
  readonly maxQueueSize: number;
  /** Records per export at most. Default 512. */
  readonly maxExportBatchSize: number;
  /** Where the records go. */
  readonly exporter: TelemetryExporter;
}

type Located = (rest: readonly PathSegment[]) => Position | undefined;

interface Reader {
  readonly problems: ProblemCollector;
  readonly positionOf: Located;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(reader: Reader, path: readonly PathSegment[], detail: string): undefined {
  reader.problems.error(
    ["service", "telemetry", ...path],
    reader.positionOf(path),
    detail,
  );
  return undefined;
}

function unknownKeys(
  reader: Reader,
  value: Record<string, unknown>,
  known: readonly string[],
  path: readonly PathSegment[],
): boolean {
  let ok = true;
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      fail(reader, [...path, key], `unknown key; expected one of ${known.join(", ")}`);
      ok = false;
    }
  }
  return ok;
}

function integer(
  reader: Reader,
  value: unknown,
  fallback: number,
  path: readonly PathSegment[],
  min = 0,
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    fail(reader, path, `expected an integer >= ${min}, got ${JSON.stringify(value)}`);
    return fallback;
  }
  return value;
}

const OTLP_KEYS = [
  "protocol",
  "endpoint",
  "headers",
  "headers_list",
  "compression",
  "timeout",
  "insecure",
  "certificate",
  "client_key",
  "client_certificate",
  "temporality_preference",
  "default_histogram_aggregation",
];

function headersOf(
  reader: Reader,
  value: Record<string, unknown>,
  path: readonly PathSegment[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  const list = value.headers;
  if (Array.isArray(list)) {
    list.forEach((entry, index) => {
      if (!isObject(entry) || typeof entry.name !== "string" || typeof entry.value !== "string") {
        fail(reader, [...path, "headers", index], "expected { name, value } with string values");
        return;
      }
      headers[entry.name] = entry.value;
    });
  } else if (isObject(list)) {
    for (const [name, text] of Object.entries(list)) headers[name] = String(text);
  } else if (list !== undefined && list !== null) {
    fail(reader, [...path, "headers"], "expected a list of { name, value }");
  }
  if (typeof value.headers_list === "string") {
    for (const pair of value.headers_list.split(",")) {
      const at = pair.indexOf("=");
      if (at > 0) headers[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
  }
  return headers;
}

function exporterOf(
  reader: Reader,
  value: unknown,
  path: readonly PathSegment[],
): TelemetryExporter | undefined {
  if (!isObject(value) || Object.keys(value).length !== 1) {
    return fail(reader, path, "expected exactly one exporter: otlp or console");
  }
  if ("console" in value) return { kind: "console" };
  if (!("otlp" in value)) {
    return fail(
      reader,
      [...path, Object.keys(value)[0]],
      "unsupported exporter; denocol sends its own telemetry with otlp or console",
    );
  }
  const otlp = value.otlp;
  const at = [...path, "otlp"];
  if (!isObject(otlp)) return fail(reader, at, "expected an otlp exporter section");
  if (!unknownKeys(reader, otlp, OTLP_KEYS, at)) return undefined;
  const protocol = otlp.protocol ?? "http/protobuf";
  if (protocol !== "grpc" && protocol !== "http/protobuf" && protocol !== "http/json") {
    return fail(
      reader,
      [...at, "protocol"],
      `expected grpc, http/protobuf or http/json, got ${JSON.stringify(protocol)}`,
    );
  }
  if (typeof otlp.endpoint !== "string" || otlp.endpoint === "") {
    return fail(reader, [...at, "endpoint"], "an endpoint is required");
  }
  const compression = otlp.compression ?? "none";
  if (compression !== "gzip" && compression !== "none") {
    return fail(
      reader,
      [...at, "compression"],
      `expected gzip or none, got ${JSON.stringify(compression)}`,
    );
  }
  const optional = (key: string) => {
    const text = otlp[key];
    if (text === undefined || text === null || text === "") return undefined;
    if (typeof text !== "string") {
      fail(reader, [...at, key], "expected a file path");
      return undefined;
    }
    return text;
  };
  const certificate = optional("certificate");
  const clientCertificate = optional("client_certificate");
  const clientKey = optional("client_key");
  return {
    kind: "otlp",
    otlp: {
      protocol,
      endpoint: otlp.endpoint,
      headers: headersOf(reader, otlp, at),
      compression,
      timeoutMs: integer(reader, otlp.timeout, 10_000, [...at, "timeout"]),
      insecure: otlp.insecure === true,
      ...(certificate ? { certificate } : {}),
      ...(clientCertificate ? { clientCertificate } : {}),
      ...(clientKey ? { clientKey } : {}),
    },
  };
}

/**
 * The `periodic` readers of `service.telemetry.metrics.readers`; `pull` readers are the
 * Prometheus endpoint's business and are skipped here.
 */
export function readPeriodicReaders(
  readers: readonly unknown[] | null,
  problems: ProblemCollector,
  positionOf: Located,
): PeriodicReaderConfig[] {
  const reader = { problems, positionOf };
  const result: PeriodicReaderConfig[] = [];
  (readers ?? []).forEach((entry, index) => {
    const path = ["metrics", "readers", index];
    if (!isObject(entry) || !("periodic" in entry)) return;
    const periodic = entry.periodic;
    const at = [...path, "periodic"];
    if (!isObject(periodic)) return void fail(reader, at, "expected a periodic reader section");
    const known = ["interval", "timeout", "exporter", "producers", "cardinality_limits"];
    if (!unknownKeys(reader, periodic, known, at)) return;
    const exporter = exporterOf(reader, periodic.exporter, [...at, "exporter"]);
    if (exporter === undefined) return;
    result.push({
      intervalMs: integer(reader, periodic.interval, 60_000, [...at, "interval"], 1),
      timeoutMs: integer(reader, periodic.timeout, 30_000, [...at, "timeout"], 1),
      exporter,
    });
  });
  return result;
}

/** `service.telemetry.logs.processors`. */
export function readLogProcessors(
  processors: readonly unknown[] | null,
  problems: ProblemCollector,
  positionOf: Located,
): LogProcessorConfig[] {
  const reader = { problems, positionOf };
  const result: LogProcessorConfig[] = [];
  if (processors !== null && !Array.isArray(processors)) {
    fail(reader, ["logs", "processors"], "expected a list of processors");
    return result;
  }
  (processors ?? []).forEach((entry, index) => {
    const path = ["logs", "processors", index];
    if (!isObject(entry) || Object.keys(entry).length !== 1) {
      return void fail(reader, path, "expected one processor: batch or simple");
    }
    const kind = Object.keys(entry)[0];
    if (kind !== "batch" && kind !== "simple") {
      return void fail(reader, [...path, kind], "unknown processor; expected batch or simple");
    }
    const section = entry[kind];
    const at = [...path, kind];
    if (!isObject(section)) return void fail(reader, at, `expected a ${kind} processor section`);
    const known = kind === "batch"
      ? ["schedule_delay", "export_timeout", "max_queue_size", "max_export_batch_size", "exporter"]
      : ["exporter"];
    if (!unknownKeys(reader, section, known, at)) return;
    const exporter = exporterOf(reader, section.exporter, [...at, "exporter"]);
    if (exporter === undefined) return;
    result.push({
      kind,
      scheduleDelayMs: integer(reader, section.schedule_delay, 1_000, [...at, "schedule_delay"]),
      exportTimeoutMs: integer(reader, section.export_timeout, 30_000, [...at, "export_timeout"]),
      maxQueueSize: integer(reader, section.max_queue_size, 2048, [...at, "max_queue_size"], 1),
      maxExportBatchSize: integer(
        reader,
        section.max_export_batch_size,
        512,
        [...at, "max_export_batch_size"],
        1,
      ),
      exporter,
    });
  });
  return result;
}
