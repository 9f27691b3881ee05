/**
 * The collector a program or a library user runs: configuration in, running pipelines out, with
 * internal telemetry, fatal-error handling and a graceful shutdown within a deadline.
 */

import {
  type BuildInfo,
  type ID,
  type Kind,
  type Logger,
  MetricsRegistry,
  type Settings,
} from "@denocol/component";
import type { DrainDeadlineHost } from "@denocol/exporter";
import {
  type ConfigNode,
  type ConfigWarning,
  DEFAULT_DRAIN_TIMEOUT_MS,
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
import { PipelineGraph } from "./graph.ts";
import type { NodeAttributes } from "./graph_nodes.ts";
import {
  exporterTotals,
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

/**
 * How a collector ended. Data dropped because the drain time ran out is not an error (it is the
 * documented outcome, logged and counted by each exporter); a collector whose components all
 * stopped in time ends with no `shutdownErrors`.
 */
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

/**
 * Time a shutdown leaves after the drain time (`service.shutdown.drain_timeout`) for exporters
 * to drop, count and log what they still hold and for every component to stop, in milliseconds:
 * the shutdown deadline is the drain time plus this.
 */
export const SHUTDOWN_ACCOUNTING_MS = 5_000;

/** When a shutdown stops draining and when it gives up, in ms from its start (may be Infinity). */
export interface ShutdownTiming {
  /** When exporters stop sending and drop what they hold. */
  readonly drainMs: number;
  /** When the collector stops waiting for components. */
  readonly deadlineMs: number;
}

/**
 * The timing of a shutdown: without `deadlineMs`, the configured drain time (0: no limit) and
 * {@linkcode SHUTDOWN_ACCOUNTING_MS} after it; with `deadlineMs`, that deadline, and the drain
 * ends early enough to leave the accounting time before it (half the deadline at most).
 */
export function shutdownTiming(
  configuredDrainMs: number,
  deadlineMs?: number,
): ShutdownTiming {
  const drain = configuredDrainMs === 0 ? Infinity : configuredDrainMs;
  if (deadlineMs === undefined) {
    return { drainMs: drain, deadlineMs: drain + SHUTDOWN_ACCOUNTING_MS };
  }
  const accounting = Math.min(SHUTDOWN_ACCOUNTING_MS, deadlineMs / 2);
  return { drainMs: Math.min(drain, deadlineMs - accounting), deadlineMs };
}

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
  /** Aborted when the shutdown's drain time is over; exporters then drop what they hold. */
  readonly #drainDeadline = new AbortController();

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
      await this.#stop(undefined);
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
    const graph = new PipelineGraph({
      factories: new FactoryIndex(this.#options.factories),
      config: validated,
      settings,
    });
    // Set before building, so that a shutdown after a failed build stops what was created.
    this.#graph = graph;
    graph.build();
    const host: DrainDeadlineHost = {
      getExtension: (id) => graph.extensions().get(id.toString()),
      extensions: () => graph.extensions(),
      reportFatalError: (error) => this.#onFatal(error),
      drainDeadline: this.#drainDeadline.signal,
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
    queueMicrotask(() => void this.#stop(undefined));
  }

  /**
   * Shuts every component down in reverse start order (receivers first, so batches and sending
   * queues drain into exporters that are still running), then the metrics endpoint.
   *
   * Exporters keep sending for the drain time (`service.shutdown.drain_timeout`, default 10 s;
   * 0 for no limit); then they drop what they still hold, logging one line per exporter with the
   * item count and counting it in `otelcol_exporter_send_failed_<items>` (a persistent queue
   * keeps it for the next start). The collector gives up waiting {@linkcode SHUTDOWN_ACCOUNTING_MS}
   * after that, or at `deadlineMs` when given (the drain then ends early enough to leave time
   * for the accounting), and reports the components still stopping. Resolves with how the
   * collector ended; later calls return the same outcome.
   */
  shutdown(deadlineMs?: number): Promise<CollectorExit> {
    return this.#stop(deadlineMs);
  }

  #stop(deadlineMs: number | undefined): Promise<CollectorExit> {
    this.#stopping ??= (async () => {
      this.#state = "stopping";
      const errors: Error[] = [];
      const graph = this.#graph;
      if (graph !== undefined) {
        const timing = shutdownTiming(
          this.#config?.config.service.shutdown.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
          deadlineMs,
        );
        const shown = (ms: number) => Number.isFinite(ms) ? ms : "none";
        this.#logger.info("shutting down", {
          drain_timeout_ms: shown(timing.drainMs),
          deadline_ms: shown(timing.deadlineMs),
        });
        const drainTimer = timerFor(timing.drainMs, () => {
          this.#logger.info("shutdown drain time is over; exporters drop what they still hold", {
            still_stopping: graph.pending().join(", "),
          });
          this.#drainDeadline.abort(new Error("the shutdown drain time is over"));
        });
        let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
        const deadline = new Promise<"deadline">((resolve) => {
          deadlineTimer = timerFor(timing.deadlineMs, () => resolve("deadline"));
        });
        const outcome = await Promise.race([graph.shutdown(), deadline]);
        clearTimeout(drainTimer);
        clearTimeout(deadlineTimer);
        if (outcome === "deadline") {
          errors.push(
            new Error(
              `shutdown did not finish within ${timing.deadlineMs} ms; still stopping: ${
                graph.pending().join(", ")
              }`,
            ),
          );
        } else errors.push(...outcome);
        // The last increments are never scraped once the endpoint closes; say them here.
        for (const totals of exporterTotals(this.#registry)) {
          this.#logger.info("exporter totals at shutdown", totals);
        }
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

/** A timer running `run` after `ms`, or none when `ms` is infinite (no limit). */
function timerFor(ms: number, run: () => void): ReturnType<typeof setTimeout> | undefined {
  return Number.isFinite(ms) ? setTimeout(run, Math.max(0, ms)) : undefined;
}
