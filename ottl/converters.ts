/**
 * The standard OTTL converters, with the behaviour of Go's `ottlfuncs`: `Concat`, `Split`,
 * `IsMatch`, `Int`, `Double`, `Bool`, `String`, `IsString`, `IsBool`, `IsInt`, `IsDouble`,
 * `IsMap`, `IsList`, `IsEmpty`, `SHA1`, `SHA256`, `SHA512`, `MD5`, `ParseJSON`, `Len`,
 * `Substring`, `ToLowerCase`, `ToUpperCase`, `HasPrefix`, `HasSuffix`, `TrimPrefix`,
 * `TrimSuffix`, `TraceID`, `SpanID`, `ProfileID`, `Time`, `Duration`, `Now`, `Unix`,
 * `UnixSeconds`, `UnixMilli`, `UnixMicro`, `UnixNano`.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { AttributeList, AttributeMap, type PlainValue } from "@denocol/pdata";
import { OttlRuntimeError } from "./errors.ts";
import { type Argument, type FunctionDefinition, optional, param } from "./functions.ts";
import type { Getter } from "./paths.ts";
import { compileRegex } from "./patterns.ts";
import { checkLocation, checkTimeFormat, parseDuration, parseTime } from "./time.ts";
import {
  expected,
  floatLike,
  OttlDuration,
  OttlTime,
  parseGoFloat,
  parseGoInt,
  stringLike,
  typeName,
} from "./values.ts";

type Args<T> = readonly Argument<T>[];

/** A converter of one value. */
function unary<T>(name: string, convert: (value: unknown) => unknown): FunctionDefinition<T> {
  return {
    name,
    params: [param("value", "getter")],
    create(args: Args<T>) {
      const value = args[0] as Getter<T>;
      return (t) => convert(value(t));
    },
  };
}

function needString(value: unknown): string {
  if (typeof value !== "string") throw expected("string", value);
  return value;
}

function needTime(value: unknown): OttlTime {
  if (!(value instanceof OttlTime)) throw expected("time.Time", value);
  return value;
}

function needInt(value: unknown): bigint {
  if (typeof value !== "bigint") throw expected("int64", value);
  return value;
}

function hash(algorithm: string): (value: unknown) => string {
  return (value) => createHash(algorithm).update(needString(value)).digest("hex");
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An id from 2n hex digits or n bytes, as `TraceID`, `SpanID` and `ProfileID` take it. */
function id(name: string, length: number): FunctionDefinition<unknown> {
  return unary(name, (value) => {
    if (value instanceof Uint8Array) {
      if (value.length !== length) {
        throw new OttlRuntimeError(`${name}: expected ${length} bytes, got ${value.length}`);
      }
      return value.slice();
    }
    if (typeof value === "string") {
      if (value.length !== length * 2 || !/^[0-9a-fA-F]*$/.test(value)) {
        throw new OttlRuntimeError(
          `${name}: expected ${length * 2} hex characters, got ${JSON.stringify(value)}`,
        );
      }
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = parseInt(value.slice(2 * i, 2 * i + 2), 16);
      return bytes;
    }
    throw new OttlRuntimeError(
      `${name}: expected bytes or a hex string but got ${typeName(value)}`,
    );
  });
}

/** A JSON value as OTTL reads it: numbers as doubles, objects and arrays as pdata values. */
function fromJson(value: unknown): PlainValue {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value === "object") {
    const out: Record<string, PlainValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = fromJson(v);
    return out;
  }
  return value as PlainValue;
}

/** The standard converters of OTTL. */
export function standardConverters<T>(): FunctionDefinition<T>[] {
  const defs: FunctionDefinition<unknown>[] = [
    {
      name: "Concat",
      params: [param("vals", "getters"), param("delimiter", "getter")],
      create(args: Args<unknown>) {
        const values = args[0] as Getter<unknown>[];
        const delimiter = args[1] as Getter<unknown>;
        return (t) => {
          const separator = needString(delimiter(t));
          return values.map((value) => stringLike(value(t)) ?? "<nil>").join(separator);
        };
      },
    },
    {
      name: "Split",
      params: [param("target", "getter"), param("delimiter", "getter")],
      create(args: Args<unknown>) {
        const target = args[0] as Getter<unknown>;
        const delimiter = args[1] as Getter<unknown>;
        return (t) => {
          const text = target(t);
          if (text === null || text === undefined) return null;
          return needString(text).split(needString(delimiter(t)));
        };
      },
    },
    {
      name: "IsMatch",
      params: [param("target", "getter"), param("pattern", "string")],
      create(args: Args<unknown>, env) {
        const target = args[0] as Getter<unknown>;
        let pattern: RegExp;
        try {
          pattern = compileRegex(args[1] as string);
        } catch (error) {
          env.fail(
            `the pattern supplied to IsMatch is not a valid regexp pattern: ${
              (error as Error).message
            }`,
            1,
          );
        }
        return (t) => {
          const text = stringLike(target(t));
          return text === undefined ? false : pattern.test(text);
        };
      },
    },
    unary("Int", (value) => {
      if (typeof value === "string") return parseGoInt(value) ?? null;
      if (typeof value === "number") {
        return Number.isFinite(value) ? BigInt.asIntN(64, BigInt(Math.trunc(value))) : null;
      }
      if (typeof value === "boolean") return value ? 1n : 0n;
      return typeof value === "bigint" ? value : null;
    }),
    unary("Double", (value) => {
      if (typeof value === "string") return parseGoFloat(value) ?? null;
      if (typeof value === "bigint" || typeof value === "boolean") return floatLike(value);
      return typeof value === "number" ? value : null;
    }),
    unary("Bool", (value) => {
      if (typeof value === "boolean") return value;
      if (typeof value === "bigint") return value !== 0n;
      if (typeof value === "number") return value !== 0;
      if (typeof value === "string") {
        if (["1", "t", "T", "true", "TRUE", "True"].includes(value)) return true;
        if (["0", "f", "F", "false", "FALSE", "False"].includes(value)) return false;
      }
      return null;
    }),
    unary("String", (value) => stringLike(value) ?? null),
    unary("IsString", (value) => typeof value === "string"),
    unary("IsBool", (value) => typeof value === "boolean"),
    unary("IsInt", (value) => typeof value === "bigint"),
    unary("IsDouble", (value) => typeof value === "number"),
    unary("IsMap", (value) => value instanceof AttributeMap),
    unary("IsList", (value) => value instanceof AttributeList || Array.isArray(value)),
    unary("IsEmpty", (value) => {
      if (value === null || value === undefined) return true;
      if (value instanceof AttributeMap) return value.size === 0;
      if (value instanceof AttributeList || Array.isArray(value)) return value.length === 0;
      if (value instanceof Uint8Array) return value.every((b) => b === 0);
      if (value instanceof OttlTime) return value.unixNano === 0n;
      if (value instanceof OttlDuration) return value.nanos === 0n;
      return value === "" || value === 0n || value === 0 || value === false;
    }),
    unary("SHA1", hash("sha1")),
    unary("SHA256", hash("sha256")),
    unary("SHA512", hash("sha512")),
    unary("MD5", hash("md5")),
    unary("ParseJSON", (value) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(needString(value));
      } catch (error) {
        if (error instanceof OttlRuntimeError) throw error;
        throw new OttlRuntimeError(`ParseJSON: invalid JSON: ${(error as Error).message}`);
      }
      if (Array.isArray(parsed)) return new AttributeList().append(fromJson(parsed)).get(0);
      if (typeof parsed === "object" && parsed !== null) {
        const map = new AttributeMap();
        map.replaceWith(fromJson(parsed) as Record<string, PlainValue>);
        return map;
      }
      throw new OttlRuntimeError(
        `could not convert parsed value of type ${typeName(fromJson(parsed))} to a JSON object`,
      );
    }),
    unary("Len", (value) => {
      if (typeof value === "string") return BigInt(encoder.encode(value).length);
      if (value instanceof AttributeMap) return BigInt(value.size);
      if (value instanceof AttributeList || Array.isArray(value)) return BigInt(value.length);
      throw new OttlRuntimeError(`unsupported type for Len: ${typeName(value)}`);
    }),
    {
      name: "Substring",
      params: [
        param("target", "getter"),
        param("start", "getter"),
        param("length", "getter"),
        optional("utf8_safe", "bool"),
      ],
      create(args: Args<unknown>) {
        const [target, start, length] = args as Getter<unknown>[];
        const utf8Safe = (args[3] as boolean | undefined) ?? false;
        return (t) => {
          const bytes = encoder.encode(needString(target(t)));
          let from = Number(needInt(start(t)));
          const count = Number(needInt(length(t)));
          if (from < 0) {
            throw new OttlRuntimeError(
              `invalid start for substring function, ${from} cannot be negative`,
            );
          }
          if (count <= 0) {
            throw new OttlRuntimeError(
              `invalid length for substring function, ${count} cannot be negative or zero`,
            );
          }
          let to = from + count;
          if (to > bytes.length) {
            throw new OttlRuntimeError(
              `invalid range for substring function, ${to} cannot be greater than the length of target string(${bytes.length})`,
            );
          }
          if (utf8Safe) {
            while (from < bytes.length && (bytes[from] & 0xc0) === 0x80) from++;
            while (to > from && to < bytes.length && (bytes[to] & 0xc0) === 0x80) to--;
          }
          return decoder.decode(bytes.subarray(from, Math.max(from, to)));
        };
      },
    },
    unary("ToLowerCase", (value) => needString(value).toLowerCase()),
    unary("ToUpperCase", (value) => needString(value).toUpperCase()),
    ...([
      ["HasPrefix", "prefix", (v: string, a: string) => v.startsWith(a)],
      ["HasSuffix", "suffix", (v: string, a: string) => v.endsWith(a)],
      ["TrimPrefix", "prefix", (v: string, a: string) => (v.startsWith(a) ? v.slice(a.length) : v)],
      [
        "TrimSuffix",
        "suffix",
        (v: string, a: string) => (a !== "" && v.endsWith(a) ? v.slice(0, v.length - a.length) : v),
      ],
    ] as const).map(([name, second, apply]): FunctionDefinition<unknown> => ({
      name,
      params: [param("value", "getter"), param(second, "getter")],
      create(args: Args<unknown>) {
        const [value, other] = args as Getter<unknown>[];
        return (t) => apply(needString(value(t)), needString(other(t)));
      },
    })),
    id("TraceID", 16),
    id("SpanID", 8),
    id("ProfileID", 16),
    {
      name: "Time",
      params: [
        param("target", "getter"),
        param("format", "string"),
        optional("location", "string"),
        optional("locale", "string"),
      ],
      create(args: Args<unknown>, env) {
        const target = args[0] as Getter<unknown>;
        const format = args[1] as string;
        const location = (args[2] as string | undefined) ?? "";
        const locale = (args[3] as string | undefined) ?? "";
        if (format === "") env.fail("format cannot be empty", 1);
        try {
          checkTimeFormat(format);
          checkLocation(location);
        } catch (error) {
          env.fail((error as Error).message, 1);
        }
        if (locale !== "" && !/^en(?:[-_]|$)/i.test(locale)) {
          env.fail(`locale ${JSON.stringify(locale)} is not supported; only English is`, 3);
        }
        return (t) => {
          try {
            return new OttlTime(parseTime(needString(target(t)), format, location));
          } catch (error) {
            if (error instanceof OttlRuntimeError) throw error;
            throw new OttlRuntimeError((error as Error).message);
          }
        };
      },
    },
    unary("Duration", (value) => {
      try {
        return new OttlDuration(parseDuration(needString(value)));
      } catch (error) {
        if (error instanceof OttlRuntimeError) throw error;
        throw new OttlRuntimeError((error as Error).message);
      }
    }),
    {
      name: "Now",
      params: [],
      create() {
        return () => new OttlTime(BigInt(Date.now()) * 1_000_000n);
      },
    },
    {
      name: "Unix",
      params: [param("seconds", "getter"), optional("nanoseconds", "getter")],
      create(args: Args<unknown>) {
        const seconds = args[0] as Getter<unknown>;
        const nanos = args[1] as Getter<unknown> | undefined;
        return (t) =>
          new OttlTime(
            needInt(seconds(t)) * 1_000_000_000n + (nanos === undefined ? 0n : needInt(nanos(t))),
          );
      },
    },
    unary("UnixSeconds", (value) => floorDiv(needTime(value).unixNano, 1_000_000_000n)),
    unary("UnixMilli", (value) => floorDiv(needTime(value).unixNano, 1_000_000n)),
    unary("UnixMicro", (value) => floorDiv(needTime(value).unixNano, 1_000n)),
    unary("UnixNano", (value) => needTime(value).unixNano),
  ];
  return defs as FunctionDefinition<T>[];
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}
