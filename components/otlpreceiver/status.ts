// How an outcome of receiving (a decode failure, a refusal by the pipeline, an auth failure)
// becomes a gRPC status code and an OTLP/HTTP status code, and how the `google.rpc.Status`
// error body the OTLP/HTTP specification asks for is encoded in binary and JSON.

import { create, createRegistry, toBinary, toJsonString } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { isPermanent, retryAfterOf } from "@denocol/consumer";
import { RetryInfoSchema, type Status, StatusSchema } from "@denocol/pdata";

/** gRPC status codes this receiver answers with (values from the gRPC specification). */
export const GrpcCode = {
  ok: 0,
  invalidArgument: 3,
  resourceExhausted: 8,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
} as const;

/** What a failure turns into on either protocol. */
export interface FailureStatus {
  /** gRPC status code. */
  grpcCode: number;
  /** OTLP/HTTP status code. */
  httpStatus: number;
  /** Text for `grpc-message` and the `message` of `google.rpc.Status`. */
  message: string;
  /** Delay the client should wait before retrying, in milliseconds, if the pipeline gave one. */
  retryAfterMs?: number;
}

/**
 * Maps an error from the pipeline to a status. A permanent error is the server's fault as far
 * as the client can tell (gRPC `Internal`, HTTP 500, as the Go collector does); anything else
 * may succeed later: with a retry-after hint it is throttling (`ResourceExhausted` with
 * `RetryInfo`, HTTP 429 with `Retry-After`), without one the pipeline is unavailable
 * (`Unavailable`, HTTP 503).
 */
export function statusOfConsumeError(error: unknown): FailureStatus {
  const message = error instanceof Error ? error.message : String(error);
  if (isPermanent(error)) {
    return { grpcCode: GrpcCode.internal, httpStatus: 500, message };
  }
  const retryAfterMs = retryAfterOf(error);
  if (retryAfterMs !== undefined) {
    return { grpcCode: GrpcCode.resourceExhausted, httpStatus: 429, message, retryAfterMs };
  }
  return { grpcCode: GrpcCode.unavailable, httpStatus: 503, message };
}

/** The `Retry-After` header value (whole seconds, rounded up) for a delay in milliseconds. */
export function retryAfterHeader(retryAfterMs: number): string {
  return String(Math.max(0, Math.ceil(retryAfterMs / 1000)));
}

const retryInfoRegistry = createRegistry(RetryInfoSchema);

function statusMessage(status: FailureStatus): Status {
  const details = status.retryAfterMs === undefined ? [] : [
    anyPack(
      RetryInfoSchema,
      create(RetryInfoSchema, { retryDelay: retryDelay(status.retryAfterMs) }),
    ),
  ];
  return create(StatusSchema, { code: status.grpcCode, message: status.message, details });
}

/** A `google.protobuf.Duration` init for a delay in milliseconds. */
export function retryDelay(retryAfterMs: number): { seconds: bigint; nanos: number } {
  const seconds = Math.floor(retryAfterMs / 1000);
  return { seconds: BigInt(seconds), nanos: Math.round((retryAfterMs - seconds * 1000) * 1e6) };
}

/** Binary `google.rpc.Status`, with a `google.rpc.RetryInfo` detail when there is a delay. */
export function encodeStatusProto(status: FailureStatus): Uint8Array<ArrayBuffer> {
  return toBinary(StatusSchema, statusMessage(status)) as Uint8Array<ArrayBuffer>;
}

/** `google.rpc.Status` in the protobuf JSON mapping. */
export function encodeStatusJson(status: FailureStatus): string {
  return toJsonString(StatusSchema, statusMessage(status), { registry: retryInfoRegistry });
}
