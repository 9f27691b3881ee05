// The OTLP/HTTP request handler, written against @denocol/config's `ServerRequest` so that it
// runs unchanged on the HTTP/1.1 engine and on HTTP/2 streams (TLS). Status codes and bodies
// follow the OTLP/HTTP specification and the Go collector's choices; what happens to a body once
// read is `receive`, shared with gRPC.

import type { MemoryBudget } from "@denocol/component";
import { BodyReadError, freeBody, type ServerRequest, type ServerResponse } from "@denocol/config";
import { BodyError, decodeBody } from "./body.ts";
import {
  type AuthenticateFn,
  type BodyFormat,
  BodyHold,
  clientInfo,
  encodeResponse,
  receive,
  requestMetadata,
  type SignalEndpoint,
} from "./endpoint.ts";
import {
  encodeStatusJson,
  encodeStatusProto,
  type FailureStatus,
  GrpcCode,
  retryAfterHeader,
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
  /** The memory budget requests are admitted against. */
  budget: MemoryBudget;
}

/** The handler: one request in, its answer out (never rejects). */
export type OtlpHttpHandler = (request: ServerRequest) => Promise<ServerResponse>;

type Format = BodyFormat;

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

/** Builds the OTLP/HTTP handler. */
export function createOtlpHttpHandler(options: OtlpHttpHandlerOptions): OtlpHttpHandler {
  const { routes, maxRequestBodySize, cors, authenticate, includeMetadata } = options;
  const corsEnabled = cors !== null && cors.allowedOrigins.length > 0;
  const anyHeader = cors?.allowedHeaders.includes("*") ?? false;
  const allowedHeaders = new Set([
    ...ALWAYS_ALLOWED_HEADERS,
    ...(cors?.allowedHeaders ?? []).map((h) => h.toLowerCase()),
  ]);

  const allowedOrigin = (request: ServerRequest): string | undefined => {
    if (!corsEnabled) return undefined;
    const origin = request.headers.get("origin");
    if (origin === null) return undefined;
    return cors!.allowedOrigins.some((pattern) => originMatches(pattern, origin))
      ? origin
      : undefined;
  };

  const baseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.responseHeaders)) {
    baseHeaders[name.toLowerCase()] = value;
  }

  const respond = (
    request: ServerRequest,
    status: number,
    body: Uint8Array | string | null,
    headers: Record<string, string>,
    corsHeaders = true,
  ): ServerResponse => {
    const out: Record<string, string> = { ...baseHeaders, ...headers };
    const origin = corsHeaders ? allowedOrigin(request) : undefined;
    if (origin !== undefined) {
      out["access-control-allow-origin"] = origin;
      out["access-control-allow-credentials"] = "true";
      out.vary = out.vary === undefined ? "Origin" : `${out.vary}, Origin`;
    }
    return body === null ? { status, headers: out } : { status, headers: out, body };
  };

  const plain = (request: ServerRequest, status: number, text: string, extra = {}) =>
    respond(request, status, text, { "content-type": "text/plain; charset=utf-8", ...extra });

  /** A `google.rpc.Status` body in the request's encoding (JSON when it has none we know). */
  const failure = (
    request: ServerRequest,
    format: Format | undefined,
    status: FailureStatus,
  ): ServerResponse => {
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

  const preflight = (request: ServerRequest): ServerResponse => {
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

  return async (request: ServerRequest): Promise<ServerResponse> => {
    const path = request.path;
    if (
      corsEnabled && request.method === "OPTIONS" && request.headers.has("origin") &&
      request.headers.has("access-control-request-method")
    ) {
      return preflight(request);
    }
    const format = formatOf(request.headers.get("content-type"));
    const headers = requestMetadata(request.headers, authenticate, includeMetadata);

    let auth: unknown;
    if (authenticate !== undefined) {
      try {
        auth = await authenticate(headers);
      } catch (error) {
        return failure(request, format, {
          grpcCode: GrpcCode.unauthenticated,
          httpStatus: 401,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }

    const endpoint = routes.get(path);
    if (endpoint === undefined) {
      return plain(request, 404, `404 page not found: no OTLP signal is served at ${path}`);
    }
    if (request.method !== "POST") {
      return plain(
        request,
        405,
        `405 method not allowed: ${request.method}; supported: [POST]`,
        { allow: "POST" },
      );
    }
    if (format === undefined) {
      return plain(
        request,
        415,
        `415 unsupported media type ${JSON.stringify(request.headers.get("content-type") ?? "")}` +
          `; supported: [${JSON_TYPE}, ${PROTOBUF}]`,
      );
    }

    const declared = request.declaredLength;
    if (declared !== undefined && declared > maxRequestBodySize) {
      return failure(request, format, {
        grpcCode: GrpcCode.invalidArgument,
        httpStatus: 413,
        message:
          `request body size ${declared} exceeds max_request_body_size of ${maxRequestBodySize} bytes`,
      });
    }

    let bytes: Uint8Array;
    const bodyHold = new BodyHold(options.budget);
    try {
      const raw = await request.readBody(maxRequestBodySize, bodyHold);
      try {
        bytes = decodeBody(raw, request.headers.get("content-encoding") ?? "", maxRequestBodySize);
      } finally {
        // The compressed body is not needed once decoded (nor when it could not be).
        if (bytes! !== raw) freeBody(raw);
      }
    } catch (error) {
      bodyHold.release();
      if (error instanceof BodyReadError) {
        return failure(request, format, {
          grpcCode: error.status === 503 ? GrpcCode.unavailable : GrpcCode.invalidArgument,
          httpStatus: error.status,
          message: error.status === 413
            ? `request body size exceeds max_request_body_size of ${maxRequestBodySize} bytes`
            : error.message,
          ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        });
      }
      if (error instanceof BodyError) {
        return failure(request, format, {
          grpcCode: GrpcCode.invalidArgument,
          httpStatus: error.httpStatus,
          message: error.message,
        });
      }
      throw error;
    }

    const outcome = await receive(endpoint, bytes, {
      format,
      client: clientInfo(request.remoteAddress, headers, includeMetadata, auth),
      signal: request.signal,
      budget: options.budget,
      bodyHold,
    });
    if (!outcome.ok) return failure(request, format, outcome.status);
    return respond(request, 200, encodeResponse(endpoint, outcome.response, format), {
      "content-type": format === "proto" ? PROTOBUF : JSON_TYPE,
    });
  };
}
