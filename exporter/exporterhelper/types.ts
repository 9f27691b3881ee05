import type { Host } from "@denocol/component";
import type { Capabilities, ClientInfo } from "@denocol/consumer";
import type { SignalDescriptor } from "@denocol/pdata";
import type { QueueConfig, RetryConfig, TimeoutConfig } from "./config.ts";

/**
 * What the exporter helper needs of a signal: a narrow view of its descriptor (`traces`…
 * of `@denocol/pdata`, `profiles` of `@denocol/pdata-experimental`, which fit as they are).
 * `name` is the `data_type` attribute and the storage client name; `itemName` the metric name
 * suffix (`otelcol_exporter_sent_spans`); `count` counts a request's items; `encodeProto` and
 * `decodeProto` store requests in a persistent queue; `merge` and `split` (which descriptors have)
 * are needed for `sending_queue.batch`; `encoded` holds requests as bytes when the exporter
 * says it sends them ({@linkcode ExporterOptions.sendsEncoded}), and `fromProto` reads stored
 * requests back as their bytes.
 */
export type SignalSpec<T> =
  & Pick<SignalDescriptor<T>, "name" | "itemName" | "count" | "encodeProto" | "decodeProto">
  & Partial<Pick<SignalDescriptor<T>, "merge" | "split" | "encoded" | "fromProto">>;

/** Given to a {@linkcode PushFunc} for one attempt. */
export interface PushContext {
  /** Aborted when the attempt times out or the exporter stops; pass it to the transport. */
  signal: AbortSignal;
  /** The client that sent the data, when known and the request was not persisted. */
  client?: ClientInfo;
}

/**
 * The backend accepted the request but rejected some items (OTLP partial success). They are
 * counted as failed and logged; the request is not retried.
 */
export interface PartialSuccess {
  /** Number of items the backend rejected. */
  rejectedItems: number;
  /** The backend's explanation, possibly empty. */
  errorMessage: string;
}

/**
 * Sends one request to the backend. Resolve on success (optionally with a
 * {@linkcode PartialSuccess}); reject with a `PermanentError` when the data must not be sent
 * again, or with any other error (a `RetryableError` to give a retry-after hint) to retry.
 */
export type PushFunc<T> = (data: T, context: PushContext) => Promise<PartialSuccess | void>;

/** Options of `newExporter`. */
export interface ExporterOptions {
  /** `timeout` section; default `defaultTimeoutConfig()`. */
  timeout?: TimeoutConfig;
  /** `retry_on_failure` section; default `defaultRetryConfig()`. */
  retry?: RetryConfig;
  /** `sending_queue` section; default `defaultQueueConfig()`. */
  queue?: QueueConfig;
  /**
   * The largest request `sending_queue.batch` may merge, in encoded bytes (0: no limit); the
   * `otlp` exporter sets a gRPC backend's 4 MiB message limit.
   */
  maxBatchBytes?: number;
  /**
   * Whether the push function sends the request's protobuf encoding (`encodeProto`, or
   * `encodeJson`, which reads the same bytes) and reads nothing else of it. Requests are then
   * turned into their encoded form as they enter (`encoded` of the signal), so that what waits
   * in the queue or a batch is bytes, not the objects a processor decoded, which are several
   * times larger and which every full collection of V8's heap marks. Default false.
   */
  sendsEncoded?: boolean;
  /** Runs on start, before the queue opens (create clients here). */
  start?: (host: Host) => void | Promise<void>;
  /** Runs on shutdown, after the queue has stopped (close clients here). */
  shutdown?: () => void | Promise<void>;
  /** Reported capabilities; default `{ mutatesData: false }`. */
  capabilities?: Capabilities;
  /**
   * How long the queue keeps sending after `shutdown` is called, in ms, when the host announces
   * no drain deadline of its own (see `DrainDeadlineHost`; the collector's service does, from
   * `service::shutdown::drain_timeout`). Default 10000.
   */
  drainTimeoutMs?: number;
  /** Config path used in error messages; default `exporters::<id>`. */
  configPath?: string;
  /** Uniform random source for jitter (tests); default `Math.random`. */
  random?: () => number;
}
