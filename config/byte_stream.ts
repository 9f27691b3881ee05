// The byte streams the HTTP/1.1 engine runs on: a Deno TCP connection (plaintext listeners) or
// a `node:tls` socket (TLS listeners, where ALPN chose HTTP/1.1). The engine reads straight into
// its own buffers, so a Deno connection costs no copy; a node socket's chunks are copied once.

import type { Socket } from "node:net";
import { releaseChunk } from "./http_exchange.ts";

/** A bidirectional byte stream, as the HTTP/1.1 engine needs it. */
export interface ByteStream {
  /** Reads into `into`; resolves with the byte count, or `null` at the end of the stream. */
  read(into: Uint8Array): Promise<number | null>;
  /** Writes every byte of `data`. */
  write(data: Uint8Array): Promise<void>;
  /** Closes both directions at once; pending reads resolve with `null` or reject. */
  close(): void;
  /** The peer's IP address, if known. */
  readonly remoteAddress: string | undefined;
}

/** A Deno TCP connection as a {@linkcode ByteStream}. */
export function denoConnStream(conn: Deno.Conn): ByteStream {
  const address = conn.remoteAddr as Deno.NetAddr;
  let closed = false;
  return {
    remoteAddress: address.hostname,
    read: (into) => conn.read(into),
    async write(data) {
      let written = 0;
      while (written < data.length) written += await conn.write(data.subarray(written));
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        conn.close();
      } catch {
        // already closed by the peer
      }
    },
  };
}

/** Bytes a node socket may buffer ahead of the reader before it is paused. */
const NODE_HIGH_WATER = 256 * 1024;

/** A `node:net`/`node:tls` socket as a {@linkcode ByteStream} (paused while the reader lags). */
export function nodeSocketStream(socket: Socket): ByteStream {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  let buffered = 0;
  let ended = false;
  let failure: Error | undefined;
  let waiter: (() => void) | undefined;
  const wake = () => {
    const resolve = waiter;
    waiter = undefined;
    resolve?.();
  };
  socket.on("data", (chunk: Uint8Array) => {
    chunks.push(chunk);
    buffered += chunk.length;
    if (buffered > NODE_HIGH_WATER) socket.pause();
    wake();
  });
  socket.on("end", () => {
    ended = true;
    wake();
  });
  socket.on("close", () => {
    ended = true;
    wake();
  });
  socket.on("error", (error: Error) => {
    failure = error;
    wake();
  });
  return {
    remoteAddress: socket.remoteAddress,
    async read(into) {
      while (chunks.length === 0) {
        if (failure !== undefined) throw failure;
        if (ended) return null;
        await new Promise<void>((resolve) => (waiter = resolve));
      }
      let copied = 0;
      while (copied < into.length && chunks.length > 0) {
        const chunk = chunks[0];
        const n = Math.min(chunk.length - offset, into.length - copied);
        into.set(chunk.subarray(offset, offset + n), copied);
        copied += n;
        offset += n;
        if (offset === chunk.length) {
          chunks.shift();
          offset = 0;
          releaseChunk(chunk);
        }
      }
      buffered -= copied;
      if (buffered <= NODE_HIGH_WATER && socket.isPaused()) socket.resume();
      return copied;
    },
    write(data) {
      return new Promise((resolve, reject) => {
        if (socket.destroyed) {
          reject(new Error("socket closed"));
          return;
        }
        socket.write(data, (error) => (error ? reject(error) : resolve()));
      });
    },
    close() {
      socket.destroy();
    },
  };
}
