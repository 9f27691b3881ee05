// The `confighttp` server section as extensions that serve HTTP (health_check, zpages) take it:
// the Go keys and defaults, checked with errors naming the config path, and a listener started
// from it on the same engine as the otlp receiver's (HTTP/1.1 in plaintext; HTTP/1.1 and HTTP/2
// with TLS).

import { parseConfigDuration } from "./duration.ts";
import { listenAddress } from "./endpoint.ts";
import type { ServerHandler } from "./http_exchange.ts";
import { DEFAULT_SESSION_LIMITS } from "./http2_session.ts";
import { listenHttp, type RunningServer } from "./http_server.ts";
import {
  defaultTlsServerConfig,
  loadTlsServerConfig,
  type TlsServerConfig,
  validateTlsServerConfig,
} from "./tls.ts";

/** `confighttp.ServerConfig`, as an extension's config embeds it. */
export interface HttpServerConfig {
  /** `host:port` to listen on. */
  endpoint: string;
  /** Network of the endpoint: `tcp` (also `tcp4`, `tcp6`, which listen as the address says). */
  transport: string;
  /** TLS; `null` serves plaintext HTTP/1.1. */
  tls: TlsServerConfig | null;
  /** Time to read a whole request; default `0s` (none). */
  read_timeout: string | number;
  /** Time to read a request's head; default `1m`. */
  read_header_timeout: string | number;
  /** Time from the end of the request head until the answer is written; default `30s`. */
  write_timeout: string | number;
  /** Time a kept-alive connection may wait for its next request; default `1m`. */
  idle_timeout: string | number;
  /** Whether connections are kept open between requests; default true. */
  keep_alives_enabled: boolean;
  /** Largest request body read, in bytes; default 20 MiB. */
  max_request_body_size: number;
  /** Headers added to every answer. */
  response_headers: Record<string, string>;
  /** Accepted for Go configurations; a page answering GET requests has no cross-origin use. */
  cors: unknown;
  /** Accepted for Go configurations; these endpoints take no request bodies to authenticate. */
  auth: unknown;
  /** Accepted for Go configurations; these endpoints read no request bodies. */
  include_metadata: boolean;
  /** Accepted for Go configurations; these endpoints read no request bodies. */
  compression_algorithms: string[];
}

/** The default server section listening on `endpoint`, with Go's `confighttp` defaults. */
export function defaultHttpServerConfig(endpoint: string): HttpServerConfig {
  return {
    endpoint,
    transport: "tcp",
    tls: null,
    read_timeout: "0s",
    read_header_timeout: "1m",
    write_timeout: "30s",
    idle_timeout: "1m",
    keep_alives_enabled: true,
    max_request_body_size: 20 * 1024 * 1024,
    response_headers: {},
    cors: null,
    auth: null,
    include_metadata: false,
    compression_algorithms: [],
  };
}

/**
 * Checks a server section: the endpoint, the durations and TLS.
 *
 * @param path Config path of the section, such as `extensions::health_check`.
 * @throws {TypeError} naming the key, such as `extensions::zpages::endpoint: expected host:port`.
 */
export function validateHttpServerConfig(config: HttpServerConfig, path: string): void {
  if (typeof config.endpoint !== "string" || config.endpoint === "") {
    throw new TypeError(`${path}::endpoint: expected host:port, got an empty endpoint`);
  }
  listenAddress(config.endpoint, `${path}::endpoint`);
  if (!["tcp", "tcp4", "tcp6"].includes(config.transport)) {
    throw new TypeError(
      `${path}::transport: expected tcp, tcp4 or tcp6, got ${JSON.stringify(config.transport)}`,
    );
  }
  for (const key of ["read_timeout", "read_header_timeout", "write_timeout", "idle_timeout"]) {
    parseConfigDuration(
      (config as unknown as Record<string, string | number>)[key],
      `${path}::${key}`,
    );
  }
  const tls = tlsOf(config, path);
  if (tls !== undefined) validateTlsServerConfig(tls, `${path}::tls`);
}

/**
 * The TLS section with its defaults filled in (a `tls:` written in YAML sets only some keys),
 * or `undefined` for plaintext; unknown keys are refused as Go refuses them.
 */
function tlsOf(config: HttpServerConfig, path: string): TlsServerConfig | undefined {
  if (config.tls === null || config.tls === undefined) return undefined;
  const defaults = defaultTlsServerConfig();
  for (const key of Object.keys(config.tls)) {
    if (!Object.hasOwn(defaults, key)) {
      throw new TypeError(`${path}::tls::${key}: unknown key`);
    }
  }
  return { ...defaults, ...config.tls };
}

/** Largest request head read; an extension's requests are a line and a few headers. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Starts serving `handler` as `config` says, adding the configured response headers to every
 * answer. Rejects naming the endpoint when it cannot listen, or the key when a setting is wrong.
 *
 * @param path Config path of the section, for errors.
 */
export async function serveHttpConfig(
  config: HttpServerConfig,
  path: string,
  handler: ServerHandler,
): Promise<RunningServer> {
  validateHttpServerConfig(config, path);
  const tls = config.tls === null
    ? undefined
    : await loadTlsServerConfig(config.tls, `${path}::tls`);
  const extra = Object.entries(config.response_headers ?? {}).map((
    [name, value],
  ) => [name.toLowerCase(), String(value)]);
  const withHeaders: ServerHandler = extra.length === 0 ? handler : async (request) => {
    const response = await handler(request);
    return { ...response, headers: { ...Object.fromEntries(extra), ...response.headers } };
  };
  return await listenHttp({
    endpoint: config.endpoint,
    ...(tls ? { tls } : {}),
    limits: {
      readHeaderTimeoutMs: parseConfigDuration(
        config.read_header_timeout,
        `${path}::read_header_timeout`,
      ),
      readTimeoutMs: parseConfigDuration(config.read_timeout, `${path}::read_timeout`),
      writeTimeoutMs: parseConfigDuration(config.write_timeout, `${path}::write_timeout`),
      idleTimeoutMs: parseConfigDuration(config.idle_timeout, `${path}::idle_timeout`),
      keepAlivesEnabled: config.keep_alives_enabled,
      maxHeaderBytes: MAX_HEADER_BYTES,
    },
    sessionLimits: DEFAULT_SESSION_LIMITS,
    maxConcurrentStreams: 100,
    handler: withHeaders,
  });
}
