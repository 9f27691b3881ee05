// The OTLP/gRPC services, served by @connectrpc/connect-node's gRPC protocol handler on a
// `node:http2` server. Authentication runs on the request headers before the router sees the
// request, so an unauthenticated message is never read or decoded.

import type { DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createContextKey,
  createContextValues,
  type HandlerContext,
} from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type * as http2 from "node:http2";
import {
  type AuthenticateFn,
  clientInfo,
  exportResponse,
  type SignalEndpoint,
} from "./endpoint.ts";
import { retryDelay, statusOfConsumeError } from "./status.ts";
import { RetryInfoSchema } from "@denocol/pdata";

/** A signal served over gRPC: its endpoint plus the generated service and request mapping. */
export interface GrpcSignalEndpoint<T> extends SignalEndpoint<T> {
  /** The generated `*Service` descriptor with its single `Export` method. */
  readonly service: DescService;
  /** Turns the decoded `Export*ServiceRequest` message into the signal's data. */
  fromRequest(message: unknown): T;
}

/** Everything the OTLP/gRPC handler needs. */
export interface OtlpGrpcHandlerOptions {
  /** The signals that are wired; others answer `Unimplemented`. */
  endpoints: readonly GrpcSignalEndpoint<unknown>[];
  /** Largest accepted message, after decompression, in bytes. */
  readMaxBytes: number;
  /** Authenticator run on the request metadata before the message is read, if configured. */
  authenticate?: AuthenticateFn;
  /** Whether request metadata is passed to the pipeline as client metadata. */
  includeMetadata: boolean;
}

/** A `node:http2` request listener. */
export type Http2Handler = (
  request: http2.Http2ServerRequest,
  response: http2.Http2ServerResponse,
) => void;

interface RequestFacts {
  address: string | undefined;
  headers: ReadonlyMap<string, readonly string[]>;
  auth: unknown;
}

const requestFactsKey = createContextKey<RequestFacts | undefined>(undefined, {
  description: "denocol otlp receiver request facts",
});

function metadataOf(request: http2.Http2ServerRequest): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    map.set(name.toLowerCase(), Array.isArray(value) ? [...value] : [String(value)]);
  }
  return map;
}

/**
 * Answers with a trailers-only gRPC response (status in the headers), which every gRPC client
 * understands, without reading the request.
 */
function writeGrpcStatus(response: http2.Http2ServerResponse, code: number, message: string) {
  if (response.headersSent) return;
  response.writeHead(200, {
    "content-type": "application/grpc",
    "grpc-status": String(code),
    "grpc-message": encodeURIComponent(message),
  });
  response.end();
}

function exportHandler(endpoint: GrpcSignalEndpoint<unknown>, includeMetadata: boolean) {
  return async (message: unknown, context: HandlerContext) => {
    let data: unknown;
    try {
      data = endpoint.fromRequest(message);
    } catch (error) {
      throw new ConnectError(
        `invalid OTLP ${endpoint.signal} request: ${
          error instanceof Error ? error.message : String(error)
        }`,
        Code.InvalidArgument,
      );
    }
    if (endpoint.count(data) === 0) return exportResponse(endpoint, undefined);
    const facts = context.values.get(requestFactsKey);
    let partial;
    try {
      partial = await endpoint.consume(data, {
        client: clientInfo(
          facts?.address,
          facts?.headers ?? new Map(),
          includeMetadata,
          facts?.auth,
        ),
        signal: context.signal,
      });
    } catch (error) {
      const status = statusOfConsumeError(error);
      throw new ConnectError(
        status.message,
        status.grpcCode as Code,
        undefined,
        status.retryAfterMs === undefined
          ? undefined
          : [{ desc: RetryInfoSchema, value: { retryDelay: retryDelay(status.retryAfterMs) } }],
      );
    }
    return exportResponse(endpoint, partial);
  };
}

/** Builds the `node:http2` request listener serving the OTLP gRPC services. */
export function createOtlpGrpcHandler(options: OtlpGrpcHandlerOptions): Http2Handler {
  const routes = (router: ConnectRouter) => {
    for (const endpoint of options.endpoints) {
      const method = endpoint.service.methods.find((m) => m.name === "Export");
      if (method === undefined) {
        throw new TypeError(`service ${endpoint.service.typeName} has no Export method`);
      }
      // deno-lint-ignore no-explicit-any
      router.rpc(method as any, exportHandler(endpoint, options.includeMetadata) as any);
    }
  };
  const facts = new WeakMap<http2.Http2ServerRequest, RequestFacts>();
  const adapter = connectNodeAdapter({
    grpc: true,
    grpcWeb: false,
    connect: false,
    readMaxBytes: options.readMaxBytes,
    routes,
    contextValues: (request) =>
      createContextValues().set(
        requestFactsKey,
        facts.get(request as http2.Http2ServerRequest),
      ),
    fallback: (request, response) => {
      const path = request.url ?? "";
      writeGrpcStatus(
        response as http2.Http2ServerResponse,
        Code.Unimplemented,
        `unknown service or method ${path}: the signal is not wired to this receiver`,
      );
    },
  });
  return (request, response) => {
    const headers = metadataOf(request);
    const address = request.socket?.remoteAddress;
    const authenticate = options.authenticate;
    if (authenticate === undefined) {
      facts.set(request, { address, headers, auth: undefined });
      adapter(request, response);
      return;
    }
    authenticate(headers).then(
      (auth) => {
        facts.set(request, { address, headers, auth });
        adapter(request, response);
      },
      (error) => {
        writeGrpcStatus(
          response,
          Code.Unauthenticated,
          error instanceof Error ? error.message : String(error),
        );
      },
    );
  };
}
