// A unary gRPC client on `node:http2` that sends and receives message bytes, the counterpart of
// `grpc_server.ts`: an exporter encodes with its own codec (or forwards the bytes it received)
// instead of going through a generated client's protobuf-es serialisation. It keeps one session
// per client, opens a new one when that one fails or is sent away, and reports every outcome as a
// gRPC status: the server's own, or the one the gRPC specification maps a transport failure to.

import * as http2 from "node:http2";
import {
  compress,
  type Compression,
  compressionNamed,
  decompress,
  DecompressedTooLargeError,
} from "./compression.ts";
import { formatGrpcTimeout, GrpcStatus, GrpcStatusError } from "./grpc_status.ts";
import { guardSessionTeardown } from "./http2.ts";
import { releaseChunk } from "./http_exchange.ts";

/** Options of a {@linkcode GrpcClient}. */
export interface GrpcClientOptions {
  /** `http://host:port` for h2c, `https://host:port` for TLS. */
  baseUrl: string;
  /** Node TLS options for `https` (certificates, `servername`, `rejectUnauthorized`). */
  tls?: http2.SecureClientSessionOptions;
  /** Told about connection-level errors (a failed TLS handshake), which fail calls. */
  onConnectionError?(error: Error): void;
  /** The `:authority` of every call (configgrpc's `authority`); default the URL's host. */
  authority?: string;
  /** Pings that find a dead connection before a call does (configgrpc's `keepalive`). */
  keepalive?: GrpcClientKeepalive;
}

/** HTTP/2 pings of a {@linkcode GrpcClient}'s connection. */
export interface GrpcClientKeepalive {
  /** Ping after this long, ms; 0 turns pings off. */
  readonly timeMs: number;
  /** A ping not answered within this closes the connection (the next call opens another), ms. */
  readonly timeoutMs: number;
  /** Whether to ping while no call is open. */
  readonly permitWithoutStream: boolean;
}

/** Options of one call. */
export interface GrpcCallOptions {
  /** Request metadata (lower-case names). */
  metadata?: Readonly<Record<string, string>>;
  /** Deadline, sent as `grpc-timeout` and enforced locally; none when absent or 0. */
  timeoutMs?: number;
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Compress the message with gzip (the same as `compression: "gzip"`). */
  gzip?: boolean;
  /** Compress the message: `gzip`, `zstd` or `deflate` (`grpc-encoding`). */
  compression?: Compression;
  /** Largest response message accepted, in bytes. Default 4 MiB. */
  maxResponseBytes?: number;
}

/** gRPC codes for HTTP statuses of responses that are not gRPC (the gRPC HTTP/2 mapping). */
function codeOfHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return GrpcStatus.internal;
    case 401:
      return GrpcStatus.unauthenticated;
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return GrpcStatus.unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.unavailable;
    default:
      return GrpcStatus.unknown;
  }
}

/** The gRPC code of a stream the server reset without a status. */
function codeOfReset(rstCode: number): number {
  switch (rstCode) {
    case http2.constants.NGHTTP2_REFUSED_STREAM:
      return GrpcStatus.unavailable;
    case http2.constants.NGHTTP2_CANCEL:
      return GrpcStatus.cancelled;
    case http2.constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return GrpcStatus.resourceExhausted;
    default:
      return GrpcStatus.internal;
  }
}

function decodeDetails(value: unknown): Uint8Array | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  try {
    return Uint8Array.from(
      atob(value.replace(/-/g, "+").replace(/_/g, "/")),
      (c) => c.charCodeAt(0),
    );
  } catch {
    return undefined;
  }
}

function decodeMessage(value: unknown): string {
  if (typeof value !== "string") return "";
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A unary gRPC client over one reused HTTP/2 session. */
export class GrpcClient {
  readonly #options: GrpcClientOptions;
  #session: http2.ClientHttp2Session | undefined;
  #closed = false;
  #openCalls = 0;

  /**
   * Creates the client; it connects on the first call.
   *
   * @param options Where to connect and how.
   */
  constructor(options: GrpcClientOptions) {
    this.#options = options;
  }

  #connect(): http2.ClientHttp2Session {
    const current = this.#session;
    if (current !== undefined && !current.closed && !current.destroyed) return current;
    const session = http2.connect(this.#options.baseUrl, this.#options.tls ?? {});
    guardSessionTeardown(session);
    session.on("error", (error: Error) => this.#options.onConnectionError?.(error));
    // A session the server sends away serves its open calls; new calls get a new session.
    session.on("goaway", () => {
      if (this.#session === session) this.#session = undefined;
    });
    session.once("close", () => {
      clearInterval(pinger);
      if (this.#session === session) this.#session = undefined;
    });
    const keepalive = this.#options.keepalive;
    let pinger: ReturnType<typeof setInterval> | undefined;
    if (keepalive !== undefined && keepalive.timeMs > 0) {
      pinger = setInterval(() => {
        if (session.closed || session.destroyed) return clearInterval(pinger);
        if (this.#openCalls === 0 && !keepalive.permitWithoutStream) return;
        const timer = setTimeout(() => session.destroy(), keepalive.timeoutMs);
        try {
          session.ping(() => clearTimeout(timer));
        } catch {
          clearTimeout(timer);
        }
      }, keepalive.timeMs);
      // Pings keep no process alive: a client nobody uses lets the program end.
      Deno.unrefTimer(pinger as unknown as number);
    }
    this.#session = session;
    return session;
  }

  /**
   * Calls `path` with `message` (serialised) and resolves with the response message bytes.
   *
   * @throws {GrpcStatusError} the server's status other than OK, or the status a failure maps
   *   to: `Unavailable` for a connection that could not be made or broke, `DeadlineExceeded`
   *   past the deadline, `Cancelled` when `signal` aborted (with the signal's reason as cause).
   */
  unary(path: string, message: Uint8Array, options: GrpcCallOptions = {}): Promise<Uint8Array> {
    if (this.#closed) {
      return Promise.reject(new GrpcStatusError(GrpcStatus.unavailable, "the client is closed"));
    }
    const maxResponse = options.maxResponseBytes ?? 4 * 1024 * 1024;
    return new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let stream: http2.ClientHttp2Stream | undefined;
      const settle = (error: Error | undefined, value?: Uint8Array) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (error !== undefined) {
          if (stream !== undefined && !stream.closed && !stream.destroyed) {
            stream.close(http2.constants.NGHTTP2_CANCEL);
          }
          reject(error);
        } else resolve(value!);
      };
      const onAbort = () =>
        settle(
          Object.assign(
            new GrpcStatusError(GrpcStatus.cancelled, "the call was cancelled"),
            { cause: options.signal?.reason },
          ),
        );
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener("abort", onAbort, { once: true });
      let body = message;
      let flag = 0;
      const compression = options.compression ?? (options.gzip ? "gzip" : undefined);
      if (compression !== undefined) {
        body = compress(compression, message);
        flag = 1;
      }
      const frame = new Uint8Array(5 + body.length);
      frame[0] = flag;
      new DataView(frame.buffer).setUint32(1, body.length);
      frame.set(body, 5);
      const headers: http2.OutgoingHttpHeaders = {
        ":method": "POST",
        ":path": path,
        "content-type": "application/grpc",
        te: "trailers",
        "grpc-accept-encoding": "gzip,zstd,deflate,identity",
        ...(this.#options.authority ? { ":authority": this.#options.authority } : {}),
        ...options.metadata,
      };
      if (compression !== undefined) headers["grpc-encoding"] = compression;
      const timeoutMs = options.timeoutMs ?? 0;
      if (timeoutMs > 0) {
        headers["grpc-timeout"] = formatGrpcTimeout(timeoutMs);
        timer = setTimeout(
          () =>
            settle(
              new GrpcStatusError(
                GrpcStatus.deadlineExceeded,
                `deadline exceeded after ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
      }
      try {
        stream = this.#connect().request(headers);
        this.#openCalls++;
        stream.once("close", () => this.#openCalls--);
      } catch (error) {
        settle(
          Object.assign(
            new GrpcStatusError(GrpcStatus.unavailable, `cannot start the call: ${error}`),
            { cause: error },
          ),
        );
        return;
      }
      let httpStatus = 0;
      let responseEncoding = "identity";
      let status: number | undefined;
      let statusMessage = "";
      let details: Uint8Array | undefined;
      const chunks: Uint8Array[] = [];
      let received = 0;
      const readStatus = (fields: http2.IncomingHttpHeaders) => {
        if (fields["grpc-status"] === undefined) return;
        status = Number(fields["grpc-status"]);
        statusMessage = decodeMessage(fields["grpc-message"]);
        details = decodeDetails(fields["grpc-status-details-bin"]);
      };
      stream.on("response", (fields) => {
        httpStatus = Number(fields[":status"] ?? 0);
        responseEncoding = String(fields["grpc-encoding"] ?? "identity");
        readStatus(fields);
      });
      stream.on("trailers", readStatus);
      stream.on("data", (chunk: Uint8Array) => {
        received += chunk.length;
        if (received > maxResponse + 5) {
          settle(
            new GrpcStatusError(
              GrpcStatus.resourceExhausted,
              `response larger than ${maxResponse} bytes`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      stream.on("error", () => {
        // Reported through `close` with its reset code.
      });
      stream.on("close", () => {
        if (settled) return;
        const rst = stream!.rstCode;
        if (status === undefined) {
          if (httpStatus !== 0 && httpStatus !== 200) {
            settle(
              new GrpcStatusError(
                codeOfHttpStatus(httpStatus),
                `the server answered HTTP ${httpStatus} without a gRPC status`,
              ),
            );
            return;
          }
          // Before any response a reset or a failure is the connection's, not the call's:
          // retryable, as gRPC clients treat a transport that failed.
          const reset = rst !== undefined && rst !== http2.constants.NGHTTP2_NO_ERROR;
          const code = !reset
            ? GrpcStatus.unavailable
            : httpStatus === 0 && rst === http2.constants.NGHTTP2_INTERNAL_ERROR
            ? GrpcStatus.unavailable
            : codeOfReset(rst);
          settle(
            new GrpcStatusError(
              code,
              rst !== undefined && rst !== http2.constants.NGHTTP2_NO_ERROR
                ? `the stream was reset (HTTP/2 error ${rst}) before a status arrived`
                : "the connection closed before a status arrived",
            ),
          );
          return;
        }
        if (status !== GrpcStatus.ok) {
          settle(new GrpcStatusError(status, statusMessage, details));
          return;
        }
        try {
          settle(undefined, unframe(chunks, received, responseEncoding, maxResponse));
        } catch (error) {
          settle(error as Error);
        }
      });
      stream.end(frame);
    });
  }

  /** Closes the session; calls in flight fail, later calls are refused. */
  close(): void {
    this.#closed = true;
    this.#session?.destroy();
    this.#session = undefined;
  }
}

/** The single message of a unary response body. */
function unframe(
  chunks: Uint8Array[],
  size: number,
  encoding: string,
  maxBytes: number,
): Uint8Array {
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
    releaseChunk(chunk);
  }
  if (size === 0) return body;
  if (size < 5) {
    throw new GrpcStatusError(GrpcStatus.internal, "the response ended inside a frame header");
  }
  const length = new DataView(body.buffer).getUint32(1);
  if (5 + length > size) {
    throw new GrpcStatusError(GrpcStatus.internal, "the response ended inside a message");
  }
  const payload = body.subarray(5, 5 + length);
  if (body[0] === 0) return payload;
  const compression = compressionNamed(encoding);
  if (body[0] !== 1 || compression === undefined || compression === "snappy") {
    throw new GrpcStatusError(
      GrpcStatus.internal,
      `cannot read a response message with flag ${body[0]} and encoding ${encoding}`,
    );
  }
  try {
    return decompress(compression, payload, maxBytes);
  } catch (error) {
    if (error instanceof DecompressedTooLargeError) {
      throw new GrpcStatusError(
        GrpcStatus.resourceExhausted,
        `response larger than ${maxBytes} bytes after decompression`,
      );
    }
    throw new GrpcStatusError(
      GrpcStatus.internal,
      `cannot decompress the response (${encoding}): ${(error as Error).message}`,
    );
  }
}
