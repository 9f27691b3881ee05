// Listeners for both protocols.
//
// OTLP/HTTP in plaintext runs on `Deno.serve`, the fastest HTTP server Deno has. `Deno.serve`
// cannot ask for or verify client certificates, so with TLS the same fetch-style handler runs
// behind `node:http2`'s secure server instead (HTTP/1.1 and HTTP/2 through ALPN, client
// certificates through `requestCert`). OTLP/gRPC always runs on `node:http2`, because a fetch
// `Response` cannot carry the HTTP/2 trailers gRPC puts its status in.

import type { LoadedTlsServer } from "@denocol/config";
import * as http2 from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import type { Http2Handler } from "./grpc.ts";
import { guardSessionTeardown } from "@denocol/config";
import type { OtlpHttpHandler } from "./http.ts";

/** A listening server. */
export interface RunningServer {
  /** Address actually bound (the port is the real one when 0 was configured). */
  readonly hostname: string;
  /** Port actually bound. */
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish (up to a grace period), then closes. */
  close(): Promise<void>;
}

/** Splits `host:port` (`[v6]:port`, `:port` for every interface) into its parts. */
export function parseEndpoint(endpoint: string): { hostname: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(endpoint.trim());
  if (match === null) {
    throw new Error(`invalid endpoint ${JSON.stringify(endpoint)}: expected "host:port"`);
  }
  const hostname = match[1] ?? (match[2] === "" ? "0.0.0.0" : match[2]);
  const port = Number(match[3]);
  if (port > 65535) throw new Error(`invalid endpoint ${JSON.stringify(endpoint)}: port > 65535`);
  return { hostname, port };
}

const CLOSE_GRACE_MS = 5000;

/**
 * Listens with the server `create` builds around `handler`, and closes it gracefully: stop
 * accepting, send GOAWAY, end each session as soon as its requests are done (Deno's
 * `session.close()` does not end a session by itself), and cut off whatever is left after
 * {@linkcode CLOSE_GRACE_MS}.
 */
function listenHttp2(
  create: (handler: Http2Handler) => http2.Http2Server | http2.Http2SecureServer,
  handler: Http2Handler,
  endpoint: string,
): Promise<RunningServer> {
  const { hostname, port } = parseEndpoint(endpoint);
  const sessions = new Map<http2.Http2Session, Set<http2.ServerHttp2Stream>>();
  const streamsOf = (session: http2.Http2Session) => {
    let streams = sessions.get(session);
    if (streams === undefined) {
      streams = new Set();
      sessions.set(session, streams);
      session.once("close", () => sessions.delete(session));
    }
    return streams;
  };
  const server = create((request, response) => {
    const stream = response.stream as http2.ServerHttp2Stream | undefined;
    // HTTP/1.1 on the TLS listener (allowHTTP1) has no stream; its sockets are ended below.
    if (stream === undefined) {
      handler(request, response);
      return;
    }
    const streams = stream.session ? streamsOf(stream.session) : undefined;
    streams?.add(stream);
    response.once("close", () => streams?.delete(stream));
    // Once the response has ended, an upload the client is still sending is cut off with
    // RST_STREAM(NO_ERROR), as HTTP/2 allows, so that an early answer (413, an error status)
    // does not keep the stream open (connect-node waits for the stream to end).
    response.once("finish", () => streams?.delete(stream));
    const end = response.end.bind(response) as (...args: unknown[]) => http2.Http2ServerResponse;
    response.end = ((...args: unknown[]) => {
      const result = end(...args);
      if (!request.complete) {
        setTimeout(() => {
          if (!stream.closed && !stream.destroyed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
        }, 0);
      }
      return result;
    }) as typeof response.end;
    handler(request, response);
  });
  server.on("session", (session: http2.ServerHttp2Session) => {
    // A client's GOAWAY makes Deno close the session inside nghttp2's frame callback, which
    // aborts the process (see @denocol/config http2.ts); the close is moved out of that callback.
    guardSessionTeardown(session);
    streamsOf(session);
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const endIdleSessions = (): boolean => {
    for (const [session, streams] of sessions) {
      for (const stream of streams) if (stream.destroyed || stream.closed) streams.delete(stream);
      if (streams.size === 0) {
        session.destroy();
        sessions.delete(session);
      }
    }
    return sessions.size === 0;
  };
  return new Promise((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new Error(`cannot listen on ${endpoint}: ${error.message}`, { cause: error }));
    server.once("error", onError);
    server.listen(port, hostname, () => {
      server.off("error", onError);
      const address = server.address() as AddressInfo;
      resolve({
        hostname: address.address,
        port: address.port,
        close: async () => {
          const closed = new Promise<void>((done) => server.close(() => done()));
          for (const session of sessions.keys()) session.close();
          const deadline = Date.now() + CLOSE_GRACE_MS;
          while (!endIdleSessions() && Date.now() < deadline) {
            await new Promise((wake) => setTimeout(wake, 20));
          }
          for (const session of sessions.keys()) session.destroy();
          // Whatever is still connected (idle HTTP/1.1 keep-alive sockets) is cut off after a
          // short wait for requests in flight.
          const rest = Math.max(0, deadline - Date.now());
          await Promise.race([
            closed,
            new Promise((wake) => setTimeout(wake, Math.min(rest, 200))),
          ]);
          for (const socket of sockets) socket.destroy();
          await closed;
        },
      });
    });
  });
}

/** Starts the gRPC listener, h2c without `tls`, HTTP/2 over TLS with it. */
export function serveGrpc(
  endpoint: string,
  tls: LoadedTlsServer | undefined,
  handler: Http2Handler,
  maxConcurrentStreams?: number,
): Promise<RunningServer> {
  const settings = maxConcurrentStreams ? { settings: { maxConcurrentStreams } } : {};
  return listenHttp2(
    (wrapped) =>
      tls === undefined
        ? http2.createServer(settings, wrapped)
        : http2.createSecureServer({ ...tls, ...settings }, wrapped),
    handler,
    endpoint,
  );
}

/** Adapts a fetch-style handler to a `node:http2` compatibility-API listener. */
function nodeAdapter(handler: OtlpHttpHandler, scheme: string): Http2Handler {
  return (request, response) => {
    const abort = new AbortController();
    response.once("close", () => {
      if (!response.writableFinished) abort.abort(new Error("client went away"));
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (name.startsWith(":") || value === undefined) continue;
      if (Array.isArray(value)) { for (const v of value) headers.append(name, v); }
      else headers.set(name, String(value));
    }
    const method = request.method ?? "GET";
    const hasBody = method !== "GET" && method !== "HEAD";
    const authority = request.headers[":authority"] ?? request.headers.host ?? "localhost";
    const fetchRequest = new Request(`${scheme}://${authority}${request.url}`, {
      method,
      headers,
      ...(hasBody
        ? {
          body: ReadableStream.from(request as AsyncIterable<Uint8Array>),
          duplex: "half",
        }
        : {}),
    } as RequestInit);
    handler(fetchRequest, request.socket?.remoteAddress, abort.signal)
      .then(async (fetchResponse) => {
        const out: Record<string, string> = {};
        fetchResponse.headers.forEach((value, name) => (out[name] = value));
        const body = new Uint8Array(await fetchResponse.arrayBuffer());
        response.writeHead(fetchResponse.status, out);
        response.end(body);
      })
      .catch((error) => {
        if (!response.headersSent) {
          response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        }
        response.end(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      });
  };
}

/** Starts the OTLP/HTTP listener: `Deno.serve` in plaintext, `node:http2` with TLS. */
export async function serveHttp(
  endpoint: string,
  tls: LoadedTlsServer | undefined,
  handler: OtlpHttpHandler,
): Promise<RunningServer> {
  if (tls !== undefined) {
    return await listenHttp2(
      (wrapped) => http2.createSecureServer({ ...tls, allowHTTP1: true }, wrapped),
      nodeAdapter(handler, "https"),
      endpoint,
    );
  }
  const { hostname, port } = parseEndpoint(endpoint);
  const listening = Promise.withResolvers<Deno.NetAddr>();
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname,
      port,
      onListen: (address) => listening.resolve(address),
      onError: (error) =>
        new Response(
          `internal error: ${error instanceof Error ? error.message : String(error)}`,
          { status: 500 },
        ),
      // request.signal is not passed on: Deno.serve also aborts it after a successful
      // response, which a pipeline holding the data must not take for a cancellation.
    }, (request, info) => handler(request, info.remoteAddr.hostname));
  } catch (error) {
    throw new Error(
      `cannot listen on ${endpoint}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const address = await listening.promise;
  return {
    hostname: address.hostname,
    port: address.port,
    close: async () => {
      const timer = setTimeout(() => server.unref(), CLOSE_GRACE_MS);
      await server.shutdown();
      clearTimeout(timer);
    },
  };
}
