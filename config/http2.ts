// Keeps `node:http2` session teardown out of Deno's native nghttp2 callbacks.
//
// Deno 2.9 (2.9.5 and 2.9.6 checked; 2.8.3, 2.7.14 and 2.6.8 are not affected) runs
// `node:http2` on libnghttp2. When the peer sends GOAWAY, its polyfill emits the session's
// `goaway` event and calls `session.close()` synchronously from the GOAWAY frame callback, while
// `nghttp2_session_mem_recv` is still on the stack; with no stream open, `close()` goes straight
// on to destroying the session. A peer that sends GOAWAY and closes its connection (every gRPC
// client that closes its channel) thereby corrupts the process heap often enough to abort it:
// `find_stream_on_goaway_func: Assertion 'stream->closed_next == NULL' failed` or
// `free(): invalid pointer`. Running the same teardown one macrotask later, after the native
// callback has returned, removed the crash in every repro run (the figures are in the otlp
// receiver's module doc). The otlp receiver guards its server sessions with it, the otlp exporter
// its client sessions (connect-node answers a GOAWAY on an idle connection with `destroy()` from
// its `goaway` listener, the same pattern). Remove it once a Deno release fixes the binding.

import type * as http2 from "node:http2";
import { setImmediate } from "node:timers";

const guarded = new WeakSet<http2.Http2Session>();

/**
 * Delivers the session's `goaway` event and runs `session.close()` on the next macrotask,
 * outside nghttp2's frame processing, in the order they were raised. The close callback, if
 * given, still runs on the session's `close` event. Idempotent.
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
