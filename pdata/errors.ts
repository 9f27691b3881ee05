/** The wire format a {@link DecodeError} came from. */
export type DecodeFormat = "proto" | "json";

/**
 * Input that could not be decoded as OTLP: malformed bytes, invalid JSON, a value of the wrong
 * type, an id of the wrong length, or nesting deeper than the decoder accepts.
 *
 * The message names what was wrong and where (a JSON path such as
 * `resourceSpans[0].scopeSpans[0].spans[3].traceId`, or the message and field the binary reader
 * was in), so that a receiver can hand it back to the client as is.
 */
export class DecodeError extends Error {
  /** The wire format that was being decoded. */
  readonly format: DecodeFormat;
  /** Where in the input the problem is: a JSON path, or a protobuf field path; may be empty. */
  readonly path: string;

  /**
   * Creates the error.
   *
   * @param format the wire format being decoded
   * @param message what is wrong, including where
   * @param path where the problem is (also part of `message`)
   * @param options the underlying error, if any
   */
  constructor(format: DecodeFormat, message: string, path = "", options?: ErrorOptions) {
    super(message, options);
    this.name = "DecodeError";
    this.format = format;
    this.path = path;
  }
}

/** Input that could not be encoded, such as an id field whose byte length is wrong. */
export class EncodeError extends Error {
  /** The wire format that was being encoded. */
  readonly format: DecodeFormat;

  /**
   * Creates the error.
   *
   * @param format the wire format being encoded
   * @param message what is wrong, including where
   * @param options the underlying error, if any
   */
  constructor(format: DecodeFormat, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EncodeError";
    this.format = format;
  }
}

/**
 * Decoding stopped because the decoded objects would take more memory than the caller allowed
 * ({@link DecodeOptions.maxMemoryBytes}). The input may be valid: it is too large to decode now.
 */
export class DecodeBudgetError extends Error {
  /** The memory the decode was allowed, in bytes. */
  readonly limitBytes: number;

  /**
   * Creates the error.
   *
   * @param limitBytes the memory the decode was allowed
   * @param inputBytes the size of the input
   */
  constructor(limitBytes: number, inputBytes: number) {
    super(
      `decoding ${inputBytes} bytes would take more than the ${limitBytes} bytes of memory ` +
        "it was allowed",
    );
    this.name = "DecodeBudgetError";
    this.limitBytes = limitBytes;
  }
}

/** Options of a binary decode. */
export interface DecodeOptions {
  /**
   * Largest estimate of the memory the decoded objects may take, in bytes; past it the decode
   * stops with {@link DecodeBudgetError}. Estimated from object headers, properties, strings and
   * byte views as they are created. Default: no limit.
   */
  maxMemoryBytes?: number;
}

/** What a decode with {@link DecodeOptions.maxMemoryBytes} reports besides its result. */
export interface DecodeCost {
  /** Estimated bytes of memory the decoded objects take. */
  memoryBytes: number;
}
