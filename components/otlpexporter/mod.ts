/**
 * The `otlp` exporter: OTLP over gRPC (`@connectrpc/connect-node`'s gRPC transport on
 * `node:http2`) for traces, metrics, logs and profiles, with the exporter helper's timeout,
 * retries and (persistent) sending queue.
 *
 * ```yaml
 * exporters:
 *   otlp:
 *     endpoint: collector.example.com:4317
 *     compression: gzip                 # or zstd, deflate, none (gRPC has no snappy)
 *     headers: { x-tenant: acme }
 *     tls: { ca_file: /etc/ssl/ca.pem } # or insecure: true for h2c
 * ```
 *
 * Failed calls are classified as the OTLP specification says: `Canceled`, `DeadlineExceeded`,
 * `Aborted`, `OutOfRange`, `Unavailable`, `DataLoss` are retried, `ResourceExhausted` only when
 * the server sent `RetryInfo` (whose delay is honoured); every other code is permanent.
 *
 * Every HTTP/2 session the exporter opens delivers `goaway` and runs `close()` one macrotask
 * late: Deno 2.9's `node:http2` otherwise tears the session down inside nghttp2's GOAWAY frame
 * callback, which can abort the process (see the otlp receiver's module doc).
 *
 * @module
 */

export {
  createDefaultConfig,
  type KeepaliveClientConfig,
  type OtlpGrpcConfig,
  resolveTarget,
  STABILITY,
  type Target,
  TYPE,
  validateConfig,
} from "./config.ts";
export {
  createGrpcTransport,
  createSignalExporter,
  GRPC_DEFAULT_MAX_MESSAGE_BYTES,
  type GrpcTransport,
} from "./exporter.ts";
export { factory } from "./factory.ts";
export { grpcError, RETRYABLE_GRPC_CODES, retryInfoDelay } from "./status.ts";
export { Code, ConnectError } from "@connectrpc/connect";
