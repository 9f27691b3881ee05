// An exporter that keeps what it is given, and helpers for tests that run a collector on
// loopback ports (this file has no tests of its own).

import { newComponent } from "@denocol/component";
import * as exporter from "@denocol/exporter";
import type { AnyValue, Logs, Metrics, Traces } from "@denocol/pdata";

/** A port free on 127.0.0.1 a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The plain value of an `AnyValue`. */
export function plain(value: AnyValue | undefined): unknown {
  return value?.value.value;
}

/** Waits until `done()` holds, failing after `ms` with `what`. */
export async function until(what: string, done: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

/** An exporter `capture` keeping every traces, metrics and logs value it is given. */
export function captureFactory(): {
  factory: exporter.Factory<Record<string, never>>;
  received: { traces: Traces[]; metrics: Metrics[]; logs: Logs[] };
} {
  const received = { traces: [] as Traces[], metrics: [] as Metrics[], logs: [] as Logs[] };
  const make = <T>(into: T[]) => () => ({
    ...newComponent(),
    capabilities: () => ({ mutatesData: false }),
    consume: (data: T) => {
      into.push(data);
      return Promise.resolve();
    },
  });
  const factory = exporter.newFactory<Record<string, never>>(
    "capture",
    () => ({}),
    exporter.withTraces(make(received.traces), "development"),
    exporter.withMetrics(make(received.metrics), "development"),
    exporter.withLogs(make(received.logs), "development"),
  );
  return { factory, received };
}

/** Names of every metric in `all`. */
export function metricNames(all: readonly Metrics[]): Set<string> {
  return new Set(
    all.flatMap((m) =>
      m.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((x) => x.name)))
    ),
  );
}

/** Bodies of every log record in `all`, as text. */
export function logBodies(all: readonly Logs[]): string[] {
  return all.flatMap((l) =>
    l.resourceLogs.flatMap((r) =>
      r.scopeLogs.flatMap((s) => s.logRecords.map((x) => String(plain(x.body))))
    )
  );
}

/** Names of every span in `all`. */
export function spanNames(all: readonly Traces[]): string[] {
  return all.flatMap((t) =>
    t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)))
  );
}
