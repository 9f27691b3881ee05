import type { Component, Host, Settings } from "@denocol/component";
import { newComponent } from "@denocol/component";
import { type Capabilities, type ConsumeContext, RetryableError } from "@denocol/consumer";
import type { Exporter } from "../factory.ts";
import {
  defaultQueueConfig,
  defaultRetryConfig,
  defaultTimeoutConfig,
  resolveQueue,
  resolveRetry,
  resolveTimeout,
} from "./config.ts";
import { BatchSender } from "./batch_sender.ts";
import { DirectSender } from "./direct_sender.ts";
import { QueueSender } from "./queue_sender.ts";
import { RetrySender } from "./retry_sender.ts";
import { dropLate, type FirstSender } from "./sender.ts";
import { ShutdownDrain } from "./shutdown_drain.ts";
import { StatusSender } from "./status_sender.ts";
import { ExporterTelemetry } from "./telemetry.ts";
import { TelemetrySender } from "./telemetry_sender.ts";
import { TimeoutSender } from "./timeout_sender.ts";
import type { ExporterOptions, PushFunc, SignalSpec } from "./types.ts";

export type {
  ExporterOptions,
  PartialSuccess,
  PushContext,
  PushFunc,
  SignalSpec,
} from "./types.ts";

/**
 * Builds an exporter around `push` with the collector's exporter helper behaviour:
 * `sending_queue` → `retry_on_failure` → `timeout` → `push`.
 *
 * - Without a queue, `consume` runs the retries and rejects with the final error.
 * - With a queue, `consume` resolves once the request is queued (or, with `wait_for_result`,
 *   once it was sent or dropped). A full queue refuses with a `RetryableError` (or waits when
 *   `blocking`), so backpressure reaches the receiver.
 * - With `storage`, the queue lives in that storage extension: a request leaves the store only
 *   after it was sent or dropped for good; requests stored by an earlier run are sent on start;
 *   shutdown leaves unsent requests in the store.
 * - Every drop is logged with its reason and counted in `otelcol_exporter_send_failed_<items>`
 *   and `otelcol_exporter_dropped_items{reason}`; refusals in
 *   `otelcol_exporter_enqueue_failed_<items>`.
 *
 * @throws {TypeError} when a config section is invalid (naming the config path).
 */
export function newExporter<T>(
  settings: Settings,
  spec: SignalSpec<T>,
  push: PushFunc<T>,
  options: ExporterOptions = {},
): Exporter<T> {
  const configPath = options.configPath ?? `exporters::${settings.id.toString()}`;
  const timeoutMs = resolveTimeout(options.timeout ?? defaultTimeoutConfig(), configPath);
  const retrySettings = resolveRetry(
    options.retry ?? defaultRetryConfig(),
    `${configPath}::retry_on_failure`,
  );
  const queueSettings = resolveQueue(
    options.queue ?? defaultQueueConfig(),
    `${configPath}::sending_queue`,
  );
  const logger = settings.telemetry.logger;
  const telemetry = new ExporterTelemetry(settings, spec);
  const drain = new ShutdownDrain(options.drainTimeoutMs ?? 10_000);
  // The chain, from the backend outwards.
  const attempt = new TimeoutSender(push, timeoutMs, drain.deadline);
  const status = new StatusSender(attempt);
  const retry = new RetrySender(retrySettings, status, {
    logger,
    stop: drain.deadline,
    random: options.random,
  });
  const counted = new TelemetrySender(telemetry, retry);
  const first: FirstSender<T> = queueSettings.enabled
    ? new QueueSender(counted, {
      settings: queueSettings,
      exporter: settings.id,
      spec,
      configPath,
      telemetry,
      drain,
      logger,
      stopRetrying: () => retry.shutdown(),
    })
    : new DirectSender(counted, {
      exporter: settings.id.toString(),
      itemName: spec.itemName,
      telemetry,
      drain,
      logger,
    });
  const batch = queueSettings.batch;
  let entry = first;
  if (batch !== undefined) {
    const { merge, split } = spec;
    if (merge === undefined || split === undefined) {
      throw new TypeError(
        `${configPath}::sending_queue::batch: the ${spec.name} signal cannot be merged here`,
      );
    }
    entry = new BatchSender(first, { ...spec, merge, split }, {
      ...batch,
      maxBytes: options.maxBatchBytes ?? 0,
    });
  }
  return new HelperExporter({
    settings,
    spec,
    options,
    telemetry,
    drain,
    status,
    retry,
    first: entry,
  });
}

/** The parts {@linkcode newExporter} puts together. */
interface Parts<T> {
  settings: Settings;
  spec: SignalSpec<T>;
  options: ExporterOptions;
  telemetry: ExporterTelemetry;
  drain: ShutdownDrain;
  status: StatusSender<T>;
  retry: RetrySender<T>;
  first: FirstSender<T>;
}

/** The component around the chain: its lifecycle, and who may hand it data when. */
class HelperExporter<T> implements Exporter<T> {
  readonly #parts: Parts<T>;
  readonly #lifecycle: Component;
  #accepting = false;
  #stopping = false;

  constructor(parts: Parts<T>) {
    this.#parts = parts;
    this.#lifecycle = newComponent({
      start: (host) => this.#start(host),
      shutdown: () => this.#shutdown(),
    });
  }

  capabilities(): Capabilities {
    return { mutatesData: this.#parts.options.capabilities?.mutatesData ?? false };
  }

  start(host: Host): Promise<void> {
    return this.#lifecycle.start(host);
  }

  shutdown(): Promise<void> {
    return this.#lifecycle.shutdown();
  }

  async #start(host: Host): Promise<void> {
    await this.#parts.options.start?.(host);
    this.#parts.status.watch(host);
    await this.#parts.first.start(host);
    this.#accepting = true;
    this.#parts.drain.watch(host);
  }

  async consume(data: T, context: ConsumeContext = {}): Promise<void> {
    const { spec, first, drain, telemetry, settings, options } = this.#parts;
    const items = spec.count(data);
    if (drain.over !== undefined && !first.storesAfterDrain) {
      return await dropLate(
        telemetry,
        settings.id.toString(),
        items,
        drain.over,
        first.waitsForResult,
      );
    }
    if (!this.#accepting) {
      telemetry.refused(items);
      throw new RetryableError(
        `exporter ${settings.id} is ${this.#stopping ? "shutting down" : "not started"}`,
      );
    }
    const held = options.sendsEncoded && spec.encoded !== undefined ? spec.encoded(data) : data;
    await first.send({ data: held, items, client: context.client }, context.signal);
  }

  async #shutdown(): Promise<void> {
    const { first, retry, drain, telemetry, options } = this.#parts;
    this.#stopping = true;
    this.#accepting = false;
    await first.drain();
    retry.shutdown();
    drain.dispose();
    telemetry.logShutdownDrops();
    await options.shutdown?.();
  }
}
