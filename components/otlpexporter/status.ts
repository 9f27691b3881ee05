import { Code, ConnectError } from "@connectrpc/connect";
import { PermanentError, RetryableError } from "@denocol/consumer";
import { RetryInfoSchema } from "@denocol/pdata";

/** gRPC codes after which an OTLP client retries (the OTLP specification's list). */
export const RETRYABLE_GRPC_CODES: ReadonlySet<Code> = new Set([
  Code.Canceled,
  Code.DeadlineExceeded,
  Code.Aborted,
  Code.OutOfRange,
  Code.Unavailable,
  Code.DataLoss,
]);

/** The delay of a `google.rpc.RetryInfo` detail on `error`, in ms, if present. */
export function retryInfoDelay(error: ConnectError): number | undefined {
  const [info] = error.findDetails(RetryInfoSchema);
  if (info?.retryDelay === undefined) return undefined;
  return Number(info.retryDelay.seconds) * 1000 + info.retryDelay.nanos / 1e6;
}

/**
 * Classifies a failed call: the retryable codes (and `ResourceExhausted` when the server sent
 * `RetryInfo`) become a `RetryableError` carrying the server's delay; every other code is
 * permanent. Errors that are not gRPC statuses (connection failures) are retryable.
 */
export function grpcError(error: unknown, target: string): Error {
  if (!(error instanceof ConnectError)) {
    return new RetryableError(`call to ${target} failed: ${(error as Error)?.message ?? error}`, {
      cause: error,
    });
  }
  const delay = retryInfoDelay(error);
  const message = `call to ${target} failed with gRPC status ${Code[error.code]} (${error.code})` +
    (error.rawMessage ? `: ${error.rawMessage}` : "");
  if (
    RETRYABLE_GRPC_CODES.has(error.code) ||
    (error.code === Code.ResourceExhausted && delay !== undefined)
  ) {
    return new RetryableError(message, { cause: error, retryAfterMs: delay });
  }
  return new PermanentError(message, { cause: error });
}
