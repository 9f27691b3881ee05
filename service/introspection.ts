/**
 * The service's view of itself that extensions read through the host (`introspectionOf` of
 * `@denocol/extension`): pipelines, component status, internal metrics, feature gates and the
 * effective configuration with its secrets redacted.
 *
 * Internal to the service: `mod.ts` does not export this file.
 */

import type { BuildInfo, Kind, MetricsRegistry } from "@denocol/component";
import type {
  FeatureGateView,
  PipelineView,
  ServiceIntrospection,
  ServiceState,
} from "@denocol/extension";
import type { ValidatedConfig } from "./config/mod.ts";
import { SECTION_OF_KIND } from "./config/model.ts";
import { SIGNALS } from "./signals.ts";
import type { PipelineTaps, StatusBoard } from "./status.ts";

/** What {@linkcode newIntrospection} reads from. */
export interface IntrospectionSources {
  /** Name and version of the collector. */
  readonly buildInfo: BuildInfo;
  /** The configuration running. */
  readonly config: ValidatedConfig;
  /** The internal metrics of this process. */
  readonly registry: MetricsRegistry;
  /** Component status. */
  readonly status: StatusBoard;
  /** Pipeline taps. */
  readonly taps: PipelineTaps;
  /** Where the service is in its life. */
  readonly state: () => ServiceState;
}

/** The service's view of itself over `sources`. */
export function newIntrospection(sources: IntrospectionSources): ServiceIntrospection {
  const { config } = sources;
  const startedAtMs = Date.now();
  let effective: Record<string, unknown> | undefined;
  return {
    buildInfo: sources.buildInfo,
    startedAtMs,
    state: sources.state,
    pipelines: () => pipelinesOf(config),
    extensions: () => config.config.service.extensions.map((ref) => ref.id.toString()),
    componentStatus: () => sources.status.views(),
    metrics: () => sources.registry.collect(),
    featureGates: () => featureGatesOf(config),
    effectiveConfig: () =>
      structuredClone(
        effective ??= redact(effectiveConfigOf(config)) as Record<string, unknown>,
      ),
    tapPipeline: (pipeline, listener) => sources.taps.open(pipeline, listener),
  };
}

function pipelinesOf(validated: ValidatedConfig): PipelineView[] {
  return [...validated.config.service.pipelines.values()].map((pipeline) => ({
    id: pipeline.id,
    signal: pipeline.signal,
    itemName: SIGNALS[pipeline.signal].itemName,
    receivers: pipeline.receivers.map((ref) => ref.id.toString()),
    processors: pipeline.processors.map((ref) => ref.id.toString()),
    exporters: pipeline.exporters.map((ref) => ref.id.toString()),
  }));
}

function featureGatesOf(validated: ValidatedConfig): FeatureGateView[] {
  const reader = validated.featureGates as
    | { gates?: () => { id: string; description: string; stage: string; enabled: boolean }[] }
    | undefined;
  if (typeof reader?.gates !== "function") return [];
  return reader.gates().map((gate) => ({
    id: gate.id,
    description: gate.description,
    stage: gate.stage,
    enabled: gate.enabled,
  }));
}

/**
 * The configuration as it runs: each component's final configuration (defaults filled in) by
 * section and ID, and the `service` section with its pipelines, extensions and telemetry.
 */
function effectiveConfigOf(validated: ValidatedConfig): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [kind, section] of Object.entries(SECTION_OF_KIND) as [Kind, string][]) {
    const entries = validated.config.components[kind];
    if (entries.size === 0) continue;
    const decoded = validated.components[kind];
    result[section] = Object.fromEntries(
      [...entries.keys()].map((id) => [id, toPlainValue(decoded.get(id) ?? null)]),
    );
  }
  const service = validated.config.service;
  result.service = {
    extensions: service.extensions.map((ref) => ref.id.toString()),
    pipelines: Object.fromEntries(
      pipelinesOf(validated).map(({ id, receivers, processors, exporters }) => [
        id,
        { receivers, processors, exporters },
      ]),
    ),
    telemetry: toPlainValue(service.telemetry),
    shutdown: toPlainValue(service.shutdown),
  };
  return result;
}

/** A JSON-friendly copy: maps become objects, bigints and other scalars text, functions dropped. */
function toPlainValue(value: unknown, depth = 0): unknown {
  if (depth > 32) return "[too deep]";
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (typeof value !== "object") return value;
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlainValue(v, depth + 1)]));
  }
  if (Array.isArray(value)) return value.map((item) => toPlainValue(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const plain = toPlainValue(item, depth + 1);
    if (plain !== undefined) result[key] = plain;
  }
  return result;
}

/** What replaces a secret. */
export const REDACTED = "[REDACTED]";

/**
 * Keys whose values are secrets: passwords, tokens, API keys, private keys (`key_pem`),
 * client secrets, credentials, cookies and authorization values.
 */
const SECRET_KEY =
  /pass(word|wd)?$|secret|token|api[_-]?key|apikey|private[_-]?key|key_pem|credential|cookie|authorization|bearer/i;

/** Sections whose every value is a secret: headers carry credentials as often as not. */
const OPAQUE_SECTION = /^headers(_list)?$/i;

/**
 * `value` with its secrets replaced by {@linkcode REDACTED}: values of keys that name a secret,
 * every value under `headers`, and the password of a URL (`https://user:pw@host`). Empty values
 * are left as they are, so an unset secret shows as unset.
 */
export function redact(value: unknown, key = "", opaque = false): unknown {
  if (value === null || value === undefined || value === "") return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, key, opaque));
  if (typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(value)) {
      const childOpaque = opaque || OPAQUE_SECTION.test(childKey);
      result[childKey] = SECRET_KEY.test(childKey) && !isEmpty(child)
        ? REDACTED
        : redact(child, childKey, childOpaque);
    }
    return result;
  }
  // In a list of `{name, value}` headers, the name may stay and the value goes.
  if (opaque && key !== "name") return REDACTED;
  if (typeof value === "string") return redactUrlPassword(value);
  return value;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === "" ||
    (Array.isArray(value) && value.length === 0);
}

function redactUrlPassword(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):[^@/\s]+@/i, `$1:${REDACTED}@`);
}
