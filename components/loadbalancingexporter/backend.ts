import { type Gauge, type Host, ID, type Meter, type Settings } from "@denocol/component";
import type { ConsumeContext } from "@denocol/consumer";
import type { Exporter } from "@denocol/exporter";
import {
  newExporter,
  type PartialSuccess,
  type PushContext,
  type PushFunc,
  type SignalSpec,
} from "@denocol/exporter/exporterhelper";
import { createGrpcTransport, type OtlpGrpcConfig } from "@denocol/otlpexporter";
import type { SignalDescriptor } from "@denocol/pdata";

/** Hands data back to the load balancer, to be routed by the ring as it is now. */
export type Reroute<T> = (data: T, signal: AbortSignal) => Promise<void>;

/** What a {@linkcode Backend} is made of. */
export interface BackendOptions<T> {
  /** The backend's `host:port`. */
  endpoint: string;
  /** The load balancing exporter's settings. */
  settings: Settings;
  /** `protocol.otlp` with `endpoint` set to this backend. */
  config: OtlpGrpcConfig;
  /** The signal. */
  signal: SignalDescriptor<T>;
  /** Config path of `protocol.otlp`, named in errors. */
  path: string;
  /** Where the requests of a removed backend go. */
  reroute: Reroute<T>;
  /** The exporter helper's drain time when the host announces no deadline, ms. */
  drainTimeoutMs?: number;
}

const QUEUE_SIZE = "otelcol_exporter_queue_size";

/**
 * The ID of a backend's exporter: `otlp/<load balancer ID>_<endpoint>`, as the Go exporter names
 * it (a `/` of a named load balancer becomes `_`, which an ID's name cannot hold), so that its
 * `otelcol_exporter_*` metrics and log lines tell the backends apart.
 */
export function backendId(loadBalancer: ID, endpoint: string): ID {
  return new ID("otlp", `${loadBalancer.toString().replaceAll("/", "_")}_${endpoint}`);
}

/**
 * One backend: an otlp exporter with the exporter helper of `protocol.otlp`, and so its own
 * sending queue, retries and `otelcol_exporter_*` metrics. A backend the resolver no longer
 * lists is retired: the attempts it has in flight are cut off, and from then on every request
 * it would send (those waiting in its queue, those waiting for a retry, those cut off) is handed
 * back to the load balancer and routed by the new ring; once nothing is left, the exporter
 * stops.
 */
export class Backend<T> {
  /** The backend's `host:port`. */
  readonly endpoint: string;
  readonly #exporter: Exporter<T>;
  readonly #reroute: Reroute<T>;
  readonly #retired = new AbortController();
  /** Queued and in flight, as the helper's `otelcol_exporter_queue_size` reports it. */
  #queued = 0;
  /** `consume` calls not yet answered (without a queue, a request is held in its call). */
  #calls = 0;
  #emptied: (() => void) | undefined;
  #stopped: Promise<void> | undefined;

  /** @throws {TypeError} when the settings cannot make an exporter. */
  constructor(options: BackendOptions<T>) {
    this.endpoint = options.endpoint;
    this.#reroute = options.reroute;
    const settings: Settings = {
      ...options.settings,
      id: backendId(options.settings.id, options.endpoint),
      telemetry: {
        logger: options.settings.telemetry.logger.with({ endpoint: options.endpoint }),
        meter: this.#watchQueue(options.settings.telemetry.meter),
      },
    };
    const transport = createGrpcTransport(settings, options.config, options.signal, options.path);
    const push: PushFunc<T> = (data, context) => this.#push(transport.push, data, context);
    const spec: SignalSpec<T> = options.signal;
    this.#exporter = newExporter(settings, spec, push, {
      timeout: { timeout: options.config.timeout },
      retry: options.config.retry_on_failure,
      queue: options.config.sending_queue,
      configPath: options.path,
      start: transport.start,
      shutdown: transport.shutdown,
      ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
    });
  }

  /**
   * The meter of the backend's exporter: the load balancer's, also telling this backend the
   * size of its queue, which is how a retired backend knows it has handed everything back.
   */
  #watchQueue(meter: Meter): Meter {
    return {
      counter: (name, options) => meter.counter(name, options),
      upDownCounter: (name, options) => meter.upDownCounter(name, options),
      gauge: (name, options): Gauge => {
        const gauge = meter.gauge(name, options);
        if (name !== QUEUE_SIZE) return gauge;
        return {
          record: (value, attributes) => {
            gauge.record(value, attributes);
            this.#queued = value;
            this.#checkEmpty();
          },
        };
      },
    };
  }

  /** Whether the resolver no longer lists this backend. */
  get retired(): boolean {
    return this.#retired.signal.aborted;
  }

  async #push(
    send: PushFunc<T>,
    data: T,
    context: PushContext,
  ): Promise<PartialSuccess | void> {
    if (this.retired) return await this.#reroute(data, context.signal);
    try {
      return await send(data, {
        ...context,
        signal: AbortSignal.any([context.signal, this.#retired.signal]),
      });
    } catch (error) {
      // Cut off by the retirement rather than by the timeout or the end of the drain.
      if (this.retired && !context.signal.aborted) {
        return await this.#reroute(data, context.signal);
      }
      throw error;
    }
  }

  /** Opens the queue and the client. */
  start(host: Host): Promise<void> {
    return this.#exporter.start(host);
  }

  /** Queues `data` for this backend (or, without a queue, sends it). */
  async consume(data: T, context?: ConsumeContext): Promise<void> {
    this.#calls++;
    try {
      await this.#exporter.consume(data, context);
    } finally {
      this.#calls--;
      this.#checkEmpty();
    }
  }

  /**
   * Takes the backend out of service: what it holds is routed again, then it stops. Resolves
   * once it has stopped.
   */
  retire(): Promise<void> {
    if (this.#stopped !== undefined) return this.#stopped;
    const emptied = new Promise<void>((resolve) => this.#emptied = resolve);
    this.#retired.abort(new Error(`backend ${this.endpoint} was removed`));
    this.#checkEmpty();
    this.#stopped = emptied.then(() => this.#exporter.shutdown());
    return this.#stopped;
  }

  #checkEmpty(): void {
    if (this.retired && this.#queued === 0 && this.#calls === 0) this.#emptied?.();
  }

  /** Stops the exporter: its queue drains to the backend within the drain time. */
  shutdown(): Promise<void> {
    if (this.#stopped !== undefined) {
      // A retirement still handing requests back ends with the collector's drain.
      this.#emptied?.();
      return this.#stopped;
    }
    this.#stopped = this.#exporter.shutdown();
    return this.#stopped;
  }
}
