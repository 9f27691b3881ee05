import { fromBinary } from "@bufbuild/protobuf";
import { GrpcStatus, GrpcStatusError } from "@denocol/config";
import { PermanentError, RetryableError } from "@denocol/consumer";
import { RetryInfoSchema, StatusSchema } from "@denocol/pdata";

/** gRPC codes after which an OTLP client retries (the OTLP specification's list). */
export const RETRYABLE_GRPC_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.cancelled,
  GrpcStatus.deadlineExceeded,
  10, // ABORTED
  11, // OUT_OF_RANGE
  GrpcStatus.unavailable,
  15, // DATA_LOSS
]);

/** The names of the gRPC codes, for messages. */
const CODE_NAMES = [
  "OK",
  "Canceled",
  "Unknown",
  "InvalidArgument",
  "DeadlineExceeded",
  "NotFound",
  "AlreadyExists",
  "PermissionDenied",
  "ResourceExhausted",
  "FailedPrecondition",
  "Aborted",
  "OutOfRange",
  "Unimplemented",
  "Internal",
  "Unavailable",
  "DataLoss",
  "Unauthenticated",
];

/** The delay of a `google.rpc.RetryInfo` detail in `grpc-status-details-bin`, in ms, if any. */
export function retryInfoDelay(error: GrpcStatusError): number | undefined {
  if (error.details === undefined) return undefined;
  try {
    const status = fromBinary(StatusSchema, error.details);
    for (const detail of status.details) {
      if (detail.typeUrl !== `type.googleapis.com/${RetryInfoSchema.typeName}`) continue;
      const delay = fromBinary(RetryInfoSchema, detail.value).retryDelay;
      if (delay === undefined) return undefined;
      return Number(delay.seconds) * 1000 + delay.nanos / 1e6;
    }
  } catch {
    // details that do not parse carry no delay
  }
  return undefined;
}

/**
 * Classifies a failed call: the retryable codes (and `ResourceExhausted` when the server sent
 * `RetryInfo`) become a `RetryableError` carrying the server's delay; every other code is
 * permanent. A call that failed before a status arrived (no connection, a connection that broke,
 * a stream the server refused) is `Unavailable` already, so retryable.
 */
export function grpcError(error: unknown, target: string): Error {
  if (!(error instanceof GrpcStatusError)) {
    return new RetryableError(`call to ${target} failed: ${(error as Error)?.message ?? error}`, {
      cause: error,
    });
  }
  const delay = retryInfoDelay(error);
  const code = error.code;
  const message =
    `call to ${target} failed with gRPC status ${CODE_NAMES[code] ?? code} (${code})` +
    (error.message ? `: ${error.message}` : "");
  if (
    RETRYABLE_GRPC_CODES.has(code) ||
    (code === GrpcStatus.resourceExhausted && delay !== undefined)
  ) {
    return new RetryableError(message, { cause: error, retryAfterMs: delay });
  }
  return new PermanentError(message, { cause: error });
}
