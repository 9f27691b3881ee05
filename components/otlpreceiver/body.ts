// Undoes a request's `Content-Encoding` (HTTP) or `grpc-encoding` (gRPC) on the whole body, with
// a limit on the decoded size that stops the decompressor as soon as it is passed, so that a small
// compressed body that expands enormously (a compression bomb) is refused without being held.

import zlib from "node:zlib";

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
export const SUPPORTED_ENCODINGS: readonly string[] = ["gzip", "zstd", "deflate", "zlib"];

/**
 * HTTP `deflate` is zlib-wrapped by the RFC, yet some clients send a bare deflate stream. The
 * first two bytes tell them apart: a zlib header names method 8 and is a multiple of 31.
 */
function isZlibHeader(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && (bytes[0] & 0x0f) === 8 && ((bytes[0] << 8) | bytes[1]) % 31 === 0;
}

/**
 * Decodes `bytes` sent with `encoding`.
 *
 * @param maxBytes Limit on the decoded size.
 * @throws {BodyError} 413 past the limit, 400 for an unknown encoding or corrupt data.
 */
export function decodeBody(bytes: Uint8Array, encoding: string, maxBytes: number): Uint8Array {
  const name = encoding.trim().toLowerCase();
  if (name === "" || name === "identity") return bytes;
  const options = { maxOutputLength: Math.max(1, maxBytes) };
  try {
    switch (name) {
      case "gzip":
      case "x-gzip":
        return zlib.gunzipSync(bytes, options);
      case "zstd":
        return zlib.zstdDecompressSync(bytes, options);
      case "deflate":
      case "zlib":
        return isZlibHeader(bytes)
          ? zlib.inflateSync(bytes, options)
          : zlib.inflateRawSync(bytes, options);
    }
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
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
  throw new BodyError(
    400,
    `unsupported Content-Encoding ${JSON.stringify(encoding)}; supported: ${
      SUPPORTED_ENCODINGS.join(", ")
    }`,
  );
}
