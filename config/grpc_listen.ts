// The gRPC listener: a `node:http2` server (h2c, or TLS with ALPN `h2`) whose sessions are
// protected by `protectSession` and whose streams are served by `createGrpcStreamListener`.

import * as http2 from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import {
  createGrpcStreamListener,
  type GrpcServerLimits,
  type GrpcUnaryHandler,
} from "./grpc_server.ts";
import { listenAddress } from "./endpoint.ts";
import { DEFAULT_CLOSE_GRACE_MS, nodeListenOptions, type RunningServer } from "./http_server.ts";
import { ServerSessions, type SessionEvents, type SessionLimits } from "./http2_session.ts";
import type { LoadedTlsServer } from "./tls.ts";

/** Everything a gRPC listener needs. */
export interface GrpcListenOptions {
  /** `host:port` to listen on, or the socket's path with `transport: "unix"`. */
  endpoint: string;
  /** `tcp` (default) or `unix` (a Unix domain socket at `endpoint`, removed on close). */
  transport?: "tcp" | "unix";
  /** TLS material, or `undefined` for h2c. */
  tls?: LoadedTlsServer;
  /** The unary methods served, by path. */
  methods: ReadonlyMap<string, GrpcUnaryHandler>;
  /** Message size limits. */
  limits: GrpcServerLimits;
  /** Concurrent streams per connection, advertised in SETTINGS and enforced by nghttp2. */
  maxConcurrentStreams: number;
  /** Reset budget, keepalive and idle limits of each connection. */
  sessionLimits: SessionLimits;
  /** Told when a connection is closed for abuse. */
  events?: SessionEvents;
}

/** Starts a gRPC listener. */
export function listenGrpc(options: GrpcListenOptions): Promise<RunningServer> {
  const unix = options.transport === "unix";
  const { hostname, port } = unix ? { hostname: "", port: 0 } : listenAddress(options.endpoint);
  const shutdown = new AbortController();
  const server = options.tls === undefined
    ? http2.createServer()
    : http2.createSecureServer({ ...options.tls });
  const sessions = new ServerSessions(
    options.maxConcurrentStreams,
    options.sessionLimits,
    options.events,
  );
  server.on("session", (session: http2.ServerHttp2Session) => sessions.adopt(session));
  server.on(
    "stream",
    createGrpcStreamListener({
      methods: options.methods,
      limits: options.limits,
      shutdown: shutdown.signal,
    }),
  );
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new Error(`cannot listen on ${options.endpoint}: ${error.message}`, { cause: error }));
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
          // GOAWAY: no new streams; calls in flight finish within the grace period.
          await sessions.close(graceMs);
          await Promise.race([closed, new Promise((wake) => setTimeout(wake, 100))]);
          for (const socket of sockets) socket.destroy();
          await closed;
          if (unix) await Deno.remove(options.endpoint).catch(() => {});
        },
      });
    };
    if (unix) server.listen(options.endpoint, listening);
    else server.listen(nodeListenOptions(port, hostname), listening);
  });
}
