/**
 * A collector's configuration from its sources: code, YAML text or `--config` URIs, with `--set`
 * overrides and `${...}` expansion, validated against the factories it runs with.
 */

import {
  type ConfigNode,
  type ConfigWarning,
  expandNode,
  FeatureGateRegistry,
  fromPlain,
  loadConfig,
  mergeNodes,
  newFeatureGateRegistry,
  parseSetFlag,
  parseYaml,
  ProblemCollector,
  resolveConfig,
  type ValidatedConfig,
} from "./config/mod.ts";
import { type Factories, FactoryIndex } from "./factories.ts";

/** Where a collector's configuration comes from. */
export interface ConfigSourceOptions {
  /**
   * The configuration written in code: a plain object in the YAML's shape, or YAML text.
   * Ignored when `configs` is given.
   */
  readonly config?: Readonly<Record<string, unknown>> | string;
  /** `--config` values (file paths, `file:`, `env:`, `yaml:` URIs), merged in order. */
  readonly configs?: readonly string[];
  /** `--set key.path=value` overrides applied over the configuration. */
  readonly sets?: readonly string[];
  /** Reads environment variables for `${env:NAME}`; defaults to `Deno.env.get`. */
  readonly getEnv?: (name: string) => string | undefined;
}

/** What a configuration is loaded from and validated against. */
export interface CollectorConfigOptions extends ConfigSourceOptions {
  /** The factories of every component type the collector can run. */
  readonly factories: Factories;
  /**
   * Feature gates: a registry (with the service's gates registered) or a `--feature-gates`
   * value such as `service.profilesSupport`.
   *
   * # Experimental
   *
   * `service.profilesSupport` allows profiles pipelines. This API is EXPERIMENTAL and may be
   * changed or removed in a later release.
   */
  readonly featureGates?: FeatureGateRegistry | string;
}

/** A validated configuration and the warnings its loading gave. */
export type LoadedCollectorConfig = ValidatedConfig & {
  /** Things loading accepted but that are probably unintended, such as deprecated syntax. */
  readonly loadWarnings: readonly ConfigWarning[];
};

/**
 * Loads the configuration tree from code, YAML text or `--config` sources, applies `--set`
 * and expands `${...}` references. Throws `ConfigErrors`.
 */
export async function loadCollectorConfig(
  options: ConfigSourceOptions,
): Promise<{ root: ConfigNode; warnings: readonly ConfigWarning[] }> {
  if (options.configs !== undefined && options.configs.length > 0) {
    return await loadConfig({
      configs: options.configs,
      sets: options.sets,
      getEnv: options.getEnv,
    });
  }
  let root: ConfigNode = typeof options.config === "string"
    ? parseYaml(options.config, "<config>")
    : fromPlain(options.config ?? {});
  const problems = new ProblemCollector();
  for (const [index, flag] of (options.sets ?? []).entries()) {
    try {
      root = mergeNodes(root, parseSetFlag(flag, index));
    } catch (error) {
      problems.absorb(error, { path: "--set" });
    }
  }
  problems.throwIfAny();
  const expanded = expandNode(root, { getEnv: options.getEnv });
  return { root: expanded.node, warnings: expanded.warnings };
}

/** The feature gate registry of `option`, applying a `--feature-gates` value. */
export function featureGatesFrom(
  option: FeatureGateRegistry | string | undefined,
): FeatureGateRegistry {
  if (option instanceof FeatureGateRegistry) return option;
  const registry = newFeatureGateRegistry();
  if (option !== undefined) registry.applyFlag(option);
  return registry;
}

/**
 * Loads and validates a configuration against `factories` without creating any component;
 * what the `validate` command runs and what a {@linkcode Service} is built from. Throws
 * `ConfigErrors` listing every problem.
 */
export async function validateCollectorConfig(
  options: CollectorConfigOptions,
): Promise<LoadedCollectorConfig> {
  const index = new FactoryIndex(options.factories);
  const featureGates = featureGatesFrom(options.featureGates);
  const { root, warnings } = await loadCollectorConfig(options);
  const validated = resolveConfig(root, index.catalog(), { featureGates });
  return { ...validated, loadWarnings: warnings };
}
