/** The name, unit and description of the metric made of one sample type. */
export interface MetricConfig {
  /** The sample type's type, such as `cpu` or `alloc_space`. */
  sample_type: string;
  /** The sample type's unit, such as `nanoseconds`; `null` matches any unit. */
  sample_unit: string | null;
  /** The metric's name, such as `profile.cpu.time`. */
  name: string;
  /** The metric's description; `null` for the default. */
  description: string | null;
  /** The metric's unit (UCUM); `null` for the one derived from the sample unit. */
  unit: string | null;
}

/** Configuration of the `profilestometrics` connector. */
export interface ProfilesToMetricsConfig {
  /**
   * Functions with their own data point per service and sample type, by largest value; the
   * others are summed under `other_function_name`. `0` keeps every function.
   */
  top_functions: number;
  /** `function.name` of the data point summing the functions past `top_functions`. */
  other_function_name: string;
  /** Resource attributes copied to the metrics' resource; `null` copies the whole resource. */
  include_resource_attributes: string[] | null;
  /** Metric names for sample types; other types get `profile.<type>`. */
  metrics: MetricConfig[];
}

/** The component type. */
export const TYPE = "profilestometrics";

/** The default configuration: the top 20 functions, the whole resource, default names. */
export function createDefaultConfig(): ProfilesToMetricsConfig {
  return {
    top_functions: 20,
    other_function_name: "(other)",
    include_resource_attributes: null,
    metrics: [],
  };
}

/** A configuration value that does not fit; `configPath` points the service at its line. */
export class ProfilesToMetricsConfigError extends Error {
  /** Dotted path inside the connector's configuration, such as `metrics.0.name`. */
  readonly path: string;
  /** The same path as the service reads it to point at the YAML line (list positions as numbers). */
  readonly configPath: readonly (string | number)[];

  /** Creates the error for the value at `path`. */
  constructor(path: string, detail: string) {
    super(`profilestometrics connector: ${path}: ${detail}`);
    this.name = "ProfilesToMetricsConfigError";
    this.path = path;
    this.configPath = path.split(".").map((s) => /^\d+$/.test(s) ? Number(s) : s);
  }
}

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value !== "";

/** A metric entry with its defaults filled in (decoding keeps only the keys written). */
export function metricDefaults(entry: Partial<MetricConfig>): MetricConfig {
  return {
    sample_type: entry.sample_type ?? "",
    sample_unit: entry.sample_unit ?? null,
    name: entry.name ?? "",
    description: entry.description ?? null,
    unit: entry.unit ?? null,
  };
}

/**
 * Checks a configuration.
 *
 * @throws {ProfilesToMetricsConfigError} naming the path of the value that does not fit.
 */
export function validateConfig(config: ProfilesToMetricsConfig): void {
  if (!Number.isInteger(config.top_functions) || config.top_functions < 0) {
    throw new ProfilesToMetricsConfigError(
      "top_functions",
      `expected a whole number, 0 or more, got ${JSON.stringify(config.top_functions)}`,
    );
  }
  if (!nonEmpty(config.other_function_name)) {
    throw new ProfilesToMetricsConfigError("other_function_name", "expected a non-empty string");
  }
  const include = config.include_resource_attributes;
  if (include !== null && (!Array.isArray(include) || !include.every(nonEmpty))) {
    throw new ProfilesToMetricsConfigError(
      "include_resource_attributes",
      "expected a list of attribute keys",
    );
  }
  if (!Array.isArray(config.metrics)) {
    throw new ProfilesToMetricsConfigError("metrics", "expected a list of {sample_type, name}");
  }
  const seen = new Set<string>();
  config.metrics.forEach((raw, i) => {
    const entry = metricDefaults(raw);
    if (!nonEmpty(entry.sample_type)) {
      throw new ProfilesToMetricsConfigError(
        `metrics.${i}.sample_type`,
        "expected a sample type such as cpu",
      );
    }
    if (!nonEmpty(entry.name)) {
      throw new ProfilesToMetricsConfigError(`metrics.${i}.name`, "expected a metric name");
    }
    const key = `${entry.sample_type}/${entry.sample_unit ?? "*"}`;
    if (seen.has(key)) {
      throw new ProfilesToMetricsConfigError(
        `metrics.${i}.sample_type`,
        `${entry.sample_type} is given a name twice`,
      );
    }
    seen.add(key);
  });
}
