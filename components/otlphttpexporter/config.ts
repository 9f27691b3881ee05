import {
  defaultHelperConfig,
  type HelperConfig,
  validateHelperConfig,
} from "@denocol/exporter/exporterhelper";
import {
  type ClientConfig,
  defaultClientConfig,
  parseConfigDuration,
  validateClientConfig,
} from "@denocol/config";
import type { SignalStability } from "@denocol/exporter-experimental";
import type { SignalDescriptor } from "@denocol/pdata";

/** Body encoding of requests. */
export type Encoding = "proto" | "json";

/**
 * Configuration of the `otlphttp` exporter: the client keys (`compression`, `headers`, `tls`
 * for `https://` endpoints) and the exporter helper's, besides its own.
 */
export interface OtlpHttpConfig extends HelperConfig, ClientConfig {
  /** Base URL; `/v1/traces`, `/v1/metrics`, `/v1/logs`, `/v1development/profiles` are appended. */
  endpoint: string | null;
  /** Full URL for traces, overriding `endpoint`. */
  traces_endpoint: string | null;
  /** Full URL for metrics, overriding `endpoint`. */
  metrics_endpoint: string | null;
  /** Full URL for logs, overriding `endpoint`. */
  logs_endpoint: string | null;
  /** Full URL for profiles, overriding `endpoint`. */
  profiles_endpoint: string | null;
  /** `proto` (default) or `json`. */
  encoding: Encoding;
  /** A client authenticator extension adding its headers to every request; `null` for none. */
  auth: { authenticator: string } | null;
  /** Connections to the backend at most (0: no limit). */
  max_conns_per_host: number;
  /** Idle connections kept for reuse (0: Go's default of 100). */
  max_idle_conns: number;
  /** Idle connections kept for reuse to the backend (0: as `max_idle_conns`). */
  max_idle_conns_per_host: number;
  /** An idle kept connection is closed after this (`0s`: never); default `90s`. */
  idle_conn_timeout: string | number;
  /** Every request on a new connection. */
  disable_keep_alives: boolean;
  /** Accepted for Go configurations; Deno sizes its own socket buffers. */
  read_buffer_size: number;
  /** Accepted for Go configurations; Deno sizes its own socket buffers. */
  write_buffer_size: number;
  /** Accepted for Go configurations; requests go over HTTP/1.1, whose connections need no ping. */
  http2_read_idle_timeout: string | number;
  /** Accepted for Go configurations; requests go over HTTP/1.1, whose connections need no ping. */
  http2_ping_timeout: string | number;
}

/** The default configuration (as in the Go collector: 30s timeout, gzip, protobuf). */
export function createDefaultConfig(): OtlpHttpConfig {
  return {
    endpoint: null,
    traces_endpoint: null,
    metrics_endpoint: null,
    logs_endpoint: null,
    profiles_endpoint: null,
    encoding: "proto",
    auth: null,
    max_conns_per_host: 0,
    max_idle_conns: 100,
    max_idle_conns_per_host: 0,
    idle_conn_timeout: "90s",
    disable_keep_alives: false,
    read_buffer_size: 0,
    write_buffer_size: 0,
    http2_read_idle_timeout: "0s",
    http2_ping_timeout: "0s",
    ...defaultClientConfig(),
    ...defaultHelperConfig("30s"),
  };
}

/** The component type, the start of the exporter's IDs (`otlphttp`, `otlphttp/name`). */
export const TYPE = "otlphttp";

/** How mature the exporter is for each signal, as the Go collector's metadata gives it. */
export const STABILITY: SignalStability = {
  stable: ["traces", "metrics", "logs"],
  development: ["profiles"],
};

/** The per-signal URL keys, which override `endpoint` + the signal's OTLP/HTTP path. */
export const SIGNAL_ENDPOINT_KEYS = [
  "traces_endpoint",
  "metrics_endpoint",
  "logs_endpoint",
  "profiles_endpoint",
] as const;

/** A key of {@linkcode SIGNAL_ENDPOINT_KEYS}. */
export type SignalEndpointKey = typeof SIGNAL_ENDPOINT_KEYS[number];

function checkUrl(value: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(
      `${path}: expected an http:// or https:// URL, got ${JSON.stringify(value)}`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(
      `${path}: expected an http:// or https:// URL, got ${JSON.stringify(value)}`,
    );
  }
  return url;
}

/**
 * The URL requests of `signal` go to: its `<signal>_endpoint`, or `endpoint` with the signal's
 * OTLP/HTTP path (such as `/v1/traces`) appended.
 *
 * @param signal The signal's name and path, as in `@denocol/pdata`'s `traces`.
 * @param path Config path of the exporter, such as `exporters::otlphttp`.
 * @throws {TypeError} when neither is configured or the URL is invalid.
 */
export function signalUrl(
  config: OtlpHttpConfig,
  signal: Pick<SignalDescriptor, "name" | "httpPath">,
  path: string,
): URL {
  const key = `${signal.name}_endpoint` as SignalEndpointKey;
  if (!SIGNAL_ENDPOINT_KEYS.includes(key)) {
    throw new TypeError(`${path}: the otlphttp exporter does not send ${signal.name}`);
  }
  const specific = config[key];
  if (specific) return checkUrl(specific, `${path}::${key}`);
  if (!config.endpoint) {
    throw new TypeError(`${path}: set endpoint or ${key} (the URL to send ${signal.name} to)`);
  }
  const base = checkUrl(config.endpoint, `${path}::endpoint`);
  base.pathname = base.pathname.replace(/\/+$/, "") + signal.httpPath;
  return base;
}

/**
 * Checks the configuration (the URLs are checked per signal when an exporter is created, since
 * only configured signals need one).
 *
 * @param path Config path of the exporter, named in errors.
 * @throws {TypeError} naming the key when a value is invalid.
 */
export function validateConfig(config: OtlpHttpConfig, path = `exporters::${TYPE}`): void {
  if (!config.endpoint && !SIGNAL_ENDPOINT_KEYS.some((key) => config[key])) {
    throw new TypeError(`${path}: set endpoint or a per-signal URL such as traces_endpoint`);
  }
  if (config.endpoint) checkUrl(config.endpoint, `${path}::endpoint`);
  for (const key of SIGNAL_ENDPOINT_KEYS) {
    const value = config[key];
    if (value) checkUrl(value, `${path}::${key}`);
  }
  if (config.encoding !== "proto" && config.encoding !== "json") {
    throw new TypeError(
      `${path}::encoding: expected "proto" or "json", got ${JSON.stringify(config.encoding)}`,
    );
  }
  validateClientConfig(config, path, "header names");
  parseConfigDuration(config.idle_conn_timeout, `${path}::idle_conn_timeout`);
  for (const key of ["max_conns_per_host", "max_idle_conns", "max_idle_conns_per_host"] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0) {
      throw new TypeError(
        `${path}::${key}: expected an integer >= 0, got ${JSON.stringify(config[key])}`,
      );
    }
  }
  if (config.auth !== null) {
    const unknown = Object.keys(config.auth).find((key) => key !== "authenticator");
    if (unknown !== undefined) throw new TypeError(`${path}::auth::${unknown}: unknown key`);
    if (typeof config.auth.authenticator !== "string" || config.auth.authenticator === "") {
      throw new TypeError(`${path}::auth::authenticator: expected the ID of an extension`);
    }
  }
  validateHelperConfig(config, path);
}
