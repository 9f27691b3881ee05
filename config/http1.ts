// An HTTP/1.1 server connection, written here rather than taken from `Deno.serve` because a
// collector facing untrusted clients needs what `Deno.serve` does not let us set: the Go
// collector's `confighttp` timeouts (a connection stalled in its headers, body or idle
// keep-alive is closed), bodies read into one contiguous buffer that grows with what arrives (a
// body trickled one byte at a time costs about what was received, not a chunk object per byte),
// and a shutdown that answers requests still being read with 503 + `Connection: close`.
//
// One request at a time per connection; pipelined requests wait in the read buffer.

import type { ByteStream } from "./byte_stream.ts";
import { MovableDeadline } from "./deadline.ts";
import {
  encodeResponse,
  type Framing,
  framingOf,
  type Head,
  HeadError,
  headerValue,
  indexOfCrlfCrlf,
  parseHead,
  REASONS,
  wantsClose,
} from "./http1_message.ts";
import {
  type BodyBudget,
  BodyReadError,
  errorResponse,
  freeBody,
  HttpHeaders,
  type ServerHandler,
  type ServerRequest,
  type ServerResponse,
  takeFromBudget,
} from "./http_exchange.ts";

/** Limits and timeouts of HTTP/1.1 connections (0 means none), as `confighttp` names them. */
export interface Http1Limits {
  /** Time to read a request's header block (from the connection's start or the first byte). */
  readHeaderTimeoutMs: number;
  /** Time to read a whole request, header and body. */
  readTimeoutMs: number;
  /** Time from the end of the header block until the response is written. */
  writeTimeoutMs: number;
  /** Time a kept-alive connection may wait for its next request. */
  idleTimeoutMs: number;
  /** Whether a connection may carry more than one request. */
  keepAlivesEnabled: boolean;
  /** Largest header block accepted (431 past it). */
  maxHeaderBytes: number;
}

/** Raised inside the engine when the connection must end without an answer. */
class ConnectionEnd extends Error {}

const latin1 = new TextDecoder("latin1");
const encoder = new TextEncoder();

const INITIAL_BUFFER = 16 * 1024;
/**
 * A body with a declared length up to this is read into one buffer of exactly its size (no
 * growing copies); a longer one starts here and doubles as it arrives, so that a client declaring
 * 20 MB and trickling it costs what it sent, not what it declared.
 */
const FIRST_BODY_CHUNK = 1024 * 1024;
/** The first buffer of a chunked body, whose length is not known in advance. */
const FIRST_CHUNKED_BUFFER = 64 * 1024;
/** A body left unread by the handler is skipped up to this size to keep the connection. */
const DISCARD_LIMIT = 256 * 1024;
/** Which of the server's timeouts a deadline stands for. */
type TimeoutKind = "head" | "read" | "write" | "idle";
/** The phase a connection is in, for shutdown. */
type Phase = "idle" | "head" | "body" | "handler" | "writing" | "done";

/**
 * One HTTP/1.1 connection: reads requests, runs the handler, writes responses, until the client
 * closes, a timeout or error ends it, or the server shuts down.
 */
export class Http1Connection {
  readonly #stream: ByteStream;
  readonly #limits: Http1Limits;
  readonly #handler: ServerHandler;
  #buffer = new Uint8Array(INITIAL_BUFFER);
  #start = 0;
  #end = 0;
  #phase: Phase = "idle";
  /** When the current phase times out. */
  readonly #deadline = new MovableDeadline<TimeoutKind>((kind) => this.#expire(kind));
  #timedOut: TimeoutKind | undefined;
  #closing = false;
  #requestAbort: AbortController | undefined;
  #failBody: ((error: BodyReadError) => void) | undefined;
  #requestCount = 0;

  /**
   * Wraps a connection; {@linkcode Http1Connection.serve} runs it.
   *
   * @param stream The connection's bytes.
   * @param limits Timeouts and limits.
   * @param handler Answers each request.
   */
  constructor(stream: ByteStream, limits: Http1Limits, handler: ServerHandler) {
    this.#stream = stream;
    this.#limits = limits;
    this.#handler = handler;
  }

  /** Whether the connection is between requests (closing it loses nothing). */
  get idle(): boolean {
    return this.#phase === "idle" && this.#end === this.#start;
  }

  /**
   * Starts a graceful close: an idle connection ends now; a request whose head or body is still
   * being read is answered 503 with `Connection: close`; a request in its handler is answered
   * when the handler is done, with `Connection: close`.
   */
  beginShutdown(): void {
    this.#closing = true;
    if (this.#phase === "idle" || this.#phase === "head") {
      if (this.#phase === "head" && this.#end > this.#start) {
        void this.#writeAndEnd(503, "the server is shutting down");
      } else this.#stream.close();
    } else if (this.#phase === "body") {
      this.#failBody?.(new BodyReadError(503, "the server is shutting down"));
    }
  }

  /** Ends the connection at once, aborting a request in its handler. */
  destroy(): void {
    this.#closing = true;
    this.#requestAbort?.abort(new Error("the server closed the connection"));
    this.#stream.close();
  }

  /** Serves requests until the connection ends; never rejects. */
  async serve(): Promise<void> {
    try {
      while (!this.#closing || this.#phase === "idle" && this.#end > this.#start) {
        if (!await this.#serveOne()) break;
      }
    } catch {
      // The connection broke or timed out; nothing is left to answer.
    } finally {
      this.#deadline.stop();
      this.#phase = "done";
      this.#stream.close();
    }
  }

  #expire(kind: TimeoutKind): void {
    this.#timedOut = kind;
    if (kind === "read" && this.#phase === "body") {
      this.#failBody?.(new BodyReadError(408, "request body not received within read_timeout"));
      return;
    }
    if (kind === "write") this.#requestAbort?.abort(new Error("write_timeout passed"));
    this.#stream.close();
  }

  /** Reads more bytes into the buffer (compacting or growing it); false at end of stream. */
  async #fill(maxBuffer: number): Promise<boolean> {
    if (this.#start > 0 && this.#start === this.#end) {
      this.#start = this.#end = 0;
    }
    if (this.#end === this.#buffer.length) {
      const used = this.#end - this.#start;
      if (this.#start > 0 && used < this.#buffer.length / 2) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
      } else {
        if (this.#buffer.length >= maxBuffer) throw new HeadError(431, "header block too large");
        const grown = new Uint8Array(Math.min(this.#buffer.length * 2, maxBuffer));
        grown.set(this.#buffer.subarray(this.#start, this.#end));
        this.#buffer = grown;
      }
      this.#start = 0;
      this.#end = used;
    }
    const n = await this.#stream.read(this.#buffer.subarray(this.#end));
    if (n === null) return false;
    this.#end += n;
    return true;
  }

  async #serveOne(): Promise<boolean> {
    const limits = this.#limits;
    // Waiting for the next request: idle timeout on a kept-alive connection; the first request's
    // header timeout runs from the connection's start.
    if (this.#end === this.#start) {
      if (this.#requestCount === 0) {
        this.#deadline.set("head", limits.readHeaderTimeoutMs || limits.readTimeoutMs);
      } else this.#deadline.set("idle", limits.idleTimeoutMs || limits.readTimeoutMs);
      this.#phase = "idle";
      if (!await this.#fill(limits.maxHeaderBytes)) return false;
      if (this.#requestCount > 0) {
        this.#deadline.set("head", limits.readHeaderTimeoutMs || limits.readTimeoutMs);
      }
    }
    this.#phase = "head";
    const requestStarted = performance.now();
    let headEnd = indexOfCrlfCrlf(this.#buffer, this.#start, this.#end);
    let scanned = this.#start;
    let head: Head;
    let framing: Framing;
    try {
      while (headEnd < 0) {
        // Leading empty lines before a request line are allowed (RFC 9112 §2.2).
        while (
          this.#end - this.#start >= 2 && this.#buffer[this.#start] === 13 &&
          this.#buffer[this.#start + 1] === 10
        ) this.#start += 2;
        scanned = Math.max(this.#start, this.#end - 3);
        if (this.#end - this.#start > limits.maxHeaderBytes) {
          throw new HeadError(431, "header block too large");
        }
        if (!await this.#fill(limits.maxHeaderBytes + 4)) {
          if (this.#end > this.#start) throw new ConnectionEnd("truncated request head");
          return false;
        }
        headEnd = indexOfCrlfCrlf(this.#buffer, scanned, this.#end);
      }
      if (headEnd - this.#start > limits.maxHeaderBytes) {
        throw new HeadError(431, "header block too large");
      }
      head = parseHead(latin1.decode(this.#buffer.subarray(this.#start, headEnd)));
      framing = framingOf(head);
    } catch (error) {
      if (error instanceof HeadError) {
        await this.#writeAndEnd(error.status, error.message);
        return false;
      }
      throw error;
    }
    this.#start = headEnd + 4;
    // Shutdown began while the head arrived: the client was already answered 503.
    if (this.#closing) return false;
    this.#requestCount++;
    return await this.#handle(head, framing, requestStarted);
  }

  async #handle(head: Head, framing: Framing, requestStarted: number): Promise<boolean> {
    const limits = this.#limits;
    const abort = new AbortController();
    this.#requestAbort = abort;
    this.#timedOut = undefined;
    // The write timeout runs from the end of the head to the end of the response (Go's
    // WriteTimeout); the read timeout from the start of the request to the end of its body.
    const writeDeadline = limits.writeTimeoutMs > 0
      ? performance.now() + limits.writeTimeoutMs
      : Infinity;
    let bodyDone = framing.kind === "none";
    let bodyFailed = false;
    let continueSent = false;
    const expectContinue = head.protocol === "HTTP/1.1" &&
      (headerValue(head, "expect") ?? "").toLowerCase() === "100-continue";

    const readBody = async (maxBytes: number, budget?: BodyBudget): Promise<Uint8Array> => {
      if (bodyDone) return new Uint8Array(0);
      if (bodyFailed) throw new BodyReadError(400, "the request body was already read");
      bodyFailed = true;
      if (this.#closing) throw new BodyReadError(503, "the server is shutting down");
      if (framing.kind === "length" && framing.length > maxBytes) {
        throw new BodyReadError(
          413,
          `request body size ${framing.length} exceeds the limit of ${maxBytes} bytes`,
        );
      }
      if (expectContinue && !continueSent) {
        continueSent = true;
        await this.#stream.write(encoder.encode("HTTP/1.1 100 Continue\r\n\r\n"));
      }
      this.#phase = "body";
      if (limits.readTimeoutMs > 0) {
        this.#deadline.set(
          "read",
          Math.max(1, requestStarted + limits.readTimeoutMs - performance.now()),
        );
      } else this.#deadline.clear();
      const failed = new Promise<never>((_, reject) => {
        this.#failBody = reject;
      });
      failed.catch(() => {});
      try {
        const body = await Promise.race([
          framing.kind === "length"
            ? this.#readLength(framing.length, budget)
            : this.#readChunked(maxBytes, budget),
          failed,
        ]);
        bodyDone = true;
        bodyFailed = false;
        return body;
      } catch (error) {
        if (error instanceof BodyReadError) throw error;
        if (this.#timedOut === "read") {
          throw new BodyReadError(408, "request body not received within read_timeout");
        }
        throw new BodyReadError(400, `cannot read the request body: ${String(error)}`, {
          cause: error,
        });
      } finally {
        this.#failBody = undefined;
        this.#phase = "handler";
        if (writeDeadline !== Infinity) {
          this.#deadline.set("write", Math.max(1, writeDeadline - performance.now()));
        } else this.#deadline.clear();
      }
    };

    const queryAt = head.target.indexOf("?");
    const request: ServerRequest = {
      method: head.method,
      path: queryAt < 0 ? head.target : head.target.slice(0, queryAt),
      query: queryAt < 0 ? "" : head.target.slice(queryAt + 1),
      protocol: head.protocol,
      headers: new HttpHeaders(head.fields),
      remoteAddress: this.#stream.remoteAddress,
      declaredLength: framing.kind === "length"
        ? framing.length
        : framing.kind === "none"
        ? 0
        : undefined,
      readBody,
      signal: abort.signal,
    };
    this.#phase = "handler";
    if (writeDeadline !== Infinity) this.#deadline.set("write", limits.writeTimeoutMs);
    else this.#deadline.clear();

    let response: ServerResponse;
    try {
      response = await this.#handler(request);
    } catch (error) {
      response = errorResponse(error);
    }
    if (this.#timedOut === "write") throw new ConnectionEnd("timed out");
    // A body the handler did not read is skipped when small; otherwise the connection ends after
    // the answer (the client may still be sending it).
    let keep = limits.keepAlivesEnabled && !this.#closing && !wantsClose(head) && !bodyFailed;
    if (!bodyDone && keep) {
      keep = framing.kind === "length" && framing.length <= DISCARD_LIMIT &&
        (!expectContinue || continueSent) &&
        await this.#discard(framing.length).then(() => true, () => false);
    }
    this.#phase = "writing";
    await this.#stream.write(encodeResponse(response, !keep));
    if (!keep) return false;
    this.#deadline.clear();
    this.#requestAbort = undefined;
    this.#phase = "idle";
    return !this.#closing || this.#end > this.#start;
  }

  /** Takes `length` body bytes: what is buffered, then reads straight into the body buffer. */
  async #readLength(length: number, budget: BodyBudget | undefined): Promise<Uint8Array> {
    const buffered = Math.min(this.#end - this.#start, length);
    const first = Math.min(length, Math.max(buffered, FIRST_BODY_CHUNK));
    takeFromBudget(budget, first);
    let body = new Uint8Array(first);
    body.set(this.#buffer.subarray(this.#start, this.#start + buffered));
    this.#start += buffered;
    let filled = buffered;
    try {
      while (filled < length) {
        if (filled === body.length) {
          // Grows by doubling up to the declared length: memory follows what actually arrived.
          const size = Math.min(length, body.length * 2);
          takeFromBudget(budget, size - body.length);
          const grown = new Uint8Array(size);
          grown.set(body);
          freeBody(body);
          body = grown;
        }
        const n = await this.#stream.read(body.subarray(filled));
        if (n === null) {
          throw new BodyReadError(400, `request body ended after ${filled} of ${length} bytes`);
        }
        filled += n;
      }
    } catch (error) {
      freeBody(body);
      throw error;
    }
    return body;
  }

  /** Reads a chunked body into one growing buffer; trailer fields are read and dropped. */
  async #readChunked(maxBytes: number, budget: BodyBudget | undefined): Promise<Uint8Array> {
    takeFromBudget(budget, FIRST_CHUNKED_BUFFER);
    let body = new Uint8Array(FIRST_CHUNKED_BUFFER);
    let size = 0;
    try {
      for (;;) {
        const line = await this.#readLine();
        const sizeText = line.split(";")[0].trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) {
          throw new BodyReadError(400, "malformed chunk size");
        }
        const chunkSize = parseInt(sizeText, 16);
        if (chunkSize === 0) break;
        if (size + chunkSize > maxBytes) {
          throw new BodyReadError(413, `request body exceeds the limit of ${maxBytes} bytes`);
        }
        if (size + chunkSize > body.length) {
          const capacity = Math.min(maxBytes, Math.max(size + chunkSize, body.length * 2));
          takeFromBudget(budget, capacity - body.length);
          const grown = new Uint8Array(capacity);
          grown.set(body.subarray(0, size));
          freeBody(body);
          body = grown;
        }
        let remaining = chunkSize;
        while (remaining > 0) {
          if (this.#end === this.#start && !await this.#fill(Infinity)) {
            throw new BodyReadError(400, "request body ended inside a chunk");
          }
          const n = Math.min(remaining, this.#end - this.#start);
          body.set(this.#buffer.subarray(this.#start, this.#start + n), size);
          size += n;
          this.#start += n;
          remaining -= n;
        }
        if ((await this.#readLine()) !== "") throw new BodyReadError(400, "malformed chunk end");
      }
      while ((await this.#readLine()) !== "") {
        // trailer fields
      }
      return body.subarray(0, size);
    } catch (error) {
      freeBody(body);
      throw error;
    }
  }

  /** One CRLF-terminated line of the chunked framing (at most 4 KiB). */
  async #readLine(): Promise<string> {
    for (;;) {
      for (let i = this.#start; i + 1 < this.#end; i++) {
        if (this.#buffer[i] === 13 && this.#buffer[i + 1] === 10) {
          const line = latin1.decode(this.#buffer.subarray(this.#start, i));
          this.#start = i + 2;
          return line;
        }
      }
      if (this.#end - this.#start > 4096) throw new BodyReadError(400, "chunk line too long");
      if (!await this.#fill(Infinity)) throw new BodyReadError(400, "request body ended early");
    }
  }

  async #discard(length: number): Promise<void> {
    let remaining = length;
    while (remaining > 0) {
      if (this.#end === this.#start && !await this.#fill(Infinity)) throw new ConnectionEnd("eof");
      const n = Math.min(remaining, this.#end - this.#start);
      this.#start += n;
      remaining -= n;
    }
  }

  /** Answers with a plain-text error and ends the connection. */
  async #writeAndEnd(status: number, message: string): Promise<void> {
    this.#phase = "writing";
    try {
      await this.#stream.write(encodeResponse({
        status,
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: `${status} ${REASONS[status] ?? ""}: ${message}`,
      }, true));
    } catch {
      // the client is gone
    }
    this.#stream.close();
  }
}
