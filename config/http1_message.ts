// The message side of HTTP/1.1 for the connection engine (http1.ts): parsing a request head and
// its body framing, and serialising a response. Kept apart from the connection so that each file
// reads on its own; nothing here does I/O.

import type { ServerResponse } from "./http_exchange.ts";

const CRLF_CRLF = [13, 10, 13, 10];
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const encoder = new TextEncoder();

/** Reason phrases of the statuses the engine sends. */
export const REASONS: Record<number, string> = {
  100: "Continue",
  200: "OK",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

/** A request head the engine refuses before any handler sees it. */
export class HeadError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** A parsed request head. */
export interface Head {
  method: string;
  target: string;
  protocol: "HTTP/1.0" | "HTTP/1.1";
  fields: [string, string][];
}

/** How a request body is delimited. */
export type Framing = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" };

/** Where the blank line ending a head starts in `buffer[from, to)`, or -1. */
export function indexOfCrlfCrlf(buffer: Uint8Array, from: number, to: number): number {
  for (let i = Math.max(from, 0); i + 3 < to; i++) {
    if (
      buffer[i] === CRLF_CRLF[0] && buffer[i + 1] === CRLF_CRLF[1] &&
      buffer[i + 2] === CRLF_CRLF[2] && buffer[i + 3] === CRLF_CRLF[3]
    ) return i;
  }
  return -1;
}

/** Parses a head (request line and fields, without the blank line); throws {@linkcode HeadError}. */
export function parseHead(text: string): Head {
  const lines = text.split("\r\n");
  const requestLine = lines[0].split(" ");
  if (requestLine.length !== 3 || !TOKEN.test(requestLine[0]) || requestLine[1] === "") {
    throw new HeadError(400, "malformed request line");
  }
  const version = requestLine[2];
  if (version !== "HTTP/1.1" && version !== "HTTP/1.0") {
    if (/^HTTP\/\d\.\d$/.test(version)) throw new HeadError(505, `unsupported ${version}`);
    throw new HeadError(400, "malformed HTTP version");
  }
  const fields: [string, string][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HeadError(400, "malformed header field");
    const name = line.slice(0, colon);
    // Obsolete line folding and whitespace before the colon are refused (RFC 9112 §5).
    if (!TOKEN.test(name)) throw new HeadError(400, `malformed header field name`);
    fields.push([name.toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { method: requestLine[0], target: requestLine[1], protocol: version, fields };
}

/** The body framing a head declares; refuses ambiguous or unsupported framings. */
export function framingOf(head: Head): Framing {
  let transferEncoding: string | undefined;
  let contentLength: string | undefined;
  for (const [name, value] of head.fields) {
    if (name === "transfer-encoding") {
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
    } else if (name === "content-length") {
      if (contentLength !== undefined && contentLength !== value) {
        throw new HeadError(400, "conflicting Content-Length fields");
      }
      contentLength = value;
    }
  }
  if (transferEncoding !== undefined) {
    // Both framings at once is how requests are smuggled past proxies: refused.
    if (contentLength !== undefined) {
      throw new HeadError(400, "both Transfer-Encoding and Content-Length");
    }
    const codings = transferEncoding.toLowerCase().split(",").map((c) => c.trim());
    if (codings.length !== 1 || codings[0] !== "chunked") {
      throw new HeadError(501, `unsupported Transfer-Encoding ${JSON.stringify(transferEncoding)}`);
    }
    return { kind: "chunked" };
  }
  if (contentLength !== undefined) {
    if (!/^\d{1,15}$/.test(contentLength)) throw new HeadError(400, "malformed Content-Length");
    const length = Number(contentLength);
    return length === 0 ? { kind: "none" } : { kind: "length", length };
  }
  return { kind: "none" };
}

/** The first value of a field, if present. */
export function headerValue(head: Head, name: string): string | undefined {
  for (const [key, value] of head.fields) if (key === name) return value;
  return undefined;
}

/** Whether the client asked for the connection to close after this request. */
export function wantsClose(head: Head): boolean {
  const connection = (headerValue(head, "connection") ?? "").toLowerCase();
  if (head.protocol === "HTTP/1.0") return !connection.includes("keep-alive");
  return connection.split(",").some((token) => token.trim() === "close");
}

/** Serialises a response head and body into one buffer (one write, no Nagle stall). */
export function encodeResponse(response: ServerResponse, close: boolean): Uint8Array {
  const body = typeof response.body === "string"
    ? encoder.encode(response.body)
    : (response.body ?? new Uint8Array(0));
  let head = `HTTP/1.1 ${response.status} ${REASONS[response.status] ?? "Status"}\r\n`;
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (name === "content-length" || name === "connection" || name === "transfer-encoding") {
      continue;
    }
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) continue;
    head += `${name}: ${value}\r\n`;
  }
  head += `content-length: ${body.length}\r\n`;
  if (close) head += "connection: close\r\n";
  head += "\r\n";
  const headBytes = encoder.encode(head);
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes, 0);
  out.set(body, headBytes.length);
  return out;
}
