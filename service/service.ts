/**
 * The service: one validated configuration running, with the collector's own telemetry, its
 * extensions and pipelines, and a graceful shutdown within a deadline.
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
import type { IntrospectingHost, ServiceIntrospection, ServiceState } from "@denocol/extension";
import type { ValidatedConfig } from "./config/mod.ts";
import { type Factories, FactoryIndex } from "./factories.ts";
import { PipelineGraph } from "./graph.ts";
import type { NodeAttributes } from "./graph_nodes.ts";
import { newIntrospection } from "./introspection.ts";
import type { SelfTelemetry } from "./self_telemetry.ts";
import { selfTelemetryPath } from "./self_telemetry_path.ts";
import { PipelineTaps, StatusBoard } from "./status.ts";
import {
  exporterTotals,
  loggerFromConfig,
  logWriterFor,
  type MetricsServer,
  registerProcessMetrics,
  serveMetrics,
} from "./telemetry.ts";

/** Options of {@linkcode Service}. */
export interface ServiceOptions {
  /** The factories of every component type the configuration may use. */
  readonly factories: Factories;
  /** The configuration to run, as `validateCollectorConfig` or `resolveConfig` returns it. */
  readonly config: ValidatedConfig;
  /** Name and version of the distribution, reported in logs and given to every component. */
  readonly buildInfo: BuildInfo;
  /**
   * Called when a component reports an error it cannot recover from through
   * `host.reportFatalError`; whoever runs the service should shut it down.
   */
  readonly reportFatalError: (error: Error) => void;
  /** The registry of internal metrics; default a new one. */
  readonly metrics?: MetricsRegistry;
  /** Where log lines go; default `service.telemetry.logs.output_paths` (standard error). */
  readonly writeLog?: (line: string) => void;
}

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
  /** When the service stops waiting for components. */
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
 * One validated configuration, running: the logger and internal metrics of
 * `service.telemetry`, then the extensions and pipelines. A collector (`Collector` of
 * `@denocol/otelcol`) loads and validates the configuration, makes a service of it, and shuts it
 * down on a signal or a fatal error; a program that has its configuration already validated may
 * run a service itself.
 *
 * The logger exists from construction (it may throw when a configured output path cannot be
 * opened); `start` serves the internal metrics, creates every component and starts them
 * (extensions, exporters, processors and connectors downstream first, receivers last); when it
 * rejects, call `shutdown` to stop what was created.
 */
export class Service {
  readonly #options: ServiceOptions;
  readonly #registry: MetricsRegistry;
  readonly #logger: Logger;
  /** Writes to the local outputs only: for the SDK's own errors, which must never be exported. */
  readonly #localLogger: Logger;
  #selfTelemetry: SelfTelemetry | undefined;
  #selfTelemetryToItself = false;
  /** Aborted when the shutdown's drain time is over; exporters then drop what they hold. */
  readonly #drainDeadline = new AbortController();
  readonly #status = new StatusBoard();
  readonly #taps = new PipelineTaps();
  #state: ServiceState = "starting";
  #graph: PipelineGraph | undefined;
  #metricsServer: MetricsServer | undefined;
  #started = false;
  #stopping: Promise<Error[]> | undefined;

  /** Creates the service and its logger; nothing runs until {@linkcode Service.start}. */
  constructor(options: ServiceOptions) {
    this.#options = options;
    this.#registry = options.metrics ?? new MetricsRegistry();
    const logs = options.config.config.service.telemetry.logs;
    const write = options.writeLog ?? logWriterFor(logs.outputPaths);
    this.#localLogger = loggerFromConfig(logs, write);
    this.#logger = logs.processors.length === 0
      ? this.#localLogger
      : loggerFromConfig(logs, write, (record) => this.#selfTelemetry?.onRecord?.(record));
  }

  /** The logger configured by `service.telemetry.logs`. */
  get logger(): Logger {
    return this.#logger;
  }

  /** The registry holding every internal metric of the service and its components. */
  get metrics(): MetricsRegistry {
    return this.#registry;
  }

  /** The `host:port` the internal metrics are served on, once started; undefined when off. */
  get metricsAddress(): string | undefined {
    return this.#metricsServer?.address;
  }

  /** The configuration the service runs. */
  get config(): ValidatedConfig {
    return this.#options.config;
  }

  #introspection: ServiceIntrospection | undefined;

  /**
   * The service's view of itself (pipelines, component status, metrics, feature gates, the
   * effective configuration with secrets redacted), which extensions read through the host.
   */
  get introspection(): ServiceIntrospection {
    return this.#introspection ??= newIntrospection({
      buildInfo: this.#options.buildInfo,
      config: this.#options.config,
      registry: this.#registry,
      status: this.#status,
      taps: this.#taps,
      state: () => this.#state,
    });
  }

  /**
   * Logs the configuration's warnings, serves the internal metrics, creates every component
   * and starts them. Rejects with `GraphBuildError` when a component cannot be created,
   * `ComponentStartError` when one fails to start, or the error of the metrics endpoint; call
   * `shutdown` afterwards in every case.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error("the service has already been started");
    if (this.#stopping !== undefined) throw new Error("the service has been shut down");
    this.#started = true;
    const { config, buildInfo } = this.#options;
    for (const warning of config.warnings) this.#logger.warn(warning.message);
    const telemetry = config.config.service.telemetry;
    const path = selfTelemetryPath(config, [
      ...telemetry.metrics.periodicReaders.map((reader) => reader.exporter),
      ...telemetry.logs.processors.map((processor) => processor.exporter),
    ]);
    this.#selfTelemetryToItself = path.sendsToItself;
    if (telemetry.metrics.periodicReaders.length > 0 || telemetry.logs.processors.length > 0) {
      // Loaded only when asked for: the OpenTelemetry SDK and its exporters hold about 10 MiB
      // that a collector without OTLP self-telemetry would carry for nothing.
      const { SelfTelemetry } = await import("./self_telemetry.ts");
      this.#selfTelemetry = new SelfTelemetry(
        telemetry,
        this.#registry,
        { serviceName: buildInfo.command, serviceVersion: buildInfo.version },
        this.#localLogger,
        path.keepLocal,
      );
    }
    const refresh = registerProcessMetrics(this.#registry);
    if (telemetry.metrics.address !== null) {
      this.#metricsServer = await serveMetrics(telemetry.metrics.address, this.#registry, refresh);
      this.#logger.info("serving internal metrics", {
        address: `http://${this.#metricsServer.address}/metrics`,
      });
    }
    const settings = (kind: Kind, id: ID, attributes: NodeAttributes): Settings => ({
      id,
      kind,
      buildInfo,
      telemetry: { logger: this.#logger.with({ ...attributes }), meter: this.#registry },
    });
    const graph = new PipelineGraph({
      factories: new FactoryIndex(this.#options.factories),
      config,
      settings,
      taps: this.#taps,
      status: this.#status,
    });
    this.#graph = graph;
    graph.build();
    const host: DrainDeadlineHost & IntrospectingHost = {
      getExtension: (id) => graph.extensions().get(id.toString()),
      extensions: () => graph.extensions(),
      reportFatalError: (error) => this.#options.reportFatalError(error),
      drainDeadline: this.#drainDeadline.signal,
      introspection: this.introspection,
    };
    this.#logger.info("starting", {
      version: buildInfo.version,
      pipelines: [...config.config.service.pipelines.keys()].join(","),
    });
    await graph.start(host);
    if (this.#stopping === undefined) this.#state = "running";
    this.#logger.info("everything is ready; begin running and processing data");
  }

  /**
   * Shuts every component down in reverse start order (receivers first, so batches and sending
   * queues drain into exporters that are still running), then the metrics endpoint.
   *
   * Exporters keep sending for the drain time (`service.shutdown.drain_timeout`, default 10 s;
   * 0 for no limit); then they drop what they still hold, logging one line per exporter with the
   * item count and counting it in `otelcol_exporter_send_failed_<items>` (a persistent queue
   * keeps it for the next start). The service gives up waiting {@linkcode SHUTDOWN_ACCOUNTING_MS}
   * after that, or at `deadlineMs` when given (the drain then ends early enough to leave time
   * for the accounting), and reports the components still stopping. Resolves with the errors
   * of components that failed to stop or missed the deadline, each also logged; later calls
   * return the same outcome.
   */
  shutdown(deadlineMs?: number): Promise<Error[]> {
    this.#state = "stopping";
    this.#stopping ??= this.#shutdown(deadlineMs);
    return this.#stopping;
  }

  async #shutdown(deadlineMs: number | undefined): Promise<Error[]> {
    const errors: Error[] = [];
    // Telemetry the collector sends to its own receivers goes out while they still take it.
    if (this.#selfTelemetryToItself) {
      await flushWithin(this.#selfTelemetry, SELF_TELEMETRY_FLUSH_MS);
    }
    const graph = this.#graph;
    if (graph !== undefined) errors.push(...await this.#shutdownGraph(graph, deadlineMs));
    try {
      await this.#metricsServer?.close();
    } catch (error) {
      errors.push(error instanceof Error ? error : new Error(String(error)));
    }
    for (const error of errors) this.#logger.error(error.message);
    // Last: the final metrics and the shutdown's own log lines go out, within a bound.
    if (!this.#selfTelemetryToItself) {
      await flushWithin(this.#selfTelemetry, SELF_TELEMETRY_FLUSH_MS);
    }
    return errors;
  }

  async #shutdownGraph(graph: PipelineGraph, deadlineMs: number | undefined): Promise<Error[]> {
    const timing = shutdownTiming(
      this.#options.config.config.service.shutdown.drainTimeoutMs,
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
    const errors = outcome !== "deadline" ? outcome : [
      new Error(
        `shutdown did not finish within ${timing.deadlineMs} ms; still stopping: ${
          graph.pending().join(", ")
        }`,
      ),
    ];
    // The last increments are never scraped once the endpoint closes; say them here.
    for (const totals of exporterTotals(this.#registry)) {
      this.#logger.info("exporter totals at shutdown", totals);
    }
    return errors;
  }
}

/** How long a shutdown waits for the last export of the collector's own telemetry. */
const SELF_TELEMETRY_FLUSH_MS = 5_000;

async function flushWithin(telemetry: SelfTelemetry | undefined, ms: number): Promise<void> {
  if (telemetry === undefined || !telemetry.enabled) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    telemetry.shutdown(),
    new Promise<void>((resolve) => timer = setTimeout(resolve, ms)),
  ]);
  clearTimeout(timer);
}

/** A timer running `run` after `ms`, or none when `ms` is infinite (no limit). */
function timerFor(ms: number, run: () => void): ReturnType<typeof setTimeout> | undefined {
  return Number.isFinite(ms) ? setTimeout(run, Math.max(0, ms)) : undefined;
}
