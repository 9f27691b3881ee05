// A unary gRPC server on `node:http2` streams: the framing, status, deadline and compression
// rules of the gRPC over HTTP/2 protocol, with messages handed over as bytes. It exists so that a
// receiver decodes requests with its own codec and the same checks on both transports (connect's
// handler decodes with protobuf-es before any code of ours runs), and so that every limit of the
// Go collector's `configgrpc` server is ours to enforce: the message size is checked on the frame
// header before the message is buffered, a bad frame flag is refused, `grpc-timeout` is honoured.

import * as http2 from "node:http2";
import {
  compressionNamed,
  decompress,
  DecompressedTooLargeError,
  GRPC_COMPRESSIONS,
} from "./compression.ts";
import { type BodyBudget, freeBody, HttpHeaders, releaseChunk } from "./http_exchange.ts";
import {
  GrpcBudgetError,
  GrpcStatus,
  GrpcStatusError,
  parseGrpcTimeout,
  statusHeaders,
} from "./grpc_status.ts";

/** One unary call as a method handler sees it. */
export interface GrpcCall {
  /** The method path, `/package.Service/Method`. */
  readonly path: string;
  /** Request metadata (header fields other than the HTTP/2 pseudo-headers). */
  readonly metadata: HttpHeaders;
  /** The client's IP address, if known. */
  readonly remoteAddress: string | undefined;
  /** When the client's deadline (`grpc-timeout`) passes, as a `performance.now()` time. */
  readonly deadline: number | undefined;
  /** Aborted when the client cancels or the deadline passes. */
  readonly signal: AbortSignal;
  /**
   * Reads the request message, decompressed.
   *
   * @param budget Asked for memory as the message's buffer grows; past it the read stops.
   * @throws {GrpcStatusError} `ResourceExhausted` past the size limit, `Internal` for bad
   *   framing, `Cancelled` when the client goes away; {@linkcode GrpcBudgetError} when the budget
   *   says no.
   */
  readMessage(budget?: BodyBudget): Promise<Uint8Array>;
}

/** A unary method: resolves with the response message or rejects with a status. */
export type GrpcUnaryHandler = (call: GrpcCall) => Promise<Uint8Array>;

/** Limits of the gRPC server (`configgrpc`). */
export interface GrpcServerLimits {
  /** Largest request message, before and after decompression (`max_recv_msg_size_mib`). */
  maxRecvMsgBytes: number;
}

const SUPPORTED_ENCODINGS = ["identity", ...GRPC_COMPRESSIONS];
function decompressMessage(encoding: string, bytes: Uint8Array, maxBytes: number): Uint8Array {
  try {
    // `deflate` in gRPC is zlib-wrapped; a bare deflate stream is accepted as well.
    return decompress(compressionNamed(encoding) ?? "gzip", bytes, maxBytes);
  } catch (error) {
    if (error instanceof DecompressedTooLargeError) {
      throw new GrpcStatusError(
        GrpcStatus.resourceExhausted,
        `grpc: received message after decompression larger than max (${maxBytes} bytes)`,
      );
    }
    throw new GrpcStatusError(
      GrpcStatus.internal,
      `grpc: failed to decompress the message (${encoding}): ${(error as Error).message}`,
    );
  }
}

/** Reads the single length-prefixed message of a unary request from `stream`. */
function readUnaryMessage(
  stream: http2.ServerHttp2Stream,
  encoding: string,
  limits: GrpcServerLimits,
  signal: AbortSignal,
  shutdown: AbortSignal | undefined,
  budget: BodyBudget | undefined,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let header = new Uint8Array(5);
    let headerFilled = 0;
    let message: Uint8Array | undefined;
    let length = 0;
    let filled = 0;
    let flag = 0;
    let done = false;
    const finish = (error: GrpcStatusError | undefined, value?: Uint8Array) => {
      if (done) return;
      done = true;
      stream.off("data", onData);
      stream.off("end", onEnd);
      signal.removeEventListener("abort", onAbort);
      shutdown?.removeEventListener("abort", onShutdown);
      if (error !== undefined) {
        stream.pause();
        freeBody(message);
        reject(error);
      } else resolve(value!);
    };
    const grant = (bytes: number): boolean => {
      const retryAfterMs = budget === undefined || bytes <= 0 ? undefined : budget.take(bytes);
      if (retryAfterMs === undefined) return true;
      finish(new GrpcBudgetError(retryAfterMs));
      return false;
    };
    const onAbort = () =>
      finish(new GrpcStatusError(GrpcStatus.cancelled, String(signal.reason ?? "cancelled")));
    // A message still arriving when the server shuts down is refused so the client retries
    // elsewhere; calls already past this point finish normally.
    const onShutdown = () =>
      finish(new GrpcStatusError(GrpcStatus.unavailable, "the server is shutting down"));
    const onData = (chunk: Uint8Array) => {
      try {
        take(chunk);
      } finally {
        releaseChunk(chunk);
      }
    };
    const take = (chunk: Uint8Array) => {
      let at = 0;
      while (at < chunk.length) {
        if (message !== undefined && filled === length && headerFilled === 5) {
          finish(
            new GrpcStatusError(
              GrpcStatus.internal,
              "grpc: a unary request carried more than one message",
            ),
          );
          return;
        }
        if (headerFilled < 5) {
          const n = Math.min(5 - headerFilled, chunk.length - at);
          header.set(chunk.subarray(at, at + n), headerFilled);
          headerFilled += n;
          at += n;
          if (headerFilled < 5) return;
          flag = header[0];
          length = new DataView(header.buffer).getUint32(1);
          if (flag !== 0 && flag !== 1) {
            finish(
              new GrpcStatusError(
                GrpcStatus.internal,
                `grpc: received unexpected payload format ${flag} (the compressed flag must be 0 or 1)`,
              ),
            );
            return;
          }
          if (length > limits.maxRecvMsgBytes) {
            finish(
              new GrpcStatusError(
                GrpcStatus.resourceExhausted,
                `grpc: received message larger than max (${length} vs. ${limits.maxRecvMsgBytes})`,
              ),
            );
            return;
          }
          // The buffer grows with what arrives, so a declared length costs nothing by itself.
          const first = Math.min(length, 1024 * 1024);
          if (!grant(first)) return;
          message = new Uint8Array(first);
          filled = 0;
          continue;
        }
        const n = Math.min(length - filled, chunk.length - at);
        if (filled + n > message!.length) {
          const capacity = Math.min(length, Math.max(filled + n, message!.length * 2));
          if (!grant(capacity - message!.length)) return;
          const grown = new Uint8Array(capacity);
          grown.set(message!.subarray(0, filled));
          freeBody(message);
          message = grown;
        }
        message!.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
      }
    };
    const onEnd = () => {
      if (headerFilled === 0) {
        finish(new GrpcStatusError(GrpcStatus.internal, "grpc: the request carried no message"));
        return;
      }
      if (headerFilled < 5 || filled < length) {
        finish(
          new GrpcStatusError(
            GrpcStatus.internal,
            `grpc: the request ended inside a message (${filled} of ${length} bytes)`,
          ),
        );
        return;
      }
      const body = message!.subarray(0, length);
      if (flag === 0) {
        finish(undefined, body);
        return;
      }
      if (encoding === "identity") {
        finish(
          new GrpcStatusError(
            GrpcStatus.internal,
            "grpc: compressed flag set on a message without grpc-encoding",
          ),
        );
        return;
      }
      try {
        const decompressed = decompressMessage(encoding, body, limits.maxRecvMsgBytes);
        freeBody(message);
        finish(undefined, decompressed);
      } catch (error) {
        finish(error as GrpcStatusError);
      }
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    if (shutdown?.aborted) {
      onShutdown();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    shutdown?.addEventListener("abort", onShutdown, { once: true });
    stream.on("data", onData);
    stream.on("end", onEnd);
    header = header.subarray(0, 5);
  });
}

/** Sends a trailers-only answer (the status in the only HEADERS frame), or trailers after data. */
function sendStatus(stream: http2.ServerHttp2Stream, error: GrpcStatusError): void {
  if (stream.destroyed || stream.closed) return;
  try {
    if (!stream.headersSent) {
      stream.respond({
        ":status": 200,
        "content-type": "application/grpc",
        ...statusHeaders(error),
      }, { endStream: true });
    } else stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  } catch {
    // the stream went away meanwhile
  }
  // An upload still arriving after the answer is cut off with RST_STREAM(NO_ERROR).
  setTimeout(() => {
    if (!stream.destroyed && !stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
  }, 0);
}

function sendMessage(stream: http2.ServerHttp2Stream, message: Uint8Array): void {
  if (stream.destroyed || stream.closed) return;
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, {
    waitForTrailers: true,
  });
  stream.once("wantTrailers", () => {
    try {
      stream.sendTrailers({ "grpc-status": "0" });
    } catch {
      // the client went away
    }
  });
  stream.end(frame);
}

/** Options of {@linkcode createGrpcStreamListener}. */
export interface GrpcStreamListenerOptions {
  /** The unary methods served, by path (`/package.Service/Method`). */
  methods: ReadonlyMap<string, GrpcUnaryHandler>;
  /** Size limits. */
  limits: GrpcServerLimits;
  /** Aborted when the server shuts down: messages still being read are refused `Unavailable`. */
  shutdown?: AbortSignal;
}

/**
 * A `stream` listener for a `node:http2` server that serves unary gRPC methods. Paths with no
 * method answer `Unimplemented`, non-gRPC requests HTTP 415 (as the gRPC specification asks).
 */
export function createGrpcStreamListener(
  options: GrpcStreamListenerOptions,
): (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void {
  const { methods, limits } = options;
  return (stream, headers) => {
    stream.on("error", () => {});
    const path = String(headers[":path"] ?? "").split("?")[0];
    const contentType = String(headers["content-type"] ?? "");
    if (!contentType.startsWith("application/grpc")) {
      try {
        stream.respond({ ":status": 415, "content-type": "text/plain" }, { endStream: true });
      } catch {
        // gone
      }
      return;
    }
    if (contentType !== "application/grpc" && contentType !== "application/grpc+proto") {
      sendStatus(
        stream,
        new GrpcStatusError(
          GrpcStatus.internal,
          `grpc: content-type ${JSON.stringify(contentType)} is not supported (only protobuf)`,
        ),
      );
      return;
    }
    if (headers[":method"] !== "POST") {
      try {
        stream.respond({ ":status": 405, allow: "POST" }, { endStream: true });
      } catch {
        // gone
      }
      return;
    }
    const handler = methods.get(path);
    if (handler === undefined) {
      sendStatus(
        stream,
        new GrpcStatusError(GrpcStatus.unimplemented, `unknown service or method ${path}`),
      );
      return;
    }
    const encoding = String(headers["grpc-encoding"] ?? "identity").trim().toLowerCase();
    if (!SUPPORTED_ENCODINGS.includes(encoding)) {
      stream.respond({
        ":status": 200,
        "content-type": "application/grpc",
        "grpc-accept-encoding": SUPPORTED_ENCODINGS.join(","),
        ...statusHeaders(
          new GrpcStatusError(
            GrpcStatus.unimplemented,
            `grpc: compression ${JSON.stringify(encoding)} is not supported; supported: ${
              SUPPORTED_ENCODINGS.join(", ")
            }`,
          ),
        ),
      }, { endStream: true });
      return;
    }
    let timeoutMs: number | undefined;
    const timeoutHeader = headers["grpc-timeout"];
    if (timeoutHeader !== undefined) {
      timeoutMs = parseGrpcTimeout(String(timeoutHeader));
      if (timeoutMs === undefined) {
        sendStatus(
          stream,
          new GrpcStatusError(
            GrpcStatus.internal,
            `grpc: malformed grpc-timeout ${JSON.stringify(timeoutHeader)}`,
          ),
        );
        return;
      }
    }
    const abort = new AbortController();
    let finished = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cancel = (reason: string) => {
      if (!finished) abort.abort(new Error(reason));
    };
    stream.once("close", () => cancel("the client cancelled the call"));
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        if (finished) return;
        finished = true;
        abort.abort(new Error("deadline exceeded"));
        sendStatus(
          stream,
          new GrpcStatusError(
            GrpcStatus.deadlineExceeded,
            `deadline exceeded: the call did not finish within its grpc-timeout of ${
              String(timeoutHeader)
            }`,
          ),
        );
      }, Math.max(0, timeoutMs));
    }
    const metadata: [string, string][] = [];
    for (const [name, value] of Object.entries(headers)) {
      if (name.startsWith(":") || value === undefined) continue;
      if (Array.isArray(value)) { for (const v of value) metadata.push([name, v]); }
      else metadata.push([name, String(value)]);
    }
    const call: GrpcCall = {
      path,
      metadata: new HttpHeaders(metadata),
      remoteAddress: stream.session?.socket?.remoteAddress,
      deadline: timeoutMs === undefined ? undefined : performance.now() + timeoutMs,
      signal: abort.signal,
      readMessage: (budget) =>
        readUnaryMessage(stream, encoding, limits, abort.signal, options.shutdown, budget),
    };
    handler(call).then(
      (response) => {
        if (finished) return;
        finished = true;
        sendMessage(stream, response);
      },
      (error) => {
        if (finished) return;
        finished = true;
        sendStatus(
          stream,
          error instanceof GrpcStatusError ? error : new GrpcStatusError(
            GrpcStatus.internal,
            `internal error: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      },
    ).finally(() => clearTimeout(timer));
  };
}
