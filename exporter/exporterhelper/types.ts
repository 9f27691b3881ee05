import type { Host } from "@denocol/component";
import type { Capabilities, ClientInfo } from "@denocol/consumer";
import type { QueueConfig, RetryConfig, TimeoutConfig } from "./config.ts";

/**
 * What the exporter helper needs to know about a request type: how many items it holds and, for
 * a persistent queue, how to store it. `SignalHelpers<T>` of `@denocol/pdata` fits.
 */
export interface RequestHelpers<T> {
  /** Number of items (spans, data points, log records, profile samples) in `data`. */
  count(data: T): number;
  /** Serialises `data` for the persistent queue. */
  encodeProto(data: T): Uint8Array;
  /** Parses what `encodeProto` produced. */
  decodeProto(bytes: Uint8Array): T;
}

/** The signal an exporter handles and how its items are named in telemetry. */
export interface SignalSpec<T> {
  /** Signal name, such as `traces`; the `data_type` attribute and the storage client name. */
  signal: string;
  /**
   * Metric name suffix for items: `spans`, `metric_points`, `log_records`, `profile_samples`
   * (as in `otelcol_exporter_sent_spans`).
   */
  itemName: string;
  /** Counting and encoding of requests. */
  helpers: RequestHelpers<T>;
}

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
