import type { Verbosity } from "./format.ts";

/** Configuration of the `debug` exporter; keys as in the Go collector. */
export interface Config {
  /** `basic` (one summary line per batch), `normal` (one line per item) or `detailed`. */
  verbosity: Verbosity;
  /** Batches written per second per signal before sampling starts. */
  sampling_initial: number;
  /** After the initial batches of a second, every Nth is written; `0` writes none. */
  sampling_thereafter: number;
  /**
   * `true`: write to stderr, where the collector's own log goes. `false`: write to
   * `output_paths`.
   */
  use_internal_logger: boolean;
  /**
   * With `use_internal_logger: false`, where to write: `stdout`, `stderr` or file paths
   * (appended to); `null` means `["stdout"]`.
   */
  output_paths: string[] | null;
}

const VERBOSITIES: readonly string[] = ["basic", "normal", "detailed"];

/** A fresh default configuration: basic verbosity, 2 initial then every batch, to stderr. */
export function createDefaultConfig(): Config {
  return {
    verbosity: "basic",
    sampling_initial: 2,
    sampling_thereafter: 1,
    use_internal_logger: true,
    output_paths: null,
  };
}

/**
 * Checks `config`.
 *
 * @throws {TypeError} naming the key and what was expected.
 */
export function validateConfig(config: Config): void {
  if (!VERBOSITIES.includes(config.verbosity)) {
    throw new TypeError(
      `debug exporter: verbosity: ${JSON.stringify(config.verbosity)} is not supported; ` +
        `expected basic, normal or detailed`,
    );
  }
  for (const key of ["sampling_initial", "sampling_thereafter"] as const) {
    const value = config[key];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      throw new TypeError(
        `debug exporter: ${key}: expected a non-negative integer, got ${JSON.stringify(value)}`,
      );
    }
  }
  if (typeof config.use_internal_logger !== "boolean") {
    throw new TypeError(
      `debug exporter: use_internal_logger: expected true or false, got ${
        JSON.stringify(config.use_internal_logger)
      }`,
    );
  }
  const paths = config.output_paths;
  if (paths === null) return;
  if (config.use_internal_logger) {
    throw new TypeError(
      "debug exporter: output_paths is only used with use_internal_logger: false",
    );
  }
  if (!Array.isArray(paths) || paths.length === 0) {
    throw new TypeError(
      "debug exporter: output_paths: expected a non-empty list of stdout, stderr or file paths",
    );
  }
  paths.forEach((path, i) => {
    if (typeof path !== "string" || path === "") {
      throw new TypeError(
        `debug exporter: output_paths[${i}]: expected stdout, stderr or a file path, got ${
          JSON.stringify(path)
        }`,
      );
    }
  });
}
