// A gRPC OTLP backend the tests control, served by connect-node on node:http2 (h2c or TLS),
// plus span data, telemetry and openssl certificate fixtures.
import { MetricsRegistry } from "@denocol/component";
import { CapturingLogger, nopSettings } from "@denocol/component/componenttest";
import type { Settings } from "@denocol/component";

import { create } from "@bufbuild/protobuf";
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
  type Traces,
  traces,
  TraceService,
} from "@denocol/pdata";
import { ExportProfilesServiceResponseSchema, ProfilesService } from "@denocol/pdata-experimental";

export interface Call {
  service: string;
  headers: Headers;
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
          backend.calls.push({ service: "metrics", headers: context.requestHeader, request });
          return create(ExportMetricsServiceResponseSchema);
        },
      });
      router.service(LogsService, {
        export: (request, context) => {
          backend.calls.push({ service: "logs", headers: context.requestHeader, request });
          return create(ExportLogsServiceResponseSchema);
        },
      });
      router.service(ProfilesService, {
        export: (request, context) => {
          backend.calls.push({ service: "profiles", headers: context.requestHeader, request });
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
      : http2.createSecureServer({
        key: await Deno.readTextFile(options.tls.key),
        cert: await Deno.readTextFile(options.tls.cert),
        ...(options.tls.clientCa === undefined ? {} : {
          ca: await Deno.readTextFile(options.tls.clientCa),
          requestCert: true,
          rejectUnauthorized: true,
        }),
      }, handler);
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

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** Traces with `count` spans named `${prefix}-${i}`. */
export function makeTraces(prefix: string, count: number): Traces {
  return traces.decodeJson(JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "test" } }] },
      scopeSpans: [{
        scope: { name: "t" },
        spans: Array.from({ length: count }, (_, i) => ({
          traceId: hex(i + 1, 32),
          spanId: hex(i + 1, 16),
          name: `${prefix}-${i}`,
          startTimeUnixNano: "1",
          endTimeUnixNano: "2",
        })),
      }],
    }],
  }));
}

export function spanNames(data: Traces): string[] {
  return data.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)));
}

/** A port with nothing listening (bound, then released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

export function telemetry(id = "otlphttp"): {
  settings: Settings;
  logger: CapturingLogger;
  registry: MetricsRegistry;
} {
  const logger = new CapturingLogger();
  const registry = new MetricsRegistry();
  return { settings: nopSettings("exporter", id, { logger, meter: registry }), logger, registry };
}

export const FAST_RETRY = {
  enabled: true,
  initial_interval: "20ms",
  randomization_factor: 0.1,
  multiplier: 1.5,
  max_interval: "100ms",
  max_elapsed_time: "20s",
};

/** Polls `condition` every 10ms for at most `ms`. */
export async function waitFor(condition: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Certificates {
  dir: string;
  caFile: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command("openssl", { args, cwd: dir, stderr: "piped" })
    .output();
  if (code !== 0) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr)}`);
}

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate, in a temp dir. */
export async function makeCertificates(): Promise<Certificates> {
  const dir = await Deno.makeTempDir({ prefix: "denocol-tls-" });
  await openssl(
    dir,
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=denocol test CA",
  );
  await Deno.writeTextFile(`${dir}/server.ext`, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await Deno.writeTextFile(`${dir}/client.ext`, "extendedKeyUsage=clientAuth\n");
  for (const name of ["server", "client"]) {
    await openssl(
      dir,
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name === "server" ? "localhost" : "denocol client"}`,
    );
    await openssl(
      dir,
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
    );
  }
  return {
    dir,
    caFile: `${dir}/ca.pem`,
    serverCert: `${dir}/server.pem`,
    serverKey: `${dir}/server.key`,
    clientCert: `${dir}/client.pem`,
    clientKey: `${dir}/client.key`,
  };
}
