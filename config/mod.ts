/**
 * Configuration building blocks that components share, in the spirit of the Go collector's
 * `config/*` modules: Go-style durations for timeouts and intervals, the TLS client and server
 * sections (`configtls`), and the guard that keeps `node:http2` session teardown out of Deno's
 * native callbacks (used by every gRPC server and client). Nothing here knows about signals.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTlsClientConfig, loadTlsClientConfig, parseConfigDuration } from "@denocol/config";
 *
 * const timeoutMs = parseConfigDuration("1m30s", "exporters::otlp::timeout");
 * const tls = await loadTlsClientConfig(
 *   { ...defaultTlsClientConfig(), insecure_skip_verify: true },
 *   "exporters::otlp::tls",
 * );
 * assert.equal(timeoutMs, 90_000);
 * assert.equal(tls.rejectUnauthorized, false);
 * ```
 *
 * @module
 */

export { DurationError, formatDuration, parseConfigDuration, parseDuration } from "./duration.ts";
export { guardSessionTeardown } from "./http2.ts";
export { type ByteStream, denoConnStream, nodeSocketStream } from "./byte_stream.ts";
export {
  type BodyBudget,
  BodyReadError,
  freeBody,
  HttpHeaders,
  releaseChunk,
  type ServerHandler,
  type ServerRequest,
  type ServerResponse,
  takeFromBudget,
} from "./http_exchange.ts";
export { Http1Connection, type Http1Limits } from "./http1.ts";
export { encodeResponse as encodeHttp1Response } from "./http1_message.ts";
export {
  DEFAULT_SESSION_LIMITS,
  protectSession,
  type SessionEvents,
  type SessionLimits,
} from "./http2_session.ts";
export {
  DEFAULT_CLOSE_GRACE_MS,
  type HttpListenOptions,
  listenHttp,
  type RunningServer,
  shareListenerPorts,
} from "./http_server.ts";
export { type HostPort, listenAddress, parseEndpoint } from "./endpoint.ts";
export {
  defaultHttpServerConfig,
  type HttpServerConfig,
  serveHttpConfig,
  validateHttpServerConfig,
} from "./server_config.ts";
export {
  createGrpcStreamListener,
  type GrpcCall,
  type GrpcServerLimits,
  type GrpcStreamListenerOptions,
  type GrpcUnaryHandler,
} from "./grpc_server.ts";
export {
  encodeGrpcMessage,
  formatGrpcTimeout,
  GrpcBudgetError,
  GrpcStatus,
  GrpcStatusError,
  parseGrpcTimeout,
} from "./grpc_status.ts";
export { type GrpcListenOptions, listenGrpc } from "./grpc_listen.ts";
export {
  type GrpcCallOptions,
  GrpcClient,
  type GrpcClientKeepalive,
  type GrpcClientOptions,
} from "./grpc_client.ts";
export {
  compress,
  compressAsync,
  type Compression,
  compressionNamed,
  COMPRESSIONS,
  decompress,
  DecompressedTooLargeError,
  GRPC_COMPRESSIONS,
} from "./compression.ts";
export {
  CLIENT_COMPRESSIONS,
  type ClientConfig,
  defaultClientConfig,
  GRPC_CLIENT_COMPRESSIONS,
  validateClientConfig,
  validateCompression,
  validateHeaders,
} from "./client.ts";
export {
  defaultTlsClientConfig,
  defaultTlsServerConfig,
  type LoadedTlsClient,
  type LoadedTlsServer,
  loadTlsClientConfig,
  loadTlsServerConfig,
  type NodeTlsVersion,
  type TlsClientConfig,
  TlsConfigError,
  type TlsServerConfig,
  type TlsVersion,
  validateTlsClientConfig,
  validateTlsServerConfig,
} from "./tls.ts";
