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
