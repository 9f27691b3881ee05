import { ERROR_MODES, type ErrorMode, type GroupConfig } from "@denocol/ottl";

/** A group of statements in the advanced form (`context:`, `conditions:`, `statements:`). */
export interface ContextStatements {
  /** The context; inferred from the paths when absent. */
  context?: string;
  /** Conditions, ORed, that guard every statement of the group. */
  conditions?: string[];
  /** The statements, in order. */
  statements: string[];
  /** Overrides the processor's `error_mode` for this group. */
  error_mode?: ErrorMode;
}

/** Configuration of the `transform` processor; keys as in the Go collector. */
export interface Config {
  /** What a failing statement does: `ignore` (default), `silent` or `propagate`. */
  error_mode: ErrorMode;
  /** Statements for traces: strings (one group) or groups. */
  trace_statements: (string | ContextStatements)[];
  /** Statements for metrics. */
  metric_statements: (string | ContextStatements)[];
  /** Statements for logs. */
  log_statements: (string | ContextStatements)[];
  /** Statements for profiles (experimental). */
  profile_statements: (string | ContextStatements)[];
  /** Go's `flatten_data` (behind a feature gate there); only `false` is supported. */
  flatten_data: boolean;
}

/** A fresh default configuration (no statements, `error_mode: ignore`). */
export function createDefaultConfig(): Config {
  return {
    error_mode: "ignore",
    trace_statements: [],
    metric_statements: [],
    log_statements: [],
    profile_statements: [],
    flatten_data: false,
  };
}

/** The statement lists of the configuration, by signal. */
export const STATEMENT_KEYS = {
  traces: "trace_statements",
  metrics: "metric_statements",
  logs: "log_statements",
  profiles: "profile_statements",
} as const;

/** A configuration error, with the config path the service points at in the YAML. */
export class TransformConfigError extends Error {
  /** Path below the processor's configuration. */
  readonly configPath: (string | number)[];

  /** Creates the error. */
  constructor(configPath: (string | number)[], detail: string, options?: ErrorOptions) {
    super(`transform processor: ${detail}`, options);
    this.name = "TransformConfigError";
    this.configPath = configPath;
  }
}

/** One group as OTTL compiles it, with where it sits in the configuration. */
export interface PlacedGroup {
  /** The group. */
  readonly group: GroupConfig;
  /** Its error mode. */
  readonly errorMode: ErrorMode;
  /** The path of its statements list (flat form) or of the group (advanced form). */
  readonly path: (string | number)[];
  /** Whether it is the flat form, whose statements are the list's items. */
  readonly flat: boolean;
}

const GROUP_KEYS = ["context", "conditions", "statements", "error_mode", "shared_cache"];

function errorMode(value: unknown, path: (string | number)[]): ErrorMode {
  if (typeof value === "string" && ERROR_MODES.includes(value.toLowerCase() as ErrorMode)) {
    return value.toLowerCase() as ErrorMode;
  }
  throw new TransformConfigError(
    path,
    `unknown error mode ${JSON.stringify(value)}; expected one of ${ERROR_MODES.join(", ")}`,
  );
}

function stringList(value: unknown, path: (string | number)[]): string[] {
  if (!Array.isArray(value)) throw new TransformConfigError(path, "expected a list of strings");
  value.forEach((item, i) => {
    if (typeof item !== "string") {
      throw new TransformConfigError(
        [...path, i],
        `expected a string, got ${JSON.stringify(item)}`,
      );
    }
  });
  return value as string[];
}

/**
 * The groups of one signal's list: all strings make one group (the flat form), all maps one
 * group each; mixing both is refused, as in Go.
 */
export function groupsOf(config: Config, key: string): PlacedGroup[] {
  const items = (config as unknown as Record<string, unknown>)[key];
  if (!Array.isArray(items)) throw new TransformConfigError([key], "expected a list");
  const defaultMode = errorMode(config.error_mode, ["error_mode"]);
  if (items.length === 0) return [];
  const strings = items.filter((item) => typeof item === "string");
  if (strings.length === items.length) {
    return [{ group: { statements: strings }, errorMode: defaultMode, path: [key], flat: true }];
  }
  if (strings.length > 0) {
    throw new TransformConfigError(
      [key],
      "configuring multiple configuration styles is not supported, please use only Basic " +
        "configuration (strings) or only Advanced configuration (context/statements maps)",
    );
  }
  return items.map((item, index) => {
    const path = [key, index];
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new TransformConfigError(path, "expected a statement or a map with statements");
    }
    const raw = item as Record<string, unknown>;
    for (const name of Object.keys(raw)) {
      if (!GROUP_KEYS.includes(name)) {
        const hint = name === "flatten"
          ? "flattening log records is not supported by denocol"
          : `valid keys: ${GROUP_KEYS.join(", ")}`;
        throw new TransformConfigError(
          [...path, name],
          `unknown key ${JSON.stringify(name)}; ${hint}`,
        );
      }
    }
    if (raw.shared_cache === true) {
      throw new TransformConfigError([...path, "shared_cache"], "shared caches are not supported");
    }
    if (raw.context !== undefined && typeof raw.context !== "string") {
      throw new TransformConfigError([...path, "context"], "expected a context name");
    }
    return {
      group: {
        context: raw.context as string | undefined,
        statements: stringList(raw.statements ?? [], [...path, "statements"]),
        conditions: stringList(raw.conditions ?? [], [...path, "conditions"]),
      },
      errorMode: raw.error_mode === undefined
        ? defaultMode
        : errorMode(raw.error_mode, [...path, "error_mode"]),
      path,
      flat: false,
    };
  });
}
