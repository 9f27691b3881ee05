/**
 * Validation of a whole configuration against the components a collector is built with:
 * every problem is collected and reported at once, each naming its config path and, for YAML
 * sources, its file, line and column.
 */

import { type ID, type Kind, KINDS } from "@denocol/component";
import { type ConfigWarning, type PathSegment, ProblemCollector } from "./errors.ts";
import { closest, decodeComponentConfig } from "./component_config.ts";
import {
  type ComponentEntry,
  type ComponentReference,
  type Config,
  type PipelineConfig,
  readConfig,
  SECTION_OF_KIND,
} from "./model.ts";
import { type ConfigNode, nodeAt, positionAt, toPlain } from "./node.ts";
import { PROFILES_SUPPORT_GATE } from "./featuregate.ts";

/**
 * What the service knows about one component type, built from its factory. Only the fields
 * present are checked: an entry without `signals` accepts any signal.
 */
export interface CatalogEntry {
  /**
   * Signals a receiver, processor or exporter supports.
   *
   * May contain the experimental `profiles`.
   *
   * # Experimental
   *
   * This API is EXPERIMENTAL and may be changed or removed in a later release.
   */
  readonly signals?: ReadonlySet<string>;
  /** Signal pairs a connector supports, written `from->to` (`traces->metrics`). */
  readonly connectorPairs?: ReadonlySet<string>;
  /** The factory's default configuration; without it the raw config is not checked. */
  createDefaultConfig?(): unknown;
  /** The factory's own decoding of the raw (plain) config, replacing the default merge. */
  unmarshalConfig?(raw: unknown, defaults: unknown): unknown;
  /**
   * The factory's validation; throws to reject. An error with a `configPath` property
   * (dotted string or segments, relative to the component) is reported at that path.
   */
  validateConfig?(config: unknown): void;
}

/** Every component type a collector is built with, per kind. */
export interface ComponentCatalog {
  /** Known types of each kind; a missing kind has no known types. */
  readonly kinds: Partial<Readonly<Record<Kind, ReadonlyMap<string, CatalogEntry>>>>;
}

/** Feature gate state validation reads. `FeatureGateRegistry` satisfies it. */
export interface FeatureGateReader {
  /** Whether gate `id` is on. */
  isEnabled(id: string): boolean;
}

/** Options of {@linkcode validateConfig}. */
export interface ValidateOptions {
  /**
   * Gate state; without it every gate is off, so `profiles` pipelines are refused.
   *
   * Profiles pipelines need `service.profilesSupport`.
   *
   * # Experimental
   *
   * This API is EXPERIMENTAL and may be changed or removed in a later release.
   */
  readonly featureGates?: FeatureGateReader;
}

/** A configuration that passed validation. */
export interface ValidatedConfig {
  /** The parsed model. */
  readonly config: Config;
  /**
   * Each component's final configuration (defaults merged with the user's keys, then
   * validated by its factory), per kind and ID string. Only types whose catalog entry has
   * `createDefaultConfig` appear.
   */
  readonly components: Readonly<Record<Kind, ReadonlyMap<string, unknown>>>;
  /** Things that are accepted but probably unintended, such as unused components. */
  readonly warnings: readonly ConfigWarning[];
}

/**
 * Validates a parsed configuration. Throws `ConfigErrors` listing every problem: unknown
 * component types, invalid component configs, references to components that are not
 * configured, pipelines without receivers or exporters, duplicate references, unsupported
 * signals, connectors not used on both sides or with unsupported signal pairs, cycles through
 * connectors, and `profiles` pipelines without the `service.profilesSupport` gate.
 */
export function validateConfig(
  config: Config,
  catalog: ComponentCatalog,
  options: ValidateOptions = {},
): ValidatedConfig {
  const problems = new ProblemCollector();
  const result = check(config, catalog, options, problems);
  problems.throwIfAny();
  return result;
}

/**
 * Parses and validates in one step, so that structural and semantic problems are all
 * reported together. Throws `ConfigErrors`.
 */
export function resolveConfig(
  root: ConfigNode,
  catalog: ComponentCatalog,
  options: ValidateOptions = {},
): ValidatedConfig {
  const problems = new ProblemCollector();
  const config = readConfig(root, problems);
  const result = check(config, catalog, options, problems);
  problems.throwIfAny();
  return result;
}

function check(
  config: Config,
  catalog: ComponentCatalog,
  options: ValidateOptions,
  problems: ProblemCollector,
): ValidatedConfig {
  const components = {} as Record<Kind, Map<string, unknown>>;
  for (const kind of KINDS) {
    components[kind] = new Map();
    for (const [key, entry] of config.components[kind]) {
      const decoded = checkComponent(entry, catalog, problems);
      if (decoded.known && decoded.config !== undefined) components[kind].set(key, decoded.config);
    }
  }
  checkAmbiguousIds(config, problems);
  checkExtensions(config, problems);
  const uses = checkPipelines(config, catalog, options, problems);
  checkConnectors(config, catalog, uses, problems);
  warnUnused(config, uses, problems);
  return { config, components, warnings: problems.warnings };
}

function knownTypesText(kind: Kind, catalog: ComponentCatalog): string {
  const types = [...(catalog.kinds[kind]?.keys() ?? [])].sort();
  return types.length === 0
    ? `no ${kind} types are available`
    : `known ${kind} types: ${types.join(", ")}`;
}

function checkComponent(
  entry: ComponentEntry,
  catalog: ComponentCatalog,
  problems: ProblemCollector,
): { known: boolean; config?: unknown } {
  const known = catalog.kinds[entry.kind];
  const catalogEntry = known?.get(entry.id.type);
  if (catalogEntry === undefined) {
    const suggestion = closest(entry.id.type, [...(known?.keys() ?? [])]);
    problems.error(
      entry.path,
      entry.position,
      `unknown ${entry.kind} type ${JSON.stringify(entry.id.type)}` +
        (suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : "") +
        `; ${knownTypesText(entry.kind, catalog)}`,
    );
    return { known: false };
  }
  if (catalogEntry.createDefaultConfig === undefined) return { known: true };
  const label = `${entry.kind} ${JSON.stringify(entry.id.toString())}`;
  let decoded: unknown;
  try {
    const defaults = catalogEntry.createDefaultConfig();
    decoded = catalogEntry.unmarshalConfig
      ? catalogEntry.unmarshalConfig(toPlain(entry.raw), defaults)
      : decodeComponentConfig(defaults, entry.raw, entry.path);
  } catch (error) {
    recordFactoryError(error, entry, label, problems);
    return { known: true };
  }
  try {
    catalogEntry.validateConfig?.(decoded);
  } catch (error) {
    recordFactoryError(error, entry, label, problems);
    return { known: true };
  }
  return { known: true, config: decoded };
}

/** Reports an error thrown by a factory at the most precise path and position available. */
function recordFactoryError(
  error: unknown,
  entry: ComponentEntry,
  label: string,
  problems: ProblemCollector,
): void {
  const configPath = (error as { configPath?: unknown } | null)?.configPath;
  if (typeof configPath === "string" || Array.isArray(configPath)) {
    const relative: PathSegment[] = typeof configPath === "string"
      ? configPath.split(".").filter((segment) => segment !== "")
      : configPath.filter((s): s is PathSegment => typeof s === "string" || typeof s === "number");
    const detail = error instanceof Error ? error.message : String(error);
    problems.error(
      [...entry.path, ...relative],
      nodeAt(entry.raw, relative) === undefined
        ? entry.position
        : positionAt(entry.raw, relative) ?? entry.position,
      `invalid ${label} configuration: ${detail}`,
    );
    return;
  }
  if (error instanceof Error && error.name.startsWith("ConfigError")) {
    problems.absorb(error, { path: entry.path, position: entry.position });
    return;
  }
  const detail = error instanceof Error ? error.message : String(error);
  problems.error(entry.path, entry.position, `invalid ${label} configuration: ${detail}`);
}

function checkAmbiguousIds(config: Config, problems: ProblemCollector): void {
  for (const [key, connector] of config.components.connector) {
    for (const kind of ["receiver", "exporter"] as const) {
      if (config.components[kind].has(key)) {
        problems.error(
          connector.path,
          connector.position,
          `ambiguous ID ${JSON.stringify(key)}: both a ${kind} and a connector have it, so a ` +
            `pipeline cannot tell which is meant; rename one of them (for example ` +
            `${JSON.stringify(`${connector.id.type}/connector`)})`,
        );
      }
    }
  }
}

function checkExtensions(config: Config, problems: ProblemCollector): void {
  const seen = new Set<string>();
  for (const reference of config.service.extensions) {
    const key = reference.id.toString();
    if (seen.has(key)) {
      problems.error(
        reference.path,
        reference.position,
        `extension ${JSON.stringify(key)} is listed more than once`,
      );
      continue;
    }
    seen.add(key);
    if (!config.components.extension.has(key)) {
      problems.error(
        reference.path,
        reference.position,
        `extension ${JSON.stringify(key)} is not configured; ${
          configuredText(config, "extension")
        }`,
      );
    }
  }
}

function configuredText(config: Config, kind: Kind): string {
  const ids = [...config.components[kind].keys()];
  return ids.length === 0
    ? `no ${SECTION_OF_KIND[kind]} are configured`
    : `configured ${SECTION_OF_KIND[kind]}: ${ids.join(", ")}`;
}

/** Where each connector is used, and which components pipelines reference. */
interface Uses {
  readonly referenced: Record<Kind, Set<string>>;
  /** Connector ID → references in exporter lists, with their pipeline. */
  readonly connectorAsExporter: Map<
    string,
    { pipeline: PipelineConfig; reference: ComponentReference }[]
  >;
  /** Connector ID → references in receiver lists, with their pipeline. */
  readonly connectorAsReceiver: Map<
    string,
    { pipeline: PipelineConfig; reference: ComponentReference }[]
  >;
}

function checkPipelines(
  config: Config,
  catalog: ComponentCatalog,
  options: ValidateOptions,
  problems: ProblemCollector,
): Uses {
  const uses: Uses = {
    referenced: {
      receiver: new Set(),
      processor: new Set(),
      exporter: new Set(),
      connector: new Set(),
      extension: new Set(config.service.extensions.map((r) => r.id.toString())),
    },
    connectorAsExporter: new Map(),
    connectorAsReceiver: new Map(),
  };
  const { pipelines } = config.service;
  if (pipelines.size === 0) {
    const position = config.root.entries.get("service")?.keyPosition ?? config.root.position;
    problems.error(
      ["service", "pipelines"],
      position,
      "at least one pipeline is required (such as traces: {receivers: [otlp], exporters: [debug]})",
    );
  }
  for (const pipeline of pipelines.values()) {
    if (pipeline.signal === "profiles" && !options.featureGates?.isEnabled(PROFILES_SUPPORT_GATE)) {
      problems.error(
        pipeline.path,
        pipeline.position,
        `profiles pipelines are experimental and need the feature gate ${PROFILES_SUPPORT_GATE}; ` +
          `enable it with --feature-gates=${PROFILES_SUPPORT_GATE}`,
      );
    }
    if (pipeline.receivers.length === 0) {
      problems.error(
        pipeline.path,
        pipeline.position,
        "the pipeline must have at least one receiver",
      );
    }
    if (pipeline.exporters.length === 0) {
      problems.error(
        pipeline.path,
        pipeline.position,
        "the pipeline must have at least one exporter",
      );
    }
    checkList(config, catalog, pipeline, "receivers", "receiver", uses, problems);
    checkList(config, catalog, pipeline, "processors", "processor", uses, problems);
    checkList(config, catalog, pipeline, "exporters", "exporter", uses, problems);
  }
  return uses;
}

function checkList(
  config: Config,
  catalog: ComponentCatalog,
  pipeline: PipelineConfig,
  list: "receivers" | "processors" | "exporters",
  kind: "receiver" | "processor" | "exporter",
  uses: Uses,
  problems: ProblemCollector,
): void {
  const seen = new Set<string>();
  for (const reference of pipeline[list]) {
    const key = reference.id.toString();
    if (seen.has(key)) {
      problems.error(
        reference.path,
        reference.position,
        `${kind} ${JSON.stringify(key)} is listed more than once in pipeline ` +
          `${JSON.stringify(pipeline.id)}`,
      );
      continue;
    }
    seen.add(key);
    const entry = config.components[kind].get(key);
    if (entry !== undefined) {
      uses.referenced[kind].add(key);
      checkSignal(catalog, kind, entry.id, pipeline, reference, problems);
      continue;
    }
    if (kind !== "processor" && config.components.connector.has(key)) {
      uses.referenced.connector.add(key);
      const byConnector = kind === "exporter" ? uses.connectorAsExporter : uses.connectorAsReceiver;
      const list = byConnector.get(key) ?? [];
      list.push({ pipeline, reference });
      byConnector.set(key, list);
      continue;
    }
    const configured = kind === "processor"
      ? configuredText(config, kind)
      : `${configuredText(config, kind)}; ${configuredText(config, "connector")}`;
    const candidates = [...config.components[kind].keys()];
    if (kind !== "processor") candidates.push(...config.components.connector.keys());
    const suggestion = closest(key, candidates);
    problems.error(
      reference.path,
      reference.position,
      `${kind} ${JSON.stringify(key)} is used by pipeline ${JSON.stringify(pipeline.id)} but ` +
        "not configured" + (suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : "") +
        `; ${configured}`,
    );
  }
}

function checkSignal(
  catalog: ComponentCatalog,
  kind: Kind,
  id: ID,
  pipeline: PipelineConfig,
  reference: ComponentReference,
  problems: ProblemCollector,
): void {
  const signals = catalog.kinds[kind]?.get(id.type)?.signals;
  if (signals === undefined || signals.has(pipeline.signal)) return;
  const supported = [...signals];
  problems.error(
    reference.path,
    reference.position,
    `${kind} ${JSON.stringify(id.toString())} does not support the ${pipeline.signal} signal ` +
      `of pipeline ${JSON.stringify(pipeline.id)}; it supports ` +
      (supported.length === 0 ? "no signal" : supported.join(", ")),
  );
}

function checkConnectors(
  config: Config,
  catalog: ComponentCatalog,
  uses: Uses,
  problems: ProblemCollector,
): void {
  /** Pipeline → pipelines it feeds through a connector, with the connector's ID. */
  const edges = new Map<
    string,
    { to: string; connector: string; reference: ComponentReference }[]
  >();
  for (const [key, connector] of config.components.connector) {
    const asExporter = uses.connectorAsExporter.get(key) ?? [];
    const asReceiver = uses.connectorAsReceiver.get(key) ?? [];
    if (asExporter.length === 0 && asReceiver.length === 0) {
      problems.warn(
        connector.path,
        connector.position,
        `connector ${JSON.stringify(key)} is configured but used by no pipeline`,
      );
      continue;
    }
    const namesOf = (list: { pipeline: PipelineConfig }[]) =>
      list.map(({ pipeline }) => pipeline.id).join(", ");
    if (asReceiver.length === 0) {
      problems.error(
        connector.path,
        connector.position,
        `connector ${JSON.stringify(key)} is used as an exporter (in ${namesOf(asExporter)}) ` +
          "but not as a receiver of any pipeline; a connector must be both",
      );
      continue;
    }
    if (asExporter.length === 0) {
      problems.error(
        connector.path,
        connector.position,
        `connector ${JSON.stringify(key)} is used as a receiver (in ${namesOf(asReceiver)}) ` +
          "but not as an exporter of any pipeline; a connector must be both",
      );
      continue;
    }
    const pairs = catalog.kinds.connector?.get(connector.id.type)?.connectorPairs;
    const supports = (from: string, to: string) =>
      pairs === undefined || pairs.has(`${from}->${to}`);
    const pairsText = pairs === undefined || pairs.size === 0 ? "none" : [...pairs].join(", ");
    for (const { pipeline, reference } of asExporter) {
      const targets = asReceiver.filter((use) => supports(pipeline.signal, use.pipeline.signal));
      if (targets.length === 0) {
        problems.error(
          reference.path,
          reference.position,
          `connector ${JSON.stringify(key)} cannot take ${pipeline.signal} from pipeline ` +
            `${JSON.stringify(pipeline.id)} to any pipeline it feeds (${
              asReceiver.map((use) => `${use.pipeline.id}: ${use.pipeline.signal}`).join(", ")
            }); supported signal pairs: ${pairsText}`,
        );
      }
      for (const target of targets) {
        const list = edges.get(pipeline.id) ?? [];
        list.push({ to: target.pipeline.id, connector: key, reference });
        edges.set(pipeline.id, list);
      }
    }
    for (const { pipeline, reference } of asReceiver) {
      if (asExporter.some((use) => supports(use.pipeline.signal, pipeline.signal))) continue;
      problems.error(
        reference.path,
        reference.position,
        `connector ${JSON.stringify(key)} cannot produce ${pipeline.signal} for pipeline ` +
          `${JSON.stringify(pipeline.id)} from any pipeline it is exported from (${
            asExporter.map((use) => `${use.pipeline.id}: ${use.pipeline.signal}`).join(", ")
          }); supported signal pairs: ${pairsText}`,
      );
    }
  }
  checkCycles(config, edges, problems);
}

/** Reports one cycle per group of pipelines that feed each other through connectors. */
function checkCycles(
  config: Config,
  edges: ReadonlyMap<
    string,
    readonly { to: string; connector: string; reference: ComponentReference }[]
  >,
  problems: ProblemCollector,
): void {
  const state = new Map<string, "active" | "done">();
  const stack: { pipeline: string; via?: { connector: string; reference: ComponentReference } }[] =
    [];
  const reported = new Set<string>();
  const visit = (pipeline: string): void => {
    state.set(pipeline, "active");
    for (const edge of edges.get(pipeline) ?? []) {
      const targetState = state.get(edge.to);
      if (targetState === "active") {
        // The stack runs from edge.to to this pipeline; this edge closes the loop.
        const frames = stack.slice(stack.findIndex((frame) => frame.pipeline === edge.to));
        const signature = frames.map((frame) => frame.pipeline).sort().join("\u0000");
        if (reported.has(signature)) continue;
        reported.add(signature);
        const steps = [frames[0].pipeline];
        for (const frame of frames.slice(1)) steps.push(frame.via!.connector, frame.pipeline);
        steps.push(edge.connector, edge.to);
        const at = frames.length > 1 ? frames[1].via!.reference : edge.reference;
        problems.error(
          at.path,
          at.position,
          `cycle through connectors: ${steps.join(" -> ")}; data would loop forever`,
        );
        continue;
      }
      if (targetState === "done") continue;
      stack.push({
        pipeline: edge.to,
        via: { connector: edge.connector, reference: edge.reference },
      });
      visit(edge.to);
      stack.pop();
    }
    state.set(pipeline, "done");
  };
  for (const pipeline of config.service.pipelines.keys()) {
    if (state.has(pipeline)) continue;
    stack.push({ pipeline });
    visit(pipeline);
    stack.pop();
  }
}

function warnUnused(config: Config, uses: Uses, problems: ProblemCollector): void {
  for (const kind of ["receiver", "processor", "exporter", "extension"] as const) {
    for (const [key, entry] of config.components[kind]) {
      if (uses.referenced[kind].has(key)) continue;
      const where = kind === "extension" ? "service.extensions" : "any pipeline";
      problems.warn(
        entry.path,
        entry.position,
        `${kind} ${
          JSON.stringify(key)
        } is configured but not used in ${where}; it will not be started`,
      );
    }
  }
}
