// The per-signal piece both transports share, and what they do with a request body once they
// have it: admit it against the process's memory budget, decode it with pdata's codec, count it,
// hand it to the pipeline and turn the outcome into a status. HTTP and gRPC call the same
// `receive`, so the same input gets the same checks, limits and messages on both.

import { type DescMessage, type Message, toBinary, toJsonString } from "@bufbuild/protobuf";
import { freeBody, type HttpHeaders } from "@denocol/config";
import {
  isMemoryRefusal,
  LARGE_REQUEST_BYTES,
  type MemoryBudget,
  type MemoryRefusal,
  type MemoryReservation,
} from "@denocol/component";
import type { ClientInfo, ConsumeContext } from "@denocol/consumer";
import {
  DecodeBudgetError,
  type DecodeCost,
  type DecodeOptions,
  encodedForm,
  type OtlpRejection,
} from "@denocol/pdata";
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
  /**
   * Decodes a binary `Export*ServiceRequest`; throws on malformed input, and
   * `DecodeBudgetError` past `options.maxMemoryBytes`. `cost` receives the estimated memory.
   */
  decodeProto(bytes: Uint8Array, options?: DecodeOptions, cost?: DecodeCost): T;
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

/** The metadata of a request whose headers nothing reads. */
const NO_METADATA: ReadonlyMap<string, readonly string[]> = new Map();

/**
 * A request's headers as client metadata, built only when something reads them: the
 * authenticator, or the pipeline when `include_metadata` is on.
 */
export function requestMetadata(
  headers: HttpHeaders,
  authenticate: AuthenticateFn | undefined,
  includeMetadata: boolean,
): ReadonlyMap<string, readonly string[]> {
  return authenticate !== undefined || includeMetadata ? headers.toMap() : NO_METADATA;
}

/** Builds the client information given to the pipeline with each request. */
export function clientInfo(
  address: string | undefined,
  headers: ReadonlyMap<string, readonly string[]>,
  includeMetadata: boolean,
  auth: unknown,
): ClientInfo {
  const info: ClientInfo = {
    metadata: includeMetadata ? headers : NO_METADATA,
    ...(address === undefined ? {} : { address }),
    ...(auth === undefined ? {} : { auth }),
  };
  return info;
}

/**
 * Bytes of heap a JSON object, array and string cost once parsed and converted to the object
 * model (the parsed object plus the protobuf message it becomes), beyond their characters.
 */
const JSON_OBJECT_COST = 384;
const JSON_ARRAY_COST = 64;
const JSON_STRING_COST = 48;

/** The memory a decoded OTLP/JSON request is expected to hold, counted on its text. */
export function estimateJsonBytes(bytes: Uint8Array): number {
  let objects = 0;
  let arrays = 0;
  let quotes = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0x7b) objects++;
    else if (byte === 0x5b) arrays++;
    else if (byte === 0x22) quotes++;
  }
  return bytes.length * 2 + objects * JSON_OBJECT_COST + arrays * JSON_ARRAY_COST +
    (quotes / 2) * JSON_STRING_COST;
}

/**
 * The memory a request body holds while it arrives, taken from the budget as its buffer grows
 * (so that bodies are refused once memory is spent rather than after being buffered) and given
 * back once the decoded request holds its own reservation.
 */
export class BodyHold {
  readonly #budget: MemoryBudget;
  #held: MemoryReservation[] = [];
  #taken = 0;

  /**
   * Creates an empty hold.
   *
   * @param budget Where the memory is taken from.
   */
  constructor(budget: MemoryBudget) {
    this.#budget = budget;
  }

  /** Takes `bytes`; returns the wait to suggest to the client when there is no room. */
  take(bytes: number): number | undefined {
    const large = this.#taken + bytes >= LARGE_REQUEST_BYTES;
    const result = this.#budget.reserve(bytes, large);
    if (isMemoryRefusal(result)) return Math.max(1, result.retryAfterMs);
    this.#taken += bytes;
    this.#held.push(result);
    return undefined;
  }

  /** Gives everything back. */
  release(): void {
    for (const reservation of this.#held) reservation.release();
    this.#held = [];
  }
}

/** What `receive` did with a request. */
export type ReceiveOutcome =
  | { ok: true; response: Message }
  | { ok: false; status: FailureStatus };

function refused(refusal: MemoryRefusal): ReceiveOutcome {
  const message = `otlp receiver: ${refusal.message}`;
  return refusal.kind === "never"
    ? { ok: false, status: { grpcCode: GrpcCode.resourceExhausted, httpStatus: 413, message } }
    : {
      ok: false,
      status: {
        grpcCode: GrpcCode.unavailable,
        httpStatus: 503,
        message,
        retryAfterMs: refusal.retryAfterMs,
      },
    };
}

function malformed(endpoint: SignalEndpoint<unknown>, format: BodyFormat, error: unknown) {
  return {
    ok: false as const,
    status: {
      grpcCode: GrpcCode.invalidArgument,
      httpStatus: 400,
      message: `cannot decode the OTLP ${endpoint.signal} request (${
        format === "proto" ? "protobuf" : "JSON"
      }): ${error instanceof Error ? error.message : String(error)}`,
    },
  };
}

/**
 * Decodes a body within the memory budget. Protobuf is decoded with the budget's headroom as its
 * limit (the decoder charges what it creates and stops past it), then what it took is held; JSON
 * is estimated on its text and reserved before it is parsed.
 */
function decodeWithin<T>(
  endpoint: SignalEndpoint<T>,
  bytes: Uint8Array,
  options: ReceiveOptions,
): { ok: true; data: T; reservation: MemoryReservation } | ReceiveOutcome & { ok: false } {
  const budget = options.budget;
  if (options.format === "json") {
    const reservation = budget.reserve(
      estimateJsonBytes(bytes),
      bytes.length >= LARGE_REQUEST_BYTES,
    );
    if (isMemoryRefusal(reservation)) return refused(reservation) as ReceiveOutcome & { ok: false };
    try {
      return { ok: true, data: endpoint.decodeJson(bytes), reservation };
    } catch (error) {
      reservation.release();
      return malformed(endpoint as SignalEndpoint<unknown>, "json", error);
    }
  }
  const large = bytes.length >= LARGE_REQUEST_BYTES;
  const room = budget.headroom(large);
  const cost: DecodeCost = { memoryBytes: 0 };
  try {
    const data = endpoint.decodeProto(
      bytes,
      room === undefined ? undefined : { maxMemoryBytes: room.availableBytes },
      cost,
    );
    // Data kept encoded holds its body; decoded data holds its objects and the body its ids
    // are views of.
    const held = encodedForm(data) === undefined ? cost.memoryBytes + bytes.length : bytes.length;
    return { ok: true, data, reservation: budget.hold(held, large) };
  } catch (error) {
    if (error instanceof DecodeBudgetError && room !== undefined) {
      return refused(budget.refusal(room.availableBytes, room)) as
        & ReceiveOutcome
        & { ok: false };
    }
    return malformed(endpoint as SignalEndpoint<unknown>, "proto", error);
  }
}

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
  /** The memory the body held while it was read; given back once the request is decoded. */
  bodyHold?: BodyHold;
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
  const decoded = decodeWithin(endpoint, bytes, options);
  options.bodyHold?.release();
  if (!decoded.ok) {
    // Refused before the pipeline saw it: nothing else holds the body, so its memory is freed now.
    freeBody(bytes);
    return decoded;
  }
  const { data, reservation } = decoded;
  try {
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
