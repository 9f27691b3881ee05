// The compressions of OTLP bodies and gRPC messages, both ways: `gzip`, `zstd` and `deflate`
// (`zlib`) through `node:zlib`, and Snappy (the block format Go's `confighttp` sends as
// `Content-Encoding: snappy`) through snappyjs. snappyjs is plain JavaScript with no
// dependencies (the native `snappy` package would need a per-platform binary and `--allow-ffi`),
// widely used (the Snappy codec of KafkaJS among others), and its decoder checks the length a
// block declares against a limit before it allocates anything, which a bomb guard needs.

import zlib from "node:zlib";
import SnappyJS from "snappyjs";

/** Compressions a client can send with (`none` and `""` send as is). */
export type Compression = "gzip" | "zstd" | "deflate" | "zlib" | "snappy";

/** Every {@linkcode Compression}. */
export const COMPRESSIONS: readonly Compression[] = ["gzip", "zstd", "deflate", "zlib", "snappy"];

/** Compressions of gRPC messages (`grpc-encoding`); Snappy is not one of gRPC's. */
export const GRPC_COMPRESSIONS: readonly Compression[] = ["gzip", "zstd", "deflate"];

/** Thrown when decompressed data would pass the limit. */
export class DecompressedTooLargeError extends Error {
  /** The limit, in bytes. */
  readonly limit: number;

  /**
   * Creates the error.
   *
   * @param limit The limit that was passed, in bytes.
   */
  constructor(limit: number) {
    super(`decompressed size exceeds the limit of ${limit} bytes`);
    this.name = "DecompressedTooLargeError";
    this.limit = limit;
  }
}

/**
 * A zlib-wrapped deflate stream starts with a header naming method 8 whose two bytes are a
 * multiple of 31; HTTP `deflate` is zlib-wrapped by its RFC, yet some clients send a bare stream.
 */
function isZlibHeader(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && (bytes[0] & 0x0f) === 8 && ((bytes[0] << 8) | bytes[1]) % 31 === 0;
}

/** The bytes of a Buffer as a plain Uint8Array, sharing its memory. */
function plain(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** `bytes` compressed with `compression`. */
export function compress(compression: Compression, bytes: Uint8Array): Uint8Array {
  switch (compression) {
    case "gzip":
      return plain(zlib.gzipSync(bytes));
    case "zstd":
      return plain(zlib.zstdCompressSync(bytes));
    case "deflate":
    case "zlib":
      return plain(zlib.deflateSync(bytes));
    case "snappy":
      return SnappyJS.compress(bytes) as Uint8Array;
  }
}

/** `bytes` compressed with `compression`, off the main thread for the zlib formats. */
export async function compressAsync(
  compression: Compression,
  bytes: Uint8Array,
): Promise<Uint8Array> {
  const run = (f: (input: Uint8Array, done: (e: Error | null, out: Uint8Array) => void) => void) =>
    new Promise<Uint8Array>((resolve, reject) =>
      f(bytes, (error, out) => error ? reject(error) : resolve(plain(out)))
    );
  switch (compression) {
    case "gzip":
      return await run(zlib.gzip);
    case "zstd":
      return await run(zlib.zstdCompress);
    case "deflate":
    case "zlib":
      return await run(zlib.deflate);
    case "snappy":
      return compress(compression, bytes);
  }
}

/**
 * `bytes` decompressed from `compression`, stopping as soon as the output passes `maxBytes`.
 *
 * @throws {DecompressedTooLargeError} past the limit.
 * @throws {Error} for corrupt data (the decoder's message).
 */
export function decompress(
  compression: Compression,
  bytes: Uint8Array,
  maxBytes: number,
): Uint8Array {
  const options = { maxOutputLength: Math.max(1, maxBytes) };
  try {
    switch (compression) {
      case "gzip":
        return plain(zlib.gunzipSync(bytes, options));
      case "zstd":
        return plain(zlib.zstdDecompressSync(bytes, options));
      case "deflate":
      case "zlib":
        return plain(
          isZlibHeader(bytes)
            ? zlib.inflateSync(bytes, options)
            : zlib.inflateRawSync(bytes, options),
        );
      case "snappy":
        return SnappyJS.uncompress(bytes, maxBytes) as Uint8Array;
    }
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" ||
      (compression === "snappy" && /too big/.test((error as Error).message));
    if (tooLarge) throw new DecompressedTooLargeError(maxBytes);
    throw error;
  }
}

/** `name` as a {@linkcode Compression} (case and `x-gzip` forgiven), or `undefined`. */
export function compressionNamed(name: string): Compression | undefined {
  const lower = name.trim().toLowerCase();
  if (lower === "x-gzip") return "gzip";
  return (COMPRESSIONS as readonly string[]).includes(lower) ? lower as Compression : undefined;
}
