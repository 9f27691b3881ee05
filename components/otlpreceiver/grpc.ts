// The OTLP/gRPC services: one unary method per wired signal on @denocol/config's gRPC server.
// The request message arrives as bytes and goes through the same `receive` as an OTLP/HTTP body
// (memory admission, pdata's codec, the pipeline), so both transports refuse the same input with
// the same message. Authentication runs on the metadata before the message is read.

import {
  GrpcBudgetError,
  type GrpcCall,
  GrpcStatus,
  GrpcStatusError,
  type GrpcUnaryHandler,
} from "@denocol/config";
import type { MemoryBudget } from "@denocol/component";
import {
  type AuthenticateFn,
  BodyHold,
  clientInfo,
  receive,
  requestMetadata,
  type SignalEndpoint,
} from "./endpoint.ts";
import { encodeStatusProto, type FailureStatus } from "./status.ts";
import { toBinary } from "@bufbuild/protobuf";

/** Everything the OTLP/gRPC methods need. */
export interface OtlpGrpcMethodOptions {
  /** The signals that are wired; other paths answer `Unimplemented`. */
  endpoints: readonly SignalEndpoint<unknown>[];
  /** Authenticator run on the request metadata before the message is read, if configured. */
  authenticate?: AuthenticateFn;
  /** Whether request metadata is passed to the pipeline as client metadata. */
  includeMetadata: boolean;
  /** The memory budget requests are admitted against. */
  budget: MemoryBudget;
}

/** A failure as a gRPC status, with `google.rpc.Status` details (`RetryInfo`) when it has any. */
export function grpcStatusOf(status: FailureStatus): GrpcStatusError {
  return new GrpcStatusError(
    status.grpcCode,
    status.message,
    status.retryAfterMs === undefined ? undefined : encodeStatusProto(status),
  );
}

function exportMethod(
  endpoint: SignalEndpoint<unknown>,
  options: OtlpGrpcMethodOptions,
): GrpcUnaryHandler {
  return async (call: GrpcCall) => {
    const metadata = requestMetadata(call.metadata, options.authenticate, options.includeMetadata);
    let auth: unknown;
    if (options.authenticate !== undefined) {
      try {
        auth = await options.authenticate(metadata);
      } catch (error) {
        throw new GrpcStatusError(
          GrpcStatus.unauthenticated,
          error instanceof Error ? error.message : String(error),
        );
      }
    }
    const bodyHold = new BodyHold(options.budget);
    let message: Uint8Array;
    try {
      message = await call.readMessage(bodyHold);
    } catch (error) {
      bodyHold.release();
      if (error instanceof GrpcBudgetError) {
        throw grpcStatusOf({
          grpcCode: GrpcStatus.unavailable,
          httpStatus: 503,
          message: `otlp receiver: ${error.message}`,
          retryAfterMs: error.retryAfterMs,
        });
      }
      throw error;
    }
    const outcome = await receive(endpoint, message, {
      format: "proto",
      client: clientInfo(call.remoteAddress, metadata, options.includeMetadata, auth),
      signal: call.signal,
      budget: options.budget,
      bodyHold,
    });
    if (!outcome.ok) throw grpcStatusOf(outcome.status);
    return toBinary(endpoint.responseSchema, outcome.response);
  };
}

/** The OTLP `Export` methods of the wired signals, by gRPC path. */
export function createOtlpGrpcMethods(
  options: OtlpGrpcMethodOptions,
): Map<string, GrpcUnaryHandler> {
  return new Map(
    options.endpoints.map((endpoint) => [endpoint.grpcPath, exportMethod(endpoint, options)]),
  );
}
