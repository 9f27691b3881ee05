// The per-signal piece both transports share, and what they do with a request body once they
// have it: admit it against the process's memory budget, decode it with pdata's codec, count it,
// hand it to the pipeline and turn the outcome into a status. HTTP and gRPC call the same
// `receive`, so the same input gets the same checks, limits and messages on both.

import { type DescMessage, type Message, toBinary, toJsonString } from "@bufbuild/protobuf";
import { isMemoryRefusal, type MemoryBudget } from "@denocol/component";
import type { ClientInfo, ConsumeContext } from "@denocol/consumer";
import type { OtlpRejection } from "@denocol/pdata";
import { type FailureStatus, GrpcCode, statusOfConsumeError } from "./status.ts";

/** The two encodings of an OTLP request body. */
export type BodyFormat = "proto" | "json";

/**
 * One signal as a transport sees it.
 *
 * @typeParam T The signal's data type (`Traces`, `Metrics`, `Logs`, `Profiles`).
 */
export interface SignalEndpoint<T> {
  /** Signal name, for messages and telemetry: `traces`, `metrics`, `logs`, `profiles`. */
  readonly signal: string;
  /** gRPC method path of the signal's `Export`, such as `/…TraceService/Export`. */
  readonly grpcPath: string;
  /** The generated `Export*ServiceResponse` message. */
  readonly responseSchema: DescMessage;
  /** The `Export*ServiceResponse` for an outcome: empty on full success. */
  response(rejection: OtlpRejection | undefined): Message;
  /** Decodes a binary `Export*ServiceRequest`; throws on malformed input. */
  decodeProto(bytes: Uint8Array): T;
  /** Decodes an OTLP/JSON `Export*ServiceRequest`; throws on malformed input. */
  decodeJson(bytes: Uint8Array): T;
  /** Number of items (spans, data points, log records, profiles samples) in `data`. */
  count(data: T): number;
  /**
   * Hands `data` to the pipeline. Rejects with the pipeline's error; resolves with a partial
   * success when part of the data was refused.
   */
  consume(data: T, context: ConsumeContext): Promise<OtlpRejection | undefined>;
}

/**
 * Validates the credentials in request headers (HTTP headers or gRPC metadata; keys lower-case)
 * and resolves with what the authenticator learned about the client, or rejects.
 */
export type AuthenticateFn = (
  headers: ReadonlyMap<string, readonly string[]>,
) => Promise<unknown>;

/** Builds the client information given to the pipeline with each request. */
export function clientInfo(
  address: string | undefined,
  headers: ReadonlyMap<string, readonly string[]>,
  includeMetadata: boolean,
  auth: unknown,
): ClientInfo {
  const info: ClientInfo = {
    metadata: includeMetadata ? headers : new Map(),
    ...(address === undefined ? {} : { address }),
    ...(auth === undefined ? {} : { auth }),
  };
  return info;
}

/**
 * What decoding holds in memory per byte of protobuf input, for admission: measured on OTLP
 * requests of typical shape (spans with attributes) the object model takes 5 to 8 times the
 * encoded size.
 */
const PROTO_EXPANSION = 8;
/** Bytes a parsed JSON object, array or string costs beyond its characters (V8, measured). */
const JSON_NODE_COST = 96;

/**
 * The memory a decoded request is expected to hold. For JSON every `{`, `[` and string becomes
 * an object (twice: once parsed, once converted), so they are counted on the text itself.
 */
export function estimateDecodedBytes(bytes: Uint8Array, format: BodyFormat): number {
  if (format === "proto") return bytes.length * PROTO_EXPANSION;
  let nodes = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    // `"` counts twice per string (both ends): half a node each.
    if (byte === 0x7b || byte === 0x5b) nodes += 2;
    else if (byte === 0x22) nodes += 1;
  }
  return bytes.length * 2 + nodes * JSON_NODE_COST;
}

/** What `receive` did with a request. */
export type ReceiveOutcome =
  | { ok: true; response: Message }
  | { ok: false; status: FailureStatus };

/** Everything `receive` needs besides the body. */
export interface ReceiveOptions {
  /** The request's encoding. */
  format: BodyFormat;
  /** The client, for the pipeline. */
  client: ClientInfo;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** The memory budget requests are admitted against. */
  budget: MemoryBudget;
}

/**
 * Admits, decodes and consumes one request body (already decompressed). Never rejects: every
 * failure is an outcome with its status.
 */
export async function receive<T>(
  endpoint: SignalEndpoint<T>,
  bytes: Uint8Array,
  options: ReceiveOptions,
): Promise<ReceiveOutcome> {
  const reservation = options.budget.reserve(estimateDecodedBytes(bytes, options.format));
  if (isMemoryRefusal(reservation)) {
    if (reservation.kind === "never") {
      return {
        ok: false,
        status: {
          grpcCode: GrpcCode.resourceExhausted,
          httpStatus: 413,
          message: `otlp receiver: ${reservation.message}`,
        },
      };
    }
    return {
      ok: false,
      status: {
        grpcCode: GrpcCode.unavailable,
        httpStatus: 503,
        message: `otlp receiver: ${reservation.message}`,
        retryAfterMs: reservation.retryAfterMs,
      },
    };
  }
  try {
    let data: T;
    try {
      data = options.format === "proto" ? endpoint.decodeProto(bytes) : endpoint.decodeJson(bytes);
    } catch (error) {
      return {
        ok: false,
        status: {
          grpcCode: GrpcCode.invalidArgument,
          httpStatus: 400,
          message: `cannot decode the OTLP ${endpoint.signal} request (${
            options.format === "proto" ? "protobuf" : "JSON"
          }): ${error instanceof Error ? error.message : String(error)}`,
        },
      };
    }
    let partial: OtlpRejection | undefined;
    if (endpoint.count(data) > 0) {
      try {
        partial = await endpoint.consume(data, {
          client: options.client,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        return { ok: false, status: statusOfConsumeError(error) };
      }
    }
    return { ok: true, response: endpoint.response(partial) };
  } finally {
    reservation.release();
  }
}

/** The response message in the request's encoding. */
export function encodeResponse(
  endpoint: SignalEndpoint<unknown>,
  response: Message,
  format: BodyFormat,
): Uint8Array | string {
  return format === "proto"
    ? toBinary(endpoint.responseSchema, response)
    : toJsonString(endpoint.responseSchema, response);
}
