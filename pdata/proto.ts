import { fromBinary, type Message, toBinary } from "@bufbuild/protobuf";
import type { DescMessage } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { type DecodeCost, DecodeError, type DecodeOptions, EncodeError } from "./errors.ts";
import { type IdFields, MAX_NESTING_DEPTH, OTLP_ID_FIELDS } from "./json.ts";

/** Encoder and decoder of one message type in the protobuf binary format. */
export interface ProtoCodec<T extends Message> {
  /**
   * Decodes protobuf bytes; throws {@link DecodeError} on any invalid input, and
   * {@link DecodeBudgetError} when `options.maxMemoryBytes` is passed. `cost`, if given, receives
   * the estimated memory of the result (where the codec estimates it).
   */
  decode(bytes: Uint8Array, options?: DecodeOptions, cost?: DecodeCost): T;
  /** Encodes a message as protobuf bytes; throws {@link EncodeError} on an ill-formed message. */
  encode(message: T): Uint8Array;
}

/** How to reach the id fields from one message type: only paths that lead to ids are walked. */
interface IdWalk {
  readonly ids: { localName: string; length: number }[];
  readonly children: { localName: string; list: boolean; walk: IdWalk }[];
}

function buildIdWalk(
  desc: DescMessage,
  idFields: IdFields,
  cache: Map<string, IdWalk | null>,
): IdWalk | null {
  if (cache.has(desc.typeName)) return cache.get(desc.typeName)!;
  // Provisionally "nothing to check" so that recursive types (AnyValue) terminate.
  cache.set(desc.typeName, null);
  const walk: IdWalk = { ids: [], children: [] };
  for (const field of desc.fields) {
    if (field.fieldKind === "scalar" && Object.hasOwn(idFields, field.name) && !field.oneof) {
      walk.ids.push({ localName: field.localName, length: idFields[field.name] });
    }
    const child = field.fieldKind === "message"
      ? field.message
      : field.fieldKind === "list" && field.listKind === "message"
      ? field.message
      : undefined;
    if (child && !field.oneof) {
      const childWalk = buildIdWalk(child, idFields, cache);
      if (childWalk) {
        walk.children.push({
          localName: field.localName,
          list: field.fieldKind === "list",
          walk: childWalk,
        });
      }
    }
  }
  const result = walk.ids.length > 0 || walk.children.length > 0 ? walk : null;
  cache.set(desc.typeName, result);
  return result;
}

function checkIds(walk: IdWalk, message: Record<string, unknown>, path: string): void {
  for (const id of walk.ids) {
    const bytes = message[id.localName] as Uint8Array;
    if (bytes.length !== 0 && bytes.length !== id.length) {
      const where = `${path}.${id.localName}`;
      throw new DecodeError(
        "proto",
        `${where}: expected ${id.length} bytes, got ${bytes.length}`,
        where,
      );
    }
  }
  for (const child of walk.children) {
    const value = message[child.localName];
    if (value === undefined) continue;
    if (child.list) {
      const list = value as Record<string, unknown>[];
      for (let i = 0; i < list.length; i++) {
        checkIds(child.walk, list[i], `${path}.${child.localName}[${i}]`);
      }
    } else {
      checkIds(child.walk, value as Record<string, unknown>, `${path}.${child.localName}`);
    }
  }
}

/**
 * Builds the protobuf binary codec of a message type. Besides what protobuf itself checks, the
 * decoder rejects an id field (named in `idFields`) that is neither empty nor of its length, and
 * nesting deeper than {@link MAX_NESTING_DEPTH}. Unknown fields are kept and written back.
 *
 * @param schema the message type
 * @param idFields bytes fields that hold ids, by protobuf field name, with their byte length
 */
export function createProtoCodec<T extends Message>(
  schema: GenMessage<T>,
  idFields: IdFields = OTLP_ID_FIELDS,
): ProtoCodec<T> {
  const idWalk = buildIdWalk(schema, idFields, new Map());
  const options = { recursionLimit: MAX_NESTING_DEPTH };
  return {
    decode(bytes: Uint8Array): T {
      let message: T;
      try {
        message = fromBinary(schema, bytes, options);
      } catch (error) {
        throw new DecodeError(
          "proto",
          `cannot decode ${schema.typeName} from ${bytes.length} bytes: ${
            (error as Error).message
          }`,
          "",
          { cause: error },
        );
      }
      if (idWalk) checkIds(idWalk, message as unknown as Record<string, unknown>, schema.name);
      return message;
    },
    encode(message: T): Uint8Array {
      try {
        return toBinary(schema, message);
      } catch (error) {
        throw new EncodeError(
          "proto",
          `cannot encode ${schema.typeName}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
  };
}
