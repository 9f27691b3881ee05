/**
 * The `otlp` receiver: OTLP over gRPC and HTTP (protobuf and JSON), for traces, metrics and logs,
 * and profiles when its pipeline is wired through the experimental twins.
 *
 * ```yaml
 * receivers:
 *   otlp:
 *     protocols:
 *       grpc: { endpoint: localhost:4317 }
 *       http: { endpoint: localhost:4318 }
 * ```
 *
 * ## OTLP receiver: how it is served
 *
 * - OTLP/gRPC runs on `@connectrpc/connect-node`'s gRPC handler over Deno's `node:http2`
 *   (`createServer` for h2c, `createSecureServer` for TLS and mTLS). A spike under Deno 2.9.6
 *   showed this serves real gRPC: unary calls, trailers with `grpc-status`, `RetryInfo` in
 *   `grpc-status-details-bin`, gzip request decompression, large messages (with `readMaxBytes`
 *   raised) and hundreds of concurrent calls. `Deno.serve` cannot serve gRPC: a fetch `Response`
 *   has no trailers, so `grpc-status` would be lost.
 * - OTLP/HTTP runs on `Deno.serve` in plaintext. With TLS it runs behind `node:http2`'s secure
 *   server with HTTP/1.1 allowed, because `Deno.serve` cannot ask for or verify client
 *   certificates (`client_ca_file`).
 * - Request bodies are limited while they stream in, on the wire and again after gzip/deflate
 *   decompression, so a compression bomb is refused with 413 without being held in memory.
 * - Authentication (`auth.authenticator`, such as `bearertokenauth`) runs on the headers before
 *   the body is read: 401 / `Unauthenticated`.
 *
 * @module
 */

export {
  type AuthConfig,
  type CorsConfig,
  createDefaultConfig,
  DEFAULT_MAX_REQUEST_BODY_SIZE,
  defaultGrpcConfig,
  defaultHttpConfig,
  type GrpcProtocolConfig,
  type HttpProtocolConfig,
  OtlpConfigError,
  type OtlpReceiverConfig,
  unmarshalConfig,
  validateConfig,
} from "./config.ts";
export {
  createFactory,
  factory,
  newStableFactory,
  PROFILES_STABILITY,
  STABILITY,
  TYPE,
} from "./factory.ts";
export type { BoundAddress } from "./receiver.ts";
