/**
 * The `service.telemetry` section: the collector's own logs and metrics, read with the Go
 * collector's keys and defaults.
 */

import { LOG_LEVELS, type LogLevel } from "@denocol/component";
import type { PathSegment, Position, ProblemCollector } from "./errors.ts";
import { decodeComponentConfigInto } from "./component_config.ts";
import type { ConfigNode } from "./node.ts";
import {
  type LogProcessorConfig,
  type PeriodicReaderConfig,
  readLogProcessors,
  readPeriodicReaders,
} from "./telemetry_otlp.ts";

/** Level of the collector's own logs: the logger's levels. */
export type TelemetryLogLevel = LogLevel;

/** Detail of the collector's own metrics; `none` turns them off. */
export type TelemetryMetricsLevel = "none" | "basic" | "normal" | "detailed";

/** `service.telemetry.logs`. */
export interface TelemetryLogsConfig {
  /** Minimum level logged; default `info`. */
  readonly level: TelemetryLogLevel;
  /** `console` (human-readable, the default) or `json`. */
  readonly encoding: "console" | "json";
  /** Where logs go (`stderr`, `stdout` or file paths); default `["stderr"]`. */
  readonly outputPaths: readonly string[];
  /** Fields added to every log record. */
  readonly initialFields: Readonly<Record<string, unknown>>;
  /** Where records also go through the OpenTelemetry SDK (`processors`); empty for none. */
  readonly processors: readonly LogProcessorConfig[];
}

/** `service.telemetry.metrics`. */
export interface TelemetryMetricsConfig {
  /** Detail level; default `normal`. */
  readonly level: TelemetryMetricsLevel;
  /**
   * `host:port` where the Prometheus endpoint is served (at `/metrics`), from the first pull
   * Prometheus reader, else the legacy `address` key, else `localhost:8888`; null when the level
   * is `none`.
   */
  readonly address: string | null;
  /** The `readers` list as written, or null. */
  readonly readers: readonly unknown[] | null;
  /** The `periodic` readers, which push the metrics with an exporter; empty for none. */
  readonly periodicReaders: readonly PeriodicReaderConfig[];
}

/** `service.telemetry`. */
export interface TelemetryConfig {
  /** The collector's own logs. */
  readonly logs: TelemetryLogsConfig;
  /** The collector's own metrics. */
  readonly metrics: TelemetryMetricsConfig;
  /** Resource attributes of the collector's own telemetry. */
  readonly resource: Readonly<Record<string, unknown>>;
}

/** Default `service.telemetry`, in the shape users write it; also the set of accepted keys. */
function telemetryDefaults() {
  return {
    logs: {
      level: "info",
      encoding: "console",
      development: false,
      disable_caller: false,
      disable_stacktrace: false,
      sampling: null,
      output_paths: ["stderr"],
      error_output_paths: ["stderr"],
      initial_fields: {},
      processors: null as unknown[] | null,
    },
    metrics: { level: "normal", address: null as string | null, readers: null as unknown[] | null },
    traces: null,
    resource: {},
  };
}

const LOG_ENCODINGS = ["console", "json"];
const METRICS_LEVELS = ["none", "basic", "normal", "detailed"];
const DEFAULT_METRICS_ADDRESS = "localhost:8888";

/**
 * Reads `service.telemetry`: unknown keys and invalid values are reported to `problems` with
 * their config path, and fall back to the defaults.
 */
export function readTelemetry(
  node: ConfigNode | undefined,
  problems: ProblemCollector,
): TelemetryConfig {
  const path = ["service", "telemetry"];
  const decoded = decodeComponentConfigInto(telemetryDefaults(), node ?? null, path, problems);
  const positionOf = (...rest: PathSegment[]) => node && positionOfValue(node, rest);
  const oneOf = (value: string, valid: readonly string[], ...rest: PathSegment[]) => {
    if (valid.includes(value)) return true;
    problems.error(
      [...path, ...rest],
      positionOf(...rest),
      `invalid value ${JSON.stringify(value)}; expected one of ${valid.join(", ")}`,
    );
    return false;
  };
  const logs = decoded.logs;
  const level = oneOf(logs.level, LOG_LEVELS, "logs", "level") ? logs.level : "info";
  const encoding = oneOf(logs.encoding, LOG_ENCODINGS, "logs", "encoding")
    ? logs.encoding
    : "console";
  const metrics = decoded.metrics;
  const metricsLevel = oneOf(metrics.level, METRICS_LEVELS, "metrics", "level")
    ? metrics.level
    : "normal";
  let address: string | null = metrics.address ?? DEFAULT_METRICS_ADDRESS;
  if (metrics.readers !== null) {
    const fromReaders = prometheusAddressOf(metrics.readers, node, problems);
    // Readers replace the default endpoint, as in Go: only periodic ones means no endpoint.
    if (fromReaders !== undefined) address = fromReaders;
    else if (metrics.readers.some((r) => typeof r === "object" && r !== null && "periodic" in r)) {
      address = metrics.address;
    }
  }
  if (metricsLevel === "none") address = null;
  const located = (rest: readonly PathSegment[]) => node && positionOfValue(node, rest);
  const periodicReaders = metricsLevel === "none"
    ? []
    : readPeriodicReaders(metrics.readers, problems, located);
  const processors = readLogProcessors(logs.processors, problems, located);
  return {
    logs: {
      level: level as TelemetryLogLevel,
      encoding: encoding as "console" | "json",
      outputPaths: logs.output_paths,
      initialFields: logs.initial_fields,
      processors,
    },
    metrics: {
      level: metricsLevel as TelemetryMetricsLevel,
      address,
      readers: metrics.readers,
      periodicReaders,
    },
    resource: decoded.resource,
  };
}

/** The value's own position (not its key's), for errors about the value. */
function positionOfValue(node: ConfigNode, path: readonly PathSegment[]): Position | undefined {
  let current: ConfigNode = node;
  for (const segment of path) {
    if (typeof segment === "number" && current.kind === "list" && current.items[segment]) {
      current = current.items[segment];
    } else if (
      typeof segment === "string" && current.kind === "map" && current.entries.has(segment)
    ) {
      current = current.entries.get(segment)!.value;
    } else return current.position;
  }
  return current.position;
}

/**
 * The `host:port` of the first `pull` reader with a `prometheus` exporter (as the Go collector
 * writes `readers: [{pull: {exporter: {prometheus: {host, port}}}}]`); other readers get a
 * warning, since only the Prometheus endpoint is served.
 */
function prometheusAddressOf(
  readers: readonly unknown[],
  node: ConfigNode | undefined,
  problems: ProblemCollector,
): string | undefined {
  let address: string | undefined;
  readers.forEach((reader, index) => {
    const path = ["service", "telemetry", "metrics", "readers", index];
    const position = node && positionOfValue(node, ["metrics", "readers", index]);
    // Periodic readers push through an exporter (`telemetry_otlp.ts`).
    if (typeof reader === "object" && reader !== null && "periodic" in reader) return;
    const prometheus = (reader as { pull?: { exporter?: { prometheus?: unknown } } } | null)?.pull
      ?.exporter?.prometheus;
    if (prometheus === undefined || (prometheus !== null && typeof prometheus !== "object")) {
      problems.warn(
        path,
        position,
        "reader ignored: denocol serves its own metrics through a pull reader with a " +
          "prometheus exporter and pushes them through periodic readers",
      );
      return;
    }
    const { host, port } = (prometheus ?? {}) as { host?: unknown; port?: unknown };
    if (host !== undefined && host !== null && typeof host !== "string") {
      problems.error(
        [...path, "pull", "exporter", "prometheus", "host"],
        position,
        "expected a string host",
      );
      return;
    }
    if (
      port !== undefined && port !== null &&
      (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535)
    ) {
      problems.error(
        [...path, "pull", "exporter", "prometheus", "port"],
        position,
        "expected a port number between 0 and 65535",
      );
      return;
    }
    if (address !== undefined) {
      problems.warn(path, position, "reader ignored: only the first prometheus reader is served");
      return;
    }
    const hostText = typeof host === "string" && host !== "" ? host : "localhost";
    const formatted = hostText.includes(":") && !hostText.startsWith("[")
      ? `[${hostText}]`
      : hostText;
    address = `${formatted}:${typeof port === "number" ? port : 8888}`;
  });
  return address;
}
