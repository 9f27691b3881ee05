/**
 * The collector a program runs: configuration sources in, a running service out, shut down on
 * request or when a component reports a fatal error.
 */

import { type BuildInfo, type Logger, MetricsRegistry } from "@denocol/component";
import {
  type CollectorConfigOptions,
  type ConfigNode,
  FactoryIndex,
  featureGatesFrom,
  type LoadedCollectorConfig,
  newLogger,
  resolveConfig,
  Service,
  validateCollectorConfig,
  type ValidatedConfig,
} from "@denocol/service";
import denoJson from "./deno.json" with { type: "json" };

/** Name, description and version of this distribution. */
export const BUILD_INFO: BuildInfo = {
  command: "otelcol",
  description: "denocol, an OpenTelemetry Collector for Deno",
  version: denoJson.version,
};

/** Options of {@linkcode Collector}: the factories, where the configuration comes from, and more. */
export interface CollectorOptions extends CollectorConfigOptions {
  /** Name and version reported by the collector; default {@linkcode BUILD_INFO}. */
  readonly buildInfo?: BuildInfo;
  /** Where log lines go; default `service.telemetry.logs.output_paths` (standard error). */
  readonly writeLog?: (line: string) => void;
  /**
   * A configuration tree already loaded and expanded (`loadCollectorConfig` of
   * `@denocol/service`), validated as it is: no source is read and nothing expanded again.
   * `config`, `configs` and `sets` are then ignored.
   */
  readonly configTree?: ConfigNode;
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

/**
 * A collector built from factories and a configuration: what a distribution runs, in a program
 * of its own or through the `otelcol` command line.
 *
 * `start` loads and validates the configuration, then makes a `Service` of it (from
 * `@denocol/service`: internal telemetry, extensions, pipelines) and starts it; when it fails,
 * everything already started is shut down before it rejects. A component's
 * `host.reportFatalError` logs the error and shuts the collector down;
 * {@linkcode Collector.done} then resolves with it.
 */
export class Collector {
  readonly #options: CollectorOptions;
  readonly #registry = new MetricsRegistry();
  readonly #exit = Promise.withResolvers<CollectorExit>();
  #logger: Logger;
  #state: CollectorState = "created";
  #service: Service | undefined;
  #fatalError: Error | undefined;
  #stopping: Promise<CollectorExit> | undefined;
  #config: ValidatedConfig | undefined;

  /** Creates the collector; nothing runs until {@linkcode Collector.start}. */
  constructor(options: CollectorOptions) {
    this.#options = options;
    // Until the configuration says otherwise, the collector logs at info to standard error.
    this.#logger = newLogger({ write: options.writeLog });
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
    return this.#service?.metricsAddress;
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
   * failed to be created or to start (after shutting down everything created).
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
    const validated = await this.#validate();
    this.#config = validated;
    const service = new Service({
      factories: this.#options.factories,
      config: validated,
      buildInfo: this.#options.buildInfo ?? BUILD_INFO,
      reportFatalError: (error) => this.#onFatal(error),
      metrics: this.#registry,
      writeLog: this.#options.writeLog,
    });
    this.#service = service;
    this.#logger = service.logger;
    for (const warning of validated.loadWarnings) this.#logger.warn(warning.message);
    await service.start();
  }

  async #validate(): Promise<LoadedCollectorConfig> {
    const tree = this.#options.configTree;
    if (tree === undefined) return await validateCollectorConfig(this.#options);
    const catalog = new FactoryIndex(this.#options.factories).catalog();
    const featureGates = featureGatesFrom(this.#options.featureGates);
    return { ...resolveConfig(tree, catalog, { featureGates }), loadWarnings: [] };
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
   * Shuts the service down: receivers first, then processors and connectors, exporters (which
   * drain for `service.shutdown.drain_timeout`, then drop, log and count what they still hold)
   * and extensions, and the metrics endpoint; gives up at `deadlineMs` when given (see
   * `Service.shutdown` of `@denocol/service`). Resolves with how the collector ended; later
   * calls return the same outcome.
   */
  shutdown(deadlineMs?: number): Promise<CollectorExit> {
    return this.#stop(deadlineMs);
  }

  #stop(deadlineMs: number | undefined): Promise<CollectorExit> {
    this.#stopping ??= (async () => {
      this.#state = "stopping";
      const errors = await this.#service?.shutdown(deadlineMs) ?? [];
      this.#state = "stopped";
      this.#logger.info("shutdown complete");
      const exit: CollectorExit = { fatalError: this.#fatalError, shutdownErrors: errors };
      this.#exit.resolve(exit);
      return exit;
    })();
    return this.#stopping;
  }
}
