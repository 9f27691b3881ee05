/**
 * A bare gRPC unary call over `node:http2`: sends bytes as they are (no protobuf encoding), and
 * reads the status from the trailers. The testbed uses it to send malformed messages that no
 * generated client would produce; the benchmark's relay uses it to forward messages unread.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import * as http2 from "node:http2";
import { guardSessionTeardown } from "@denocol/config";

/** What came back from a raw unary call. */
export interface RawGrpcResult {
  /** `grpc-status` (0 is OK); -1 when the call failed before a status arrived. */
  status: number;
  /** `grpc-message`, or the transport error. */
  message: string;
  /** The response body as framed on the wire (length-prefixed messages). */
  body: Uint8Array;
}

/** Frames `message` as one uncompressed gRPC message: flag 0, 4-byte big-endian length, bytes. */
export function frameGrpcMessage(message: Uint8Array): Uint8Array {
  const framed = new Uint8Array(5 + message.length);
  new DataView(framed.buffer).setUint32(1, message.length);
  framed.set(message, 5);
  return framed;
}

/** An HTTP/2 connection to a gRPC server that sends raw bodies. */
export class RawGrpcClient {
  #session: http2.ClientHttp2Session | undefined;

  /** @param authority `http://host:port` */
  constructor(readonly authority: string) {}

  #connect(): http2.ClientHttp2Session {
    if (this.#session === undefined || this.#session.closed || this.#session.destroyed) {
      const session = http2.connect(this.authority);
      // A server's GOAWAY must not abort this process (see @denocol/config http2.ts).
      guardSessionTeardown(session);
      session.on("error", () => {});
      session.on("close", () => {
        if (this.#session === session) this.#session = undefined;
      });
      this.#session = session;
    }
    return this.#session;
  }

  /**
   * Posts `body` (already framed, see {@link frameGrpcMessage}) to `path`, such as
   * `/opentelemetry.proto.collector.trace.v1.TraceService/Export`.
   */
  call(
    path: string,
    body: Uint8Array,
    headers: Record<string, string> = {},
    timeoutMs = 10_000,
  ): Promise<RawGrpcResult> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: RawGrpcResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      let stream: http2.ClientHttp2Stream;
      try {
        stream = this.#connect().request({
          ":method": "POST",
          ":path": path,
          "content-type": "application/grpc",
          te: "trailers",
          ...headers,
        });
      } catch (error) {
        finish({ status: -1, message: (error as Error).message, body: new Uint8Array(0) });
        return;
      }
      const timer = setTimeout(() => {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        finish({ status: -1, message: "timeout", body: new Uint8Array(0) });
      }, timeoutMs);
      const chunks: Buffer[] = [];
      let status: number | undefined;
      let message = "";
      const readStatus = (h: http2.IncomingHttpHeaders) => {
        if (h["grpc-status"] !== undefined) {
          status = Number(h["grpc-status"]);
          message = decodeURIComponent(String(h["grpc-message"] ?? ""));
        }
      };
      stream.on("response", readStatus);
      stream.on("trailers", readStatus);
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on(
        "error",
        (error) => finish({ status: -1, message: error.message, body: new Uint8Array(0) }),
      );
      stream.on("close", () =>
        finish({
          status: status ?? -1,
          message: status === undefined ? "no grpc-status" : message,
          body: new Uint8Array(Buffer.concat(chunks)),
        }));
      stream.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    });
  }

  /** Closes the connection. */
  close(): void {
    this.#session?.destroy();
    this.#session = undefined;
  }
}
