// Reads an HTTP request body into memory with a size limit that holds both on the bytes on the
// wire and on the bytes after `Content-Encoding` is undone, so that neither a large upload nor a
// small compressed body that expands enormously (a compression bomb) can exhaust memory: reading
// stops at the first chunk past the limit.

/** Why a body could not be read. */
export class BodyError extends Error {
  /** HTTP status to answer with: 413 when over the limit, 400 otherwise. */
  readonly httpStatus: 400 | 413;

  constructor(httpStatus: 400 | 413, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BodyError";
    this.httpStatus = httpStatus;
  }
}

/** The `Content-Encoding` values the receiver understands (`zlib` and `deflate` are the same). */
export const SUPPORTED_ENCODINGS: readonly string[] = ["identity", "gzip", "deflate", "zlib"];

function decompressor(encoding: string): TransformStream<Uint8Array, Uint8Array> | undefined {
  switch (encoding) {
    case "":
    case "identity":
      return undefined;
    case "gzip":
    case "x-gzip":
      return new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>;
    case "deflate":
    case "zlib":
      return zlibOrRawDeflate();
    default:
      throw new BodyError(
        400,
        `unsupported Content-Encoding ${JSON.stringify(encoding)}; supported: gzip, deflate`,
      );
  }
}

/**
 * HTTP `deflate` is zlib-wrapped by the RFC, yet some clients send a bare deflate stream. The
 * first byte tells them apart: a zlib header names compression method 8 in its low nibble.
 */
function zlibOrRawDeflate(): TransformStream<Uint8Array, Uint8Array> {
  let inner: DecompressionStream | undefined;
  let writer: WritableStreamDefaultWriter<BufferSource> | undefined;
  let pump: Promise<void> | undefined;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (inner === undefined) {
        const isZlib = chunk.length > 0 && (chunk[0] & 0x0f) === 8 &&
          (chunk.length < 2 || ((chunk[0] << 8) | chunk[1]) % 31 === 0);
        inner = new DecompressionStream(isZlib ? "deflate" : "deflate-raw");
        writer = inner.writable.getWriter();
        const reader = inner.readable.getReader();
        pump = (async () => {
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) return;
              controller.enqueue(value);
            }
          } catch (error) {
            controller.error(error);
          }
        })();
      }
      return writer!.write(chunk as Uint8Array<ArrayBuffer>);
    },
    async flush() {
      if (writer === undefined) return;
      await writer.close();
      await pump;
    },
  });
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Reads `body` completely, undoing `contentEncoding`, and returns the decoded bytes.
 *
 * @param maxBytes Limit on the bytes received and on the bytes after decompression.
 * @throws {BodyError} 413 past the limit, 400 for an unknown encoding or corrupt compressed data.
 */
export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  contentEncoding: string | null,
  maxBytes: number,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const encoding = (contentEncoding ?? "").trim().toLowerCase();
  let transform: TransformStream<Uint8Array, Uint8Array> | undefined;
  try {
    transform = decompressor(encoding);
  } catch (error) {
    await body.cancel().catch(() => {});
    throw error;
  }
  let received = 0;
  const tooLarge = (what: string) =>
    new BodyError(413, `request body ${what} exceeds max_request_body_size of ${maxBytes} bytes`);
  // Without compression the wire bytes are the decoded bytes: read them directly. With it,
  // wire bytes are counted before they reach the decompressor.
  const counted = transform === undefined ? body : body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.length;
        if (received > maxBytes) controller.error(tooLarge("size"));
        else controller.enqueue(chunk);
      },
    }),
  );
  const decoded = transform === undefined ? counted : counted.pipeThrough(transform);
  const reader = decoded.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        throw tooLarge(transform === undefined ? "size" : "size after decompression");
      }
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof BodyError) throw error;
    if (received > maxBytes) throw tooLarge("size");
    throw new BodyError(
      400,
      `cannot read request body${transform ? ` (Content-Encoding ${encoding})` : ""}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  return concat(chunks, total);
}
