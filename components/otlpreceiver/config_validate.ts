// Validation of the otlp receiver's configuration: every value checked, the first problem
// thrown as an OtlpConfigError naming its config path.

import {
  parseConfigDuration,
  parseEndpoint,
  TlsConfigError,
  type TlsServerConfig,
  validateTlsServerConfig,
} from "@denocol/config";
import {
  type AuthConfig,
  type ConfigDuration,
  OtlpConfigError,
  type OtlpReceiverConfig,
} from "./config.ts";

/** Checks a `tls` block with @denocol/config, restating its error with this receiver's path. */
function validateTls(tls: TlsServerConfig | null, path: string): void {
  if (tls === null) return;
  try {
    validateTlsServerConfig(tls, path);
  } catch (error) {
    if (!(error instanceof TlsConfigError)) throw error;
    throw new OtlpConfigError(
      error.key === undefined ? path : `${path}.${error.key}`,
      error.reason,
      { cause: error },
    );
  }
}

function validateAuth(auth: AuthConfig | null, path: string): void {
  if (auth !== null && !/^[a-zA-Z][0-9a-zA-Z_]*(\/.+)?$/.test(auth.authenticator)) {
    throw new OtlpConfigError(
      `${path}.authenticator`,
      `expected an extension ID such as "bearertokenauth", got ${
        JSON.stringify(auth.authenticator)
      }`,
    );
  }
}

/**
 * Runs a check of @denocol/config that names `path` in its message, restating its error as this
 * receiver's.
 */
function restated(path: string, check: (path: string) => unknown): void {
  try {
    check(path);
  } catch (error) {
    throw new OtlpConfigError(path, (error as Error).message.replace(`${path}: `, ""), {
      cause: error,
    });
  }
}

function validateEndpoint(endpoint: string, path: string): void {
  restated(path, (at) => parseEndpoint(endpoint, at));
}

/**
 * `transport` and `endpoint` together: `tcp` (also `tcp4`, `tcp6`) with `host:port`, or `unix`
 * with the path of a socket to create.
 */
function validateNetwork(transport: string, endpoint: string, path: string): void {
  if (transport === "unix") {
    if (typeof endpoint !== "string" || endpoint === "") {
      throw new OtlpConfigError(`${path}.endpoint`, "expected the path of the Unix socket");
    }
    return;
  }
  if (!["tcp", "tcp4", "tcp6"].includes(transport)) {
    throw new OtlpConfigError(
      `${path}.transport`,
      `expected "tcp" or "unix", got ${JSON.stringify(transport)}`,
    );
  }
  validateEndpoint(endpoint, `${path}.endpoint`);
}

/** What `compression_algorithms` may list (`""` is an uncompressed body). */
const ACCEPTED_COMPRESSIONS = ["", "gzip", "zstd", "zlib", "deflate", "snappy"];

function validateDuration(value: ConfigDuration, path: string): void {
  restated(path, (at) => parseConfigDuration(value, at));
}

/** Checks a configuration; throws {@linkcode OtlpConfigError} naming the first problem. */
export function validateConfig(config: OtlpReceiverConfig): void {
  const { grpc, http } = config.protocols;
  if (grpc === null && http === null) {
    throw new OtlpConfigError(
      "protocols",
      "must specify at least one protocol (grpc or http) when using the otlp receiver",
    );
  }
  if (grpc !== null) {
    validateNetwork(grpc.transport, grpc.endpoint, "protocols.grpc");
    if (!(grpc.max_recv_msg_size_mib > 0)) {
      throw new OtlpConfigError(
        "protocols.grpc.max_recv_msg_size_mib",
        `expected a positive number of MiB, got ${grpc.max_recv_msg_size_mib}`,
      );
    }
    if (!Number.isInteger(grpc.max_concurrent_streams) || grpc.max_concurrent_streams < 0) {
      throw new OtlpConfigError(
        "protocols.grpc.max_concurrent_streams",
        `expected a non-negative integer, got ${grpc.max_concurrent_streams}`,
      );
    }
    for (const key of ["read_buffer_size", "write_buffer_size"] as const) {
      if (!Number.isInteger(grpc[key]) || grpc[key] < 0) {
        throw new OtlpConfigError(
          `protocols.grpc.${key}`,
          `expected a non-negative integer number of bytes, got ${grpc[key]}`,
        );
      }
    }
    const { server_parameters, enforcement_policy } = grpc.keepalive;
    for (const [key, value] of Object.entries(server_parameters)) {
      validateDuration(value, `protocols.grpc.keepalive.server_parameters.${key}`);
    }
    validateDuration(
      enforcement_policy.min_time,
      "protocols.grpc.keepalive.enforcement_policy.min_time",
    );
    validateTls(grpc.tls, "protocols.grpc.tls");
    validateAuth(grpc.auth, "protocols.grpc.auth");
  }
  if (http !== null) {
    validateNetwork(http.transport, http.endpoint, "protocols.http");
    if (!Number.isInteger(http.max_request_body_size) || http.max_request_body_size <= 0) {
      throw new OtlpConfigError(
        "protocols.http.max_request_body_size",
        `expected a positive integer number of bytes, got ${http.max_request_body_size}`,
      );
    }
    for (
      const key of ["read_timeout", "read_header_timeout", "write_timeout", "idle_timeout"] as const
    ) {
      validateDuration(http[key], `protocols.http.${key}`);
    }
    for (const [index, name] of http.compression_algorithms.entries()) {
      if (!ACCEPTED_COMPRESSIONS.includes(name)) {
        throw new OtlpConfigError(
          `protocols.http.compression_algorithms[${index}]`,
          `unsupported compression ${JSON.stringify(name)}; supported: ${
            ACCEPTED_COMPRESSIONS.map((c) => JSON.stringify(c)).join(", ")
          }`,
        );
      }
    }
    validateTls(http.tls, "protocols.http.tls");
    validateAuth(http.auth, "protocols.http.auth");
    if (http.cors !== null && (!Number.isInteger(http.cors.max_age) || http.cors.max_age < 0)) {
      throw new OtlpConfigError(
        "protocols.http.cors.max_age",
        `expected a non-negative integer, got ${http.cors.max_age}`,
      );
    }
    const paths = new Map<string, string>();
    for (
      const key of [
        "traces_url_path",
        "metrics_url_path",
        "logs_url_path",
        "profiles_url_path",
      ] as const
    ) {
      // Go parses the path as a URL, which refuses one that starts with a colon.
      if (http[key].replace(/^\//, "").startsWith(":")) {
        throw new OtlpConfigError(
          `protocols.http.${key}`,
          `invalid path ${JSON.stringify(http[key])}: missing protocol scheme`,
        );
      }
      const other = paths.get(http[key]);
      if (other !== undefined) {
        throw new OtlpConfigError(
          `protocols.http.${key}`,
          `the path ${JSON.stringify(http[key])} is already used by ${other}`,
        );
      }
      paths.set(http[key], key);
    }
  }
}
