/**
 * The collector a program or a library user runs: configuration in, running pipelines out, with
 * internal telemetry, fatal-error handling and a graceful shutdown within a deadline.
 */

import {
  type BuildInfo,
  type Host,
  type ID,
  type Kind,
  type Logger,
  MetricsRegistry,
  type Settings,
} from "@denocol/component";
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
import { type NodeAttributes, PipelineGraph } from "./graph.ts";
import {
  loggerFromConfig,
  type MetricsServer,
  registerProcessMetrics,
  serveMetrics,
  writeStderr,
} from "./telemetry.ts";

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

/** Options of {@linkcode Collector}. */
export interface CollectorOptions extends ConfigSourceOptions {
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
  /** Name and version reported by the collector; default `otelcol` of denocol. */
  readonly buildInfo?: BuildInfo;
  /** Where log lines go; default `service.telemetry.logs.output_paths` (standard error). */
  readonly writeLog?: (line: string) => void;
}

/** How a collector ended. */
export interface CollectorExit {
  /** The error a component reported through `host.reportFatalError`, if any. */
  readonly fatalError?: Error;
  /** Errors of components that failed to shut down, or a missed deadline. */
  readonly shutdownErrors: readonly Error[];
}

/** The collector's lifecycle state. */
export type CollectorState = "created" | "starting" | "running" | "stopping" | "stopped";

/** Default build information. */
export const DEFAULT_BUILD_INFO: BuildInfo = {
  command: "otelcol",
  description: "denocol, an OpenTelemetry Collector for Deno",
  version: "0.1.0",
};

/** Default time `shutdown` waits for components to stop, in milliseconds. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

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
 * what the `validate` command runs. Throws `ConfigErrors` listing every problem.
 */
export async function validateCollectorConfig(
  options: CollectorOptions,
): Promise<ValidatedConfig & { readonly loadWarnings: readonly ConfigWarning[] }> {
  const index = new FactoryIndex(options.factories);
  const featureGates = featureGatesFrom(options.featureGates);
  const { root, warnings } = await loadCollectorConfig(options);
  const validated = resolveConfig(root, index.catalog(), { featureGates });
  return { ...validated, loadWarnings: warnings };
}

/**
 * A collector built from factories and a configuration.
 *
 * ```ts ignore
 * const collector = new Collector({ factories, config: { receivers: { ... }, service: { ... } } });
 * await collector.start();
 * // ... later, or on SIGTERM:
 * await collector.shutdown(5000);
 * ```
 *
 * `start` loads and validates the configuration, serves internal metrics, builds the pipeline
 * graph and starts it; when it fails, everything already started is shut down before it
 * rejects. A component's `host.reportFatalError` logs the error and shuts the collector down;
 * {@linkcode Collector.done} then resolves with it.
 */
export class Collector {
  readonly #options: CollectorOptions;
  readonly #registry = new MetricsRegistry();
  readonly #exit = Promise.withResolvers<CollectorExit>();
  #logger: Logger;
  #state: CollectorState = "created";
  #graph: PipelineGraph | undefined;
  #metricsServer: MetricsServer | undefined;
  #fatalError: Error | undefined;
  #stopping: Promise<CollectorExit> | undefined;
  #config: ValidatedConfig | undefined;

  /** Creates the collector; nothing runs until {@linkcode Collector.start}. */
  constructor(options: CollectorOptions) {
    this.#options = options;
    this.#logger = loggerFromConfig(
      { level: "info", encoding: "console", outputPaths: ["stderr"], initialFields: {} },
      options.writeLog ?? writeStderr,
    );
  }

  /** The current lifecycle state. */
  get state(): CollectorState {
    return this.#state;
  }

  /** The registry holding every internal metric of the collector and its components. */
  get metrics(): MetricsRegistry {
    return this.#registry;
  }

  /** The collector's logger (configured by `service.telemetry.logs` once started). */
  get logger(): Logger {
    return this.#logger;
  }

  /** The `host:port` the internal metrics are served on, once started; undefined when off. */
  get metricsAddress(): string | undefined {
    return this.#metricsServer?.address;
  }

  /** The validated configuration, once `start` has loaded it. */
  get config(): ValidatedConfig | undefined {
    return this.#config;
  }

  /** Resolves once the collector has stopped, saying why. */
  get done(): Promise<CollectorExit> {
    return this.#exit.promise;
  }

  /**
   * Loads the configuration, then starts telemetry and every component. Rejects with
   * `ConfigErrors` for an invalid configuration, or with the error of the component that
   * failed to start (after shutting down everything created).
   */
  async start(): Promise<void> {
    if (this.#state !== "created") {
      throw new Error(`the collector cannot start: it is ${this.#state}`);
    }
    this.#state = "starting";
    try {
      await this.#start();
    } catch (error) {
      await this.#stop(DEFAULT_SHUTDOWN_DEADLINE_MS);
      throw error;
    }
    if (this.#stopping === undefined) this.#state = "running";
  }

  async #start(): Promise<void> {
    const validated = await validateCollectorConfig(this.#options);
    this.#config = validated;
    const telemetry = validated.config.service.telemetry;
    this.#logger = loggerFromConfig(telemetry.logs, this.#options.writeLog);
    for (const warning of [...validated.loadWarnings, ...validated.warnings]) {
      this.#logger.warn(warning.message);
    }
    const refresh = registerProcessMetrics(this.#registry);
    if (telemetry.metrics.address !== null) {
      this.#metricsServer = await serveMetrics(telemetry.metrics.address, this.#registry, refresh);
      this.#logger.info("serving internal metrics", {
        address: `http://${this.#metricsServer.address}/metrics`,
      });
    }
    const buildInfo = this.#options.buildInfo ?? DEFAULT_BUILD_INFO;
    const settings = (kind: Kind, id: ID, attributes: NodeAttributes): Settings => ({
      id,
      kind,
      buildInfo,
      telemetry: { logger: this.#logger.with({ ...attributes }), meter: this.#registry },
    });
    this.#graph = new PipelineGraph({
      factories: new FactoryIndex(this.#options.factories),
      config: validated,
      settings,
    });
    const graph = this.#graph;
    const host: Host = {
      getExtension: (id) => graph.extensions().get(id.toString()),
      extensions: () => graph.extensions(),
      reportFatalError: (error) => this.#onFatal(error),
    };
    this.#logger.info("starting", {
      version: buildInfo.version,
      pipelines: [...validated.config.service.pipelines.keys()].join(","),
    });
    await graph.start(host);
    this.#logger.info("everything is ready; begin running and processing data");
  }

  #onFatal(error: Error): void {
    if (this.#fatalError !== undefined || this.#stopping !== undefined) {
      this.#logger.error("fatal error reported during shutdown", { error: error.message });
      return;
    }
    this.#fatalError = error;
    this.#logger.error("fatal error reported by a component; shutting down", {
      error: error.message,
    });
    // Let the reporting call return before components are torn down under it.
    queueMicrotask(() => void this.#stop(DEFAULT_SHUTDOWN_DEADLINE_MS));
  }

  /**
   * Shuts every component down in reverse start order (receivers first, so batches and sending
   * queues drain into exporters that are still running), then the metrics endpoint. Gives up
   * waiting after `deadlineMs` and reports the components still stopping. Resolves with how
   * the collector ended; later calls return the same outcome.
   */
  shutdown(deadlineMs: number = DEFAULT_SHUTDOWN_DEADLINE_MS): Promise<CollectorExit> {
    return this.#stop(deadlineMs);
  }

  #stop(deadlineMs: number): Promise<CollectorExit> {
    this.#stopping ??= (async () => {
      this.#state = "stopping";
      const errors: Error[] = [];
      const graph = this.#graph;
      if (graph !== undefined) {
        this.#logger.info("shutting down");
        let timer: ReturnType<typeof setTimeout> | undefined;
        const deadline = new Promise<"deadline">((resolve) => {
          timer = setTimeout(() => resolve("deadline"), deadlineMs);
        });
        const outcome = await Promise.race([graph.shutdown(), deadline]);
        clearTimeout(timer);
        if (outcome === "deadline") {
          errors.push(
            new Error(
              `shutdown did not finish within ${deadlineMs} ms; still stopping: ${
                graph.pending().join(", ")
              }`,
            ),
          );
        } else errors.push(...outcome);
      }
      try {
        await this.#metricsServer?.close();
      } catch (error) {
        errors.push(error instanceof Error ? error : new Error(String(error)));
      }
      for (const error of errors) this.#logger.error(error.message);
      this.#state = "stopped";
      this.#logger.info("shutdown complete");
      const exit: CollectorExit = { fatalError: this.#fatalError, shutdownErrors: errors };
      this.#exit.resolve(exit);
      return exit;
    })();
    return this.#stopping;
  }
}
