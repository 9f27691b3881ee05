import { create, type DescEnum, type Message, ScalarType } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { base64Decode, base64Encode } from "@bufbuild/protobuf/wire";
import { DecodeError } from "./errors.ts";
import {
  buildPlan,
  bytesToHex,
  hexToBytes,
  type IdFields,
  MAX_NESTING_DEPTH,
  type MessagePlan,
  OTLP_ID_FIELDS,
} from "./json_plan.ts";
import {
  exactInteger,
  JsonNumber,
  mayRoundIntegers,
  parseWithNumberSources,
} from "./json_numbers.ts";

export { bytesToHex, hexToBytes, type IdFields, MAX_NESTING_DEPTH, OTLP_ID_FIELDS };

/** Encoder and decoder of one message type in OTLP/JSON. */
export interface JsonCodec<T extends Message> {
  /** Decodes an OTLP/JSON document; throws {@link DecodeError} on any invalid input. */
  decode(text: string | Uint8Array): T;
  /** Encodes a message as an OTLP/JSON document. */
  encode(message: T): string;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const INTEGER = /^-?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return value.length > 40
      ? `a string of length ${value.length}`
      : `the string ${JSON.stringify(value)}`;
  }
  if (value instanceof JsonNumber) return `number ${value.source}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * Thrown by a reader of a plainly parsed document when a number it needs may have been rounded
 * by `JSON.parse`; the document is then parsed again with the numbers' source text.
 */
const NEEDS_EXACT_NUMBERS = Symbol("needs exact numbers");

/** Decodes one document; keeps the path of the value being read for error messages. */
class JsonReader {
  private readonly path: (string | number)[] = [];
  /** The document's text, scanned once for numbers `JSON.parse` may have rounded. */
  private readonly text: string;
  /**
   * Whether the document was parsed with the source text of its numbers, so that every number a
   * double may not hold exactly is a {@link JsonNumber}.
   */
  private readonly exact: boolean;
  private rounding: boolean | undefined;

  constructor(text: string, exact: boolean) {
    this.text = text;
    this.exact = exact;
  }

  /**
   * Whether a plain number read from this document can be trusted as the 64-bit integer it shows.
   * Asked only when a 64-bit field holds a JSON number, which OTLP/JSON writes as a string.
   */
  private trustsIntegers(): boolean {
    if (this.exact) return true;
    this.rounding ??= mayRoundIntegers(this.text);
    return !this.rounding;
  }

  fail(problem: string): never {
    const path = this.pathText();
    throw new DecodeError("json", path ? `${path}: ${problem}` : problem, path);
  }

  pathText(): string {
    let out = "";
    for (const segment of this.path) {
      if (typeof segment === "number") out += `[${segment}]`;
      else out += out ? `.${segment}` : segment;
    }
    return out;
  }

  readMessage(plan: MessagePlan, json: unknown, depth: number): Message {
    if (
      typeof json !== "object" || json === null || Array.isArray(json) || json instanceof JsonNumber
    ) {
      this.fail(`expected an object for ${plan.desc.typeName}, got ${describe(json)}`);
    }
    if (depth > MAX_NESTING_DEPTH) {
      this.fail(`messages nest deeper than ${MAX_NESTING_DEPTH} levels`);
    }
    const message = create(plan.desc) as unknown as Record<string, unknown>;
    for (const key in json) {
      const fieldPlan = plan.byName.get(key);
      // Unknown fields are ignored, as the OTLP specification requires of receivers.
      if (fieldPlan === undefined) continue;
      const value = (json as Record<string, unknown>)[key];
      // proto3 JSON: null means the field's default.
      if (value === null) continue;
      this.path.push(key);
      const { field } = fieldPlan;
      if (field.fieldKind === "list") {
        if (!Array.isArray(value)) this.fail(`expected an array, got ${describe(value)}`);
        const list = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          this.path.push(i);
          const item = value[i];
          if (item === null) this.fail("expected a value, got null");
          if (field.listKind === "message") {
            list[i] = this.readMessage(fieldPlan.plan!, item, depth + 1);
          } else if (field.listKind === "enum") list[i] = this.readEnum(field.enum, item);
          else list[i] = this.readScalar(field.scalar, item, 0);
          this.path.pop();
        }
        message[fieldPlan.localName] = list;
      } else {
        let read: unknown;
        if (field.fieldKind === "message") {
          read = this.readMessage(fieldPlan.plan!, value, depth + 1);
        } else if (field.fieldKind === "enum") read = this.readEnum(field.enum, value);
        else if (field.fieldKind === "scalar") {
          read = this.readScalar(field.scalar, value, fieldPlan.idLength);
        } else this.fail("map fields are not supported");
        if (fieldPlan.oneof !== undefined) {
          const group = message[fieldPlan.oneof] as { case: string | undefined };
          if (group.case !== undefined && group.case !== fieldPlan.localName) {
            this.fail(
              `only one of the ${fieldPlan.oneof} fields may be set, ${group.case} is set too`,
            );
          }
          message[fieldPlan.oneof] = { case: fieldPlan.localName, value: read };
        } else {
          message[fieldPlan.localName] = read;
        }
      }
      this.path.pop();
    }
    return message as unknown as Message;
  }

  readEnum(desc: DescEnum, value: unknown): number {
    if (typeof value === "number" || value instanceof JsonNumber) {
      const number = typeof value === "number" && Number.isSafeInteger(value)
        ? BigInt(value)
        : this.integer(value);
      if (number === undefined || number < -(2n ** 31n) || number >= 2n ** 31n) {
        this.fail(`expected an enum number of ${desc.typeName}, got ${describe(value)}`);
      }
      return Number(number);
    }
    if (typeof value === "string") {
      const known = desc.values.find((v) => v.name === value);
      if (known) return known.number;
      this.fail(`expected a value of ${desc.typeName}, got ${describe(value)}`);
    }
    this.fail(`expected an enum value of ${desc.typeName}, got ${describe(value)}`);
  }

  readScalar(scalar: ScalarType, value: unknown, idLength: number): unknown {
    switch (scalar) {
      case ScalarType.STRING:
        if (typeof value !== "string") this.fail(`expected a string, got ${describe(value)}`);
        return value;
      case ScalarType.BOOL:
        if (typeof value !== "boolean") this.fail(`expected true or false, got ${describe(value)}`);
        return value;
      case ScalarType.DOUBLE:
      case ScalarType.FLOAT:
        return this.readFloat(value);
      case ScalarType.INT64:
      case ScalarType.SINT64:
      case ScalarType.SFIXED64:
        return this.readInt64(value, INT64_MIN, INT64_MAX, "a signed 64-bit integer");
      case ScalarType.UINT64:
      case ScalarType.FIXED64:
        return this.readInt64(value, 0n, UINT64_MAX, "an unsigned 64-bit integer");
      case ScalarType.INT32:
      case ScalarType.SINT32:
      case ScalarType.SFIXED32:
        return this.readInt32(value, -(2 ** 31), 2 ** 31 - 1, "a signed 32-bit integer");
      case ScalarType.UINT32:
      case ScalarType.FIXED32:
        return this.readInt32(value, 0, 2 ** 32 - 1, "an unsigned 32-bit integer");
      case ScalarType.BYTES:
        return idLength > 0 ? this.readId(value, idLength) : this.readBase64(value);
    }
  }

  readFloat(value: unknown): number {
    if (typeof value === "number") return value;
    if (value instanceof JsonNumber) return value.value;
    if (typeof value === "string") {
      if (value === "NaN") return NaN;
      if (value === "Infinity") return Infinity;
      if (value === "-Infinity") return -Infinity;
      const parsed = value.trim() === "" ? NaN : Number(value);
      if (!Number.isNaN(parsed)) return parsed;
    }
    this.fail(`expected a number, "NaN", "Infinity" or "-Infinity", got ${describe(value)}`);
  }

  /**
   * The exact integer a JSON number stands for, undefined when it is not one. A plain number is
   * trusted only when `JSON.parse` cannot have rounded it; otherwise the document is read again
   * with its numbers' source text.
   */
  private integer(value: number | JsonNumber): bigint | undefined {
    if (value instanceof JsonNumber) return exactInteger(value.source);
    if (Number.isSafeInteger(value) && this.trustsIntegers()) return BigInt(value);
    if (!this.exact) throw NEEDS_EXACT_NUMBERS;
    return Number.isInteger(value) ? BigInt(value) : undefined;
  }

  readInt64(value: unknown, min: bigint, max: bigint, what: string): bigint {
    let parsed: bigint | undefined;
    if (typeof value === "string") {
      parsed = INTEGER.test(value) ? BigInt(value) : exactInteger(value);
    } else if (typeof value === "number" || value instanceof JsonNumber) {
      parsed = this.integer(value);
    }
    if (parsed === undefined) {
      this.fail(`expected ${what} as a number or a string, got ${describe(value)}`);
    }
    if (parsed < min || parsed > max) this.outOfRange(value, min, max, what);
    return parsed;
  }

  readInt32(value: unknown, min: number, max: number, what: string): number {
    // Every integer literal in a 32-bit range is exact as a double, so a plain number is trusted
    // without looking at the text (which would cost a tenth of the decode, as nearly every
    // document has 32-bit fields): only a literal that is no integer at all, yet so close to one
    // that its double is that integer (such as 2.0000000000000001), is read as that integer here
    // instead of refused as the 64-bit fields refuse it.
    if (typeof value === "number" && Number.isSafeInteger(value)) {
      if (value < min || value > max) this.outOfRange(value, min, max, what);
      return value + 0; // -0 is 0
    }
    return Number(this.readInt64(value, BigInt(min), BigInt(max), what));
  }

  outOfRange(value: unknown, min: bigint | number, max: bigint | number, what: string): never {
    const written = value instanceof JsonNumber
      ? value.source
      : typeof value === "string"
      ? JSON.stringify(value)
      : String(value);
    this.fail(`expected ${what} (${min} to ${max}), got ${written}`);
  }

  readId(value: unknown, length: number): Uint8Array {
    if (typeof value !== "string") this.fail(`expected a hex string, got ${describe(value)}`);
    if (value.length === 0) return new Uint8Array(0);
    if (value.length !== 2 * length) {
      this.fail(`expected ${2 * length} hex characters, got ${value.length}`);
    }
    const bytes = hexToBytes(value);
    if (bytes === undefined) {
      this.fail(`expected ${2 * length} hex characters, got ${describe(value)}`);
    }
    return bytes;
  }

  readBase64(value: unknown): Uint8Array {
    if (typeof value !== "string" || !BASE64.test(value)) {
      this.fail(`expected base64 bytes, got ${describe(value)}`);
    }
    return base64Decode(value);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function writeMessage(plan: MessagePlan, message: Message, depth: number): Record<string, unknown> {
  if (depth > MAX_NESTING_DEPTH) {
    throw new RangeError(`messages nest deeper than ${MAX_NESTING_DEPTH} levels`);
  }
  const source = message as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const fieldPlan of plan.fields) {
    const { field } = fieldPlan;
    let value: unknown;
    if (fieldPlan.oneof !== undefined) {
      const group = source[fieldPlan.oneof] as { case: string | undefined; value?: unknown };
      if (group.case !== fieldPlan.localName) continue;
      value = group.value;
    } else {
      value = source[fieldPlan.localName];
    }
    if (value === undefined) continue;
    if (field.fieldKind === "list") {
      const list = value as unknown[];
      if (list.length === 0) continue;
      const written = new Array(list.length);
      for (let i = 0; i < list.length; i++) {
        written[i] = field.listKind === "message"
          ? writeMessage(fieldPlan.plan!, list[i] as Message, depth + 1)
          : field.listKind === "enum"
          ? list[i]
          : writeScalar(field.scalar, list[i], 0);
      }
      out[fieldPlan.jsonName] = written;
      continue;
    }
    if (field.fieldKind === "message") {
      out[fieldPlan.jsonName] = writeMessage(fieldPlan.plan!, value as Message, depth + 1);
      continue;
    }
    if (fieldPlan.omitZero && isZero(value)) continue;
    out[fieldPlan.jsonName] = field.fieldKind === "enum"
      ? value
      : writeScalar(field.scalar!, value, fieldPlan.idLength);
  }
  return out;
}

function isZero(value: unknown): boolean {
  switch (typeof value) {
    case "string":
      return value.length === 0;
    case "number":
      return value === 0 && !Object.is(value, -0);
    case "bigint":
      return value === 0n;
    case "boolean":
      return !value;
    default:
      return value instanceof Uint8Array && value.length === 0;
  }
}

/**
 * The JSON text `-0`, which `JSON.stringify` writes as it is (`JSON.rawJSON`, in V8 since 11.4 but
 * not yet in TypeScript's library).
 */
const NEGATIVE_ZERO: unknown = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(
  "-0",
);

function writeScalar(scalar: ScalarType, value: unknown, idLength: number): unknown {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT: {
      const number = value as number;
      // JSON.stringify writes -0 as 0; protojson writes -0, and it is another double.
      if (number === 0 && 1 / number < 0) return NEGATIVE_ZERO;
      if (Number.isFinite(number)) return number;
      return Number.isNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity";
    }
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return String(value);
    case ScalarType.BYTES:
      return idLength > 0 ? bytesToHex(value as Uint8Array) : base64Encode(value as Uint8Array);
    default:
      return value;
  }
}

/** Reads a parsed document; any failure becomes a {@link DecodeError} naming where it happened. */
function read(plan: MessagePlan, reader: JsonReader, json: unknown): Message {
  try {
    return reader.readMessage(plan, json, 0);
  } catch (error) {
    if (error instanceof DecodeError || error === NEEDS_EXACT_NUMBERS) throw error;
    // A failure of the runtime (such as the stack running out) still gets a typed error.
    const path = reader.pathText();
    throw new DecodeError("json", `${path || "document"}: ${(error as Error).message}`, path, {
      cause: error,
    });
  }
}

/**
 * Builds the OTLP/JSON codec of a message type: lowerCamelCase keys and enum numbers on output,
 * both key spellings and enum names or numbers accepted on input, 64-bit integers as strings on
 * output and as strings or numbers on input (read exactly, also beyond 2^53, and refused when out
 * of the field's range), `"NaN"`/`"Infinity"`/`"-Infinity"` for non-finite doubles and `-0` for
 * negative zero, unknown keys ignored, and the bytes fields named in `idFields` written as hex.
 *
 * @param schema the message type of documents
 * @param idFields bytes fields written as hex ids, by protobuf field name, with their length
 */
export function createJsonCodec<T extends Message>(
  schema: GenMessage<T>,
  idFields: IdFields = OTLP_ID_FIELDS,
): JsonCodec<T> {
  const plan = buildPlan(schema, idFields, new Map());
  return {
    decode(text: string | Uint8Array): T {
      let source: string;
      if (typeof text === "string") source = text;
      else {
        try {
          source = utf8.decode(text);
        } catch (error) {
          throw new DecodeError("json", "the document is not valid UTF-8", "", { cause: error });
        }
      }
      let json: unknown;
      try {
        json = JSON.parse(source);
      } catch (error) {
        throw new DecodeError("json", `invalid JSON: ${(error as Error).message}`, "", {
          cause: error,
        });
      }
      try {
        return read(plan, new JsonReader(source, false), json) as T;
      } catch (error) {
        if (error !== NEEDS_EXACT_NUMBERS) throw error;
      }
      // Rare: an integer field holds a number JSON.parse may have rounded. Read it all again,
      // this time with the source text of the numbers.
      try {
        json = parseWithNumberSources(source);
      } catch (error) {
        throw new DecodeError("json", (error as Error).message, "", { cause: error });
      }
      return read(plan, new JsonReader(source, true), json) as T;
    },
    encode(message: T): string {
      return JSON.stringify(writeMessage(plan, message, 0));
    },
  };
}
