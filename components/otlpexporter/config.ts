import {
  defaultHelperConfig,
  type HelperConfig,
  validateHelperConfig,
} from "@denocol/exporter/exporterhelper";
import {
  type ClientConfig,
  defaultClientConfig,
  GRPC_CLIENT_COMPRESSIONS,
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
}

/** The default configuration (as in the Go collector: 5s timeout, gzip). */
export function createDefaultConfig(): OtlpGrpcConfig {
  return {
    endpoint: null,
    balancer_name: null,
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
  validateHelperConfig(config, path);
}
