import type { Message } from "@bufbuild/protobuf";
import {
  DecodeBudgetError,
  type DecodeCost,
  DecodeError,
  type DecodeOptions,
  EncodeError,
} from "../errors.ts";
import { MAX_NESTING_DEPTH } from "../json.ts";
import type { ProtoCodec } from "../proto.ts";
import { WireError, WireReader } from "./reader.ts";
import { SizeStack, WireWriter } from "./writer.ts";

/** The generated functions of one top-level message type, as {@link createWireCodec} needs them. */
export interface WireMessage<T extends Message> {
  /** The full protobuf name, such as `opentelemetry.proto.trace.v1.TracesData`. */
  typeName: string;
  /** Decodes the message from `r.pos` to `end`, at nesting level `depth`. */
  decode(r: WireReader, end: number, depth: number): T;
  /** Computes the encoded length, storing nested lengths in `s`. */
  size(message: T, s: SizeStack): number;
  /** Writes the message with the lengths `size` stored. */
  write(message: T, w: WireWriter): void;
}

/** Options of {@link createWireCodec}. */
export interface WireCodecOptions {
  /**
   * Copy every decoded `bytes` value (ids, unknown fields) out of the input instead of returning
   * views of it. Views are what protobuf-es returns; they keep the whole input buffer alive as
   * long as any decoded id is. Default false.
   */
  copyBytes?: boolean;
}

/**
 * Builds a {@link ProtoCodec} from generated wire functions. Decoding throws {@link DecodeError}
 * whose `path` names the field (such as
 * `TracesData.resourceSpans[0].scopeSpans[1].spans[3].name`); encoding throws
 * {@link EncodeError} for a value of the wrong type.
 *
 * @param message the generated functions of the top-level message
 * @param options how `bytes` values are returned
 */
export function createWireCodec<T extends Message>(
  message: WireMessage<T>,
  options: WireCodecOptions = {},
): ProtoCodec<T> {
  const typeName = message.typeName;
  const shortName = typeName.slice(typeName.lastIndexOf(".") + 1);
  const copyBytes = options.copyBytes ?? false;
  const sizes = new SizeStack();
  return {
    decode(bytes: Uint8Array, options?: DecodeOptions, cost?: DecodeCost): T {
      const reader = new WireReader(bytes, MAX_NESTING_DEPTH, copyBytes);
      // A finite start even without a limit, so that the cost can always be read off.
      const limit = Math.min(options?.maxMemoryBytes ?? Infinity, Number.MAX_SAFE_INTEGER);
      reader.budget = limit;
      try {
        const result = message.decode(reader, bytes.length, 1);
        if (cost !== undefined) cost.memoryBytes = limit - reader.budget;
        return result;
      } catch (error) {
        const wire = error instanceof WireError ? error : new WireError(String(error));
        if (wire.kind === "budget") throw new DecodeBudgetError(limit, bytes.length);
        const path = wire.segments.length > 0 ? `${shortName}.${wire.path}` : shortName;
        if (wire.kind === "id") {
          throw new DecodeError("proto", `${path}: ${wire.reason}`, path, { cause: error });
        }
        throw new DecodeError(
          "proto",
          `cannot decode ${typeName} from ${bytes.length} bytes: ${path}: ${wire.reason}`,
          path,
          { cause: error },
        );
      }
    },
    encode(data: T): Uint8Array {
      try {
        sizes.reset();
        const total = message.size(data, sizes);
        const writer = new WireWriter(total, sizes);
        message.write(data, writer);
        if (writer.pos !== total) {
          throw new Error(`wrote ${writer.pos} bytes where ${total} were computed`);
        }
        return writer.buf;
      } catch (error) {
        throw new EncodeError(
          "proto",
          `cannot encode ${typeName}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
  };
}

/**
 * A whole-input scan from a generated `scan<Message>` function: validates `bytes` as the
 * decoder would and returns the item count, throwing on input it refuses, and
 * {@link DecodeBudgetError} when decoding would take more than `options.maxMemoryBytes` (the
 * scan charges what the decoder would allocate; `cost` receives that estimate).
 *
 * @param scan the generated scan of the top-level message
 */
export function createWireScan(
  scan: (r: WireReader, end: number, depth: number) => number,
): (bytes: Uint8Array, options?: DecodeOptions, cost?: DecodeCost) => number {
  return (bytes, options, cost) => {
    const reader = new WireReader(bytes, MAX_NESTING_DEPTH, false);
    const limit = Math.min(options?.maxMemoryBytes ?? Infinity, Number.MAX_SAFE_INTEGER);
    reader.budget = limit;
    try {
      const items = scan(reader, bytes.length, 1);
      if (cost !== undefined) cost.memoryBytes = limit - reader.budget;
      return items;
    } catch (error) {
      if (error instanceof WireError && error.kind === "budget") {
        throw new DecodeBudgetError(limit, bytes.length);
      }
      throw error;
    }
  };
}
