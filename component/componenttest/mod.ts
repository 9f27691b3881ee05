/**
 * Test helpers for component authors: a host without extensions, settings with discarding or
 * capturing telemetry, and a logger that records what it was given.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { CapturingLogger, nopHost, nopSettings } from "@denocol/component/componenttest";
 *
 * const logger = new CapturingLogger();
 * const settings = nopSettings("receiver", undefined, { logger });
 * settings.telemetry.logger.info("hello");
 * assert.deepEqual(logger.records.map((record) => record.message), ["hello"]);
 * assert.equal(nopHost().extensions().size, 0);
 * ```
 *
 * @module
 */

import {
  type Attributes,
  type BuildInfo,
  type Component,
  type Host,
  ID,
  type Kind,
  type Logger,
  type LogLevel,
  type Meter,
  nopLogger,
  nopMeter,
  type Settings,
} from "@denocol/component";

/** One record captured by {@linkcode CapturingLogger}. */
export interface CapturedLog {
  /** Severity. */
  level: LogLevel;
  /** The message. */
  message: string;
  /** Attributes of the logger (from `with`) merged with those of the call. */
  attributes: Attributes;
}

/** A logger that keeps every record, shared with the loggers derived from it by `with`. */
export class CapturingLogger implements Logger {
  /** Every record written through this logger or any logger derived from it. */
  readonly records: CapturedLog[];
  readonly #base: Attributes;

  /**
   * Creates a logger appending to `records`.
   *
   * @param records Array to append to; loggers returned by `with` share it.
   * @param base Attributes added to every record.
   */
  constructor(records: CapturedLog[] = [], base: Attributes = {}) {
    this.records = records;
    this.#base = base;
  }

  #log(level: LogLevel, message: string, attributes?: Attributes): void {
    this.records.push({ level, message, attributes: { ...this.#base, ...attributes } });
  }

  /** Captures a debug record. */
  debug(message: string, attributes?: Attributes): void {
    this.#log("debug", message, attributes);
  }
  /** Captures an info record. */
  info(message: string, attributes?: Attributes): void {
    this.#log("info", message, attributes);
  }
  /** Captures a warning. */
  warn(message: string, attributes?: Attributes): void {
    this.#log("warn", message, attributes);
  }
  /** Captures an error record. */
  error(message: string, attributes?: Attributes): void {
    this.#log("error", message, attributes);
  }
  /** A logger writing to the same records with `attributes` added. */
  with(attributes: Attributes): CapturingLogger {
    return new CapturingLogger(this.records, { ...this.#base, ...attributes });
  }

  /** The messages captured at `level`, in order. */
  messages(level?: LogLevel): string[] {
    return this.records.filter((r) => level === undefined || r.level === level).map((r) =>
      r.message
    );
  }
}

/** A host without extensions whose fatal errors are collected in {@linkcode TestHost.fatalErrors}. */
export interface TestHost extends Host {
  /** Every error given to `reportFatalError`, in order. */
  readonly fatalErrors: Error[];
}

/**
 * A host with the given extensions (none by default) that records fatal errors instead of
 * stopping anything.
 */
export function nopHost(extensions: ReadonlyMap<string, Component> = new Map()): TestHost {
  const fatalErrors: Error[] = [];
  return {
    fatalErrors,
    getExtension: (id: ID) => extensions.get(id.toString()),
    extensions: () => extensions,
    reportFatalError: (error: Error) => {
      fatalErrors.push(error);
    },
  };
}

/** Build information used by {@linkcode nopSettings}. */
export const TEST_BUILD_INFO: BuildInfo = {
  command: "otelcol-test",
  description: "denocol test build",
  version: "0.0.0-test",
};

/** Overrides for {@linkcode nopSettings}. */
export interface TestTelemetryOptions {
  /** Logger to use instead of a discarding one. */
  logger?: Logger;
  /** Meter to use instead of a discarding one, such as a `MetricsRegistry`. */
  meter?: Meter;
}

/**
 * Settings for creating a component in a test: ID `nop` unless given, discarding telemetry unless
 * overridden, and {@linkcode TEST_BUILD_INFO}.
 */
export function nopSettings(
  kind: Kind,
  id: ID | string = new ID("nop"),
  telemetry: TestTelemetryOptions = {},
): Settings {
  return {
    id: typeof id === "string" ? ID.parse(id) : id,
    kind,
    telemetry: { logger: telemetry.logger ?? nopLogger(), meter: telemetry.meter ?? nopMeter() },
    buildInfo: TEST_BUILD_INFO,
  };
}

export {
  checkFactoryContract,
  ContractError,
  type FactoryContract,
  type SignalCase,
} from "./contract.ts";
