import { type Profiles, resolveValueType } from "@denocol/pdata-experimental";
import { CapturingLogger, nopSettings } from "@denocol/component/componenttest";
import { MetricsRegistry, type Settings } from "@denocol/component";

/** Waits until `check` returns true, polling; fails after `timeoutMs`. */
export async function waitFor(
  check: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

/** Settings of a `pprof` receiver whose log and metrics the test reads. */
export function observedSettings(): {
  settings: Settings;
  logger: CapturingLogger;
  meter: MetricsRegistry;
} {
  const logger = new CapturingLogger();
  const meter = new MetricsRegistry();
  return { settings: nopSettings("receiver", "pprof", { logger, meter }), logger, meter };
}

/** What the receiver counted as refused for `transport`. */
export function refused(meter: MetricsRegistry, transport: string): number {
  return meter.value("otelcol_receiver_refused_profile_samples", {
    receiver: "pprof",
    transport,
  }) ?? 0;
}

/** The sample types of the profiles of a request, as `type/unit`. */
export function sampleTypes(data: Profiles): string[] {
  return data.resourceProfiles[0].scopeProfiles[0].profiles.map((p) => {
    const t = resolveValueType(data.dictionary, p.sampleType);
    return `${t.type}/${t.unit}`;
  });
}
