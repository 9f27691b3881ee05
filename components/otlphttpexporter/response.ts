import { fromBinary, fromJsonString } from "@bufbuild/protobuf";
import { PermanentError, RetryableError } from "@denocol/consumer";
import { type Status, StatusSchema } from "@denocol/pdata";

/** HTTP statuses after which OTLP clients retry (the OTLP/HTTP specification's list). */
export const RETRYABLE_HTTP_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Reads a `Retry-After` header (delay in seconds or an HTTP date) as milliseconds from `now`;
 * `undefined` when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Decodes a `google.rpc.Status` error body, proto or JSON; `undefined` if it is not one. */
export function decodeStatus(body: Uint8Array, contentType: string): Status | undefined {
  if (body.length === 0) return undefined;
  try {
    if (contentType.includes("json")) {
      return fromJsonString(StatusSchema, new TextDecoder().decode(body), {
        ignoreUnknownFields: true,
      });
    }
    if (contentType.includes("protobuf")) return fromBinary(StatusSchema, body);
  } catch {
    // Fall through: the body is described as text below.
  }
  return undefined;
}

/**
 * The error for a non-2xx OTLP/HTTP response: retryable (with the `Retry-After` hint) for
 * 429/502/503/504, permanent for every other status.
 */
export function httpError(
  url: string,
  status: number,
  headers: { get(name: string): string | null },
  body: Uint8Array,
): Error {
  const contentType = headers.get("content-type") ?? "";
  const decoded = decodeStatus(body, contentType);
  let detail = "";
  if (decoded !== undefined && decoded.message !== "") detail = `: ${decoded.message}`;
  else if (body.length > 0 && /^text\/|json/.test(contentType)) {
    detail = `: ${new TextDecoder().decode(body.subarray(0, 512))}`;
  }
  const message = `request to ${url} responded with HTTP status ${status}${detail}`;
  if (RETRYABLE_HTTP_STATUSES.has(status)) {
    return new RetryableError(message, {
      retryAfterMs: parseRetryAfter(headers.get("retry-after")),
    });
  }
  return new PermanentError(message);
}
