const PERMANENT = Symbol.for("denocol.consumer.PermanentError");
const RETRYABLE = Symbol.for("denocol.consumer.RetryableError");

/**
 * The data was rejected and sending it again cannot succeed (it is malformed, too large, or the
 * backend refused it for good). Exporters do not retry it; receivers answer with a
 * non-retryable status.
 */
export class PermanentError extends Error {
  /** Brand that survives duplicate copies of this package. */
  readonly [PERMANENT] = true;

  /**
   * Creates a permanent error.
   *
   * @param message What was rejected and why.
   * @param options `cause`: the underlying error.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentError";
  }

  /** Wraps `error` as permanent, keeping its message and carrying it as `cause`. */
  static wrap(error: unknown): PermanentError {
    if (error instanceof PermanentError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new PermanentError(message, { cause: error });
  }
}

/** Options of {@linkcode RetryableError}. */
export interface RetryableErrorOptions extends ErrorOptions {
  /** How long the sender asked us to wait before the next attempt, in milliseconds. */
  retryAfterMs?: number;
}

/**
 * The data was not accepted now but may be later (backend unavailable, throttled). Carries the
 * server's retry-after hint back to the exporter's retry loop and, through it, to receivers.
 */
export class RetryableError extends Error {
  /** Brand that survives duplicate copies of this package. */
  readonly [RETRYABLE] = true;
  /** Minimum wait before retrying, in milliseconds, if the server gave one. */
  readonly retryAfterMs?: number;

  /**
   * Creates a retryable error.
   *
   * @param message What failed.
   * @param options `retryAfterMs` hint and `cause`.
   */
  constructor(message: string, options: RetryableErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RetryableError";
    if (options.retryAfterMs !== undefined) {
      if (!(options.retryAfterMs >= 0)) {
        throw new RangeError(
          `retryAfterMs must be a non-negative number, got ${options.retryAfterMs}`,
        );
      }
      this.retryAfterMs = options.retryAfterMs;
    }
  }
}

/** Errors from several consumers of one fan-out; permanent only if every one of them is. */
export class FanOutError extends AggregateError {
  /**
   * Creates the combined error.
   *
   * @param errors The errors of the consumers that failed, at least two.
   */
  constructor(errors: readonly unknown[]) {
    super(
      errors,
      `${errors.length} consumers failed: ${
        errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ")
      }`,
    );
    this.name = "FanOutError";
  }
}

function isBranded(error: unknown, brand: symbol): boolean {
  return typeof error === "object" && error !== null &&
    (error as Record<symbol, unknown>)[brand] === true;
}

/**
 * Whether `error` means the data must not be sent again: a {@linkcode PermanentError}, an error
 * whose `cause` chain reaches one before any {@linkcode RetryableError}, or an aggregate whose
 * errors are all permanent.
 */
export function isPermanent(error: unknown): boolean {
  for (let current = error, depth = 0; depth < 32; depth++) {
    if (isBranded(current, PERMANENT)) return true;
    if (isBranded(current, RETRYABLE)) return false;
    if (current instanceof AggregateError) {
      return current.errors.length > 0 && current.errors.every((e) => isPermanent(e));
    }
    if (!(current instanceof Error) || current.cause === undefined) return false;
    current = current.cause;
  }
  return false;
}

/**
 * The retry-after hint carried by `error` in milliseconds: from a {@linkcode RetryableError} on
 * its `cause` chain, or the largest among an aggregate's errors; `undefined` if none.
 */
export function retryAfterOf(error: unknown): number | undefined {
  for (let current = error, depth = 0; depth < 32; depth++) {
    if (isBranded(current, RETRYABLE)) return (current as RetryableError).retryAfterMs;
    if (current instanceof AggregateError) {
      let longest: number | undefined;
      for (const inner of current.errors) {
        const hint = retryAfterOf(inner);
        if (hint !== undefined && (longest === undefined || hint > longest)) longest = hint;
      }
      return longest;
    }
    if (!(current instanceof Error) || current.cause === undefined) return undefined;
    current = current.cause;
  }
  return undefined;
}
