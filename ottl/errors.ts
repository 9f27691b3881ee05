/**
 * Errors of OTTL: {@link OttlSyntaxError} and {@link OttlCompileError} are found when statements
 * are compiled (at start-up), {@link OttlRuntimeError} while they run on data.
 */

/** A statement or condition that cannot be compiled, with where in its text the problem is. */
export class OttlCompileError extends Error {
  /** The statement or condition. */
  readonly source: string;
  /** Offset (0-based) of the problem in `source`. */
  readonly offset: number;

  /**
   * Creates the error.
   *
   * @param detail What is wrong and what was expected.
   * @param source The statement or condition.
   * @param offset Where in `source` (0-based).
   */
  constructor(detail: string, source: string, offset: number) {
    super(`${detail} (column ${offset + 1} of ${JSON.stringify(source)})`);
    this.name = "OttlCompileError";
    this.source = source;
    this.offset = offset;
  }

  /** The message without the statement, for callers that print the statement themselves. */
  get detail(): string {
    return this.message.slice(0, this.message.lastIndexOf(" (column "));
  }
}

/** A statement or condition that is not valid OTTL grammar. */
export class OttlSyntaxError extends OttlCompileError {
  /** Creates the error. */
  constructor(detail: string, source: string, offset: number) {
    super(detail, source, offset);
    this.name = "OttlSyntaxError";
  }
}

/** A statement or condition that failed on one item of data. */
export class OttlRuntimeError extends Error {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The underlying error, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OttlRuntimeError";
  }
}
