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
 * Node's codes for a connection or stream that broke before the server sent a gRPC status. The
 * call never completed, so, as gRPC clients do for a closing transport, it counts as
 * `Unavailable` (connect-node reports some of these as `Internal`).
 */
const BROKEN_TRANSPORT_CODES: ReadonlySet<string> = new Set([
  "ECANCELED",
  "ECONNRESET",
  "EPIPE",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_INVALID_SESSION",
  "ERR_HTTP2_SESSION_ERROR",
  "ERR_HTTP2_STREAM_CANCEL",
  "ERR_SOCKET_CLOSED",
]);

/**
 * The gRPC code a stream reset by the server means, as the gRPC HTTP/2 mapping says: the server
 * refused the stream before processing it (`REFUSED_STREAM`: safe to retry), cancelled it, or
 * asked the client to back off.
 */
const RESET_CODES: ReadonlyArray<readonly [RegExp, Code]> = [
  [/NGHTTP2_REFUSED_STREAM/, Code.Unavailable],
  [/NGHTTP2_CANCEL/, Code.Canceled],
  [/NGHTTP2_ENHANCE_YOUR_CALM/, Code.ResourceExhausted],
];

/** The code to classify `error` by: its own, unless the transport failed under it. */
function effectiveCode(error: ConnectError): Code {
  if (error.code !== Code.Internal && error.code !== Code.Unknown) return error.code;
  const seen = new Set<unknown>();
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    if (seen.has(cause)) break;
    seen.add(cause);
    const nodeCode = (cause as { code?: unknown }).code;
    if (typeof nodeCode !== "string") continue;
    // A failed system call on the socket (`write ECANCELED`, `read ECONNRESET`) is the
    // connection breaking, whatever its errno.
    const syscall = (cause as { syscall?: unknown }).syscall;
    if (BROKEN_TRANSPORT_CODES.has(nodeCode) || typeof syscall === "string") {
      return Code.Unavailable;
    }
    if (nodeCode === "ERR_HTTP2_STREAM_ERROR") {
      const reset = RESET_CODES.find(([pattern]) => pattern.test(cause.message));
      if (reset !== undefined) return reset[1];
    }
  }
  return error.code;
}

/**
 * Classifies a failed call: the retryable codes (and `ResourceExhausted` when the server sent
 * `RetryInfo`) become a `RetryableError` carrying the server's delay; every other code is
 * permanent. Errors that are not gRPC statuses (connection failures), a connection that broke
 * mid-call and a stream the server refused are retryable (`Unavailable`).
 */
export function grpcError(error: unknown, target: string): Error {
  if (!(error instanceof ConnectError)) {
    return new RetryableError(`call to ${target} failed: ${(error as Error)?.message ?? error}`, {
      cause: error,
    });
  }
  const delay = retryInfoDelay(error);
  const code = effectiveCode(error);
  const message = `call to ${target} failed with gRPC status ${Code[code]} (${code})` +
    (error.rawMessage ? `: ${error.rawMessage}` : "");
  if (
    RETRYABLE_GRPC_CODES.has(code) ||
    (code === Code.ResourceExhausted && delay !== undefined)
  ) {
    return new RetryableError(message, { cause: error, retryAfterMs: delay });
  }
  return new PermanentError(message, { cause: error });
}
