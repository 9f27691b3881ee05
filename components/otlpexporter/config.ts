import {
  defaultHelperConfig,
  type HelperConfig,
  validateHelperConfig,
} from "@denocol/exporter/exporterhelper";
import {
  type ClientConfig,
  defaultClientConfig,
  GRPC_CLIENT_COMPRESSIONS,
  parseConfigDuration,
  parseEndpoint,
  validateClientConfig,
} from "@denocol/config";
import type { SignalStability } from "@denocol/exporter-experimental";

/**
 * Configuration of the `otlp` (gRPC) exporter: the client keys (`compression`, `headers` sent
 * as metadata, `tls`; set `tls.insecure: true` for plaintext without an `http://` scheme) and
 * the exporter helper's, besides its own.
 */
export interface OtlpGrpcConfig extends HelperConfig, ClientConfig {
  /** `host:port` of the backend; an `http://` scheme means plaintext, `https://` TLS. */
  endpoint: string | null;
  /** Accepted for compatibility with the Go collector and ignored (one connection is used). */
  balancer_name: string | null;
  /** HTTP/2 pings that find a dead connection (configgrpc's `keepalive`); `null` for none. */
  keepalive: KeepaliveClientConfig | null;
  /** The `:authority` of every call; empty for the endpoint's host. */
  authority: string;
  /** A client authenticator extension adding its headers to every call; `null` for none. */
  auth: { authenticator: string } | null;
  /** Accepted for Go configurations; Deno's HTTP/2 sizes its own buffers. */
  read_buffer_size: number;
  /** Accepted for Go configurations; Deno's HTTP/2 sizes its own buffers. */
  write_buffer_size: number;
  /**
   * Accepted for Go configurations: a call never fails fast on a connection still being made
   * (it waits within its timeout), and the retries cover a backend that is down.
   */
  wait_for_ready: boolean;
}

/** `keepalive` of a gRPC client (configgrpc's `KeepaliveClientConfig`). */
export interface KeepaliveClientConfig {
  /** Ping after this long without activity, such as `30s`. */
  time: string | number;
  /** Close the connection when a ping is not answered within this, such as `10s`. */
  timeout: string | number;
  /** Whether to ping while no call is open. */
  permit_without_stream: boolean;
}

/** The default configuration (as in the Go collector: 5s timeout, gzip). */
export function createDefaultConfig(): OtlpGrpcConfig {
  return {
    endpoint: null,
    balancer_name: null,
    keepalive: null,
    authority: "",
    auth: null,
    read_buffer_size: 0,
    write_buffer_size: 0,
    wait_for_ready: false,
    ...defaultClientConfig(),
    ...defaultHelperConfig("5s"),
  };
}

/** The component type, the start of the exporter's IDs (`otlp`, `otlp/name`). */
export const TYPE = "otlp";

/** How mature the exporter is for each signal, as the Go collector's metadata gives it. */
export const STABILITY: SignalStability = {
  stable: ["traces", "metrics", "logs"],
  development: ["profiles"],
};

/** Where and how to connect, derived from `endpoint` and `tls`. */
export interface Target {
  /** Base URL for the transport, such as `https://collector:4317`. */
  baseUrl: string;
  /** Whether TLS is used. */
  secure: boolean;
  /** Host name (or IP) of the backend. */
  host: string;
}

/**
 * Resolves `endpoint` (`host:port`, optionally with `http://`/`https://` or `dns:///`) against
 * `tls.insecure`.
 *
 * @param path Config path of the exporter, named in errors.
 * @throws {TypeError} when the endpoint is missing or malformed.
 */
export function resolveTarget(config: OtlpGrpcConfig, path: string): Target {
  const raw = config.endpoint;
  if (typeof raw !== "string" || raw.trim() === "") {
    throw new TypeError(`${path}::endpoint: expected host:port of the OTLP/gRPC backend`);
  }
  let text = raw.trim().replace(/^dns:\/\/\//, "");
  let secure = !config.tls.insecure;
  const scheme = /^(https?):\/\//.exec(text);
  if (scheme !== null) {
    secure = scheme[1] === "https";
    text = text.slice(scheme[0].length);
  }
  text = text.replace(/\/+$/, "");
  const { hostname, port } = parseEndpoint(text, `${path}::endpoint`);
  if (hostname === "") {
    throw new TypeError(
      `${path}::endpoint: expected host:port with a host, got ${JSON.stringify(raw)}`,
    );
  }
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return { baseUrl: `${secure ? "https" : "http"}://${host}:${port}`, secure, host: hostname };
}

/**
 * Checks the configuration.
 *
 * @param path Config path of the exporter, named in errors.
 * @throws {TypeError} naming the key when a value is invalid.
 */
export function validateConfig(config: OtlpGrpcConfig, path = `exporters::${TYPE}`): void {
  resolveTarget(config, path);
  validateClientConfig(config, path, "metadata keys", GRPC_CLIENT_COMPRESSIONS);
  keepaliveOf(config, path);
  if (config.auth !== null) {
    const keys = Object.keys(config.auth);
    const unknown = keys.find((key) => key !== "authenticator");
    if (unknown !== undefined) throw new TypeError(`${path}::auth::${unknown}: unknown key`);
    if (typeof config.auth.authenticator !== "string" || config.auth.authenticator === "") {
      throw new TypeError(`${path}::auth::authenticator: expected the ID of an extension`);
    }
  }
  validateHelperConfig(config, path);
}

/**
 * The keepalive settings in milliseconds, or `undefined` when off.
 *
 * @throws {TypeError} naming the key for an unknown key or a bad duration.
 */
export function keepaliveOf(
  config: OtlpGrpcConfig,
  path: string,
): { timeMs: number; timeoutMs: number; permitWithoutStream: boolean } | undefined {
  const keepalive = config.keepalive;
  if (keepalive === null || keepalive === undefined) return undefined;
  const known = ["time", "timeout", "permit_without_stream"];
  for (const key of Object.keys(keepalive)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${path}::keepalive::${key}: unknown key; valid keys: ${known.join(", ")}`,
      );
    }
  }
  const timeMs = keepalive.time === undefined
    ? 0
    : parseConfigDuration(keepalive.time, `${path}::keepalive::time`);
  const timeoutMs = keepalive.timeout === undefined
    ? 20_000
    : parseConfigDuration(keepalive.timeout, `${path}::keepalive::timeout`);
  return { timeMs, timeoutMs, permitWithoutStream: keepalive.permit_without_stream === true };
}
