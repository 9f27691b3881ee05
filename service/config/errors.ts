/**
 * Errors and warnings about a configuration, each tied to a config path and, when the value
 * came from a YAML source, to the file, line and column where it was written.
 */

/** Where a configuration value was written: 1-based line and column in a named source. */
export interface Position {
  /** The source's name: a file path, or `<env:NAME>`, `<yaml>`, `<--set>` for other sources. */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column number. */
  readonly column: number;
}

/** One step of a config path: a map key or a list index. */
export type PathSegment = string | number;

/** Renders `["receivers", "otlp", "protocols"]` as `receivers.otlp.protocols`, indexes as `[2]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? segment : `.${segment}`;
  }
  return text === "" ? "<root>" : text;
}

/** Renders a position as `file:line:column`. */
export function formatPosition(position: Position): string {
  return `${position.file}:${position.line}:${position.column}`;
}

/** Options shared by {@linkcode ConfigError} and {@linkcode ConfigWarning}. */
export interface ConfigProblemOptions {
  /** The config path the problem is about, as segments or already rendered with dots. */
  readonly path: readonly PathSegment[] | string;
  /** Where the value was written, if it came from a source with positions. */
  readonly position?: Position;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

function renderProblem(path: string, position: Position | undefined, detail: string): string {
  const prefix = position ? `${formatPosition(position)}: ` : "";
  return `${prefix}${path}: ${detail}`;
}

/**
 * A problem with one value of the configuration. The message reads
 * `config.yaml:12:7: receivers.otlp.protocols.grpc.endpoint: <what is wrong>`; the location
 * prefix is absent when the value did not come from a YAML source.
 */
export class ConfigError extends Error {
  /** The config path, dotted (`receivers.otlp.protocols`), list indexes as `[i]`. */
  readonly path: string;
  /** The source file (or `<env:NAME>`, `<yaml>`, `<--set>`), if known. */
  readonly file: string | undefined;
  /** 1-based line in {@linkcode ConfigError.file}, if known. */
  readonly line: number | undefined;
  /** 1-based column in {@linkcode ConfigError.file}, if known. */
  readonly column: number | undefined;
  /** What is wrong, without the location and path prefix. */
  readonly detail: string;

  /** Creates an error about the value at `options.path` saying `detail`. */
  constructor(detail: string, options: ConfigProblemOptions) {
    const path = typeof options.path === "string" ? options.path : formatPath(options.path);
    super(renderProblem(path, options.position, detail), { cause: options.cause });
    this.name = "ConfigError";
    this.path = path;
    this.file = options.position?.file;
    this.line = options.position?.line;
    this.column = options.position?.column;
    this.detail = detail;
  }
}

/**
 * A configuration that is accepted but probably not what the user meant, such as a component
 * that is configured but used by no pipeline. Same fields as {@linkcode ConfigError}.
 */
export class ConfigWarning {
  /** The config path, dotted. */
  readonly path: string;
  /** The source file, if known. */
  readonly file: string | undefined;
  /** 1-based line, if known. */
  readonly line: number | undefined;
  /** 1-based column, if known. */
  readonly column: number | undefined;
  /** What is suspicious, without the location and path prefix. */
  readonly detail: string;
  /** The full text: `file:line:column: path: detail`. */
  readonly message: string;

  /** Creates a warning about the value at `options.path` saying `detail`. */
  constructor(detail: string, options: ConfigProblemOptions) {
    this.path = typeof options.path === "string" ? options.path : formatPath(options.path);
    this.file = options.position?.file;
    this.line = options.position?.line;
    this.column = options.position?.column;
    this.detail = detail;
    this.message = renderProblem(this.path, options.position, detail);
  }

  /** The full text of the warning. */
  toString(): string {
    return this.message;
  }
}

/**
 * Every problem found in a configuration, reported at once. Its message lists one error per
 * line, ordered by source position, so a user can fix them all in one go.
 */
export class ConfigErrors extends Error {
  /** The individual problems, in the order they are listed in the message. */
  readonly errors: readonly ConfigError[];

  /** Wraps `errors` (at least one) in one error. */
  constructor(errors: readonly ConfigError[]) {
    const sorted = sortProblems(errors);
    const heading = sorted.length === 1
      ? "invalid configuration: 1 error"
      : `invalid configuration: ${sorted.length} errors`;
    super(`${heading}\n${sorted.map((error) => `  - ${error.message}`).join("\n")}`);
    this.name = "ConfigErrors";
    this.errors = sorted;
  }
}

/** Orders problems by file, line and column; problems without a position keep their order last. */
export function sortProblems<T extends { file?: string; line?: number; column?: number }>(
  problems: readonly T[],
): T[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      const pa = a.problem, pb = b.problem;
      if (pa.file === undefined || pb.file === undefined) {
        if (pa.file !== pb.file) return pa.file === undefined ? 1 : -1;
        return a.index - b.index;
      }
      if (pa.file !== pb.file) return a.index - b.index;
      return (pa.line! - pb.line!) || (pa.column! - pb.column!) || (a.index - b.index);
    })
    .map(({ problem }) => problem);
}

/** Collects errors and warnings while walking a configuration, so that all are reported at once. */
export class ProblemCollector {
  /** Errors found so far. */
  readonly errors: ConfigError[] = [];
  /** Warnings found so far. */
  readonly warnings: ConfigWarning[] = [];

  /** Records an error about `path`. */
  error(
    path: readonly PathSegment[] | string,
    position: Position | undefined,
    detail: string,
  ): void {
    this.errors.push(new ConfigError(detail, { path, position }));
  }

  /** Records a warning about `path`. */
  warn(
    path: readonly PathSegment[] | string,
    position: Position | undefined,
    detail: string,
  ): void {
    this.warnings.push(new ConfigWarning(detail, { path, position }));
  }

  /** Adds an error, or every error of a {@linkcode ConfigErrors}, thrown by a nested step. */
  absorb(
    error: unknown,
    fallback: { path: readonly PathSegment[] | string; position?: Position },
  ): void {
    if (error instanceof ConfigErrors) this.errors.push(...error.errors);
    else if (error instanceof ConfigError) this.errors.push(error);
    else {
      const detail = error instanceof Error ? error.message : String(error);
      this.errors.push(new ConfigError(detail, { ...fallback, cause: error }));
    }
  }

  /** Throws a {@linkcode ConfigErrors} with everything collected, if there is any error. */
  throwIfAny(): void {
    if (this.errors.length > 0) throw new ConfigErrors(this.errors);
  }
}
