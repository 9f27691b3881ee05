// Configuration of the otlp receiver, with the Go collector's keys and defaults
// (otlpreceiver + confighttp + configgrpc + configauth; configtls is @denocol/config's).

import { defaultTlsServerConfig, parseConfigDuration, type TlsServerConfig } from "@denocol/config";
import { logs, metrics, traces } from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";

/** Reference to a server authenticator extension (`auth`). */
export interface AuthConfig {
  /** ID of the extension, such as `bearertokenauth` or `bearertokenauth/agents`. */
  authenticator: string;
}

/** CORS settings of the HTTP protocol. */
export interface CorsConfig {
  /** Origins allowed to send cross-origin requests; `*` or a single `*` wildcard per entry. */
  allowed_origins: string[];
  /** Extra request headers allowed cross-origin; `*` allows any. */
  allowed_headers: string[];
  /** Seconds browsers may cache a preflight answer; 0 leaves it to the browser. */
  max_age: number;
}

/** A duration as written in YAML: a Go duration string (`30s`, `1m`) or milliseconds. */
export type ConfigDuration = string | number;

/** `keepalive.server_parameters` of the gRPC block (grpc-go's defaults when absent). */
export interface KeepaliveServerParameters {
  /** GOAWAY a connection without open streams for this long; `0s`: never. */
  max_connection_idle: ConfigDuration;
  /** GOAWAY a connection this old; `0s`: never. */
  max_connection_age: ConfigDuration;
  /** After the age GOAWAY, calls get this long before the connection is closed; `0s`: forever. */
  max_connection_age_grace: ConfigDuration;
  /** Ping a client after this long without activity; `0s` means grpc-go's 2h. */
  time: ConfigDuration;
  /** Close the connection when a ping is not answered within this; `0s` means 20s. */
  timeout: ConfigDuration;
}

/** `keepalive.enforcement_policy` of the gRPC block. */
export interface KeepaliveEnforcementPolicy {
  /** Clients pinging more often than this get GOAWAY `too_many_pings`; `0s` means 5m. */
  min_time: ConfigDuration;
  /** Whether clients may ping while no call is open. */
  permit_without_stream: boolean;
}

/** The `keepalive` block of the gRPC protocol (`configgrpc.KeepaliveServerConfig`). */
export interface KeepaliveServerConfig {
  /** Server-side keepalive and connection age. */
  server_parameters: KeepaliveServerParameters;
  /** What client pings are tolerated. */
  enforcement_policy: KeepaliveEnforcementPolicy;
}

/** The `grpc` protocol block (`configgrpc.ServerConfig`). */
export interface GrpcProtocolConfig {
  /** `host:port` to listen on; default `localhost:4317`. */
  endpoint: string;
  /** `tcp` (default) or `unix`: a Unix domain socket at `endpoint`, removed on shutdown. */
  transport: string;
  /** TLS; `null` serves plaintext HTTP/2 (h2c). */
  tls: TlsServerConfig | null;
  /** Largest accepted message after decompression, in MiB; default 4. */
  max_recv_msg_size_mib: number;
  /**
   * Concurrent calls allowed per connection, advertised to clients; 0 means denocol's default of
   * 100 (grpc-go's default is unlimited, which lets one connection hold any number of requests).
   */
  max_concurrent_streams: number;
  /** Accepted for Go configurations; Deno's HTTP/2 sizes its own buffers. */
  read_buffer_size: number;
  /** Accepted for Go configurations; Deno's HTTP/2 sizes its own buffers. */
  write_buffer_size: number;
  /** Keepalive and connection age. */
  keepalive: KeepaliveServerConfig;
  /** Passes request metadata to the pipeline as client metadata. */
  include_metadata: boolean;
  /** Authenticator extension; `null` for none. */
  auth: AuthConfig | null;
}

/** The `http` protocol block (`confighttp.ServerConfig` plus the signal paths). */
export interface HttpProtocolConfig {
  /** `host:port` to listen on (default `localhost:4318`), or a socket path with `unix`. */
  endpoint: string;
  /** `tcp` (default) or `unix`: a Unix domain socket at `endpoint`, removed on shutdown. */
  transport: string;
  /** TLS; `null` serves plaintext HTTP/1.1. */
  tls: TlsServerConfig | null;
  /** CORS; `null` answers no cross-origin requests. */
  cors: CorsConfig | null;
  /** Authenticator extension; `null` for none. */
  auth: AuthConfig | null;
  /** Limit on the request body, before and after decompression, in bytes; default 20 MiB. */
  max_request_body_size: number;
  /** Time to read a whole request, head and body; default `0s` (none). */
  read_timeout: ConfigDuration;
  /** Time to read a request's head; default `1m`; `0s` uses `read_timeout`. */
  read_header_timeout: ConfigDuration;
  /** Time from the end of the request head until the response is written; default `30s`. */
  write_timeout: ConfigDuration;
  /** Time a kept-alive connection may wait for its next request; default `1m`. */
  idle_timeout: ConfigDuration;
  /** Whether connections are kept open between requests; default true. */
  keep_alives_enabled: boolean;
  /**
   * `Content-Encoding`s accepted; an empty list means all supported: gzip, zstd, zlib, deflate,
   * snappy (Go's default).
   */
  compression_algorithms: string[];
  /** Passes request headers to the pipeline as client metadata. */
  include_metadata: boolean;
  /** Headers added to every response (an open map). */
  response_headers: Record<string, string>;
  /** Path of the traces endpoint; default `/v1/traces`. */
  traces_url_path: string;
  /** Path of the metrics endpoint; default `/v1/metrics`. */
  metrics_url_path: string;
  /** Path of the logs endpoint; default `/v1/logs`. */
  logs_url_path: string;
  /**
   * Path of the profiles endpoint; default `/v1development/profiles`. A denocol addition (the Go
   * collector fixes this path).
   *
   * # Experimental
   *
   * This API is EXPERIMENTAL and may be changed or removed in a later release.
   */
  profiles_url_path: string;
}

/** Configuration of the `otlp` receiver. */
export interface OtlpReceiverConfig {
  /** The protocols to serve; at least one. A protocol that is `null` is not served. */
  protocols: {
    /** OTLP/gRPC, or `null` when not configured. */
    grpc: GrpcProtocolConfig | null;
    /** OTLP/HTTP, or `null` when not configured. */
    http: HttpProtocolConfig | null;
  };
}

/** Default max_request_body_size: 20 MiB, as in the Go collector. */
export const DEFAULT_MAX_REQUEST_BODY_SIZE = 20 * 1024 * 1024;

/** A default `grpc` block (what `grpc:` with no value means). */
export function defaultGrpcConfig(): GrpcProtocolConfig {
  return {
    endpoint: "localhost:4317",
    transport: "tcp",
    tls: null,
    max_recv_msg_size_mib: 4,
    max_concurrent_streams: 0,
    read_buffer_size: 0,
    write_buffer_size: 0,
    keepalive: defaultKeepaliveConfig(),
    include_metadata: false,
    auth: null,
  };
}

/** grpc-go's keepalive defaults, as the Go collector leaves them. */
export function defaultKeepaliveConfig(): KeepaliveServerConfig {
  return {
    server_parameters: {
      max_connection_idle: "0s",
      max_connection_age: "0s",
      max_connection_age_grace: "0s",
      time: "2h",
      timeout: "20s",
    },
    enforcement_policy: { min_time: "5m", permit_without_stream: false },
  };
}

/** A default `http` block (what `http:` with no value means). */
export function defaultHttpConfig(): HttpProtocolConfig {
  return {
    endpoint: "localhost:4318",
    transport: "tcp",
    tls: null,
    cors: null,
    auth: null,
    max_request_body_size: DEFAULT_MAX_REQUEST_BODY_SIZE,
    read_timeout: "0s",
    read_header_timeout: "1m",
    write_timeout: "30s",
    idle_timeout: "1m",
    keep_alives_enabled: true,
    compression_algorithms: [],
    include_metadata: false,
    response_headers: {},
    traces_url_path: traces.httpPath,
    metrics_url_path: metrics.httpPath,
    logs_url_path: logs.httpPath,
    profiles_url_path: profiles.httpPath,
  };
}

/**
 * The default configuration: both protocols on their localhost default endpoints. (When a
 * configuration file is read, a protocol it does not mention is off; see
 * {@linkcode unmarshalConfig}.)
 */
export function createDefaultConfig(): OtlpReceiverConfig {
  return { protocols: { grpc: defaultGrpcConfig(), http: defaultHttpConfig() } };
}

/** A configuration value that does not fit; the message names the path and what was expected. */
export class OtlpConfigError extends Error {
  /** Dotted path inside the receiver's configuration, such as `protocols.grpc.endpoint`. */
  readonly path: string;
  /** The same path, under the name the service reads to point the error at its YAML line. */
  readonly configPath: string;

  /**
   * Creates the error.
   *
   * @param path Dotted path of the value inside the receiver's configuration.
   * @param detail What was expected and what was found.
   * @param options The underlying error, if any.
   */
  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(`otlp receiver: ${path}: ${detail}`, options);
    this.name = "OtlpConfigError";
    this.path = path;
    this.configPath = path;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a map into a copy of `defaults`: keys must be known, values must have the default's
 * type; `nested` decodes keys whose value is itself a block.
 */
function decodeBlock<T extends object>(
  raw: unknown,
  defaults: T,
  path: string,
  nested: Partial<Record<keyof T & string, (raw: unknown, path: string) => unknown>> = {},
): T {
  if (raw === null || raw === undefined) return defaults;
  if (!isMap(raw)) {
    throw new OtlpConfigError(
      path || "<root>",
      `expected a map (keys: ${Object.keys(defaults).join(", ")}), got ${describe(raw)}`,
    );
  }
  const result = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(raw)) {
    const at = `${path}.${key}`;
    if (!Object.hasOwn(defaults, key)) {
      throw new OtlpConfigError(at, `unknown key; valid keys: ${Object.keys(defaults).join(", ")}`);
    }
    const decodeNested = (nested as Record<string, (raw: unknown, path: string) => unknown>)[key];
    if (decodeNested !== undefined) {
      result[key] = decodeNested(value, at);
      continue;
    }
    const template = (defaults as Record<string, unknown>)[key];
    if (value === null) continue;
    if (DURATION_KEYS.has(key)) {
      if (typeof value !== "string" && typeof value !== "number") {
        throw new OtlpConfigError(
          at,
          `expected a duration such as "30s" or "1m", got ${describe(value)}`,
        );
      }
    } else if (template === null || typeof template === "string") {
      if (typeof value !== "string") {
        throw new OtlpConfigError(at, `expected a string, got ${describe(value)}`);
      }
    } else if (typeof template === "number") {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new OtlpConfigError(at, `expected a number, got ${describe(value)}`);
      }
    } else if (typeof template === "boolean") {
      if (typeof value !== "boolean") {
        throw new OtlpConfigError(at, `expected true or false, got ${describe(value)}`);
      }
    } else if (Array.isArray(template)) {
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
        throw new OtlpConfigError(at, `expected a list of strings, got ${describe(value)}`);
      }
      result[key] = [...value];
      continue;
    } else if (isMap(template)) {
      if (!isMap(value) || !Object.values(value).every((item) => typeof item === "string")) {
        throw new OtlpConfigError(at, `expected a map of strings, got ${describe(value)}`);
      }
      result[key] = { ...value };
      continue;
    }
    result[key] = value;
  }
  return result as T;
}

/** Keys whose values are durations (a Go duration string, or milliseconds). */
const DURATION_KEYS = new Set([
  "read_timeout",
  "read_header_timeout",
  "write_timeout",
  "idle_timeout",
  "max_connection_idle",
  "max_connection_age",
  "max_connection_age_grace",
  "time",
  "timeout",
  "min_time",
]);

function decodeKeepalive(raw: unknown, path: string): KeepaliveServerConfig {
  const defaults = defaultKeepaliveConfig();
  return decodeBlock(raw, defaults, path, {
    server_parameters: (value, at) => decodeBlock(value, defaults.server_parameters, at),
    enforcement_policy: (value, at) => decodeBlock(value, defaults.enforcement_policy, at),
  });
}

function decodeTls(raw: unknown, path: string): TlsServerConfig {
  return decodeBlock(raw, defaultTlsServerConfig(), path);
}

function decodeAuth(raw: unknown, path: string): AuthConfig | null {
  if (raw === null || raw === undefined) return null;
  return decodeBlock(raw, { authenticator: "" }, path);
}

function decodeCors(raw: unknown, path: string): CorsConfig {
  return decodeBlock(raw, { allowed_origins: [], allowed_headers: [], max_age: 0 }, path);
}

function urlPath(value: string): string {
  const path = value.split("?")[0].split("#")[0];
  return path.startsWith("/") ? path : `/${path}`;
}

/**
 * Reads the user's configuration. A protocol key that is present enables the protocol, with
 * defaults for whatever it leaves out (`grpc:` alone means all defaults); a protocol key that is
 * absent leaves the protocol off. Inside a protocol, `tls`, `cors` and `auth` are off when absent
 * or null and on when given a map (`tls: {}` asks for TLS, and then needs its files). Unknown keys and mistyped values are errors naming their path.
 *
 * @param raw The receiver's configuration as parsed from YAML (`null` when empty).
 */
export function unmarshalConfig(raw: unknown): OtlpReceiverConfig {
  if (raw !== null && raw !== undefined && !isMap(raw)) {
    throw new OtlpConfigError("<root>", `expected a map (keys: protocols), got ${describe(raw)}`);
  }
  for (const key of Object.keys(raw ?? {})) {
    if (key !== "protocols") throw new OtlpConfigError(key, "unknown key; valid keys: protocols");
  }
  const protocolsRaw = (raw as { protocols?: unknown } | null | undefined)?.protocols ?? null;
  if (protocolsRaw !== null && !isMap(protocolsRaw)) {
    throw new OtlpConfigError(
      "protocols",
      `expected a map (keys: grpc, http), got ${describe(protocolsRaw)}`,
    );
  }
  const protocols = protocolsRaw ?? {};
  for (const key of Object.keys(protocols)) {
    if (key !== "grpc" && key !== "http") {
      throw new OtlpConfigError(
        `protocols.${key}`,
        "unknown protocol; valid protocols: grpc, http",
      );
    }
  }
  const grpc = Object.hasOwn(protocols, "grpc")
    ? decodeBlock(protocols.grpc, defaultGrpcConfig(), "protocols.grpc", {
      tls: (value, at) => (value === null ? null : decodeTls(value, at)),
      auth: decodeAuth,
      keepalive: decodeKeepalive,
    })
    : null;
  const http = Object.hasOwn(protocols, "http")
    ? decodeBlock(protocols.http, defaultHttpConfig(), "protocols.http", {
      tls: (value, at) => (value === null ? null : decodeTls(value, at)),
      auth: decodeAuth,
      cors: (value, at) => (value === null ? null : decodeCors(value, at)),
    })
    : null;
  if (http !== null) {
    http.traces_url_path = urlPath(http.traces_url_path);
    http.metrics_url_path = urlPath(http.metrics_url_path);
    http.logs_url_path = urlPath(http.logs_url_path);
    http.profiles_url_path = urlPath(http.profiles_url_path);
  }
  return { protocols: { grpc, http } };
}

/** A duration setting in milliseconds (after validation). */
export function durationMs(value: ConfigDuration): number {
  return parseConfigDuration(value, "");
}
