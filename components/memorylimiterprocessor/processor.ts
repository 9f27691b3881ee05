import {
  type Component,
  guardLifecycle,
  type Host,
  type SharedHandle,
  type TelemetrySettings,
} from "@denocol/component";
import {
  type Capabilities,
  type ConsumeContext,
  type Consumer,
  RetryableError,
} from "@denocol/consumer";
import type { SignalDescriptor } from "@denocol/pdata";
import type { MemoryLimiter } from "./limiter.ts";

/**
 * Returned to the caller while memory is above the soft limit. It is retryable: receivers answer
 * HTTP 503 / gRPC `UNAVAILABLE`, and the client sends the data again later.
 */
export class DataRefusedError extends RetryableError {
  /**
   * Creates the error.
   *
   * @param processor ID of the memory limiter, as text.
   */
  constructor(processor: string) {
    super(`memory_limiter processor "${processor}": data refused due to high memory usage`);
    this.name = "DataRefusedError";
  }
}

/**
 * The memory limiter in a pipeline: passes data on unchanged while the limiter allows it and
 * refuses it with {@linkcode DataRefusedError} otherwise. What it passes on it never drops; a
 * refusal happens before the data enters the pipeline.
 */
export class LimitingConsumer<T> implements Consumer<T>, Component {
  readonly #limiter: SharedHandle<MemoryLimiter>;
  readonly #next: Consumer<T>;
  readonly #count: (data: T) => number;
  readonly #telemetry: TelemetrySettings;
  readonly #processor: string;
  readonly #itemName: string;

  /**
   * Creates the consumer.
   *
   * @param limiter This pipeline's handle on the shared limiter that decides.
   * @param next Where accepted data goes.
   * @param signal The pipeline's signal: how to count a request's items, and their name in the
   *   accepted and refused counters.
   * @param telemetry Meter for the counters.
   * @param processor ID of the processor as text.
   */
  constructor(
    limiter: SharedHandle<MemoryLimiter>,
    next: Consumer<T>,
    signal: Pick<SignalDescriptor<T>, "count" | "itemName">,
    telemetry: TelemetrySettings,
    processor: string,
  ) {
    this.#limiter = limiter;
    this.#next = next;
    this.#count = (data) => signal.count(data);
    this.#telemetry = telemetry;
    this.#processor = processor;
    this.#itemName = signal.itemName;
    guardLifecycle(this);
  }

  /** The data is passed on untouched. */
  capabilities(): Capabilities {
    return { mutatesData: false };
  }

  /** Starts the shared limiter's measurements, if no other pipeline has yet. */
  start(host: Host): Promise<void> {
    return this.#limiter.start(host);
  }

  /** Stops the shared limiter's measurements once its last pipeline is shut down. */
  shutdown(): Promise<void> {
    return this.#limiter.shutdown();
  }

  /** Refuses `data` while memory is high; otherwise hands it to the next consumer. */
  consume(data: T, context?: ConsumeContext): Promise<void> {
    const refused = this.#limiter.shared.mustRefuse;
    this.#telemetry.meter.counter(
      `otelcol_processor_memory_limiter_${refused ? "refused" : "accepted"}_${this.#itemName}`,
      {
        description: `Number of ${this.#itemName.replace("_", " ")} ${
          refused ? "refused because memory was high" : "passed to the next consumer"
        }`,
        unit: "{item}",
      },
    ).add(this.#count(data), { processor: this.#processor });
    if (refused) return Promise.reject(new DataRefusedError(this.#processor));
    return this.#next.consume(data, context);
  }
}
