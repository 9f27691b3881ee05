// The OTLP/HTTP request handler, as a function from a fetch `Request` to a `Response` so that it
// runs unchanged behind `Deno.serve` and behind the `node:http2` TLS server (see server.ts).
// Status codes and bodies follow the OTLP/HTTP specification and the Go collector's choices.

import { BodyError, readBody } from "./body.ts";
import { toBinary, toJsonString } from "@bufbuild/protobuf";
import { type AuthenticateFn, clientInfo, type SignalEndpoint } from "./endpoint.ts";
import {
  encodeStatusJson,
  encodeStatusProto,
  type FailureStatus,
  GrpcCode,
  retryAfterHeader,
  statusOfConsumeError,
} from "./status.ts";

/** CORS settings (the `cors` block of the HTTP protocol). */
export interface CorsOptions {
  /** Origins allowed to send requests; `*` matches any, one `*` inside matches a sub-domain. */
  allowedOrigins: readonly string[];
  /** Request headers allowed besides the ones CORS always allows; `*` allows any. */
  allowedHeaders: readonly string[];
  /** Seconds a browser may cache a preflight answer; 0 leaves the header out. */
  maxAge: number;
}

/** Everything the OTLP/HTTP handler needs. */
export interface OtlpHttpHandlerOptions {
  /** URL path of each signal that is wired, such as `/v1/traces`. */
  routes: ReadonlyMap<string, SignalEndpoint<unknown>>;
  /** Limit on the request body, before and after decompression, in bytes. */
  maxRequestBodySize: number;
  /** CORS settings, or `null` to answer no CORS requests. */
  cors: CorsOptions | null;
  /** Authenticator run on every request before its body is read, if auth is configured. */
  authenticate?: AuthenticateFn;
  /** Whether request headers are passed to the pipeline as client metadata. */
  includeMetadata: boolean;
  /** Headers added to every response. */
  responseHeaders: Readonly<Record<string, string>>;
}

/**
 * The handler's signature: a request, the client's address, and a signal that aborts when the
 * client goes away before the response (given to the pipeline while it holds the request).
 */
export type OtlpHttpHandler = (
  request: Request,
  remoteAddress?: string,
  clientGone?: AbortSignal,
) => Promise<Response>;

type Format = "proto" | "json";

const PROTOBUF = "application/x-protobuf";
const JSON_TYPE = "application/json";
// Headers browsers may send cross-origin without them being listed (as rs/cors, used by Go).
const ALWAYS_ALLOWED_HEADERS = ["origin", "accept", "content-type", "x-requested-with"];

function mediaType(contentType: string | null): string {
  if (contentType === null) return "";
  const semicolon = contentType.indexOf(";");
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

function formatOf(contentType: string | null): Format | undefined {
  const type = mediaType(contentType);
  if (type === PROTOBUF) return "proto";
  if (type === JSON_TYPE) return "json";
  return undefined;
}

function originMatches(pattern: string, origin: string): boolean {
  if (pattern === "*") return true;
  const star = pattern.indexOf("*");
  if (star < 0) return pattern.toLowerCase() === origin.toLowerCase();
  const prefix = pattern.slice(0, star).toLowerCase();
  const suffix = pattern.slice(star + 1).toLowerCase();
  const lower = origin.toLowerCase();
  return lower.length >= prefix.length + suffix.length && lower.startsWith(prefix) &&
    lower.endsWith(suffix);
}

function headersToMap(headers: Headers): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const existing = map.get(name);
    if (existing) existing.push(value);
    else map.set(name, [value]);
  }
  return map;
}

/** Builds the OTLP/HTTP handler. */
export function createOtlpHttpHandler(options: OtlpHttpHandlerOptions): OtlpHttpHandler {
  const { routes, maxRequestBodySize, cors, authenticate, includeMetadata } = options;
  const corsEnabled = cors !== null && cors.allowedOrigins.length > 0;
  const anyHeader = cors?.allowedHeaders.includes("*") ?? false;
  const allowedHeaders = new Set([
    ...ALWAYS_ALLOWED_HEADERS,
    ...(cors?.allowedHeaders ?? []).map((h) => h.toLowerCase()),
  ]);

  const allowedOrigin = (request: Request): string | undefined => {
    if (!corsEnabled) return undefined;
    const origin = request.headers.get("origin");
    if (origin === null) return undefined;
    return cors!.allowedOrigins.some((pattern) => originMatches(pattern, origin))
      ? origin
      : undefined;
  };

  const respond = (
    request: Request,
    status: number,
    body: BodyInit | null,
    headers: Record<string, string>,
    corsHeaders = true,
  ): Response => {
    const out = new Headers(options.responseHeaders);
    for (const [name, value] of Object.entries(headers)) out.set(name, value);
    const origin = corsHeaders ? allowedOrigin(request) : undefined;
    if (origin !== undefined) {
      out.set("access-control-allow-origin", origin);
      out.set("access-control-allow-credentials", "true");
      out.append("vary", "Origin");
    }
    return new Response(body, { status, headers: out });
  };

  const plain = (request: Request, status: number, text: string, extra = {}): Response =>
    respond(request, status, text, { "content-type": "text/plain; charset=utf-8", ...extra });

  /** A `google.rpc.Status` body in the request's encoding (JSON when it has none we know). */
  const failure = (request: Request, format: Format | undefined, status: FailureStatus) => {
    const headers: Record<string, string> = {};
    if (
      status.retryAfterMs !== undefined && (status.httpStatus === 429 || status.httpStatus === 503)
    ) {
      headers["retry-after"] = retryAfterHeader(status.retryAfterMs);
    }
    if (format === "proto") {
      headers["content-type"] = PROTOBUF;
      return respond(request, status.httpStatus, encodeStatusProto(status), headers);
    }
    headers["content-type"] = JSON_TYPE;
    return respond(request, status.httpStatus, encodeStatusJson(status), headers);
  };

  const preflight = (request: Request): Response => {
    const origin = allowedOrigin(request);
    const method = request.headers.get("access-control-request-method") ?? "";
    if (origin === undefined || method.toUpperCase() !== "POST") {
      return respond(request, 204, null, { vary: "Origin" }, false);
    }
    const requested = (request.headers.get("access-control-request-headers") ?? "")
      .split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== "");
    if (!anyHeader && !requested.every((h) => allowedHeaders.has(h))) {
      return respond(request, 204, null, { vary: "Origin" }, false);
    }
    const headers: Record<string, string> = {
      "access-control-allow-methods": "POST",
      vary: "Access-Control-Request-Method, Access-Control-Request-Headers",
    };
    if (requested.length > 0) headers["access-control-allow-headers"] = requested.join(", ");
    if (cors!.maxAge > 0) headers["access-control-max-age"] = String(cors!.maxAge);
    return respond(request, 204, null, headers);
  };

  return async (
    request: Request,
    remoteAddress?: string,
    clientGone?: AbortSignal,
  ): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (
      corsEnabled && request.method === "OPTIONS" && request.headers.has("origin") &&
      request.headers.has("access-control-request-method")
    ) {
      return preflight(request);
    }
    const format = formatOf(request.headers.get("content-type"));
    const headers = headersToMap(request.headers);

    let auth: unknown;
    if (authenticate !== undefined) {
      try {
        auth = await authenticate(headers);
      } catch (error) {
        await request.body?.cancel().catch(() => {});
        return failure(request, format, {
          grpcCode: GrpcCode.unauthenticated,
          httpStatus: 401,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }

    const endpoint = routes.get(path);
    if (endpoint === undefined) {
      await request.body?.cancel().catch(() => {});
      return plain(request, 404, `404 page not found: no OTLP signal is served at ${path}`);
    }
    if (request.method !== "POST") {
      await request.body?.cancel().catch(() => {});
      return plain(
        request,
        405,
        `405 method not allowed: ${request.method}; supported: [POST]`,
        { allow: "POST" },
      );
    }
    if (format === undefined) {
      await request.body?.cancel().catch(() => {});
      return plain(
        request,
        415,
        `415 unsupported media type ${JSON.stringify(request.headers.get("content-type") ?? "")}` +
          `; supported: [${JSON_TYPE}, ${PROTOBUF}]`,
      );
    }

    const declared = Number(request.headers.get("content-length") ?? "NaN");
    if (declared > maxRequestBodySize) {
      await request.body?.cancel().catch(() => {});
      return failure(request, format, {
        grpcCode: GrpcCode.invalidArgument,
        httpStatus: 413,
        message:
          `request body size ${declared} exceeds max_request_body_size of ${maxRequestBodySize} bytes`,
      });
    }

    let bytes: Uint8Array;
    try {
      bytes = await readBody(
        request.body,
        request.headers.get("content-encoding"),
        maxRequestBodySize,
      );
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      return failure(request, format, {
        grpcCode: GrpcCode.invalidArgument,
        httpStatus: error.httpStatus,
        message: error.message,
      });
    }

    let data: unknown;
    try {
      data = format === "proto" ? endpoint.decodeProto(bytes) : endpoint.decodeJson(bytes);
    } catch (error) {
      return failure(request, format, {
        grpcCode: GrpcCode.invalidArgument,
        httpStatus: 400,
        message: `cannot decode the OTLP ${endpoint.signal} request (${
          format === "proto" ? "protobuf" : "JSON"
        }): ${error instanceof Error ? error.message : String(error)}`,
      });
    }

    let partial;
    if (endpoint.count(data) > 0) {
      try {
        partial = await endpoint.consume(data, {
          client: clientInfo(remoteAddress, headers, includeMetadata, auth),
          ...(clientGone ? { signal: clientGone } : {}),
        });
      } catch (error) {
        return failure(request, format, statusOfConsumeError(error));
      }
    }
    const response = endpoint.response(partial);
    if (format === "proto") {
      return respond(request, 200, toBinary(endpoint.responseSchema, response) as BodyInit, {
        "content-type": PROTOBUF,
      });
    }
    return respond(request, 200, toJsonString(endpoint.responseSchema, response), {
      "content-type": JSON_TYPE,
    });
  };
}
