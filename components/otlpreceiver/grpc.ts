// The OTLP/gRPC services, served by @connectrpc/connect's gRPC protocol handler on a
// `node:http2` server through connect-node's request/response bridge. Authentication runs as
// the router's request gate, before the request body is read, so an unauthenticated message is
// never read or decoded.

import type { DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createConnectRouter,
  createContextKey,
  createContextValues,
  type HandlerContext,
} from "@connectrpc/connect";
import type { UniversalServerResponse } from "@connectrpc/connect/protocol";
import {
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import type * as http2 from "node:http2";
import { type AuthenticateFn, clientInfo, type SignalEndpoint } from "./endpoint.ts";
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

/** What the transport knows about a request before its message is read. */
interface RequestFacts {
  address: string | undefined;
  headers: ReadonlyMap<string, readonly string[]>;
  /** Set by the authenticator, if one is configured. */
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
  // One HEADERS frame that ends the stream: grpc clients read a status from headers only then.
  response.stream.respond({
    ":status": 200,
    "content-type": "application/grpc",
    "grpc-status": String(code),
    "grpc-message": encodeURIComponent(message),
  }, { endStream: true });
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
    if (endpoint.count(data) === 0) return endpoint.response(undefined);
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
    return endpoint.response(partial);
  };
}

/**
 * Connect reports a message that does not parse as `Internal` ("parse binary: …"); the OTLP
 * specification wants `InvalidArgument` for malformed data. The trailer is filled while the
 * response body is iterated, so the fix is applied once the body is done and before the node
 * writer sends the trailers.
 */
function parseErrorsAsInvalidArgument(response: UniversalServerResponse): UniversalServerResponse {
  const fix = () => {
    const trailer = response.trailer;
    if (trailer?.get("grpc-status") !== String(Code.Internal)) return;
    let message = trailer.get("grpc-message") ?? "";
    try {
      message = decodeURIComponent(message);
    } catch {
      // keep it as sent
    }
    if (message.startsWith("parse binary:")) {
      trailer.set("grpc-status", String(Code.InvalidArgument));
    }
  };
  const body = response.body;
  if (body === undefined) {
    fix();
    return response;
  }
  return {
    ...response,
    body: (async function* () {
      try {
        yield* body;
      } finally {
        fix();
      }
    })(),
  };
}

/** Builds the `node:http2` request listener serving the OTLP gRPC services. */
export function createOtlpGrpcHandler(options: OtlpGrpcHandlerOptions): Http2Handler {
  const authenticate = options.authenticate;
  const router = createConnectRouter({
    grpc: true,
    grpcWeb: false,
    connect: false,
    readMaxBytes: options.readMaxBytes,
    acceptCompression: [compressionGzip],
    // Runs before the request body is read: an unauthenticated message is never read or decoded.
    ...(authenticate === undefined ? {} : {
      requestGate: async (context: HandlerContext) => {
        const facts = context.values.get(requestFactsKey);
        try {
          const auth = await authenticate(facts?.headers ?? new Map());
          if (facts) facts.auth = auth;
        } catch (error) {
          throw new ConnectError(
            error instanceof Error ? error.message : String(error),
            Code.Unauthenticated,
          );
        }
      },
    }),
  });
  for (const endpoint of options.endpoints) {
    const method = endpoint.service.methods.find((m) => m.name === "Export");
    if (method === undefined) {
      throw new TypeError(`service ${endpoint.service.typeName} has no Export method`);
    }
    // deno-lint-ignore no-explicit-any
    router.rpc(method as any, exportHandler(endpoint, options.includeMetadata) as any);
  }
  const handlers = new Map(router.handlers.map((handler) => [handler.requestPath, handler]));
  return (request, response) => {
    const path = (request.url ?? "").split("?")[0];
    const handler = handlers.get(path);
    if (handler === undefined) {
      writeGrpcStatus(
        response,
        Code.Unimplemented,
        `unknown service or method ${path}: the signal is not wired to this receiver`,
      );
      return;
    }
    const facts: RequestFacts = {
      address: request.socket?.remoteAddress,
      headers: metadataOf(request),
      auth: undefined,
    };
    const universal = universalRequestFromNodeRequest(
      request,
      response,
      undefined,
      createContextValues().set(requestFactsKey, facts),
    );
    handler(universal)
      .then((result) =>
        universalResponseToNodeResponse(parseErrorsAsInvalidArgument(result), response)
      )
      .catch((error) => {
        if (ConnectError.from(error).code === Code.Aborted) return;
        writeGrpcStatus(response, Code.Internal, `internal error: ${String(error)}`);
      });
  };
}
