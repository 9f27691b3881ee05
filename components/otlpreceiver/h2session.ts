// Keeps `node:http2` session teardown out of Deno's native nghttp2 callbacks.
//
// Deno 2.9 (2.9.5 and 2.9.6 checked; 2.8.3, 2.7.14 and 2.6.8 are not affected) runs
// `node:http2` on libnghttp2. When the peer sends GOAWAY, its polyfill calls `session.close()`
// synchronously from the GOAWAY frame callback, while `nghttp2_session_mem_recv` is still on
// the stack; with no stream open, `close()` goes straight on to destroying the session. A
// peer that sends GOAWAY and closes its connection (every gRPC client that closes its channel,
// every server that closes a connection) thereby corrupts the process heap often enough to
// abort it: `find_stream_on_goaway_func: Assertion 'stream->closed_next == NULL' failed` or
// `free(): invalid pointer`. Running the same `close()` one macrotask later, after the native
// callback has returned, removed the crash in every repro run (see the module doc of mod.ts).

import type * as http2 from "node:http2";
import { setImmediate } from "node:timers";

/**
 * Makes `session.close()` take effect on the next macrotask instead of synchronously, so that
 * the close the runtime itself starts on a received GOAWAY runs outside nghttp2's frame
 * processing. The close callback, if given, still runs on the session's `close` event.
 */
export function deferSessionClose(session: http2.Http2Session): void {
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
