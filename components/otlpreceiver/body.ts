// Undoes a request's `Content-Encoding` (HTTP) or `grpc-encoding` (gRPC) on the whole body, with
// a limit on the decoded size that stops the decompressor as soon as it is passed, so that a small
// compressed body that expands enormously (a compression bomb) is refused without being held.

import { compressionNamed, decompress, DecompressedTooLargeError } from "@denocol/config";

/** Why a body could not be decoded. */
export class BodyError extends Error {
  /** HTTP status to answer with: 413 when over the limit, 400 otherwise. */
  readonly httpStatus: 400 | 413;

  constructor(httpStatus: 400 | 413, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BodyError";
    this.httpStatus = httpStatus;
  }
}

/** The encodings the receiver understands (`zlib` and `deflate` are the same). */
export const SUPPORTED_ENCODINGS: readonly string[] = ["gzip", "zstd", "deflate", "zlib", "snappy"];

/**
 * Decodes `bytes` sent with `encoding` (`deflate` zlib-wrapped or bare; `snappy` the block
 * format Go's `confighttp` sends).
 *
 * @param maxBytes Limit on the decoded size.
 * @throws {BodyError} 413 past the limit, 400 for an unknown encoding or corrupt data.
 */
export function decodeBody(bytes: Uint8Array, encoding: string, maxBytes: number): Uint8Array {
  const name = encoding.trim().toLowerCase();
  if (name === "" || name === "identity") return bytes;
  const compression = compressionNamed(name);
  if (compression === undefined) {
    throw new BodyError(
      400,
      `unsupported Content-Encoding ${JSON.stringify(encoding)}; supported: ${
        SUPPORTED_ENCODINGS.join(", ")
      }`,
    );
  }
  try {
    return decompress(compression, bytes, maxBytes);
  } catch (error) {
    if (error instanceof DecompressedTooLargeError) {
      throw new BodyError(
        413,
        `request body size after decompression exceeds the limit of ${maxBytes} bytes`,
      );
    }
    throw new BodyError(
      400,
      `cannot read request body (Content-Encoding ${name}): ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
}
