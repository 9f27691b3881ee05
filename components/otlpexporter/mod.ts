/**
 * The `otlp` exporter: OTLP over gRPC (`@connectrpc/connect-node`'s gRPC transport on
 * `node:http2`) for traces, metrics, logs and profiles, with the exporter helper's timeout,
 * retries and (persistent) sending queue.
 *
 * ```yaml
 * exporters:
 *   otlp:
 *     endpoint: collector.example.com:4317
 *     compression: gzip                 # or none
 *     headers: { x-tenant: acme }
 *     tls: { ca_file: /etc/ssl/ca.pem } # or insecure: true for h2c
 * ```
 *
 * Failed calls are classified as the OTLP specification says: `Canceled`, `DeadlineExceeded`,
 * `Aborted`, `OutOfRange`, `Unavailable`, `DataLoss` are retried, `ResourceExhausted` only when
 * the server sent `RetryInfo` (whose delay is honoured); every other code is permanent.
 *
 * @module
 */

export {
  createDefaultConfig,
  type OtlpGrpcConfig,
  resolveTarget,
  type Target,
  validateConfig,
} from "./config.ts";
export { createSignalExporter } from "./exporter.ts";
export { factory, TYPE } from "./factory.ts";
export { grpcError, RETRYABLE_GRPC_CODES, retryInfoDelay } from "./status.ts";
export { Code, ConnectError } from "@connectrpc/connect";
