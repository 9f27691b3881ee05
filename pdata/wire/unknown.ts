// Unknown fields as decoded messages keep them (protobuf-es `$unknown`), and the shared empty value
// of `bytes` fields. Split from reader.ts, which re-exports them.

import type { WireReader } from "./reader.ts";
import { WireError } from "./wire_error.ts";

/** One field the decoder did not know, kept to be written back (protobuf-es `$unknown`). */
export interface UnknownField {
  /** The field number. */
  no: number;
  /** The wire type. */
  wireType: number;
  /** The encoded value, without its tag. */
  data: Uint8Array;
}

// Strict UTF-8 like protobuf-es (fatal), and a byte order mark is content, not a marker.

/**
 * Records an unknown field on a message the way protobuf-es does (`$unknown`, created on first
 * use), so that encoding writes it back.
 */
export function keepUnknown(message: object, tag: number, data: Uint8Array): void {
  const holder = message as { $unknown?: UnknownField[] };
  const field: UnknownField = { no: tag >>> 3, wireType: tag & 7, data };
  if (holder.$unknown === undefined) holder.$unknown = [field];
  else holder.$unknown.push(field);
}

/** The zero value of every `bytes` field of a decoded message, like protobuf-es's `create`. */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/**
 * Skips the value of a field with `tag` ({@link WireReader.skip}); groups nest at most
 * `depthLeft` levels deep. Returns the value's bytes (copied when the reader copies).
 */
export function skipField(r: WireReader, tag: number, depthLeft: number): Uint8Array {
  const start = r.pos;
  switch (tag & 7) {
    case 0:
      r.uint32();
      break;
    case 1:
      if (start + 8 > r.len) r.eof();
      r.pos = start + 8;
      break;
    case 2:
      r.pos = r.lengthEnd();
      break;
    case 5:
      if (start + 4 > r.len) r.eof();
      r.pos = start + 4;
      break;
    case 3: {
      if (depthLeft <= 0) throw new WireError("groups nest beyond the recursion depth limit");
      for (;;) {
        const inner = r.tag();
        if ((inner & 7) === 4) {
          if (inner >>> 3 !== tag >>> 3) {
            throw new WireError(
              `group ${tag >>> 3} closed by end tag of field ${inner >>> 3}`,
            );
          }
          break;
        }
        r.skip(inner, depthLeft - 1);
      }
      break;
    }
    default:
      throw new WireError(`end-group tag of field ${tag >>> 3} without a group`);
  }
  return r.copyBytes ? r.buf.slice(start, r.pos) : r.buf.subarray(start, r.pos);
}
