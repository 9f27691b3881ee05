import { fromBinary, type Message } from "@bufbuild/protobuf";
import type { Host, Settings } from "@denocol/component";
import { type ClientAuthenticator, clientAuthenticatorOf } from "@denocol/extension";
import type { Exporter } from "@denocol/exporter";
import {
  type ExporterOptions,
  exporterOptions,
  newExporter,
  partialSuccessOf,
  type PushFunc,
  resolveTimeout,
} from "@denocol/exporter/exporterhelper";
import { compressionNamed, GrpcClient, loadTlsClientConfig } from "@denocol/config";
import type { SignalDescriptor } from "@denocol/pdata";
import type * as http2 from "node:http2";
import { isIP } from "node:net";
import { connect as connectTls } from "node:tls";
import { keepaliveOf, type OtlpGrpcConfig, resolveTarget } from "./config.ts";
import { grpcError } from "./status.ts";

/** Largest response accepted (responses are small status messages). */
const READ_MAX_BYTES = 4 * 1024 * 1024;

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
  const transport = createGrpcTransport(settings, config, signal);
  return newExporter(settings, signal, transport.push, {
    ...exporterOptions(config, settings),
    // Merged batches stay under the 4 MiB a gRPC server takes by default.
    maxBatchBytes: GRPC_DEFAULT_MAX_MESSAGE_BYTES,
    // The push sends `encodeProto(data)`, nothing else of it.
    sendsEncoded: true,
    ...helperOptions,
    start: transport.start,
    shutdown: transport.shutdown,
  });
}

/**
 * The message size a gRPC server accepts unless configured otherwise (grpc-go's and the Go
 * collector's `max_recv_msg_size_mib` default): `sending_queue.batch` merges no request past it.
 */
export const GRPC_DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * What sends one signal to one OTLP/gRPC backend, without the exporter helper around it: the
 * push function and the start and shutdown of its client. An exporter that puts its own helper
 * around several backends (the `loadbalancing` exporter) builds one per backend.
 */
export interface GrpcTransport<T> {
  /** Sends one request; the exporter helper's contract for its push function. */
  push: PushFunc<T>;
  /**
   * Creates the client (loads the TLS material) and finds the client authenticator of
   * `auth.authenticator` among `host`'s extensions.
   */
  start(host?: Host): Promise<void>;
  /** Closes the client. */
  shutdown(): void;
}

/**
 * The transport of an otlp (gRPC) exporter for one signal, configured by `config`'s endpoint,
 * client keys (`compression`, `headers`, `tls`) and `timeout`.
 *
 * @param path Config path of the settings, named in errors; default `exporters::<id>`.
 * @throws {TypeError} when the endpoint or another setting is invalid.
 */
export function createGrpcTransport<T>(
  settings: Settings,
  config: OtlpGrpcConfig,
  signal: SignalDescriptor<T>,
  path = `exporters::${settings.id}`,
): GrpcTransport<T> {
  const target = resolveTarget(config, path);
  const logger = settings.telemetry.logger;
  if (config.balancer_name !== null && config.balancer_name !== "") {
    logger.warn("balancer_name is not supported and is ignored; one connection is used", {
      balancer_name: config.balancer_name,
    });
  }
  const { buildInfo } = settings;
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers)) metadata[name.toLowerCase()] = value;
  metadata["user-agent"] =
    `${buildInfo.description}/${buildInfo.version} (${Deno.build.os}/${Deno.build.arch})`;
  // Sent as `grpc-timeout` (such as `5000m`) so that the server knows our deadline and can stop
  // working on a call we have given up on.
  const timeoutMs = resolveTimeout({ timeout: config.timeout }, path);
  const exportPath = `/${signal.service.typeName}/Export`;
  // `none` and `""` send as is; validation allows only gRPC's compressions.
  const compression = compressionNamed(config.compression);
  let client: GrpcClient | undefined;
  let auth: ClientAuthenticator | undefined;

  const push: PushFunc<T> = async (data, context) => {
    let response: Message;
    try {
      // The data's own bytes when it was received as protobuf and nothing read it.
      const reply = await client!.unary(exportPath, signal.encodeProto(data), {
        metadata: auth === undefined ? metadata : { ...metadata, ...await auth.clientHeaders() },
        signal: context.signal,
        ...(compression !== undefined ? { compression } : {}),
        maxResponseBytes: READ_MAX_BYTES,
        ...(timeoutMs > 0 ? { timeoutMs } : {}),
      });
      response = fromBinary(signal.responseSchema, reply);
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason ?? error;
      throw grpcError(error, target.baseUrl);
    }
    return partialSuccessOf(signal.rejection(response), logger);
  };

  return {
    push,
    start: async (host?: Host) => {
      auth = config.auth === null || host === undefined
        ? undefined
        : clientAuthenticatorOf(host, config.auth.authenticator, path);
      let tls: http2.SecureClientSessionOptions | undefined;
      if (target.secure) {
        const material = await loadTlsClientConfig(config.tls, `${path}::tls`);
        tls = {
          ...material,
          // The TLS socket is made here so that a handshake failure (such as a server that
          // demands a client certificate) fails the call as Unavailable rather than surfacing
          // as an uncaught error on a socket nobody listens to.
          createConnection: (authority: URL) => {
            const socket = connectTls({
              host: authority.hostname.replace(/^\[|\]$/g, ""),
              port: Number(authority.port || 443),
              ALPNProtocols: ["h2"],
              ...(isIP(target.host) ? {} : { servername: target.host }),
              ...material,
            });
            socket.on("error", (error: Error) => {
              logger.warn("TLS connection to the backend failed", {
                endpoint: target.baseUrl,
                error: error.message,
              });
            });
            return socket;
          },
        };
      }
      const keepalive = keepaliveOf(config, path);
      client = new GrpcClient({
        baseUrl: target.baseUrl,
        ...(tls ? { tls } : {}),
        ...(config.authority ? { authority: config.authority } : {}),
        ...(keepalive ? { keepalive } : {}),
      });
    },
    shutdown: () => {
      client?.close();
    },
  };
}
