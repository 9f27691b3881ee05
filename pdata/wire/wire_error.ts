// The decoder's error: what is wrong and the field path where, built innermost first as the
// error leaves each generated decoder (`annotate`). Split from reader.ts, which re-exports it.

/** The protobuf wire types, by number. */
export const WIRE_TYPE_NAMES = ["VARINT", "I64", "LEN", "SGROUP", "EGROUP", "I32"];

/** What kind of problem a {@link WireError} is. */
export type WireErrorKind = "wire" | "strict" | "id" | "budget";

/**
 * A malformed input found by the binary reader. `segments` collects the field path innermost
 * first while the error travels up through the message decoders; {@link WireError.path} reads it
 * outermost first.
 */
export class WireError extends Error {
  /** Field path segments, innermost first (such as `name`, `spans[3]`, `scopeSpans[0]`). */
  readonly segments: string[] = [];
  /** What is wrong, without the path. */
  readonly reason: string;
  /**
   * `"strict"` when protobuf-es would have read on: a wrong wire type for a known field, a
   * sub-message or packed list running past its end (Go's generated decoders reject these too);
   * `"id"` for an id field of the wrong length; `"budget"` when decoding would take more memory
   * than {@link WireReader.budget} allowed; `"wire"` for everything else.
   */
  readonly kind: WireErrorKind;

  /**
   * Creates the error.
   *
   * @param reason what is wrong
   * @param kind which kind of problem it is
   */
  constructor(reason: string, kind: WireErrorKind = "wire") {
    super(reason);
    this.name = "WireError";
    this.reason = reason;
    this.kind = kind;
  }

  /** The field path, outermost first, dot-separated (empty for the top-level message). */
  get path(): string {
    return this.segments.slice().reverse().join(".");
  }
}

/** The exact value of the varint in `buf[start, end)`, for error messages. */
export function exactVarint(buf: Uint8Array, start: number, end: number): bigint {
  let value = 0n;
  for (let i = end - 1; i >= start; i--) value = (value << 7n) | BigInt(buf[i] & 0x7f);
  return value;
}

/**
 * The error for an id field that is neither empty nor of its length (checked once the message
 * holding it is complete, so that only the value that is kept counts).
 *
 * @param name the field's local name
 * @param expected its length in bytes
 * @param actual the length found
 */
export function idLengthError(name: string, expected: number, actual: number): WireError {
  const error = new WireError(`expected ${expected} bytes, got ${actual}`, "id");
  error.segments.push(name);
  return error;
}

/**
 * Adds the field where `error` happened to its path as it leaves a message decoder; any other
 * exception (which a correct reader never raises) becomes a {@link WireError} too.
 *
 * @param error what was thrown
 * @param message the message being decoded, to find a repeated field's index
 * @param field the number of the field being read, 0 before the first tag
 * @param names local field names by field number
 */
export function annotate(
  error: unknown,
  message: object,
  field: number,
  names: Readonly<Record<number, string>>,
): WireError {
  const wire = error instanceof WireError ? error : new WireError(String(error));
  if (field === 0) return wire;
  const name = names[field];
  if (name === undefined) {
    wire.segments.push(`#${field}`);
    return wire;
  }
  const value = (message as Record<string, unknown>)[name];
  // The element being read has not been appended yet: its index is the list's length.
  wire.segments.push(Array.isArray(value) ? `${name}[${value.length}]` : name);
  return wire;
}
