// Data that keeps its encoded form: a request received as OTLP/protobuf travels through the
// pipeline as its bytes and an item count from a validating scan, and becomes objects only when a
// component reads it. The value is still the signal's message type (`TracesData`…): its fields
// are accessors that decode the bytes on first use and then turn into plain fields. From then on
// the data may have been changed, so it is encoded again when it is sent; until then counting,
// merging (concatenating the bytes of several requests is a valid merged request), copying and
// encoding cost next to nothing. The `SignalDescriptor` of each signal uses this; components do
// not need to know.

import type { DescMessage, Message } from "@bufbuild/protobuf";

const ENCODED = Symbol.for("denocol.pdata.encoded");

/** What an encoded value carries besides its message type. */
interface EncodedState<T> {
  /** The encoded message (`*Data`, wire-identical to the export request). */
  readonly bytes: Uint8Array;
  /** Items the scan counted. */
  readonly items: number;
  /** Decodes `bytes` into the message's fields. */
  readonly decode: (bytes: Uint8Array) => T;
  /** Set once the fields were read: the bytes may no longer say what the data holds. */
  decoded: boolean;
}

function stateOf<T>(data: T): EncodedState<T> | undefined {
  return (data as { [ENCODED]?: EncodedState<T> })[ENCODED];
}

/**
 * The bytes and item count of `data` if it still has its encoded form and no one has read (and
 * so possibly changed) its fields; `undefined` otherwise.
 */
export function encodedForm(data: unknown): { bytes: Uint8Array; items: number } | undefined {
  const state = stateOf(data);
  return state === undefined || state.decoded ? undefined : state;
}

/**
 * A value of `schema`'s type that holds `bytes` (already validated, with `items` items) and
 * decodes them with `decode` the first time one of its fields is read or written.
 */
export function encodedValue<T extends Message>(
  schema: DescMessage,
  bytes: Uint8Array,
  items: number,
  decode: (bytes: Uint8Array) => T,
): T {
  const state: EncodedState<T> = { bytes, items, decode, decoded: false };
  const value = { $typeName: schema.typeName } as Record<string | symbol, unknown>;
  Object.defineProperty(value, ENCODED, { value: state });
  const names = [...schema.fields.map((field) => field.localName), "$unknown"];
  const materialize = () => {
    if (state.decoded) return;
    state.decoded = true;
    const decoded = decode(bytes) as Record<string, unknown>;
    for (const name of names) {
      if (name === "$unknown" && decoded.$unknown === undefined) {
        delete value.$unknown;
        continue;
      }
      Object.defineProperty(value, name, {
        value: decoded[name],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
  };
  for (const name of names) {
    Object.defineProperty(value, name, {
      get() {
        materialize();
        return value[name];
      },
      set(next: unknown) {
        materialize();
        value[name] = next;
      },
      // `$unknown` is enumerable only when present, as on decoded messages; reading it still
      // decodes, so that protobuf-es sees unknown fields of the top-level message.
      enumerable: name !== "$unknown",
      configurable: true,
    });
  }
  return value as T;
}

/** A second encoded value over the same bytes (which are never written to). */
export function copyEncoded<T extends Message>(schema: DescMessage, data: T): T | undefined {
  const state = stateOf(data);
  if (state === undefined || state.decoded) return undefined;
  return encodedValue(schema, state.bytes, state.items, state.decode);
}

/**
 * One encoded value holding every part, when every part still has its encoded form: the bytes
 * are concatenated, which for an OTLP `*Data` message concatenates its resource groups.
 */
export function mergeEncoded<T extends Message>(
  schema: DescMessage,
  parts: readonly T[],
): T | undefined {
  let size = 0;
  let items = 0;
  const forms: Uint8Array[] = [];
  for (const part of parts) {
    const form = encodedForm(part);
    if (form === undefined) return undefined;
    size += form.bytes.length;
    items += form.items;
    forms.push(form.bytes);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const form of forms) {
    bytes.set(form, at);
    at += form.length;
  }
  return encodedValue(schema, bytes, items, stateOf(parts[0])!.decode);
}
