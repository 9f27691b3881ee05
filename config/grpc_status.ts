// gRPC status codes and the wire forms of what a status travels in: `grpc-status`,
// `grpc-message` (percent-encoded), `grpc-status-details-bin` (base64) and `grpc-timeout`. Shared by
// the server (grpc_server.ts) and the client (grpc_client.ts).

/** gRPC status codes (from the gRPC specification). */
export const GrpcStatus = {
  ok: 0,
  cancelled: 1,
  unknown: 2,
  invalidArgument: 3,
  deadlineExceeded: 4,
  resourceExhausted: 8,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
} as const;

/** A call's outcome other than OK: a status code, a message and optional details. */
export class GrpcStatusError extends Error {
  /** The gRPC status code. */
  readonly code: number;
  /** A binary `google.rpc.Status` for `grpc-status-details-bin`, if any. */
  readonly details: Uint8Array | undefined;

  /**
   * Creates the error.
   *
   * @param code The gRPC status code.
   * @param message The status message (`grpc-message`).
   * @param details A binary `google.rpc.Status` carrying details such as `RetryInfo`.
   */
  constructor(code: number, message: string, details?: Uint8Array) {
    super(message);
    this.name = "GrpcStatusError";
    this.code = code;
    this.details = details;
  }
}

/** The message's budget refused more memory; the caller decides how to answer. */
export class GrpcBudgetError extends GrpcStatusError {
  /** The wait to suggest to the client, in milliseconds. */
  readonly retryAfterMs: number;

  /**
   * Creates the error.
   *
   * @param retryAfterMs The wait to suggest to the client.
   */
  constructor(retryAfterMs: number) {
    super(
      GrpcStatus.unavailable,
      "data refused due to high memory usage: no room for the request message",
    );
    this.name = "GrpcBudgetError";
    this.retryAfterMs = retryAfterMs;
  }
}

const TIMEOUT_UNITS: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000001,
};

/** Parses a `grpc-timeout` value (`1-8 digits` + `H M S m u n`) into milliseconds. */
export function parseGrpcTimeout(value: string): number | undefined {
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (match === null) return undefined;
  return Number(match[1]) * TIMEOUT_UNITS[match[2]];
}

/** Formats milliseconds as a `grpc-timeout` value (at most 8 digits, the finest unit that fits). */
export function formatGrpcTimeout(ms: number): string {
  const millis = Math.max(0, Math.ceil(ms));
  if (millis < 1e8) return `${millis}m`;
  const seconds = Math.ceil(millis / 1000);
  if (seconds < 1e8) return `${seconds}S`;
  return `${Math.min(99_999_999, Math.ceil(seconds / 3600))}H`;
}

/** Percent-encodes a status message as `grpc-message` requires. */
export function encodeGrpcMessage(message: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(message)) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/=+$/, "");
}

/** The trailer fields of a status: code, percent-encoded message, base64 details. */
export function statusHeaders(error: GrpcStatusError): Record<string, string> {
  const headers: Record<string, string> = {
    "grpc-status": String(error.code),
    "grpc-message": encodeGrpcMessage(error.message),
  };
  if (error.details !== undefined) headers["grpc-status-details-bin"] = base64(error.details);
  return headers;
}
