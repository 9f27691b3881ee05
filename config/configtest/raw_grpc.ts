// A gRPC call over a bare `node:http2` session, for tests that send what generated clients never
// do: a bad frame flag, a message cut short, a `grpc-timeout` chosen by the test, a stream that is
// opened and cancelled at once.

import * as http2 from "node:http2";

/** The answer to a raw call. */
export interface RawGrpcAnswer {
  /** `grpc-status`, from the trailers or a trailers-only response; -1 when none arrived. */
  status: number;
  /** `grpc-message`, percent-decoded; or the transport error when no status arrived. */
  message: string;
  /** The `:status` of the response headers, or 0. */
  httpStatus: number;
  /** `grpc-status-details-bin`, base64-decoded, if sent. */
  details: Uint8Array | undefined;
  /** The response body as framed on the wire. */
  body: Uint8Array;
}

/** Frames `message` as one gRPC message with the given flag byte (0: not compressed). */
export function frameGrpc(message: Uint8Array, flag = 0): Uint8Array {
  const framed = new Uint8Array(5 + message.length);
  framed[0] = flag;
  new DataView(framed.buffer).setUint32(1, message.length);
  framed.set(message, 5);
  return framed;
}

/** Options of {@linkcode rawGrpcCall}. */
export interface RawGrpcCallOptions {
  /** Extra request headers (`grpc-timeout`, `grpc-encoding`, metadata). */
  headers?: Record<string, string>;
  /** Leaves the request open after `body` (a message still arriving). Default false. */
  keepOpen?: boolean;
  /** Gives up after this long. Default 10 s. */
  timeoutMs?: number;
}

/**
 * Posts `body` (framed already, see {@linkcode frameGrpc}) to `path` on `session` and waits for
 * the status.
 */
export function rawGrpcCall(
  session: http2.ClientHttp2Session,
  path: string,
  body: Uint8Array,
  options: RawGrpcCallOptions = {},
): Promise<RawGrpcAnswer> {
  return new Promise((resolve) => {
    const answer: RawGrpcAnswer = {
      status: -1,
      message: "",
      httpStatus: 0,
      details: undefined,
      body: new Uint8Array(0),
    };
    const chunks: Uint8Array[] = [];
    let settled = false;
    const read = (headers: http2.IncomingHttpHeaders) => {
      if (headers[":status"] !== undefined) answer.httpStatus = Number(headers[":status"]);
      if (headers["grpc-status"] !== undefined) answer.status = Number(headers["grpc-status"]);
      if (headers["grpc-message"] !== undefined) {
        answer.message = decodeURIComponent(String(headers["grpc-message"]));
      }
      const details = headers["grpc-status-details-bin"];
      if (details !== undefined) {
        answer.details = Uint8Array.from(atob(String(details)), (c) => c.charCodeAt(0));
      }
    };
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (answer.status === -1 && error !== undefined) answer.message = error.message;
      const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      answer.body = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        answer.body.set(chunk, at);
        at += chunk.length;
      }
      resolve(answer);
    };
    const timer = setTimeout(() => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      finish(new Error("timed out"));
    }, options.timeoutMs ?? 10_000);
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
      ...options.headers,
    });
    stream.on("response", read);
    stream.on("trailers", read);
    stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    stream.on("error", (error: Error) => finish(error));
    stream.on("close", () => finish(new Error(`stream closed (rst ${stream.rstCode})`)));
    if (options.keepOpen) stream.write(body);
    else stream.end(body);
  });
}
