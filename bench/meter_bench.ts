/**
 * Cost of one counter increment on the hot path: the collector's `MetricsRegistry` (what every
 * component records in) against the OpenTelemetry JS SDK's counter with a reader attached (what
 * recording through a `MeterProvider` would cost), for the attribute sets components use
 * (`{exporter}`, `{receiver, transport}`), in the same run. Each figure is the fastest of 5
 * rounds of 1,000,000 increments, in nanoseconds per increment.
 *
 * The figures decided that components keep recording in the registry, and that the SDK reads it
 * only when it exports (`service/self_telemetry.ts`): the SDK's increment costs more, and its
 * collection is asynchronous where the Prometheus endpoint, the workers' sum, the shutdown
 * totals and the status page read the registry synchronously.
 *
 * Run: `deno run -A bench/meter_bench.ts` (or `deno task bench meter`).
 *
 * @module
 */

import { MetricsRegistry } from "@denocol/component";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";

const INCREMENTS = 1_000_000;
const ROUNDS = 5;

class PullReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

const registry = new MetricsRegistry();
const reader = new PullReader();
const meter = new MeterProvider({ readers: [reader] }).getMeter("denocol");

const CASES = [
  ["1 attribute {exporter}", { exporter: "otlp/backend" }],
  ["2 attributes {receiver, transport}", { receiver: "otlp", transport: "grpc" }],
] as const;

function fastest(
  add: (value: number, attributes: Record<string, string>) => void,
  attributes: Record<string, string>,
): number {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < INCREMENTS; i++) add(10, attributes);
    best = Math.min(best, (performance.now() - start) * 1e6 / INCREMENTS);
  }
  return best;
}

console.log("counter.add, ns per increment (fastest of 5 rounds of 1e6)");
for (const [label, attributes] of CASES) {
  const name = `otelcol_bench_${label.length}`;
  const ours = registry.counter(name);
  const sdk = meter.createCounter(name);
  const oursNs = fastest((v, a) => ours.add(v, a), attributes);
  const sdkNs = fastest((v, a) => sdk.add(v, a), attributes);
  console.log(
    `${label.padEnd(36)} registry ${oursNs.toFixed(0).padStart(5)}   SDK ${
      sdkNs.toFixed(0).padStart(5)
    }   SDK/registry ${(sdkNs / oursNs).toFixed(2)}`,
  );
}
