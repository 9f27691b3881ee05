// A gRPC OTLP backend the tests control, served by connect-node on node:http2 (h2c or TLS).
// Span data, telemetry, retries and certificates come from @denocol/exporter/exportertest and
// @denocol/config/configtest.

import { create } from "@bufbuild/protobuf";
import { defaultTlsServerConfig, loadTlsServerConfig } from "@denocol/config";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import {
  ExportLogsServiceResponseSchema,
  ExportMetricsServiceResponseSchema,
  type ExportTraceServiceRequest,
  type ExportTraceServiceResponse,
  ExportTraceServiceResponseSchema,
  LogsService,
  MetricsService,
  TraceService,
} from "@denocol/pdata";
import { ExportProfilesServiceResponseSchema, ProfilesService } from "@denocol/pdata-experimental";

export interface Call {
  service: string;
  headers: Headers;
  /** The deadline the server's gRPC handler derived from the call's `grpc-timeout` header. */
  timeoutMs: number | undefined;
  request: unknown;
}

/** Answers one traces call: return a response, or throw a ConnectError. */
export type TraceHandler = (
  request: ExportTraceServiceRequest,
  index: number,
) => ExportTraceServiceResponse | undefined;

export interface TlsFiles {
  key: string;
  cert: string;
  /** CA to verify client certificates with (mTLS). */
  clientCa?: string;
}

export class GrpcBackend {
  readonly calls: Call[] = [];
  readonly acceptedSpans: string[] = [];
  handler: TraceHandler = () => undefined;
  /** Streams still to reset with `REFUSED_STREAM` before the gRPC handler sees them. */
  refuseStreams = 0;
  #server: http2.Http2Server | http2.Http2SecureServer;
  #sessions = new Set<http2.ServerHttp2Session>();

  private constructor(server: http2.Http2Server | http2.Http2SecureServer) {
    this.#server = server;
    server.on("session", (session) => {
      this.#sessions.add(session);
      session.on("close", () => this.#sessions.delete(session));
    });
  }

  static async start(options: { port?: number; tls?: TlsFiles } = {}): Promise<GrpcBackend> {
    // deno-lint-ignore prefer-const
    let backend!: GrpcBackend;
    const routes = (router: ConnectRouter) => {
      router.service(TraceService, {
        export: (request, context) => {
          const index = backend.calls.push({
            service: "traces",
            headers: context.requestHeader,
            timeoutMs: context.timeoutMs(),
            request,
          }) - 1;
          const response = backend.handler(request, index) ??
            create(ExportTraceServiceResponseSchema);
          for (const r of request.resourceSpans) {
            for (const s of r.scopeSpans) {
              for (const span of s.spans) backend.acceptedSpans.push(span.name);
            }
          }
          return response;
        },
      });
      router.service(MetricsService, {
        export: (request, context) => {
          backend.calls.push({
            service: "metrics",
            headers: context.requestHeader,
            timeoutMs: context.timeoutMs(),
            request,
          });
          return create(ExportMetricsServiceResponseSchema);
        },
      });
      router.service(LogsService, {
        export: (request, context) => {
          backend.calls.push({
            service: "logs",
            headers: context.requestHeader,
            timeoutMs: context.timeoutMs(),
            request,
          });
          return create(ExportLogsServiceResponseSchema);
        },
      });
      router.service(ProfilesService, {
        export: (request, context) => {
          backend.calls.push({
            service: "profiles",
            headers: context.requestHeader,
            timeoutMs: context.timeoutMs(),
            request,
          });
          return create(ExportProfilesServiceResponseSchema);
        },
      });
    };
    const grpcHandler = connectNodeAdapter({
      grpc: true,
      grpcWeb: false,
      connect: false,
      routes,
    });
    const handler = (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => {
      if (backend.refuseStreams > 0) {
        backend.refuseStreams--;
        request.stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
        return;
      }
      grpcHandler(request, response);
    };
    const server = options.tls === undefined
      ? http2.createServer(handler)
      : http2.createSecureServer(
        await loadTlsServerConfig({
          ...defaultTlsServerConfig(),
          cert_file: options.tls.cert,
          key_file: options.tls.key,
          client_ca_file: options.tls.clientCa ?? null,
        }, "test backend tls"),
        handler,
      );
    backend = new GrpcBackend(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    return backend;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const session of this.#sessions) session.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
