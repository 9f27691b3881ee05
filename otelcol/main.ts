/**
 * The `otelcol` command: runs the denocol collector, validates configurations and lists the
 * built-in components.
 *
 * ```sh
 * deno task collector                                   # the built-in default configuration
 * deno task collector --config config.yaml --set processors.batch.timeout=2s
 * deno task collector validate --config config.yaml     # exit 0 when valid, 1 otherwise
 * deno task collector components                        # factories and their stability
 * deno task collector --config config.yaml --workers=auto # one worker process per core
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { stringify } from "yaml";
import {
  ConfigErrors,
  type ConfigNode,
  type ConfigSourceOptions,
  type ConnectorFactory,
  type ExporterFactory,
  type Factories,
  FactoryIndex,
  type FactoryOfKind,
  type FeatureGateRegistry,
  featureGatesFrom,
  type Kind,
  loadCollectorConfig,
  type ProcessorFactory,
  type ReceiverFactory,
  SHUTDOWN_ACCOUNTING_MS,
  SIGNAL_NAMES,
  toPlain,
  validateCollectorConfig,
} from "@denocol/service";
import { BUILD_INFO, Collector, type CollectorOptions } from "./collector.ts";
import { loadBuiltinFactories, namedTypes, type TypesByKind } from "./builtin.ts";
import { createDefaultConfig, DEFAULT_CONFIG_FEATURE_GATES } from "./default_config.ts";

/** Usage text printed by `--help`. */
export const USAGE = `Usage: otelcol [command] [flags]

Runs the collector. Without --config it runs a built-in default configuration: the otlp
receiver on localhost (gRPC 4317, HTTP 4318) feeding traces, metrics, logs and profiles
pipelines through batch into debug.

Commands:
  validate      check the configuration (building every component's config) and exit:
                0 when valid, 1 with every problem listed otherwise; nothing is started
  components    list the built-in components and their stability per signal

Flags:
  --config <uri>          configuration source, repeatable, merged in order: a file path,
                          file:<path>, env:<VAR> or yaml:<inline yaml>
  --set <key.path=value>  override one configuration value (repeatable)
  --feature-gates <list>  comma-separated feature gates to enable (prefix - to disable),
                          such as service.profilesSupport
  --workers <n|auto>      run the pipelines in n worker processes that share the listening
                          ports (auto: one per CPU core); default 1, this process alone.
                          More than 1 needs Deno's --unstable-net (deno task collector
                          passes it)
  --version               print the version and exit
  --help                  print this help and exit

SIGINT (Ctrl-C) or SIGTERM stops the collector gracefully: receivers stop first, then batches
and sending queues drain into the exporters for service.shutdown.drain_timeout (default 10s);
what exporters still hold then is dropped, logged and counted (a persistent queue keeps it for
the next start), and components get ${
  SHUTDOWN_ACCOUNTING_MS / 1000
} s more to stop. The exit status is 0 when every
component stopped, 1 when one failed or missed that deadline.
`;

/** Options of {@linkcode main}, for embedding and tests. */
export interface MainOptions {
  /** The factories; default the core components. */
  readonly factories?: Factories;
  /** Writes one line of normal output; default standard output. */
  readonly out?: (line: string) => void;
  /** Writes one line of diagnostics; default standard error. */
  readonly err?: (line: string) => void;
  /** Whether to stop on SIGINT and SIGTERM; default true. */
  readonly handleSignals?: boolean;
}

const STABILITY_LABELS: Readonly<Record<string, string>> = {
  unmaintained: "Unmaintained",
  deprecated: "Deprecated",
  development: "Development",
  alpha: "Alpha",
  beta: "Beta",
  stable: "Stable",
};

/**
 * Runs the command line and returns the process exit code: 0 on success, and after a shutdown
 * on a signal in which every component stopped (data dropped when the drain time ran out is
 * logged and counted, not a failure); 1 for an invalid configuration, a failed start, a fatal
 * component error, or a component that failed to stop or missed the shutdown deadline; 2 for a
 * usage error.
 *
 * @param args the arguments after the program name
 * @param options output and factory replacements
 */
export async function main(args: string[], options: MainOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => console.log(line));
  const err = options.err ?? ((line: string) => console.error(line));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        config: { type: "string", multiple: true },
        set: { type: "string", multiple: true },
        "feature-gates": { type: "string", multiple: true },
        workers: { type: "string" },
        // Internal: the process is a worker a supervisor started (see supervisor.ts).
        "worker-process": { type: "boolean" },
        version: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    err(`otelcol: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    out(USAGE);
    return 0;
  }
  if (parsed.values.version) {
    out(`otelcol (denocol) ${BUILD_INFO.version}`);
    return 0;
  }
  const [command, ...extra] = parsed.positionals;
  if (
    extra.length > 0 || (command !== undefined && !["validate", "components"].includes(command))
  ) {
    err(`otelcol: unknown command ${JSON.stringify(parsed.positionals.join(" "))}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values["worker-process"]) {
    // Loaded only here: a worker's modules (file storage, the memory limiter's hooks) are not
    // needed by a collector in one process that does not configure them.
    const { runWorker } = await import("./worker.ts");
    return await runWorker({
      factories: options.factories ??
        ((config) => loadBuiltinFactories(namedTypes(toPlain(config)))),
      handleSignals: options.handleSignals ?? true,
      err,
    });
  }
  const workers = parseWorkers(parsed.values.workers);
  if (typeof workers === "string") {
    err(`otelcol: ${workers}\n\n${USAGE}`);
    return 2;
  }
  if (command === "components") {
    out(describeComponents(options.factories ?? await loadBuiltinFactories()));
    return 0;
  }
  const configs = parsed.values.config ?? [];
  const sets = parsed.values.set ?? [];
  const source: ConfigSourceOptions = configs.length > 0 ? { configs, sets } : {
    config: createDefaultConfig(options.factories ?? await loadBuiltinFactories(DEFAULT_TYPES)),
    sets,
  };
  const factories = options.factories ?? await builtinFactoriesFor(source);
  let featureGates: FeatureGateRegistry;
  try {
    // The default configuration has a profiles pipeline, so running on it turns the gate on;
    // the user's --feature-gates still apply after, and can turn it off.
    const gates = [
      ...(configs.length === 0 ? DEFAULT_CONFIG_FEATURE_GATES : []),
      ...(parsed.values["feature-gates"] ?? []),
    ];
    featureGates = featureGatesFrom(gates.join(","));
  } catch (error) {
    err(`otelcol: ${(error as Error).message}`);
    return 1;
  }
  const collectorOptions: CollectorOptions = {
    factories,
    featureGates,
    buildInfo: BUILD_INFO,
    ...source,
  };
  if (command === "validate") return await validate(collectorOptions, out, err);
  if (workers > 1) {
    const { runSupervisor } = await import("./supervisor.ts");
    return await runSupervisor({
      collector: collectorOptions,
      workers,
      handleSignals: options.handleSignals ?? true,
      err,
    });
  }
  return await run(collectorOptions, options.handleSignals ?? true, err);
}

/** The component types of the configuration `otelcol` runs without `--config`. */
const DEFAULT_TYPES: TypesByKind = new Map([
  ["receiver", new Set(["otlp"])],
  ["processor", new Set(["batch"])],
  ["exporter", new Set(["debug"])],
]);

/**
 * The built-in factories of the types the configuration names. A configuration that cannot be
 * read gets every factory: the collector then reads it again and reports what is wrong, with the
 * same words as without this step.
 */
async function builtinFactoriesFor(source: ConfigSourceOptions): Promise<Factories> {
  let root: ConfigNode;
  try {
    ({ root } = await loadCollectorConfig(source));
  } catch {
    return await loadBuiltinFactories();
  }
  return await loadBuiltinFactories(namedTypes(toPlain(root)));
}

/** The number of workers `--workers` asks for, or what is wrong with it. */
export function parseWorkers(value: string | undefined): number | string {
  if (value === undefined) return 1;
  if (value === "auto") return Math.max(1, navigator.hardwareConcurrency);
  if (/^[0-9]+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_WORKERS) {
    return Number(value);
  }
  return `--workers: expected a number of worker processes from 1 to ${MAX_WORKERS}, or auto; ` +
    `got ${JSON.stringify(value)}`;
}

/** The most workers `--workers` accepts. */
const MAX_WORKERS = 1024;

async function validate(
  options: CollectorOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  try {
    const validated = await validateCollectorConfig(options);
    for (const warning of [...validated.loadWarnings, ...validated.warnings]) {
      err(`warning: ${warning.message}`);
    }
    out("the configuration is valid");
    return 0;
  } catch (error) {
    err(error instanceof ConfigErrors ? error.message : `otelcol: ${(error as Error).message}`);
    return 1;
  }
}

async function run(
  options: CollectorOptions,
  handleSignals: boolean,
  err: (line: string) => void,
): Promise<number> {
  const collector = new Collector(options);
  const stop = Promise.withResolvers<string>();
  const listeners: [Deno.Signal, () => void][] = [];
  if (handleSignals) {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const listener = () => stop.resolve(signal);
      Deno.addSignalListener(signal, listener);
      listeners.push([signal, listener]);
    }
  }
  try {
    try {
      await collector.start();
    } catch (error) {
      err(
        error instanceof ConfigErrors
          ? error.message
          : `otelcol: cannot start the collector: ${(error as Error).message}`,
      );
      return 1;
    }
    const reason = await Promise.race([stop.promise, collector.done.then(() => "")]);
    if (reason !== "") collector.logger.info(`received ${reason}; shutting down`);
    const exit = await collector.shutdown();
    if (exit.fatalError !== undefined) {
      err(`otelcol: stopped after a fatal component error: ${exit.fatalError.message}`);
      return 1;
    }
    return exit.shutdownErrors.length === 0 ? 0 : 1;
  } finally {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  }
}

/**
 * The `components` listing in YAML: build information, then each kind's factories with their
 * stability per supported signal (connectors per signal pair, extensions as a whole).
 */
export function describeComponents(factories: Factories): string {
  const index = new FactoryIndex(factories);
  const label = (level: string) => STABILITY_LABELS[level] ?? level;
  const perSignal = (factory: ReceiverFactory | ProcessorFactory | ExporterFactory) => {
    const stability: Record<string, string> = {};
    for (const signal of SIGNAL_NAMES) {
      const level = factory.stability(signal);
      if (level !== "undefined") stability[signal] = label(level);
    }
    return stability;
  };
  const pairs = (factory: ConnectorFactory) => {
    const stability: Record<string, string> = {};
    for (const from of SIGNAL_NAMES) {
      for (const to of SIGNAL_NAMES) {
        const level = factory.stability(from, to);
        if (level !== "undefined") stability[`${from}-to-${to}`] = label(level);
      }
    }
    return stability;
  };
  const list = <K extends Kind>(
    kind: K,
    stabilityOf: (factory: FactoryOfKind[K]) => Record<string, string>,
  ) => index.list(kind).map((factory) => ({ name: factory.type, stability: stabilityOf(factory) }));
  return stringify({
    buildinfo: BUILD_INFO,
    receivers: list("receiver", perSignal),
    processors: list("processor", perSignal),
    exporters: list("exporter", perSignal),
    connectors: list("connector", pairs),
    extensions: list("extension", (f) => ({ extension: label(f.stability) })),
  }).trimEnd();
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
