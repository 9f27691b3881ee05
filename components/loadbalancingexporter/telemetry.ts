import type { Attributes, Counter, Gauge, Meter, Settings } from "@denocol/component";

/** Which resolver found the backends: the `resolver` attribute. */
export type ResolverName = "static" | "dns";

/**
 * The `otelcol_loadbalancer_*` instruments of one load balancing exporter, named as the Go
 * exporter names them, with the exporter's ID and signal as attributes (`exporter`,
 * `data_type`), as the exporter helper's own metrics have. The backend latency, a histogram in
 * Go, is kept as its sum and count (`otelcol_loadbalancer_backend_latency_sum` and `_count`, in
 * milliseconds), since the collector's meter has no histograms; their ratio is the mean latency.
 */
export class LoadBalancerTelemetry {
  readonly #attributes: Attributes;
  readonly #resolutions: Counter;
  readonly #backends: Gauge;
  readonly #updates: Counter;
  readonly #latencySum: Counter;
  readonly #latencyCount: Counter;
  readonly #outcomes: Counter;

  /** The instruments of the exporter `settings.id` for the signal `signal`. */
  constructor(settings: Settings, signal: string) {
    const meter: Meter = settings.telemetry.meter;
    this.#attributes = { exporter: settings.id.toString(), data_type: signal };
    this.#resolutions = meter.counter("otelcol_loadbalancer_num_resolutions", {
      description: "Number of times the resolver has triggered new resolutions.",
      unit: "{resolutions}",
    });
    this.#backends = meter.gauge("otelcol_loadbalancer_num_backends", {
      description: "Current number of backends in use.",
      unit: "{backends}",
    });
    this.#updates = meter.counter("otelcol_loadbalancer_num_backend_updates", {
      description: "Number of times the list of backends was updated.",
      unit: "{updates}",
    });
    this.#latencySum = meter.counter(
      "otelcol_loadbalancer_backend_latency_sum",
      {
        description: "Sum of the response latencies of the backends (the histogram's sum).",
        unit: "ms",
      },
    );
    this.#latencyCount = meter.counter(
      "otelcol_loadbalancer_backend_latency_count",
      {
        description: "Number of response latencies measured (the histogram's count).",
        unit: "{requests}",
      },
    );
    this.#outcomes = meter.counter("otelcol_loadbalancer_backend_outcome", {
      description: "Number of successes and failures for each endpoint.",
      unit: "{outcomes}",
    });
  }

  /** One resolution by `resolver`, successful or not. */
  resolution(resolver: ResolverName, success: boolean): void {
    this.#resolutions.add(1, { ...this.#attributes, resolver, success });
  }

  /** The resolver found a new list of `count` backends. */
  backendsChanged(resolver: ResolverName, count: number): void {
    this.#backends.record(count, { ...this.#attributes, resolver });
    this.#updates.add(1, { ...this.#attributes, resolver });
  }

  /** A request handed to the backend `endpoint` took `ms` and succeeded or not. */
  outcome(endpoint: string, ms: number, success: boolean): void {
    const attributes = { ...this.#attributes, endpoint };
    this.#latencySum.add(ms, attributes);
    this.#latencyCount.add(1, attributes);
    this.#outcomes.add(1, { ...attributes, success });
  }
}
