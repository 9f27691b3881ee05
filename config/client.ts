// Settings that every OTLP client (gRPC and HTTP exporters) shares, in the spirit of the Go
// collector's configcompression and the `headers` and `tls` of confighttp/configgrpc.

import { defaultTlsClientConfig, type TlsClientConfig, validateTlsClientConfig } from "./tls.ts";

/**
 * The keys every OTLP client's config has: `compression`, `headers` (HTTP headers, or gRPC
 * metadata) and `tls`. Embed it in a component config.
 */
export interface ClientConfig {
  /** `gzip` (default), `zstd`, `snappy` (HTTP), `deflate`, `zlib` (HTTP) or `none`. */
  compression: string;
  /** Added to every request: HTTP headers or gRPC metadata (an open map). */
  headers: Record<string, string>;
  /** TLS of the connection (plaintext for an `http://` endpoint or `insecure: true`). */
  tls: TlsClientConfig;
}

/** The default {@linkcode ClientConfig}: gzip, no headers, the default TLS client settings. */
export function defaultClientConfig(): ClientConfig {
  return { compression: "gzip", headers: {}, tls: defaultTlsClientConfig() };
}

/**
 * Checks the {@linkcode ClientConfig} keys of a client's config.
 *
 * @param path Config path of the client, such as `exporters::otlp`.
 * @param headerKeys What the `headers` keys are, for messages: `header names` or `metadata keys`.
 * @param compressions The compressions the transport has; default {@linkcode CLIENT_COMPRESSIONS}.
 * @throws {TypeError} naming the key when a value is invalid.
 */
export function validateClientConfig(
  config: ClientConfig,
  path: string,
  headerKeys: string,
  compressions: readonly string[] = CLIENT_COMPRESSIONS,
): void {
  validateCompression(config.compression, path, compressions);
  validateHeaders(config.headers, path, headerKeys);
  validateTlsClientConfig(config.tls, `${path}::tls`);
}

/**
 * The compressions an HTTP client can send with, as Go's `configcompression` names them; `""`
 * and `none` send as is.
 */
export const CLIENT_COMPRESSIONS: readonly string[] = [
  "gzip",
  "zstd",
  "snappy",
  "deflate",
  "zlib",
  "none",
  "",
];

/** The compressions a gRPC client can send with (`grpc-encoding`). */
export const GRPC_CLIENT_COMPRESSIONS: readonly string[] = ["gzip", "zstd", "deflate", "none", ""];

/**
 * Checks a client's `compression` value.
 *
 * @param path Config path of the client, such as `exporters::otlp`; errors name `path::compression`.
 * @param accepted The compressions the transport has; default {@linkcode CLIENT_COMPRESSIONS}.
 * @throws {TypeError} naming the key and the accepted values.
 */
export function validateCompression(
  compression: unknown,
  path: string,
  accepted: readonly string[] = CLIENT_COMPRESSIONS,
): void {
  if (typeof compression !== "string" || !accepted.includes(compression)) {
    const names = accepted.filter((name) => name !== "").map((name) => JSON.stringify(name));
    throw new TypeError(
      `${path}::compression: expected one of ${names.join(", ")}, got ${
        JSON.stringify(compression)
      }`,
    );
  }
}

/**
 * Checks a client's `headers` (HTTP headers or gRPC metadata): a map of names to strings.
 *
 * @param path Config path of the client; errors name `path::headers`.
 * @param what What the keys are, for the message, such as `header names` or `metadata keys`.
 * @throws {TypeError} naming the key when a value is not a string.
 */
export function validateHeaders(headers: unknown, path: string, what = "header names"): void {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    throw new TypeError(`${path}::headers: expected a map of ${what} to values`);
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string") {
      throw new TypeError(`${path}::headers::${name}: expected a string value`);
    }
  }
}
