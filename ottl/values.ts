/**
 * The values OTTL works with, and the rules it applies to them: comparison, arithmetic and the
 * conversions of typed arguments. Values are JavaScript values: `null` (nil), `string`,
 * `boolean`, `bigint` (int64), `number` (float64), `Uint8Array` (bytes and ids),
 * {@link OttlTime}, {@link OttlDuration}, an `AttributeMap` or `AttributeList` of
 * `@denocol/pdata` (a map or list, live when it comes from the data), or an array (a list
 * literal).
 *
 * @module
 */

import { AttributeList, AttributeMap, type PlainValue, toPlain } from "@denocol/pdata";
import { OttlRuntimeError } from "./errors.ts";

/** A point in time with nanosecond precision (Go's `time.Time`). */
export class OttlTime {
  /** Nanoseconds since the UNIX epoch. */
  readonly unixNano: bigint;

  /** The time `unixNano` nanoseconds after the UNIX epoch. */
  constructor(unixNano: bigint) {
    this.unixNano = BigInt.asIntN(64, unixNano);
  }

  /** The time as RFC 3339 text in UTC, with nanoseconds when there are any. */
  toString(): string {
    const ns = this.unixNano;
    const floorMillis = ns >= 0n ? ns / 1_000_000n : -((-ns + 999_999n) / 1_000_000n);
    const subSecond = Number(
      ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n,
    );
    const base = new Date(Number(floorMillis)).toISOString().slice(0, 19);
    if (subSecond === 0) return `${base}Z`;
    return `${base}.${String(subSecond).padStart(9, "0").replace(/0+$/, "")}Z`;
  }
}

/** A length of time in nanoseconds (Go's `time.Duration`). */
export class OttlDuration {
  /** The length in nanoseconds. */
  readonly nanos: bigint;

  /** A duration of `nanos` nanoseconds. */
  constructor(nanos: bigint) {
    this.nanos = BigInt.asIntN(64, nanos);
  }
}

/** The name of `value`'s type, as the Go implementation prints it in errors. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "bigint":
      return "int64";
    case "number":
      return "float64";
  }
  if (value instanceof Uint8Array) return "[]byte";
  if (value instanceof AttributeMap) return "pcommon.Map";
  if (value instanceof AttributeList) return "pcommon.Slice";
  if (value instanceof OttlTime) return "time.Time";
  if (value instanceof OttlDuration) return "time.Duration";
  if (Array.isArray(value)) return "[]any";
  return (value as object).constructor?.name ?? "object";
}

/** A runtime type error, in the words of the Go implementation: `expected X but got Y`. */
export function expected(what: string, value: unknown): OttlRuntimeError {
  return new OttlRuntimeError(`expected ${what} but got ${typeName(value)}`);
}

/** `value` as plain data that `@denocol/pdata` can write into an attribute. */
export function toWritable(value: unknown): PlainValue {
  if (value === null || value === undefined) return null;
  if (
    typeof value === "string" || typeof value === "boolean" ||
    typeof value === "bigint" ||
    typeof value === "number" || value instanceof Uint8Array ||
    value instanceof AttributeMap ||
    value instanceof AttributeList
  ) {
    return value;
  }
  if (Array.isArray(value)) return value.map(toWritable);
  throw new OttlRuntimeError(
    `cannot store a value of type ${typeName(value)} in an attribute`,
  );
}

/** JSON text of `value`, as Go's `json.Marshal` writes it (map keys sorted, bytes base64). */
export function goJson(value: unknown): string {
  if (value instanceof AttributeMap || value instanceof AttributeList) {
    return goJson(toPlain(value));
  }
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return formatJsonFloat(value);
  if (typeof value === "string" || typeof value === "boolean") {
    return JSON.stringify(value);
  }
  if (value instanceof Uint8Array) {
    return JSON.stringify(btoa(String.fromCharCode(...value)));
  }
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (value instanceof OttlTime) return JSON.stringify(value.toString());
  if (value instanceof OttlDuration) return value.nanos.toString();
  const entries = Object.entries(value as Record<string, unknown>).sort((
    [a],
    [b],
  ) => a < b ? -1 : a > b ? 1 : 0);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${goJson(v)}`).join(",")}}`;
}

/** A float as Go's JSON encoder writes it (`1e+21`, `1e-07`, `2`). */
export function formatJsonFloat(value: number): string {
  if (!Number.isFinite(value)) {
    throw new OttlRuntimeError(`unsupported value: ${value}`);
  }
  return String(value).replace(/e([+-])(\d)$/, "e$10$2");
}

/** A float as Go's `strconv.FormatFloat(v, 'f', -1, 64)` writes it (no exponent). */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  const text = String(value);
  if (!/e/.test(text)) return text;
  // Expand the exponent without losing the shortest round-trip digits.
  const negative = text.startsWith("-");
  const [mantissa, exponentText] = text.replace("-", "").split("e");
  const [intPart, fracPart = ""] = mantissa.split(".");
  const digits = intPart + fracPart;
  const pointAt = intPart.length + Number(exponentText);
  let out: string;
  if (pointAt <= 0) out = `0.${"0".repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) {
    out = digits + "0".repeat(pointAt - digits.length);
  } else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}

/**
 * `value` as text, as Go's `StringLikeGetter` converts it: `undefined` for nil, bytes as hex,
 * maps and lists as JSON, numbers and booleans as Go prints them in JSON.
 */
export function stringLike(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) {
    let hex = "";
    for (const byte of value) hex += byte.toString(16).padStart(2, "0");
    return hex;
  }
  if (value instanceof OttlTime) return value.toString();
  return goJson(value);
}

/** `value` as an int64, as Go's `IntLikeGetter` converts it; `undefined` for nil. */
export function intLike(value: unknown): bigint | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new OttlRuntimeError(`cannot convert ${value} to int64`);
    }
    return BigInt.asIntN(64, BigInt(Math.trunc(value)));
  }
  if (typeof value === "boolean") return value ? 1n : 0n;
  if (typeof value === "string") {
    const parsed = parseGoInt(value);
    if (parsed === undefined) {
      throw new OttlRuntimeError(`invalid syntax: ${JSON.stringify(value)}`);
    }
    return parsed;
  }
  throw new OttlRuntimeError(`unsupported type: ${typeName(value)}`);
}

/** `value` as a float64, as Go's `FloatLikeGetter` converts it; `undefined` for nil. */
export function floatLike(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const parsed = parseGoFloat(value);
    if (parsed === undefined) {
      throw new OttlRuntimeError(`invalid syntax: ${JSON.stringify(value)}`);
    }
    return parsed;
  }
  throw new OttlRuntimeError(`unsupported type: ${typeName(value)}`);
}

/** Go's `strconv.ParseInt(text, 10, 64)`: an optional sign and decimal digits. */
export function parseGoInt(text: string): bigint | undefined {
  if (!/^[-+]?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value === BigInt.asIntN(64, value) ? value : undefined;
}

/** Go's `strconv.ParseFloat(text, 64)` for decimal text, `inf` and `nan`. */
export function parseGoFloat(text: string): number | undefined {
  if (
    /^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)$/.test(text)
  ) return Number(text);
  if (/^[-+]?(?:inf|infinity)$/i.test(text)) {
    return text.startsWith("-") ? -Infinity : Infinity;
  }
  if (/^nan$/i.test(text)) return NaN;
  return undefined;
}

function plainEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return bytesCompare(a, b) === 0;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length &&
      a.every((item, i) => plainEqual(item, b[i]));
  }
  if (
    typeof a === "object" && a !== null && typeof b === "object" &&
    b !== null &&
    !Array.isArray(a) && !Array.isArray(b)
  ) {
    const ak = Object.keys(a);
    const bk = Object.keys(b);
    return ak.length === bk.length &&
      ak.every((k) =>
        Object.hasOwn(b, k) &&
        plainEqual(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
        )
      );
  }
  return a === b;
}

function bytesCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function order(op: string, sign: number): boolean {
  switch (op) {
    case "==":
      return sign === 0;
    case "!=":
      return sign !== 0;
    case "<":
      return sign < 0;
    case "<=":
      return sign <= 0;
    case ">":
      return sign > 0;
    default:
      return sign >= 0;
  }
}

function isList(value: unknown): value is AttributeList | unknown[] {
  return value instanceof AttributeList || Array.isArray(value);
}

function listPlain(value: unknown): unknown {
  return value instanceof AttributeList ? value.toArray() : (value as unknown[]).map(toPlainDeep);
}

function toPlainDeep(value: unknown): unknown {
  if (value instanceof AttributeMap || value instanceof AttributeList) {
    return toPlain(value);
  }
  if (Array.isArray(value)) return value.map(toPlainDeep);
  return value;
}

/**
 * Compares two values with the OTTL comparison rules: numbers across int and float as floats,
 * strings and bytes in order, `false < true`, times and durations in order, maps and lists by
 * content (equality only), nil equal only to nil; values of different types are only unequal.
 */
export function compareValues(
  left: unknown,
  op: string,
  right: unknown,
): boolean {
  const l = left ?? null;
  const r = right ?? null;
  if (l === null || r === null) {
    return op === "==" ? l === r : op === "!=" ? l !== r : false;
  }
  const lt = typeof l;
  const rt = typeof r;
  if (
    (lt === "bigint" || lt === "number") && (rt === "bigint" || rt === "number")
  ) {
    if (lt === "bigint" && rt === "bigint") {
      return order(
        op,
        (l as bigint) < (r as bigint) ? -1 : (l as bigint) > (r as bigint) ? 1 : 0,
      );
    }
    const a = Number(l);
    const b = Number(r);
    if (Number.isNaN(a) || Number.isNaN(b)) return op === "!=";
    return order(op, a < b ? -1 : a > b ? 1 : 0);
  }
  if (lt === "string" && rt === "string") {
    return order(
      op,
      (l as string) < (r as string) ? -1 : (l as string) > (r as string) ? 1 : 0,
    );
  }
  if (lt === "boolean" && rt === "boolean") {
    return order(op, Number(l) - Number(r));
  }
  if (l instanceof Uint8Array && r instanceof Uint8Array) {
    return order(op, bytesCompare(l, r));
  }
  if (l instanceof OttlTime && r instanceof OttlTime) {
    return order(
      op,
      l.unixNano < r.unixNano ? -1 : l.unixNano > r.unixNano ? 1 : 0,
    );
  }
  if (l instanceof OttlDuration && r instanceof OttlDuration) {
    return order(op, l.nanos < r.nanos ? -1 : l.nanos > r.nanos ? 1 : 0);
  }
  let equal: boolean | undefined;
  if (left instanceof AttributeMap && right instanceof AttributeMap) {
    equal = plainEqual(left.toObject(), right.toObject());
  } else if (isList(l) && isList(r)) {
    equal = plainEqual(listPlain(l), listPlain(r));
  }
  if (equal !== undefined) {
    return op === "==" ? equal : op === "!=" ? !equal : false;
  }
  return op === "!=";
}

/** The arithmetic of OTTL math expressions: int64 with int64, float64 with float64, time. */
export function applyMath(op: string, left: unknown, right: unknown): unknown {
  if (typeof left === "bigint" && typeof right === "bigint") {
    switch (op) {
      case "+":
        return BigInt.asIntN(64, left + right);
      case "-":
        return BigInt.asIntN(64, left - right);
      case "*":
        return BigInt.asIntN(64, left * right);
      default:
        if (right === 0n) {
          throw new OttlRuntimeError("attempted to divide by 0");
        }
        return BigInt.asIntN(64, left / right);
    }
  }
  if (typeof left === "number" && typeof right === "number") {
    switch (op) {
      case "+":
        return left + right;
      case "-":
        return left - right;
      case "*":
        return left * right;
      default:
        if (right === 0) throw new OttlRuntimeError("attempted to divide by 0");
        return left / right;
    }
  }
  if (left instanceof OttlTime && right instanceof OttlTime && op === "-") {
    return new OttlDuration(left.unixNano - right.unixNano);
  }
  if (
    left instanceof OttlTime && right instanceof OttlDuration &&
    (op === "+" || op === "-")
  ) {
    return new OttlTime(
      op === "+" ? left.unixNano + right.nanos : left.unixNano - right.nanos,
    );
  }
  if (left instanceof OttlDuration && right instanceof OttlTime && op === "+") {
    return new OttlTime(left.nanos + right.unixNano);
  }
  if (
    left instanceof OttlDuration && right instanceof OttlDuration &&
    (op === "+" || op === "-")
  ) {
    return new OttlDuration(
      op === "+" ? left.nanos + right.nanos : left.nanos - right.nanos,
    );
  }
  throw new OttlRuntimeError(
    `unsupported math operation ${typeName(left)} ${op} ${typeName(right)}`,
  );
}
