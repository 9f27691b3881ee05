// Fixtures for tests of exporters that talk to a backend the test runs: recognisable span data,
// captured telemetry, quick retries, a closed port and bounded polling.

import { MetricsRegistry, type Settings } from "@denocol/component";
import { CapturingLogger, nopSettings } from "@denocol/component/componenttest";
import type { RetryConfig } from "@denocol/exporter/exporterhelper";
import { type Traces, traces } from "@denocol/pdata";

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/**
 * Traces of one resource and scope with `count` spans named `<prefix>-<i>` (i from 0), with
 * distinct trace and span IDs, so a test can tell which spans reached a backend.
 */
export function tracesWithSpans(prefix: string, count: number): Traces {
  return traces.decodeJson(JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "test" } }] },
      scopeSpans: [{
        scope: { name: "t" },
        spans: Array.from({ length: count }, (_, i) => ({
          traceId: hex(i + 1, 32),
          spanId: hex(i + 1, 16),
          name: `${prefix}-${i}`,
          startTimeUnixNano: "1",
          endTimeUnixNano: "2",
        })),
      }],
    }],
  }));
}

/** The names of every span in `data`, in order. */
export function spanNames(data: Traces): string[] {
  return data.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)));
}

/** Settings of an exporter under test, with the logger and registry that capture its telemetry. */
export interface CapturedTelemetry {
  /** Settings to create the exporter with. */
  settings: Settings;
  /** Receives the exporter's log records. */
  logger: CapturingLogger;
  /** Receives the exporter's metrics. */
  registry: MetricsRegistry;
}

/** Settings for the exporter `id` whose log records and metrics the test can read. */
export function captureTelemetry(id: string): CapturedTelemetry {
  const logger = new CapturingLogger();
  const registry = new MetricsRegistry();
  return { settings: nopSettings("exporter", id, { logger, meter: registry }), logger, registry };
}

/** `retry_on_failure` that retries within milliseconds and gives up after 20 seconds. */
export const FAST_RETRY: Readonly<RetryConfig> = {
  enabled: true,
  initial_interval: "20ms",
  randomization_factor: 0.1,
  multiplier: 1.5,
  max_interval: "100ms",
  max_elapsed_time: "20s",
};

/** A loopback port with nothing listening on it (bound, then released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * Polls `condition` every 10 ms until it holds.
 *
 * @param what Named in the error on timeout.
 * @param ms How long to wait at most. Default 8000.
 * @throws {Error} `timed out waiting for <what>` when `ms` pass first.
 */
export async function waitFor(condition: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
