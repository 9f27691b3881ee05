/**
 * Which components carry the collector's own telemetry when it sends it to one of its own
 * receivers: the receivers listening where a self-telemetry exporter sends, every component of
 * the pipelines they feed, and of the pipelines those feed through connectors. Their log records
 * are written locally but not exported: a component that fails while handling the collector's
 * own logs would otherwise log the failure, which would be exported to it again, and so on.
 *
 * Internal to the service: `mod.ts` does not export this file.
 */

import type { ValidatedConfig } from "./config/mod.ts";
import type { TelemetryExporter } from "./config/telemetry_otlp.ts";

interface Address {
  readonly host: string;
  readonly port: number;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|0\.0\.0\.0|::|)$/i;

function addressOf(endpoint: string): Address | undefined {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `tcp://${endpoint}`;
  try {
    const url = new URL(text);
    const port = url.port !== ""
      ? Number(url.port)
      : url.protocol === "https:"
      ? 443
      : url.protocol === "http:"
      ? 80
      : NaN;
    if (!Number.isInteger(port)) return undefined;
    return { host: url.hostname.replace(/^\[|\]$/g, ""), port };
  } catch {
    return undefined;
  }
}

function sameListener(a: Address, b: Address): boolean {
  if (a.port !== b.port) return false;
  return a.host === b.host || (LOOPBACK.test(a.host) && LOOPBACK.test(b.host)) ||
    a.host === "" || b.host === "" || a.host === "0.0.0.0" || b.host === "0.0.0.0";
}

/** Every string under a key named `endpoint`, at any depth. */
function endpointsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => endpointsIn(item, found));
  else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === "endpoint" && typeof child === "string") found.push(child);
      else endpointsIn(child, found);
    }
  }
  return found;
}

/** Where the collector's own telemetry goes back into it. */
export interface SelfTelemetryPath {
  /** Whether an exporter sends to one of the collector's own receivers. */
  readonly sendsToItself: boolean;
  /**
   * True for the log records of components that carry the collector's own telemetry back into
   * it (never when every exporter sends elsewhere).
   */
  readonly keepLocal: (attributes: Readonly<Record<string, unknown>>) => boolean;
}

/** The components `exporters` send the collector's own telemetry back through, if any. */
export function selfTelemetryPath(
  validated: ValidatedConfig,
  exporters: readonly TelemetryExporter[],
): SelfTelemetryPath {
  const targets = exporters.flatMap((e) => e.kind === "otlp" ? [addressOf(e.otlp.endpoint)] : [])
    .filter((a): a is Address => a !== undefined);
  const receivers = new Set<string>();
  for (const [id, config] of validated.components.receiver) {
    const listens = endpointsIn(config).map(addressOf).filter((a): a is Address => !!a);
    if (listens.some((l) => targets.some((t) => sameListener(l, t)))) receivers.add(id);
  }
  if (receivers.size === 0) return { sendsToItself: false, keepLocal: () => false };
  const pipelines = [...validated.config.service.pipelines.values()];
  const connectors = new Set(validated.config.components.connector.keys());
  const fed = new Set<string>();
  const feeding = new Set(receivers);
  for (let changed = true; changed;) {
    changed = false;
    for (const pipeline of pipelines) {
      if (fed.has(pipeline.id)) continue;
      if (!pipeline.receivers.some((ref) => feeding.has(ref.id.toString()))) continue;
      fed.add(pipeline.id);
      changed = true;
      for (const ref of pipeline.exporters) {
        if (connectors.has(ref.id.toString())) feeding.add(ref.id.toString());
      }
    }
  }
  // Components by kind, ID and (where one instance serves one signal or pipeline) that too.
  const marked = new Set<string>();
  for (const id of receivers) marked.add(`receiver|${id}|*`);
  for (const pipeline of pipelines) {
    if (!fed.has(pipeline.id)) continue;
    for (const ref of pipeline.processors) marked.add(`processor|${ref.id}|${pipeline.id}`);
    for (const ref of pipeline.exporters) {
      const id = ref.id.toString();
      marked.add(connectors.has(id) ? `connector|${id}|*` : `exporter|${id}|${pipeline.signal}`);
    }
  }
  const keepLocal = (attributes: Readonly<Record<string, unknown>>) => {
    const kind = attributes["otelcol.component.kind"];
    const id = attributes["otelcol.component.id"];
    if (typeof kind !== "string" || typeof id !== "string") return false;
    return marked.has(`${kind}|${id}|*`) ||
      marked.has(`${kind}|${id}|${attributes["otelcol.signal"]}`) ||
      marked.has(`${kind}|${id}|${attributes["otelcol.pipeline.id"]}`);
  };
  return { sendsToItself: true, keepLocal };
}
