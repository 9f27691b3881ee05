/**
 * OTLP/JSON straight from protobuf bytes: the generated `json<Message>` functions walk the input
 * once per message level and write the document pdata's JSON encoder would write for the decoded
 * message, without building the message.
 *
 * @module
 */

import { DecodeError } from "../errors.ts";
import { MAX_NESTING_DEPTH } from "../json_plan.ts";
import { JsonWriter } from "./json_writer.ts";
import { WireError, WireReader } from "./reader.ts";

/**
 * A generated `json<Message>` function: writes the message from `r.pos` to `end` (at nesting
 * level `depth`) to `out` as OTLP/JSON and leaves `r.pos` at `end`.
 */
export type JsonTranscode = (r: WireReader, end: number, depth: number, out: JsonWriter) => void;

// The writer has checked every string holding other bytes than ASCII, so the text is UTF-8: the
// lenient decoder, several times faster than the strict one, reads it the same. A byte order mark
// is content.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Output buffers up to this size are kept for the next call; a larger one is left to the garbage
 * collector, so that one large document does not pin its buffer for good.
 */
const KEPT_BUFFER_BYTES = 1 << 20;

/**
 * The transcoder of a top-level message type: protobuf bytes in, the OTLP/JSON text that
 * decoding them and encoding the result as OTLP/JSON gives out (same keys and order, escapes,
 * numbers, hex ids, base64; unknown fields dropped).
 *
 * It is meant for bytes the decoder accepts, such as those `fromProto` has scanned. Malformed
 * input is refused with a {@link DecodeError} (not the decoder's wording: callers that need it
 * decode), but only what is written is checked: a value a later one replaces (an earlier
 * occurrence of a singular field, a oneof member another one follows) is skipped unchecked, and
 * the occurrences of a message field sent several times are checked as one.
 *
 * @param typeName the full protobuf name of the message, for errors
 * @param transcode the generated `json<Message>` function of the message
 */
export function createJsonTranscoder(
  typeName: string,
  transcode: JsonTranscode,
): (bytes: Uint8Array) => string {
  let kept: Uint8Array | undefined;
  return (bytes: Uint8Array): string => {
    const reader = new WireReader(bytes, MAX_NESTING_DEPTH, false);
    // JSON of OTLP data is about three times its protobuf size (keys, hex ids, quoted numbers).
    const wanted = 3 * bytes.length + 64;
    const out = new JsonWriter(
      kept !== undefined && kept.length >= wanted ? kept : new Uint8Array(wanted),
    );
    kept = undefined;
    let text: string;
    try {
      transcode(reader, bytes.length, 1, out);
      text = utf8.decode(out.buf.subarray(0, out.pos));
    } catch (error) {
      const reason = error instanceof WireError ? error.reason : String(error);
      throw new DecodeError(
        "proto",
        `cannot write ${typeName} as OTLP/JSON from ${bytes.length} bytes: ${reason}`,
        "",
        { cause: error },
      );
    }
    if (out.buf.length <= KEPT_BUFFER_BYTES) kept = out.buf;
    return text;
  };
}
