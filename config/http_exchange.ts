// What an HTTP server hands a handler and takes back, the same for the HTTP/1.1 engine and for
// HTTP/2 streams, so that a handler (the OTLP/HTTP receiver) is written once for both. A request
// body is read on demand, whole and contiguous, with a limit: a handler can answer 401, 404 or
// 413 without reading a byte of it.

import { clientMetadata } from "@denocol/consumer";

/** Header fields of a request, names in lower case, in the order received. */
export class HttpHeaders {
  readonly #fields: readonly (readonly [string, string])[];

  /**
   * Holds the fields as received.
   *
   * @param fields `[lower-case name, value]` pairs.
   */
  constructor(fields: readonly (readonly [string, string])[]) {
    this.#fields = fields;
  }

  /** The field's value, several occurrences joined with `, `, or `null` when absent. */
  get(name: string): string | null {
    let found: string | null = null;
    for (const [key, value] of this.#fields) {
      if (key !== name) continue;
      found = found === null ? value : `${found}, ${value}`;
    }
    return found;
  }

  /** Whether the field is present. */
  has(name: string): boolean {
    return this.#fields.some(([key]) => key === name);
  }

  /** Every `[name, value]` pair, in the order received. */
  entries(): IterableIterator<readonly [string, string]> {
    return this.#fields.values();
  }

  /**
   * The fields as client metadata: a map from name to every value it had, built by
   * `clientMetadata` of `@denocol/consumer`, which owns that shape.
   */
  toMap(): ReadonlyMap<string, readonly string[]> {
    return clientMetadata(this.#fields);
  }
}

/** Why a request body could not be read, with the status to answer. */
export class BodyReadError extends Error {
  /**
   * 400 malformed framing or a broken connection, 408 too slow, 413 too large, 503 shutdown or
   * memory refused by the body's {@linkcode BodyBudget}.
   */
  readonly status: 400 | 408 | 413 | 503;
  /** For a 503 the client may retry: the suggested wait, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  /**
   * Creates the error.
   *
   * @param status The HTTP status the request should be answered with.
   * @param message What went wrong.
   * @param options The underlying error and, for a 503, the suggested wait before a retry.
   */
  constructor(
    status: 400 | 408 | 413 | 503,
    message: string,
    options?: ErrorOptions & { retryAfterMs?: number },
  ) {
    super(message, options);
    this.name = "BodyReadError";
    this.status = status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/**
 * Memory a body may take as it arrives: asked for every growth of the body's buffer, so that a
 * body is refused (503) once memory is spent instead of after it was buffered. What it grants
 * is the caller's to give back.
 */
export interface BodyBudget {
  /**
   * Asks for `bytes` more.
   *
   * @returns `undefined` when granted, or the wait in milliseconds to suggest to the client.
   */
  take(bytes: number): number | undefined;
}

/** Asks `budget` for `bytes`, throwing the 503 that refuses the body when it says no. */
export function takeFromBudget(budget: BodyBudget | undefined, bytes: number): void {
  if (budget === undefined || bytes <= 0) return;
  const retryAfterMs = budget.take(bytes);
  if (retryAfterMs !== undefined) {
    throw new BodyReadError(
      503,
      "data refused due to high memory usage: no room for the request body",
      { retryAfterMs },
    );
  }
}

/**
 * Frees the memory of a body buffer the caller owns and will not use again (a refused request),
 * at once rather than at V8's next garbage collection: a refused 20 MB body otherwise stays
 * counted as memory in use, and refuses the next requests, until V8 gets round to collecting it.
 * Every view of the buffer becomes empty, so it must not be called on a buffer anything still
 * reads (decoded data keeps views of its request body).
 */
export function freeBody(body: Uint8Array | undefined): void {
  const buffer = body?.buffer;
  if (!(buffer instanceof ArrayBuffer) || buffer.detached) return;
  try {
    buffer.transfer(0);
  } catch {
    // not transferable (a WebAssembly memory or a non-resizable view of one): left to the GC
  }
}

/**
 * Frees a chunk a stream handed over, once its bytes have been copied out, when the chunk is the
 * whole of its own buffer (as Deno's `node:http2` and `node:net` hand them over, 16 KiB each). The
 * native memory behind such chunks is otherwise released only when V8 collects them, and V8 does
 * not count it: under a steady gRPC load the process heap grew by 30 MiB of chunks waiting for a
 * collection (see the README's benchmark notes). A chunk that is a view of a larger buffer is
 * left alone, since other views may still be read.
 */
export function releaseChunk(chunk: Uint8Array): void {
  if (chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.byteLength) freeBody(chunk);
}

/** A request as a handler sees it. */
export interface ServerRequest {
  /** Method, as sent (`POST`). */
  readonly method: string;
  /** Path of the request target, without the query. */
  readonly path: string;
  /** Query of the request target, after the `?` (`""` when none). */
  readonly query?: string;
  /** Protocol the request came in: `HTTP/1.0`, `HTTP/1.1` or `HTTP/2`. */
  readonly protocol: string;
  /** Header fields. */
  readonly headers: HttpHeaders;
  /** The client's IP address, if known. */
  readonly remoteAddress: string | undefined;
  /** The body's length as declared (`Content-Length`), if it was. */
  readonly declaredLength: number | undefined;
  /**
   * Reads the whole body as sent (any `Content-Encoding` left in place), into one buffer that
   * grows with what arrives.
   *
   * @param maxBytes Largest body accepted: past it the read stops with a 413 error.
   * @param budget Asked for memory as the body's buffer grows; past it the read stops with 503.
   * @throws {BodyReadError} on a body over the limit, a stall, malformed framing, shutdown or
   *   memory refused.
   */
  readBody(maxBytes: number, budget?: BodyBudget): Promise<Uint8Array>;
  /** Aborted when the client goes away or the server gives up on the request. */
  readonly signal: AbortSignal;
}

/** A handler's answer. */
export interface ServerResponse {
  /** Status code. */
  status: number;
  /** Header fields (lower-case names); the server adds `content-length` and `connection`. */
  headers?: Record<string, string>;
  /** Body, if any. */
  body?: Uint8Array | string;
}

/**
 * Handles one request. A rejection is answered with its message: a {@linkcode BodyReadError}
 * with its status, anything else with 500.
 */
export type ServerHandler = (request: ServerRequest) => Promise<ServerResponse>;

/** The answer for a handler's rejection. */
export function errorResponse(error: unknown): ServerResponse {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof BodyReadError) {
    return {
      status: error.status,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: message,
    };
  }
  return {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: `internal error: ${message}`,
  };
}
