/**
 * The `otlphttp` exporter: OTLP over HTTP (protobuf or JSON, gzip by default) for traces,
 * metrics, logs and profiles, with the exporter helper's timeout, retries and (persistent)
 * sending queue.
 *
 * ```yaml
 * exporters:
 *   otlphttp:
 *     endpoint: https://collector.example.com:4318
 *     encoding: proto          # or json
 *     compression: gzip        # or zstd, snappy, deflate, zlib, none
 *     headers: { x-tenant: acme }
 *     tls: { ca_file: /etc/ssl/ca.pem }
 *     sending_queue: { storage: file_storage }
 * ```
 *
 * TLS settings are `@denocol/config`'s client section; the per-signal paths and messages come
 * from the OTLP tables of `@denocol/pdata` and `@denocol/pdata-experimental`.
 *
 * Responses map to the exporter helper's errors as the OTLP specification says: 429, 502, 503
 * and 504 are retried (honouring `Retry-After`, seconds or an HTTP date), every other non-2xx
 * status is permanent; a 2xx with `partial_success` counts the rejected items as failed.
 *
 * @module
 */

export {
  createDefaultConfig,
  type Encoding,
  type OtlpHttpConfig,
  SIGNAL_ENDPOINT_KEYS,
  type SignalEndpointKey,
  signalUrl,
  STABILITY,
  TYPE,
  validateConfig,
} from "./config.ts";
export { createSignalExporter } from "./exporter.ts";
export { factory } from "./factory.ts";
export { decodeStatus, httpError, parseRetryAfter, RETRYABLE_HTTP_STATUSES } from "./response.ts";
