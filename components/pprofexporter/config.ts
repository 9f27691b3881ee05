import {
  defaultHelperConfig,
  type HelperConfig,
  validateHelperConfig,
} from "@denocol/exporter/exporterhelper";

/** Configuration of the `pprof` exporter, with the exporter helper's keys. */
export interface PprofExporterConfig extends HelperConfig {
  /** Directory the gzipped pprof files are written to; `null`: none. */
  path: string | null;
  /** URL the pprof files are POSTed to (Pyroscope's `/ingest`); `null`: none. */
  endpoint: string | null;
  /** Header fields sent with every POST, such as an `authorization`. */
  headers: Record<string, string>;
}

/** The component type. */
export const TYPE = "pprof";

/** The default configuration: nowhere to write yet; a 30 s timeout, retries and a queue. */
export function createDefaultConfig(): PprofExporterConfig {
  return { path: null, endpoint: null, headers: {}, ...defaultHelperConfig("30s") };
}

/** A configuration value that does not fit; `configPath` points the service at its line. */
export class PprofExporterConfigError extends Error {
  /** Dotted path inside the exporter's configuration, such as `endpoint`. */
  readonly configPath: string;

  /** Creates the error for the value at `path`. */
  constructor(path: string, detail: string) {
    super(`pprof exporter: ${path}: ${detail}`);
    this.name = "PprofExporterConfigError";
    this.configPath = path;
  }
}

/**
 * Checks a configuration: `path`, `endpoint` or both, an http(s) URL, string headers, and the
 * helper sections.
 *
 * @throws {PprofExporterConfigError} naming the path of the value that does not fit.
 */
export function validateConfig(config: PprofExporterConfig, path = `exporters::${TYPE}`): void {
  if (config.path === null && config.endpoint === null) {
    throw new PprofExporterConfigError(
      "path",
      "set path (a directory to write pprof files to), endpoint (a URL to POST them to) or both",
    );
  }
  if (config.path !== null && (typeof config.path !== "string" || config.path === "")) {
    throw new PprofExporterConfigError("path", "expected a directory");
  }
  if (config.endpoint !== null) {
    let url: URL | undefined;
    try {
      url = new URL(config.endpoint);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new PprofExporterConfigError(
        "endpoint",
        `expected an http:// or https:// URL, got ${JSON.stringify(config.endpoint)}`,
      );
    }
  }
  if (typeof config.headers !== "object" || config.headers === null) {
    throw new PprofExporterConfigError("headers", "expected a map of header names to values");
  }
  for (const [name, value] of Object.entries(config.headers)) {
    if (typeof value !== "string") {
      throw new PprofExporterConfigError(`headers.${name}`, "expected a string");
    }
  }
  validateHelperConfig(config, path);
}
