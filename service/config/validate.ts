/**
 * Validation of a whole configuration against the components a collector is built with:
 * every problem is collected and reported at once, each naming its config path and, for YAML
 * sources, its file, line and column.
 */

import { type Kind, KINDS } from "@denocol/component";
import { type ConfigWarning, type PathSegment, ProblemCollector } from "./errors.ts";
import { closest, decodeComponentConfig } from "./component_config.ts";
import { type ComponentEntry, type Config, readConfig } from "./model.ts";
import { type ConfigNode, nodeAt, positionAt, toPlain } from "./node.ts";
import {
  checkConnectors,
  checkPipelines,
  configuredText,
  warnUnused,
} from "./validate_pipelines.ts";

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
  /** The feature gates the configuration was validated with, when given. */
  readonly featureGates?: FeatureGateReader;
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
  return { config, components, warnings: problems.warnings, featureGates: options.featureGates };
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
