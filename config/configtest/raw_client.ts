// A raw TCP client for tests that must send what no well-behaved HTTP client sends: a head
// that never ends, a body trickled a byte at a time, pipelined or malformed requests.

/** A raw TCP client: writes bytes, reads until the server closes or `until` matches. */
export class RawClient {
  readonly #conn: Deno.TcpConn;
  /** Everything read so far. */
  text = "";
  /** Whether the server closed the connection. */
  closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to `127.0.0.1:port` with Nagle's algorithm off. */
  static async connect(port: number): Promise<RawClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new RawClient(conn);
  }

  /** Writes `text` (UTF-8) or bytes as they are. */
  write(text: string | Uint8Array): Promise<number> {
    return this.#conn.write(typeof text === "string" ? new TextEncoder().encode(text) : text);
  }

  /** Reads until `until` holds for the text so far, the server closes, or `timeoutMs` passes. */
  async read(until: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const buffer = new Uint8Array(65536);
    while (!until(this.text) && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        this.#conn.read(buffer).catch(() => null),
        new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), left))),
      ]);
      clearTimeout(timer);
      if (n === "timeout") break;
      if (n === null) {
        this.closed = true;
        break;
      }
      this.text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return this.text;
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }
}
