import type { Message } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import {
  compressionGzip,
  createGrpcTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import type { Settings } from "@denocol/component";
import type { Exporter } from "@denocol/exporter";
import {
  type ExporterOptions,
  exporterOptions,
  newExporter,
  type PushFunc,
  resolveTimeout,
} from "@denocol/exporter/exporterhelper";
import { loadTlsClientConfig } from "@denocol/config";
import type { SignalDescriptor } from "@denocol/pdata";
import type * as http2 from "node:http2";
import { isIP } from "node:net";
import { connect as connectTls } from "node:tls";
import { type OtlpGrpcConfig, resolveTarget } from "./config.ts";
import { grpcError } from "./status.ts";
import { guardSessionTeardown } from "@denocol/config";

/** Largest response accepted (responses are small status messages). */
const READ_MAX_BYTES = 4 * 1024 * 1024;

type ExportClient = {
  export(
    request: Message,
    options: { signal: AbortSignal; headers: Headers; timeoutMs?: number },
  ): Promise<Message>;
};

/**
 * Creates an otlp (gRPC) exporter for one signal: its descriptor says how OTLP carries it
 * (service, request, response) and how the exporter helper counts and queues it.
 * `helperOptions` tunes the exporter helper beyond the config (such as a shorter shutdown drain
 * in tests).
 *
 * @throws {TypeError} when the endpoint or another setting is invalid.
 */
export function createSignalExporter<T>(
  settings: Settings,
  config: OtlpGrpcConfig,
  signal: SignalDescriptor<T>,
  helperOptions: Pick<ExporterOptions, "drainTimeoutMs" | "random"> = {},
): Exporter<T> {
  const path = `exporters::${settings.id}`;
  const target = resolveTarget(config, path);
  const logger = settings.telemetry.logger;
  if (config.balancer_name !== null && config.balancer_name !== "") {
    logger.warn("balancer_name is not supported and is ignored; one connection is used", {
      balancer_name: config.balancer_name,
    });
  }
  const { buildInfo } = settings;
  const headers = new Headers(config.headers);
  headers.set(
    "user-agent",
    `${buildInfo.description}/${buildInfo.version} (${Deno.build.os}/${Deno.build.arch})`,
  );
  // Sent as `grpc-timeout` (connect writes it in milliseconds, such as `5000m`) so that the
  // server knows our deadline and can stop working on a call we have given up on.
  const timeoutMs = resolveTimeout({ timeout: config.timeout }, path);
  const callOptions = timeoutMs > 0 ? { timeoutMs } : {};
  let session: Http2SessionManager | undefined;
  let client: ExportClient | undefined;

  const push: PushFunc<T> = async (data, context) => {
    let response: Message;
    try {
      response = await client!.export(signal.toRequest(data), {
        signal: context.signal,
        headers,
        ...callOptions,
      });
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason ?? error;
      throw grpcError(error, target.baseUrl);
    }
    const rejection = signal.rejection(response);
    if (rejection === undefined) return undefined;
    if (rejection.rejected === 0) {
      logger.warn("Partial success response with a message and no rejected items", {
        message: rejection.message,
      });
      return undefined;
    }
    return { rejectedItems: rejection.rejected, errorMessage: rejection.message };
  };

  // The exporter helper takes the name, item name and codecs in a shape of its own.
  const spec = { signal: signal.name, itemName: signal.itemName, helpers: signal };
  return newExporter(settings, spec, push, {
    ...exporterOptions(config, settings),
    ...helperOptions,
    start: async () => {
      let nodeOptions: http2.SecureClientSessionOptions = {};
      if (target.secure) {
        const tls = await loadTlsClientConfig(config.tls, `${path}::tls`);
        nodeOptions = {
          ...tls,
          // The TLS socket is made here so that a handshake failure (such as a server that
          // demands a client certificate) surfaces as a failed call, not an uncaught error.
          createConnection: (authority: URL) => {
            const socket = connectTls({
              host: authority.hostname.replace(/^\[|\]$/g, ""),
              port: Number(authority.port || 443),
              ALPNProtocols: ["h2"],
              ...(isIP(target.host) ? {} : { servername: target.host }),
              ...tls,
            });
            // connect-node leaves the session without an error listener between its connect
            // event and its ready state; a TLS 1.3 server that refuses our certificate after the
            // handshake would raise an uncaught error there. The socket's errors are therefore
            // logged and turned into a plain close, which fails the call as Unavailable.
            const emit = socket.emit.bind(socket);
            socket.emit = ((event: string, ...args: unknown[]) => {
              if (event !== "error") return emit(event, ...args);
              logger.warn("TLS connection to the backend failed", {
                endpoint: target.baseUrl,
                error: (args[0] as Error)?.message ?? String(args[0]),
              });
              socket.destroy();
              return true;
            }) as typeof socket.emit;
            return socket;
          },
        };
      }
      session = new Http2SessionManager(target.baseUrl, undefined, nodeOptions);
      // Every connection the manager opens gets its first stream through request(), in the
      // same tick as its connect event, so guarding there covers each session before a GOAWAY
      // can arrive on it (see @denocol/config http2.ts).
      const request = session.request.bind(session);
      session.request = async (...args: Parameters<Http2SessionManager["request"]>) => {
        const stream = await request(...args);
        if (stream.session !== undefined) guardSessionTeardown(stream.session);
        return stream;
      };
      const transport = createGrpcTransport({
        baseUrl: target.baseUrl,
        sessionManager: session,
        sendCompression: config.compression === "gzip" ? compressionGzip : undefined,
        acceptCompression: [compressionGzip],
        compressMinBytes: 0,
        readMaxBytes: READ_MAX_BYTES,
      });
      client = createClient(signal.service, transport) as unknown as ExportClient;
    },
    shutdown: () => {
      session?.abort();
    },
  });
}
