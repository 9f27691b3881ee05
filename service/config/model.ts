/**
 * The typed model of a collector configuration: the component sections, and the `service`
 * section with its extensions, pipelines and internal telemetry.
 */

import { ID, IDError, type Kind, KINDS } from "@denocol/component";
import { isSignalName, SIGNAL_NAMES, type SignalName } from "../signals.ts";
import { type Position, ProblemCollector } from "./errors.ts";
import type { PathSegment } from "./errors.ts";
import { closest } from "./component_config.ts";
import { type ConfigNode, isNullNode, type MapNode, mapNode, scalarNode } from "./node.ts";
import { readShutdown, type ShutdownConfig } from "./shutdown.ts";
import { readTelemetry, type TelemetryConfig } from "./telemetry.ts";

/** Top-level section holding each kind of component. */
export const SECTION_OF_KIND: Readonly<Record<Kind, string>> = {
  receiver: "receivers",
  processor: "processors",
  exporter: "exporters",
  connector: "connectors",
  extension: "extensions",
};

/** Every top-level key a configuration may have: a section per kind, then `service`. */
export const CONFIG_SECTIONS: readonly string[] = [
  ...KINDS.map((kind) => SECTION_OF_KIND[kind]),
  "service",
];

/**
 * The signals a pipeline ID may start with.
 *
 * `profiles` is experimental and gated by `service.profilesSupport`.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export const PIPELINE_SIGNALS: readonly SignalName[] = SIGNAL_NAMES;

/** One configured component: its ID and the raw keys the user wrote. */
export interface ComponentEntry {
  /** The component's ID, parsed from its key. */
  readonly id: ID;
  /** The component's kind (its section). */
  readonly kind: Kind;
  /** What the user wrote under the ID, with positions; the null scalar for `otlp:`. */
  readonly raw: ConfigNode;
  /** Config path of the component, such as `["receivers", "otlp/2"]`. */
  readonly path: readonly PathSegment[];
  /** Where the component's key was written. */
  readonly position?: Position;
}

/** A component ID as written in a pipeline or in `service.extensions`. */
export interface ComponentReference {
  /** The referenced ID. */
  readonly id: ID;
  /** Config path of the reference, such as `["service", "pipelines", "traces", "receivers", 0]`. */
  readonly path: readonly PathSegment[];
  /** Where the reference was written. */
  readonly position?: Position;
}

/** One pipeline of `service.pipelines`. */
export interface PipelineConfig {
  /**
   * The pipeline ID as written: `signal` or `signal/name`.
   *
   * The signal may be the experimental `profiles`.
   *
   * # Experimental
   *
   * This API is EXPERIMENTAL and may be changed or removed in a later release.
   */
  readonly id: string;
  /**
   * The signal, the part of the ID before `/`; may be the experimental `profiles`.
   *
   * # Experimental
   *
   * This API is EXPERIMENTAL and may be changed or removed in a later release.
   */
  readonly signal: SignalName;
  /** The name after `/`, or `""`. */
  readonly name: string;
  /** Receivers (and connectors) feeding the pipeline. */
  readonly receivers: readonly ComponentReference[];
  /** Processors, in order. */
  readonly processors: readonly ComponentReference[];
  /** Exporters (and connectors) the pipeline sends to. */
  readonly exporters: readonly ComponentReference[];
  /** Config path, `["service", "pipelines", id]`. */
  readonly path: readonly PathSegment[];
  /** Where the pipeline's key was written. */
  readonly position?: Position;
}

/** The `service` section. */
export interface ServiceConfig {
  /** Extensions to start, in order. */
  readonly extensions: readonly ComponentReference[];
  /** Pipelines by ID. */
  readonly pipelines: ReadonlyMap<string, PipelineConfig>;
  /** Internal telemetry settings. */
  readonly telemetry: TelemetryConfig;
  /** How shutdown treats what exporters still hold. */
  readonly shutdown: ShutdownConfig;
}

/** A parsed configuration: structure checked, component configs still raw. */
export interface Config {
  /** Configured components of each kind, by ID string. */
  readonly components: Readonly<Record<Kind, ReadonlyMap<string, ComponentEntry>>>;
  /** The `service` section. */
  readonly service: ServiceConfig;
  /** The tree the model was read from. */
  readonly root: MapNode;
}

/**
 * Reads the typed model from a loaded tree (see `loadConfig`) or from a plain-object tree
 * (`fromPlain`). Throws `ConfigErrors` listing every structural problem: unknown top-level or
 * `service` keys, malformed component or pipeline IDs, lists that are not lists.
 */
export function parseConfig(root: ConfigNode): Config {
  const problems = new ProblemCollector();
  const config = readConfig(root, problems);
  problems.throwIfAny();
  return config;
}

/** Like {@linkcode parseConfig}, recording problems in `problems` instead of throwing. */
export function readConfig(root: ConfigNode, problems: ProblemCollector): Config {
  let rootMap: MapNode;
  if (root.kind === "map") rootMap = root;
  else {
    if (!isNullNode(root)) {
      problems.error(
        [],
        root.position,
        `expected a map of sections (${CONFIG_SECTIONS.join(", ")})`,
      );
    }
    rootMap = mapNode([], root.position);
  }
  for (const [key, entry] of rootMap.entries) {
    if (!CONFIG_SECTIONS.includes(key)) {
      problems.error([key], entry.keyPosition, unknownKeyDetail(key, CONFIG_SECTIONS));
    }
  }
  const components = {} as Record<Kind, Map<string, ComponentEntry>>;
  for (const kind of KINDS) {
    components[kind] = readSection(kind, rootMap, problems);
  }
  const serviceEntry = rootMap.entries.get("service");
  const service = readService(
    serviceEntry?.value ?? scalarNode(null, rootMap.position),
    serviceEntry?.keyPosition ?? rootMap.position,
    problems,
  );
  return { components, service, root: rootMap };
}

function unknownKeyDetail(key: string, valid: readonly string[]): string {
  const suggestion = closest(key, valid);
  return `unknown key ${JSON.stringify(key)}` +
    (suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : "") +
    `; valid keys: ${valid.join(", ")}`;
}

function readSection(
  kind: Kind,
  root: MapNode,
  problems: ProblemCollector,
): Map<string, ComponentEntry> {
  const section = SECTION_OF_KIND[kind];
  const entries = new Map<string, ComponentEntry>();
  const sectionEntry = root.entries.get(section);
  if (sectionEntry === undefined || isNullNode(sectionEntry.value)) return entries;
  const node = sectionEntry.value;
  if (node.kind !== "map") {
    problems.error(
      [section],
      node.position ?? sectionEntry.keyPosition,
      `expected a map of ${kind} IDs to their configuration, got a ${node.kind}`,
    );
    return entries;
  }
  for (const [key, entry] of node.entries) {
    const path = [section, key];
    let id: ID;
    try {
      id = ID.parse(key);
    } catch (error) {
      if (!(error instanceof IDError)) throw error;
      problems.error(path, entry.keyPosition, error.message);
      continue;
    }
    entries.set(id.toString(), {
      id,
      kind,
      raw: entry.value,
      path,
      position: entry.keyPosition ?? entry.value.position,
    });
  }
  return entries;
}

const SERVICE_KEYS = ["extensions", "pipelines", "telemetry", "shutdown"];
const PIPELINE_KEYS = ["receivers", "processors", "exporters"] as const;

function readService(
  node: ConfigNode,
  position: Position | undefined,
  problems: ProblemCollector,
): ServiceConfig {
  let map: MapNode = mapNode([], position);
  if (node.kind === "map") map = node;
  else if (!isNullNode(node)) {
    problems.error(
      ["service"],
      node.position,
      `expected a map with keys ${SERVICE_KEYS.join(", ")}`,
    );
  }
  for (const [key, entry] of map.entries) {
    if (!SERVICE_KEYS.includes(key)) {
      problems.error(["service", key], entry.keyPosition, unknownKeyDetail(key, SERVICE_KEYS));
    }
  }
  const extensionsEntry = map.entries.get("extensions");
  const extensions = extensionsEntry === undefined
    ? []
    : readReferences(extensionsEntry.value, ["service", "extensions"], problems);
  const pipelines = readPipelines(map.entries.get("pipelines")?.value, problems);
  const telemetry = readTelemetry(map.entries.get("telemetry")?.value, problems);
  const shutdown = readShutdown(map.entries.get("shutdown")?.value, problems);
  return { extensions, pipelines, telemetry, shutdown };
}

function readReferences(
  node: ConfigNode,
  path: readonly PathSegment[],
  problems: ProblemCollector,
): ComponentReference[] {
  if (isNullNode(node)) return [];
  if (node.kind !== "list") {
    problems.error(path, node.position, "expected a list of component IDs, such as [otlp, otlp/2]");
    return [];
  }
  const references: ComponentReference[] = [];
  node.items.forEach((item, index) => {
    const itemPath = [...path, index];
    if (item.kind !== "scalar" || typeof item.value !== "string") {
      problems.error(itemPath, item.position, "expected a component ID (type or type/name)");
      return;
    }
    try {
      references.push({ id: ID.parse(item.value), path: itemPath, position: item.position });
    } catch (error) {
      if (!(error instanceof IDError)) throw error;
      problems.error(itemPath, item.position, error.message);
    }
  });
  return references;
}

function readPipelines(
  node: ConfigNode | undefined,
  problems: ProblemCollector,
): Map<string, PipelineConfig> {
  const pipelines = new Map<string, PipelineConfig>();
  if (node === undefined || isNullNode(node)) return pipelines;
  if (node.kind !== "map") {
    problems.error(
      ["service", "pipelines"],
      node.position,
      "expected a map of pipeline IDs (such as traces or metrics/2) to pipelines",
    );
    return pipelines;
  }
  for (const [id, entry] of node.entries) {
    const path = ["service", "pipelines", id];
    const slash = id.indexOf("/");
    const signal = slash < 0 ? id : id.slice(0, slash);
    const name = slash < 0 ? "" : id.slice(slash + 1);
    if (!isSignalName(signal)) {
      problems.error(
        path,
        entry.keyPosition,
        `invalid pipeline ID ${JSON.stringify(id)}: the signal ${JSON.stringify(signal)} is not ` +
          `one of ${PIPELINE_SIGNALS.join(", ")} (a pipeline ID is signal or signal/name)`,
      );
      continue;
    }
    if (slash >= 0 && (name === "" || name.trim() !== name || name.includes("/"))) {
      problems.error(
        path,
        entry.keyPosition,
        `invalid pipeline ID ${JSON.stringify(id)}: the name after "/" must be non-empty, ` +
          "without surrounding white space or another /",
      );
      continue;
    }
    const lists: Record<(typeof PIPELINE_KEYS)[number], ComponentReference[]> = {
      receivers: [],
      processors: [],
      exporters: [],
    };
    const value = entry.value;
    if (value.kind === "map") {
      for (const [key, listEntry] of value.entries) {
        if (!(PIPELINE_KEYS as readonly string[]).includes(key)) {
          problems.error(
            [...path, key],
            listEntry.keyPosition,
            unknownKeyDetail(key, [...PIPELINE_KEYS]),
          );
          continue;
        }
        lists[key as (typeof PIPELINE_KEYS)[number]] = readReferences(
          listEntry.value,
          [...path, key],
          problems,
        );
      }
    } else if (!isNullNode(value)) {
      problems.error(path, value.position, `expected a map with keys ${PIPELINE_KEYS.join(", ")}`);
    }
    pipelines.set(id, {
      id,
      signal,
      name,
      ...lists,
      path,
      position: entry.keyPosition ?? value.position,
    });
  }
  return pipelines;
}
