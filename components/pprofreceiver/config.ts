import { parseConfigDuration, parseEndpoint } from "@denocol/config";

/** One endpoint to pull profiles from, such as Go's `/debug/pprof/profile`. */
export interface ScrapeConfig {
  /**
   * URL of the profile (`http://127.0.0.1:6060/debug/pprof/profile`), or `host:port` for
   * `http://host:port/debug/pprof/profile`.
   */
  endpoint: string;
  /** Time between two pulls, such as `"60s"`. */
  interval: string | number;
  /**
   * Sent as the `seconds` query parameter (a CPU profile's length, or a delta heap profile's
   * window); `null` sends none and the server chooses (Go: 30 s for CPU profiles).
   */
  seconds: number | null;
  /** `service.name` of these profiles; `null` uses the receiver's `service_name`. */
  service_name: string | null;
}

/** Configuration of the `pprof` receiver. */
export interface PprofReceiverConfig {
  /** Globs of profile files (`*`, `?`, `**`, `[...]`, `{a,b}`) read at start. */
  include: string[];
  /** Time between two looks for new files, such as `"10s"`; `0` (default) looks only at start. */
  poll_interval: string | number;
  /** ID of a storage extension in which read files are remembered across restarts. */
  storage: string | null;
  /** Endpoints pulled on a schedule. */
  scrape: ScrapeConfig[];
  /** `host:port` of an HTTP endpoint taking pushed profiles (`POST /ingest`); `null`: none. */
  endpoint: string | null;
  /** `service.name` of profiles whose source names none. */
  service_name: string;
  /** Largest profile accepted, after decompression, in MiB. */
  max_profile_size_mib: number;
}

/** The component type. */
export const TYPE = "pprof";

/** The default configuration: nothing to read until `include`, `scrape` or `endpoint` is set. */
export function createDefaultConfig(): PprofReceiverConfig {
  return {
    include: [],
    poll_interval: "0s",
    storage: null,
    scrape: [],
    endpoint: null,
    service_name: "unknown_service",
    max_profile_size_mib: 64,
  };
}

/** A configuration value that does not fit; `configPath` points the service at its line. */
export class PprofConfigError extends Error {
  /** Dotted path inside the receiver's configuration, such as `scrape.0.interval`. */
  readonly path: string;
  /** The same path as the service reads it to point at the YAML line (list positions as numbers). */
  readonly configPath: readonly (string | number)[];

  /** Creates the error for the value at `path`. */
  constructor(path: string, detail: string) {
    super(`pprof receiver: ${path}: ${detail}`);
    this.name = "PprofConfigError";
    this.path = path;
    this.configPath = path.split(".").map((s) => /^\d+$/.test(s) ? Number(s) : s);
  }
}

/** Restates an error of `@denocol/config` (which names `path` itself) as the receiver's. */
function restated<T>(path: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new PprofConfigError(path, (error as Error).message.replace(`${path}: `, ""));
  }
}

/** Milliseconds of a duration at `path`. */
export function durationMs(value: string | number, path: string): number {
  return restated(path, () => parseConfigDuration(value, path));
}

/** The URL a scrape entry pulls, without the `seconds` parameter. */
export function scrapeUrl(endpoint: string, path: string): URL {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new PprofConfigError(path, `expected an http:// URL, got ${JSON.stringify(endpoint)}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new PprofConfigError(
        path,
        `expected an http:// or https:// URL, got ${JSON.stringify(endpoint)}`,
      );
    }
    return url;
  }
  restated(path, () => parseEndpoint(endpoint, path));
  return new URL(`http://${endpoint}/debug/pprof/profile`);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

/**
 * Checks a configuration.
 *
 * @throws {PprofConfigError} naming the path of the first value that does not fit.
 */
export function validateConfig(config: PprofReceiverConfig): void {
  if (!Array.isArray(config.include) || !config.include.every((g) => isString(g) && g !== "")) {
    throw new PprofConfigError("include", "expected a list of file globs");
  }
  const poll = durationMs(config.poll_interval, "poll_interval");
  if (poll < 0) throw new PprofConfigError("poll_interval", "must not be negative");
  if (config.storage !== null && (!isString(config.storage) || config.storage === "")) {
    throw new PprofConfigError("storage", "expected the ID of a storage extension");
  }
  if (!Array.isArray(config.scrape)) {
    throw new PprofConfigError("scrape", "expected a list of {endpoint, interval, seconds}");
  }
  config.scrape.forEach((entry, i) => {
    const at = `scrape.${i}`;
    if (typeof entry !== "object" || entry === null) {
      throw new PprofConfigError(at, "expected a map with endpoint, interval and seconds");
    }
    const known = new Set(["endpoint", "interval", "seconds", "service_name"]);
    for (const key of Object.keys(entry)) {
      if (!known.has(key)) {
        throw new PprofConfigError(
          `${at}.${key}`,
          "unknown key; expected endpoint, interval, seconds or service_name",
        );
      }
    }
    if (!isString(entry.endpoint) || entry.endpoint === "") {
      throw new PprofConfigError(`${at}.endpoint`, "expected a URL or host:port");
    }
    scrapeUrl(entry.endpoint, `${at}.endpoint`);
    if (durationMs(entry.interval ?? "60s", `${at}.interval`) <= 0) {
      throw new PprofConfigError(`${at}.interval`, "must be positive");
    }
    const seconds = entry.seconds ?? null;
    if (seconds !== null && (!Number.isInteger(seconds) || seconds <= 0)) {
      throw new PprofConfigError(
        `${at}.seconds`,
        `expected a positive whole number, got ${JSON.stringify(seconds)}`,
      );
    }
    const name = entry.service_name ?? null;
    if (name !== null && !isString(name)) {
      throw new PprofConfigError(`${at}.service_name`, "expected a string");
    }
  });
  if (config.endpoint !== null) {
    if (!isString(config.endpoint)) throw new PprofConfigError("endpoint", "expected host:port");
    restated("endpoint", () => parseEndpoint(config.endpoint!, "endpoint"));
  }
  if (!isString(config.service_name) || config.service_name === "") {
    throw new PprofConfigError("service_name", "expected a non-empty string");
  }
  const size = config.max_profile_size_mib;
  if (typeof size !== "number" || !(size > 0)) {
    throw new PprofConfigError(
      "max_profile_size_mib",
      `expected a positive number, got ${JSON.stringify(size)}`,
    );
  }
}

/** A scrape entry with its defaults filled in (decoding keeps only the keys written). */
export function scrapeDefaults(entry: Partial<ScrapeConfig>): ScrapeConfig {
  return {
    endpoint: entry.endpoint ?? "",
    interval: entry.interval ?? "60s",
    seconds: entry.seconds ?? null,
    service_name: entry.service_name ?? null,
  };
}
