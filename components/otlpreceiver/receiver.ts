// One otlp receiver instance: the servers of both protocols and the signals wired to it. The
// collector asks the factory once per pipeline signal; all those calls for one configured ID
// return this same instance, which serves every wired signal on the same ports.

import {
  type Component,
  type Host,
  ID,
  type MemoryBudget,
  processMemoryBudget,
  type Settings,
} from "@denocol/component";
import { isServerAuthenticator } from "@denocol/extension";
import { ObsReport } from "@denocol/receiver";
import type { AuthenticateFn, SignalEndpoint } from "./endpoint.ts";
import {
  DEFAULT_SESSION_LIMITS,
  listenGrpc,
  listenHttp,
  loadTlsServerConfig,
  type RunningServer,
} from "@denocol/config";
import {
  type AuthConfig,
  durationMs,
  type GrpcProtocolConfig,
  type HttpProtocolConfig,
  type OtlpReceiverConfig,
} from "./config.ts";
import { createOtlpGrpcMethods } from "./grpc.ts";
import { createOtlpHttpHandler } from "./http.ts";
import type { SignalObserver } from "./signals.ts";

/** Bound address of a running protocol server. */
export interface BoundAddress {
  /** Address the server listens on. */
  hostname: string;
  /** Port the server listens on (the real one when the endpoint said 0). */
  port: number;
}

/** Concurrent streams per HTTP/2 connection when the configuration leaves it at 0. */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 100;

/** Largest HTTP/1.1 request head, as Go's `http.DefaultMaxHeaderBytes`. */
const MAX_HEADER_BYTES = 1 << 20;

function httpLimits(http: HttpProtocolConfig) {
  return {
    readHeaderTimeoutMs: durationMs(http.read_header_timeout),
    readTimeoutMs: durationMs(http.read_timeout),
    writeTimeoutMs: durationMs(http.write_timeout),
    idleTimeoutMs: durationMs(http.idle_timeout),
    keepAlivesEnabled: http.keep_alives_enabled,
    maxHeaderBytes: MAX_HEADER_BYTES,
  };
}

function grpcSessionLimits(grpc: GrpcProtocolConfig) {
  const server = grpc.keepalive.server_parameters;
  const policy = grpc.keepalive.enforcement_policy;
  return {
    ...DEFAULT_SESSION_LIMITS,
    maxConnectionIdleMs: durationMs(server.max_connection_idle),
    maxConnectionAgeMs: durationMs(server.max_connection_age),
    maxConnectionAgeGraceMs: durationMs(server.max_connection_age_grace),
    keepaliveTimeMs: durationMs(server.time) || DEFAULT_SESSION_LIMITS.keepaliveTimeMs,
    keepaliveTimeoutMs: durationMs(server.timeout) || DEFAULT_SESSION_LIMITS.keepaliveTimeoutMs,
    minPingIntervalMs: durationMs(policy.min_time) || DEFAULT_SESSION_LIMITS.minPingIntervalMs,
    permitPingWithoutStream: policy.permit_without_stream,
  };
}

/** Counts per transport: one ObsReport per transport, as the Go receiver has. */
function observer(report: ObsReport<string>): SignalObserver {
  return { observe: (signal, count, push) => report.observe(signal, count, push) };
}

function findAuthenticator(
  host: Host,
  auth: AuthConfig | null,
  path: string,
): AuthenticateFn | undefined {
  if (auth === null) return undefined;
  const id = ID.parse(auth.authenticator);
  const extension = host.getExtension(id);
  if (extension === undefined) {
    throw new Error(
      `otlp receiver: ${path}.authenticator: extension ${JSON.stringify(id.toString())} is not ` +
        `configured (add it under "extensions" and to service.extensions)`,
    );
  }
  if (!isServerAuthenticator(extension)) {
    throw new Error(
      `otlp receiver: ${path}.authenticator: extension ${JSON.stringify(id.toString())} is not ` +
        `a server authenticator (it has no authenticate(headers) method)`,
    );
  }
  return (headers) => extension.authenticate(headers);
}

/**
 * The receiver behind every signal of one configured `otlp` ID. Signals are registered before
 * `start`; only registered signals are served (others get 404 / `Unimplemented`).
 */
export class OtlpReceiver implements Component {
  readonly #settings: Settings;
  readonly #config: OtlpReceiverConfig;
  readonly #grpcReport: ObsReport<string>;
  readonly #httpReport: ObsReport<string>;
  readonly #endpoints = new Map<
    string,
    (observer: SignalObserver) => SignalEndpoint<unknown>
  >();
  #grpcServer: RunningServer | undefined;
  #httpServer: RunningServer | undefined;
  #state: "new" | "starting" | "started" | "stopped" = "new";
  readonly #budget: MemoryBudget;

  /**
   * Creates the (not yet listening) receiver.
   *
   * @param settings Settings of the receiver.
   * @param config Validated configuration.
   * @param itemNames What each signal is counted in, for the receiver's counters.
   */
  constructor(
    settings: Settings,
    config: OtlpReceiverConfig,
    itemNames: Readonly<Record<string, string>>,
  ) {
    this.#settings = settings;
    this.#config = config;
    this.#grpcReport = new ObsReport({ settings, transport: "grpc", itemNames });
    this.#httpReport = new ObsReport({ settings, transport: "http", itemNames });
    this.#budget = processMemoryBudget;
  }

  /**
   * Wires a signal. `build` makes the signal's endpoint for a transport's counters.
   *
   * @throws {Error} when the signal is already wired or the receiver has started.
   */
  register(signal: string, build: (observer: SignalObserver) => SignalEndpoint<unknown>): void {
    if (this.#state !== "new") {
      throw new Error(`otlp receiver ${this.#settings.id}: cannot add ${signal} after start`);
    }
    if (this.#endpoints.has(signal)) {
      throw new Error(`otlp receiver ${this.#settings.id}: ${signal} is already wired`);
    }
    this.#endpoints.set(signal, build);
  }

  /** The signals wired so far. */
  get signals(): readonly string[] {
    return [...this.#endpoints.keys()];
  }

  /** Where the gRPC server listens, once started (and if configured). */
  get grpcAddress(): BoundAddress | undefined {
    const server = this.#grpcServer;
    return server && { hostname: server.hostname, port: server.port };
  }

  /** Where the HTTP server listens, once started (and if configured). */
  get httpAddress(): BoundAddress | undefined {
    const server = this.#httpServer;
    return server && { hostname: server.hostname, port: server.port };
  }

  /** Where this receiver's configuration is, for errors: `receivers::<id>`. */
  get #configPath(): string {
    return `receivers::${this.#settings.id}`;
  }

  #urlPath(signal: string): string | undefined {
    const http = this.#config.protocols.http!;
    switch (signal) {
      case "traces":
        return http.traces_url_path;
      case "metrics":
        return http.metrics_url_path;
      case "logs":
        return http.logs_url_path;
      case "profiles":
        return http.profiles_url_path;
    }
    return undefined;
  }

  /** Starts the configured servers; rejects (with both stopped) if either cannot start. */
  async start(host: Host): Promise<void> {
    if (this.#state !== "new") return;
    this.#state = "starting";
    const { grpc, http } = this.#config.protocols;
    const logger = this.#settings.telemetry.logger;
    try {
      if (grpc !== null) {
        const authenticate = findAuthenticator(host, grpc.auth, "protocols.grpc.auth");
        const tls = grpc.tls &&
          await loadTlsServerConfig(grpc.tls, `${this.#configPath}::protocols::grpc::tls`);
        const report = observer(this.#grpcReport);
        const methods = createOtlpGrpcMethods({
          endpoints: [...this.#endpoints.values()].map((build) => build(report)),
          includeMetadata: grpc.include_metadata,
          budget: this.#budget,
          ...(authenticate ? { authenticate } : {}),
        });
        this.#grpcServer = await listenGrpc({
          endpoint: grpc.endpoint,
          ...(grpc.transport === "unix" ? { transport: "unix" as const } : {}),
          ...(tls ? { tls } : {}),
          methods,
          limits: { maxRecvMsgBytes: Math.floor(grpc.max_recv_msg_size_mib * 1024 * 1024) },
          maxConcurrentStreams: grpc.max_concurrent_streams || DEFAULT_MAX_CONCURRENT_STREAMS,
          sessionLimits: grpcSessionLimits(grpc),
          events: {
            onViolation: (reason, session) =>
              logger.warn("closed a gRPC connection that broke the server's limits", {
                reason,
                remote: session.socket?.remoteAddress ?? "",
              }),
          },
        });
        logger.info("Starting GRPC server", {
          endpoint: `${this.#grpcServer.hostname}:${this.#grpcServer.port}`,
        });
      }
      if (http !== null) {
        const authenticate = findAuthenticator(host, http.auth, "protocols.http.auth");
        const tls = http.tls &&
          await loadTlsServerConfig(http.tls, `${this.#configPath}::protocols::http::tls`);
        const report = observer(this.#httpReport);
        const routes = new Map<string, SignalEndpoint<unknown>>();
        for (const [signal, build] of this.#endpoints) {
          const path = this.#urlPath(signal);
          if (path !== undefined) routes.set(path, build(report));
        }
        const handler = createOtlpHttpHandler({
          routes,
          maxRequestBodySize: http.max_request_body_size,
          cors: http.cors && {
            allowedOrigins: http.cors.allowed_origins,
            allowedHeaders: http.cors.allowed_headers,
            maxAge: http.cors.max_age,
          },
          includeMetadata: http.include_metadata,
          responseHeaders: http.response_headers,
          budget: this.#budget,
          ...(authenticate ? { authenticate } : {}),
        });
        this.#httpServer = await listenHttp({
          endpoint: http.endpoint,
          ...(http.transport === "unix" ? { transport: "unix" as const } : {}),
          ...(tls ? { tls } : {}),
          limits: httpLimits(http),
          sessionLimits: DEFAULT_SESSION_LIMITS,
          maxConcurrentStreams: DEFAULT_MAX_CONCURRENT_STREAMS,
          handler,
        });
        logger.info("Starting HTTP server", {
          endpoint: `${this.#httpServer.hostname}:${this.#httpServer.port}`,
        });
      }
      this.#state = "started";
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  /** Stops both servers, letting in-flight requests finish. */
  async shutdown(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    const servers = [this.#httpServer, this.#grpcServer];
    this.#httpServer = undefined;
    this.#grpcServer = undefined;
    await Promise.all(servers.map((server) => server?.close()));
  }
}
