/**
 * The `script` processor: a processor written in TypeScript (or JavaScript), loaded from a file
 * when the collector starts, with no rebuild. It has no Go counterpart.
 *
 * ```yaml
 * processors:
 *   script:
 *     module: ./processors/redact.ts    # a path (from the working directory) or a file: URL
 *     error_mode: propagate             # default; or ignore
 *     settings: { attribute: user.email }  # passed to the module's init(settings)
 * ```
 *
 * The module is loaded with a dynamic `import()` and may export any of `processTraces`,
 * `processMetrics`, `processLogs` and `processProfiles` (see {@link ScriptModule}). Each gets
 * the request's data (`@denocol/pdata`; profiles from `@denocol/pdata-experimental`) and a
 * {@link ProcessContext}, changes it as it likes (the data API: `AttributeMap`,
 * `ProfileAttributes`, `idToHex`…), and returns what goes on: the data (or new data), `null`
 * to drop the request, or nothing to pass on the data it was given; a promise of any of these
 * works too. An exported `init(settings)` runs once, before any data, with `settings`. A
 * pipeline of a signal whose function the module does not export fails to start, naming what
 * the module exports.
 *
 * A throw (or rejection) becomes an error of this component naming the module, the line and
 * column of the throw in it, the function and the message. With `error_mode: propagate` the
 * request fails with a permanent error (the data is dropped and the sender told); with
 * `ignore` the error is logged and the data passed on as the function left it.
 *
 * **The module runs with the collector's permissions**: whatever the Deno process may do
 * (read and write files, open connections, run programs, read the environment), the module may
 * do too. Load only modules you would run as the collector's user.
 *
 * An example module, `examples/redact.ts` of this package:
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 * import { AttributeMap, type Traces, traces } from "@denocol/pdata";
 * import { factory } from "@denocol/scriptprocessor";
 *
 * const config = {
 *   ...factory.createDefaultConfig(),
 *   module: new URL("./examples/redact.ts", import.meta.url).href,
 *   settings: { attribute: "user.email" },
 * };
 * factory.validateConfig?.(config);
 * const sink = new SinkConsumer<Traces>();
 * const processor = factory.createTraces(nopSettings("processor", "script"), config, sink);
 * await processor.start(nopHost());
 * await processor.consume(traces.decodeJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{
 *   spans: [{ name: "health" }, { name: "GET /", attributes: [{ key: "user.email", value: { stringValue: "a@b.c" } }] }],
 * }] }] })));
 * const spans = sink.all[0].resourceSpans[0].scopeSpans[0].spans;
 * assert.deepEqual(spans.map((s) => s.name), ["GET /"]);
 * assert.equal(new AttributeMap(spans[0].attributes).get("user.email"), "***");
 * await processor.shutdown();
 * ```
 *
 * @module
 */

import { type Logger, type Settings, withValidateConfig } from "@denocol/component";
import {
  type ClientInfo,
  type ConsumeContext,
  type Consumer,
  PermanentError,
} from "@denocol/consumer";
import type { Logs, Metrics, Traces } from "@denocol/pdata";
import type { Profiles } from "@denocol/pdata-experimental";
import {
  newProcessor,
  type Processor,
  withLogs,
  withMetrics,
  withTraces,
} from "@denocol/processor";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/processor-experimental";
import { type LoadedScript, loadScript, ScriptError } from "./load.ts";

export { ScriptError } from "./load.ts";

/** The component type. */
export const TYPE = "script";

/** What a script function is given besides the data. */
export interface ProcessContext {
  /** The client that sent the data, when the receiver knows it (`include_metadata`). */
  readonly client?: ClientInfo;
  /** Aborted when the caller stops waiting. */
  readonly signal?: AbortSignal;
  /** The processor's logger (its records name the component). */
  readonly logger: Logger;
}

/**
 * What a script function returns: the data to pass on, `null` to drop the request, nothing to
 * pass on the data it was given (changed in place), or a promise of one of these.
 */
export type ScriptResult<T> = T | null | undefined | void | Promise<T | null | undefined | void>;

/** A function of a script module for the data `T`. */
export type ScriptFunction<T> = (data: T, context: ProcessContext) => ScriptResult<T>;

/** What a script module may export; every member is optional. */
export interface ScriptModule {
  /** Runs once, before any data, with the processor's `settings` (`{}` when none). */
  init?(settings: Record<string, unknown>): void | Promise<void>;
  /** Processes a traces request. */
  processTraces?: ScriptFunction<Traces>;
  /** Processes a metrics request. */
  processMetrics?: ScriptFunction<Metrics>;
  /** Processes a logs request. */
  processLogs?: ScriptFunction<Logs>;
  /**
   * Processes a profiles request (its attributes and stacks through `ProfileAttributes` and
   * `sampleStack` of `@denocol/pdata-experimental`).
   *
   * # Experimental
   *
   * The profiles signal is EXPERIMENTAL and may be changed or removed in a later release.
   */
  processProfiles?: ScriptFunction<Profiles>;
}

/** Configuration of the `script` processor. */
export interface Config {
  /** The module: a path (resolved from the working directory) or a `file:` URL (required). */
  module: string | null;
  /** A throw: `propagate` (default) fails the request, `ignore` logs it and passes the data on. */
  error_mode: "ignore" | "propagate";
  /** Passed to the module's `init(settings)`. */
  settings: Record<string, unknown> | null;
}

/** A fresh default configuration (no module: not valid by itself). */
export function createDefaultConfig(): Config {
  return { module: null, error_mode: "propagate", settings: null };
}

/** A configuration error, with the path below the processor's configuration. */
export class ScriptConfigError extends Error {
  /** Path below the processor's configuration. */
  readonly configPath: (string | number)[];

  /** Creates the error. */
  constructor(configPath: (string | number)[], detail: string) {
    super(`script processor: ${detail}`);
    this.name = "ScriptConfigError";
    this.configPath = configPath;
  }
}

/** Checks `config`: a module path of a TypeScript or JavaScript file, the error mode, settings. */
export function validateConfig(config: Config): void {
  if (typeof config.module !== "string" || config.module.trim() === "") {
    throw new ScriptConfigError(["module"], 'missing required field "module" (a .ts or .js file)');
  }
  if (!/\.(?:[cm]?[jt]s|tsx|jsx)$/.test(config.module)) {
    throw new ScriptConfigError(
      ["module"],
      `module ${JSON.stringify(config.module)}: expected a .ts, .js, .mts or .mjs file`,
    );
  }
  if (config.error_mode !== "ignore" && config.error_mode !== "propagate") {
    throw new ScriptConfigError(
      ["error_mode"],
      `unknown error mode ${JSON.stringify(config.error_mode)}; expected ignore or propagate`,
    );
  }
  if (
    config.settings !== null && config.settings !== undefined &&
    (typeof config.settings !== "object" || Array.isArray(config.settings))
  ) {
    throw new ScriptConfigError(["settings"], "expected a map of settings");
  }
}

/** The module of each configuration, loaded (and initialised) once for all its signals. */
const loaded = new WeakMap<Config, Promise<LoadedScript>>();

function scriptOf(config: Config): Promise<LoadedScript> {
  let script = loaded.get(config);
  if (script === undefined) {
    script = loadScript(config.module!, config.settings ?? {});
    loaded.set(config, script);
    // A failed load is tried again by the next start.
    script.catch(() => loaded.delete(config));
  }
  return script;
}

const FUNCTIONS = {
  traces: "processTraces",
  metrics: "processMetrics",
  logs: "processLogs",
  profiles: "processProfiles",
} as const;

function createScript<T>(signal: keyof typeof FUNCTIONS) {
  return (settings: Settings, config: Config, next: Consumer<T>): Processor<T> => {
    const name = FUNCTIONS[signal];
    const logger = settings.telemetry.logger;
    let run: ((data: T, context: ProcessContext) => Promise<T | null>) | undefined;
    return newProcessor<T>(next, async (data, context: ConsumeContext) => {
      try {
        const result = await run!(data, { ...context, logger });
        return result === null ? undefined : result;
      } catch (error) {
        if (!(error instanceof ScriptError)) throw error;
        if (config.error_mode === "propagate") {
          throw new PermanentError(`processor ${settings.id}: ${error.message}`, {
            cause: error.cause,
          });
        }
        logger.error("script failed; the data goes on as the function left it", {
          error: error.message,
        });
        return data;
      }
    }, {
      capabilities: { mutatesData: true },
      start: async () => {
        const script = await scriptOf(config);
        run = script.bind<T>(name, signal);
      },
    });
  };
}

/**
 * The factory of the `script` processor: traces, metrics and logs development, profiles
 * development.
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<Config> = newFactory<Config>(
  TYPE,
  createDefaultConfig,
  withTraces(createScript<Traces>("traces"), "development"),
  withMetrics(createScript<Metrics>("metrics"), "development"),
  withLogs(createScript<Logs>("logs"), "development"),
  withProfiles(createScript<Profiles>("profiles"), "development"),
  withValidateConfig(validateConfig),
);
