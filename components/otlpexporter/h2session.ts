// Keeps `node:http2` session teardown out of Deno's native nghttp2 callbacks.
//
// The otlp receiver has the same guard (components/otlpreceiver/h2session.ts, where the
// finding is written down); packages may not import each other's internals, so it is repeated.
// Deno 2.9 runs `node:http2` on libnghttp2 and, when a GOAWAY frame arrives, emits the session's
// `goaway` event and calls `session.close()` synchronously from nghttp2's frame callback, while
// `nghttp2_session_mem_recv` is still on the stack. connect-node's session manager answers a
// GOAWAY on an idle connection with `session.destroy()` from its `goaway` listener, so a backend
// that closes an idle connection would have the session torn down inside that callback: the
// pattern that aborts the process (`find_stream_on_goaway_func: Assertion
// 'stream->closed_next == NULL' failed`, or `free(): invalid pointer`).

import type * as http2 from "node:http2";
import { setImmediate } from "node:timers";

const guarded = new WeakSet<http2.Http2Session>();

/**
 * Delivers the session's `goaway` event and runs `session.close()` on the next macrotask,
 * outside nghttp2's frame processing, in the order they were raised. Idempotent.
 */
export function guardSessionTeardown(session: http2.Http2Session): void {
  if (guarded.has(session)) return;
  guarded.add(session);
  const emit = session.emit.bind(session);
  session.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== "goaway") return emit(event, ...args);
    setImmediate(() => emit(event, ...args));
    return session.listenerCount(event) > 0;
  }) as typeof session.emit;
  const close = session.close.bind(session);
  let scheduled = false;
  session.close = ((callback?: () => void) => {
    if (session.closed || session.destroyed) return;
    if (typeof callback === "function") session.once("close", callback);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      if (!session.closed && !session.destroyed) close();
    });
  }) as typeof session.close;
}
