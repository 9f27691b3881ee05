// Listeners for HTTP handlers written against `ServerRequest`: plaintext HTTP/1.1 on a Deno TCP
// listener, and TLS (with client certificates when configured) on a `node:tls` listener whose
// ALPN choice sends each connection to the HTTP/1.1 engine or to a `node:http2` session. Both
// close gracefully: stop accepting, answer what is being read with 503 + `Connection: close`,
// let handlers finish within a grace period, then cut off the rest.

import * as http2 from "node:http2";
import * as tls from "node:tls";
import type { AddressInfo, Socket } from "node:net";
import { denoConnStream, nodeSocketStream } from "./byte_stream.ts";
import { Http1Connection, type Http1Limits } from "./http1.ts";
import {
  BodyReadError,
  errorResponse,
  freeBody,
  HttpHeaders,
  releaseChunk,
  type ServerHandler,
  type ServerRequest,
  type ServerResponse,
  takeFromBudget,
} from "./http_exchange.ts";
import { ServerSessions, type SessionLimits } from "./http2_session.ts";
import { listenAddress } from "./endpoint.ts";
import type { LoadedTlsServer } from "./tls.ts";

/** A listening server. */
export interface RunningServer {
  /** Address actually bound. */
  readonly hostname: string;
  /** Port actually bound (the real one when 0 was asked for). */
  readonly port: number;
  /**
   * Stops accepting and closes every connection: idle ones at once, requests being read with
   * 503, requests in their handler when answered or when `graceMs` has passed.
   */
  close(graceMs?: number): Promise<void>;
}

/** Default time `close` lets handlers finish. */
export const DEFAULT_CLOSE_GRACE_MS = 5000;

let portSharing = false;

/**
 * Makes every listener this process starts from now on bind with `SO_REUSEPORT`, so that several
 * processes running one collector listen on the same ports and the kernel spreads incoming
 * connections among them. Off by default: a second program listening on a port already in use
 * then fails to start instead of silently taking part of its traffic. Plaintext HTTP listens
 * through `Deno.listen`, whose `reusePort` needs `--unstable-net`; TLS and gRPC listen through
 * `node:tls` and `node:http2`, which need no flag.
 *
 * @param enabled Whether listeners started afterwards share their ports.
 */
export function shareListenerPorts(enabled: boolean): void {
  portSharing = enabled;
}

/** What `server.listen` of `node:net`, `node:tls` and `node:http2` is given. */
export function nodeListenOptions(
  port: number,
  host: string,
): { port: number; host: string; reusePort?: boolean } {
  return portSharing ? { port, host, reusePort: true } : { port, host };
}

/** Everything an HTTP listener needs. */
export interface HttpListenOptions {
  /** `host:port` to listen on, or the socket's path with `transport: "unix"`. */
  endpoint: string;
  /** `tcp` (default) or `unix` (a Unix domain socket at `endpoint`, removed on close). */
  transport?: "tcp" | "unix";
  /** TLS material, or `undefined` for plaintext HTTP/1.1. */
  tls?: LoadedTlsServer;
  /** HTTP/1.1 timeouts and limits. */
  limits: Http1Limits;
  /** Limits of HTTP/2 sessions (TLS listeners only). */
  sessionLimits: SessionLimits;
  /** HTTP/2 concurrent streams per connection (TLS listeners only). */
  maxConcurrentStreams: number;
  /** Answers every request. */
  handler: ServerHandler;
}

function rejectListen(endpoint: string, error: unknown): Error {
  return new Error(
    `cannot listen on ${endpoint}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

/** Tracks HTTP/1.1 connections for a graceful close. */
class ConnectionSet {
  readonly connections = new Set<Http1Connection>();

  serve(connection: Http1Connection): void {
    this.connections.add(connection);
    connection.serve().finally(() => this.connections.delete(connection));
  }

  async close(graceMs: number): Promise<void> {
    for (const connection of this.connections) connection.beginShutdown();
    const deadline = performance.now() + graceMs;
    while (this.connections.size > 0 && performance.now() < deadline) {
      await new Promise((wake) => setTimeout(wake, 10));
    }
    for (const connection of this.connections) connection.destroy();
  }
}

/** Starts an HTTP listener: HTTP/1.1 in plaintext, HTTP/1.1 and HTTP/2 through ALPN with TLS. */
export function listenHttp(options: HttpListenOptions): Promise<RunningServer> {
  return options.tls === undefined ? listenPlain(options) : listenTls(options, options.tls);
}

function listenPlain(options: HttpListenOptions): Promise<RunningServer> {
  const unix = options.transport === "unix";
  let listener: Deno.Listener;
  try {
    if (unix) listener = Deno.listen({ transport: "unix", path: options.endpoint });
    else {
      const { hostname, port } = listenAddress(options.endpoint);
      listener = Deno.listen(
        portSharing
          ? { hostname, port, transport: "tcp", reusePort: true }
          : { hostname, port, transport: "tcp" },
      );
    }
  } catch (error) {
    return Promise.reject(rejectListen(options.endpoint, error));
  }
  const connections = new ConnectionSet();
  const accepting = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) {
          return;
        }
        // A failed accept (out of file descriptors, a reset before accept) is not fatal.
        await new Promise((wake) => setTimeout(wake, 10));
        continue;
      }
      try {
        (conn as Partial<Deno.TcpConn>).setNoDelay?.(true);
      } catch {
        // already closed
      }
      connections.serve(new Http1Connection(denoConnStream(conn), options.limits, options.handler));
    }
  })();
  const address = listener.addr as Partial<Deno.NetAddr>;
  return Promise.resolve({
    hostname: unix ? options.endpoint : address.hostname!,
    port: unix ? 0 : address.port!,
    close: async (graceMs = DEFAULT_CLOSE_GRACE_MS) => {
      try {
        listener.close();
      } catch {
        // already closed
      }
      await accepting;
      await connections.close(graceMs);
      if (unix) await Deno.remove(options.endpoint).catch(() => {});
    },
  });
}

/** Adapts one HTTP/2 stream to a `ServerRequest`, answering it with the handler's response. */
function serveHttp2Stream(
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  limits: Http1Limits,
  handler: ServerHandler,
  shutdown: AbortSignal,
): void {
  stream.on("error", () => {});
  const abort = new AbortController();
  stream.once("close", () => {
    if (!stream.headersSent) abort.abort(new Error("client went away"));
  });
  const fields: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    if (Array.isArray(value)) { for (const v of value) fields.push([name, v]); }
    else fields.push([name, String(value)]);
  }
  const target = String(headers[":path"] ?? "/");
  const queryAt = target.indexOf("?");
  const declared = headers["content-length"];
  const started = performance.now();
  let writeTimer: ReturnType<typeof setTimeout> | undefined;
  if (limits.writeTimeoutMs > 0) {
    writeTimer = setTimeout(() => {
      abort.abort(new Error("write_timeout passed"));
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }, limits.writeTimeoutMs);
  }
  const request: ServerRequest = {
    method: String(headers[":method"] ?? "GET"),
    path: queryAt < 0 ? target : target.slice(0, queryAt),
    query: queryAt < 0 ? "" : target.slice(queryAt + 1),
    protocol: "HTTP/2",
    headers: new HttpHeaders(fields),
    remoteAddress: stream.session?.socket?.remoteAddress,
    declaredLength: declared === undefined ? undefined : Number(declared),
    signal: abort.signal,
    readBody: (maxBytes, budget) =>
      new Promise<Uint8Array>((resolve, reject) => {
        if (shutdown.aborted) {
          reject(new BodyReadError(503, "the server is shutting down"));
          return;
        }
        let body = new Uint8Array(0);
        let size = 0;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const onShutdown = () => fail(new BodyReadError(503, "the server is shutting down"));
        const fail = (error: BodyReadError) => {
          freeBody(body);
          clearTimeout(timer);
          shutdown.removeEventListener("abort", onShutdown);
          stream.off("data", onData);
          stream.pause();
          reject(error);
        };
        if (limits.readTimeoutMs > 0) {
          timer = setTimeout(
            () => fail(new BodyReadError(408, "request body not received within read_timeout")),
            Math.max(1, started + limits.readTimeoutMs - performance.now()),
          );
        }
        const onData = (chunk: Uint8Array) => {
          if (size + chunk.length > maxBytes) {
            fail(new BodyReadError(413, `request body exceeds the limit of ${maxBytes} bytes`));
            return;
          }
          if (size + chunk.length > body.length) {
            const capacity = Math.min(
              maxBytes,
              Math.max(size + chunk.length, body.length * 2, 16384),
            );
            try {
              takeFromBudget(budget, capacity - body.length);
            } catch (error) {
              fail(error as BodyReadError);
              return;
            }
            const grown = new Uint8Array(capacity);
            grown.set(body.subarray(0, size));
            freeBody(body);
            body = grown;
          }
          body.set(chunk, size);
          size += chunk.length;
          releaseChunk(chunk);
        };
        shutdown.addEventListener("abort", onShutdown, { once: true });
        stream.on("data", onData);
        stream.once("end", () => {
          clearTimeout(timer);
          shutdown.removeEventListener("abort", onShutdown);
          resolve(body.subarray(0, size));
        });
        stream.once("close", () => fail(new BodyReadError(400, "the stream was closed")));
      }),
  };
  handler(request).then(
    (response) => respondHttp2(stream, response),
    (error) => respondHttp2(stream, errorResponse(error)),
  ).finally(() => clearTimeout(writeTimer));
}

function respondHttp2(stream: http2.ServerHttp2Stream, response: ServerResponse): void {
  if (stream.destroyed || stream.closed || stream.headersSent) return;
  const body = typeof response.body === "string"
    ? new TextEncoder().encode(response.body)
    : (response.body ?? new Uint8Array(0));
  const headers: http2.OutgoingHttpHeaders = { ":status": response.status };
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (name === "connection" || name === "transfer-encoding" || name === "keep-alive") continue;
    headers[name] = value;
  }
  headers["content-length"] = body.length;
  try {
    stream.respond(headers);
    stream.end(body);
  } catch {
    return;
  }
  // An upload still arriving after an early answer is cut off with RST_STREAM(NO_ERROR).
  setTimeout(() => {
    if (!stream.destroyed && !stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
  }, 0);
}

function listenTls(options: HttpListenOptions, material: LoadedTlsServer): Promise<RunningServer> {
  const unix = options.transport === "unix";
  const { hostname, port } = unix ? { hostname: "", port: 0 } : listenAddress(options.endpoint);
  const { limits } = options;
  const connections = new ConnectionSet();
  const shutdown = new AbortController();
  const h2 = http2.createServer();
  const sessions = new ServerSessions(options.maxConcurrentStreams, {
    ...options.sessionLimits,
    maxConnectionIdleMs: limits.idleTimeoutMs || limits.readTimeoutMs,
  });
  h2.on("session", (session: http2.ServerHttp2Session) => sessions.adopt(session));
  h2.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    serveHttp2Stream(stream, headers, limits, options.handler, shutdown.signal);
  });
  const server = tls.createServer({
    ...material,
    ALPNProtocols: ["h2", "http/1.1"],
    // A client that connects and never completes the handshake is cut off like one that never
    // sends its request head.
    handshakeTimeout: limits.readHeaderTimeoutMs || limits.readTimeoutMs || 120_000,
  }, (socket: tls.TLSSocket) => {
    if (shutdown.signal.aborted) {
      socket.destroy();
      return;
    }
    if (socket.alpnProtocol === "h2") {
      h2.emit("connection", socket);
      return;
    }
    connections.serve(new Http1Connection(nodeSocketStream(socket), limits, options.handler));
  });
  const raw = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    raw.add(socket);
    socket.once("close", () => raw.delete(socket));
  });
  server.on("tlsClientError", () => {});
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(rejectListen(options.endpoint, error));
    server.once("error", onError);
    const listening = () => {
      server.off("error", onError);
      const address = unix ? undefined : server.address() as AddressInfo;
      resolve({
        hostname: address?.address ?? options.endpoint,
        port: address?.port ?? 0,
        close: async (graceMs = DEFAULT_CLOSE_GRACE_MS) => {
          shutdown.abort();
          const closed = new Promise<void>((done) => server.close(() => done()));
          await Promise.all([sessions.close(graceMs), connections.close(graceMs)]);
          for (const socket of raw) socket.destroy();
          await closed;
          if (unix) await Deno.remove(options.endpoint).catch(() => {});
        },
      });
    };
    if (unix) server.listen(options.endpoint, listening);
    else server.listen(nodeListenOptions(port, hostname), listening);
  });
}
