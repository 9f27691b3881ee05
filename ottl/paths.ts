/**
 * What a context offers a path, and the helpers contexts build their paths with: getters and
 * setters of fields, of attribute maps with keys, and of ids and times.
 *
 * @module
 */

import {
  type AnyValue,
  AttributeList,
  AttributeMap,
  type AttributeValue,
  idFromHex,
  idToHex,
  readValue,
  writeValue,
} from "@denocol/pdata";
import type { FieldNode } from "./grammar.ts";
import { OttlRuntimeError } from "./errors.ts";
import { expected, OttlTime, toWritable, typeName } from "./values.ts";

/** Reads a value from the transform context `T`. */
export type Getter<T> = (tctx: T) => unknown;

/** Reads and, when the path can be written, writes a value of the transform context `T`. */
export interface GetSetter<T> {
  /** Reads the value. */
  readonly get: Getter<T>;
  /** Writes the value; absent for paths that are read only. */
  readonly set?: (tctx: T, value: unknown) => void;
}

/** A key in brackets, evaluated for each item: a map key or a list index. */
export type KeyGetter<T> = (tctx: T) => string | bigint;

/** What resolving a path may use: how to fail, and how to compile the keys of a field. */
export interface PathEnv<T> {
  /** Throws a compile error with `detail`, at `offset` in the statement (the path's start). */
  fail(detail: string, offset?: number): never;
  /** The key getters of a field's keys. */
  keysOf(field: FieldNode): KeyGetter<T>[];
}

/** One top-level field of a context (such as `attributes` of `span`). */
export interface PathSpec<T> {
  /** What the path holds, for documentation and error messages (such as `string`). */
  readonly type: string;
  /**
   * The getter and setter for this field, given the fields that follow it (`string` in
   * `trace_id.string`) and the keys in brackets after it.
   */
  resolve(
    rest: readonly FieldNode[],
    keys: readonly KeyGetter<T>[],
    env: PathEnv<T>,
  ): GetSetter<T>;
}

/** A plain field without keys or sub-fields. */
export function field<T>(
  type: string,
  get: Getter<T>,
  set?: (tctx: T, value: unknown) => void,
): PathSpec<T> {
  return {
    type,
    resolve(rest, keys, env) {
      if (keys.length > 0) env.fail(`this path of type ${type} cannot be indexed`);
      if (rest.length > 0) {
        env.fail(`unknown field ${JSON.stringify(rest[0].name)}`, rest[0].pos);
      }
      return { get, set };
    },
  };
}

/** A field with named sub-fields (`status.code`), and optionally a value of its own. */
export function withSubfields<T>(
  own: PathSpec<T> | undefined,
  subfields: Record<string, PathSpec<T>>,
): PathSpec<T> {
  const names = Object.keys(subfields);
  return {
    type: own?.type ?? `one of ${names.join(", ")}`,
    resolve(rest, keys, env) {
      if (rest.length === 0) {
        if (own === undefined) {
          return env.fail(
            `this path needs one more field: ${names.map((n) => `.${n}`).join(", ")}`,
          );
        }
        return own.resolve(rest, keys, env);
      }
      const sub = subfields[rest[0].name];
      if (sub === undefined) {
        env.fail(
          `unknown field ${JSON.stringify(rest[0].name)}; fields here: ${names.join(", ")}`,
          rest[0].pos,
        );
      }
      if (keys.length > 0) env.fail("keys go after the last field of a path");
      return sub.resolve(rest.slice(1), env.keysOf(rest[0]), env);
    },
  };
}

const GO_TYPES = { string: "string", bigint: "int64", number: "float64", boolean: "bool" };

/** Throws unless `value` is a `typeof`-`kind` value (Go's `ExpectType`). */
export function expect<V>(kind: "string" | "bigint" | "number" | "boolean", value: unknown): V {
  const actual: string = typeof value;
  if (actual !== kind) throw expected(GO_TYPES[kind], value);
  return value as V;
}

/** A string field. */
export function stringField<T>(
  get: (tctx: T) => string,
  set?: (tctx: T, value: string) => void,
): PathSpec<T> {
  return field("string", get, set && ((t, v) => set(t, expect("string", v))));
}

/** An integer field held as a `number` (counts, flags, enums), read and written as int64. */
export function intField<T>(
  get: (tctx: T) => number,
  set?: (tctx: T, value: number) => void,
): PathSpec<T> {
  return field(
    "int64",
    (t) => BigInt(get(t)),
    set && ((t, v) => set(t, Number(expect<bigint>("bigint", v)))),
  );
}

/** An integer field held as a `bigint` (timestamps, 64-bit counts). */
export function bigintField<T>(
  get: (tctx: T) => bigint,
  set?: (tctx: T, value: bigint) => void,
): PathSpec<T> {
  return field(
    "int64",
    (t) => BigInt.asIntN(64, get(t)),
    set && ((t, v) => set(t, BigInt.asUintN(64, expect<bigint>("bigint", v)))),
  );
}

/** A double field. */
export function doubleField<T>(
  get: (tctx: T) => number,
  set?: (tctx: T, value: number) => void,
): PathSpec<T> {
  return field("float64", get, set && ((t, v) => set(t, expect<number>("number", v))));
}

/** A timestamp in nanoseconds read and written as a time (`start_time`). */
export function timeField<T>(
  get: (tctx: T) => bigint,
  set?: (tctx: T, value: bigint) => void,
): PathSpec<T> {
  return field(
    "time.Time",
    (t) => new OttlTime(get(t)),
    set && ((t, v) => {
      if (!(v instanceof OttlTime)) throw expected("time.Time", v);
      set(t, BigInt.asUintN(64, v.unixNano));
    }),
  );
}

/** An id (`trace_id`, `span_id`…) read as bytes, with `.string` reading and writing hex. */
export function idField<T>(
  length: 8 | 16,
  get: (tctx: T) => Uint8Array,
  set?: (tctx: T, value: Uint8Array) => void,
): PathSpec<T> {
  const name = length === 16 ? "pcommon.TraceID" : "pcommon.SpanID";
  // An id left out of the message reads as all zeros, as Go's fixed-size ids do.
  const read = (t: T): Uint8Array => {
    const id = get(t);
    return id.length === 0 ? new Uint8Array(length) : id;
  };
  const own = field<T>(
    name,
    read,
    set && ((t, v) => {
      if (!(v instanceof Uint8Array) || v.length !== length) {
        throw new OttlRuntimeError(
          `expected a ${length}-byte id but got ${
            v instanceof Uint8Array ? `${v.length} bytes` : typeName(v)
          }`,
        );
      }
      set(t, v.slice());
    }),
  );
  return withSubfields(own, {
    string: field<T>(
      "string",
      (t) => idToHex(read(t)),
      set && ((t, v) => {
        const text = expect<string>("string", v);
        try {
          set(t, idFromHex(text, length));
        } catch (error) {
          throw new OttlRuntimeError((error as Error).message);
        }
      }),
    ),
  });
}

/** A read-only list field exposed as an array of its messages (`events`, `exemplars`). */
export function messagesField<T>(type: string, get: (tctx: T) => readonly unknown[]): PathSpec<T> {
  return field(type, (t) => [...get(t)]);
}

/**
 * Reads a value below `root` through `keys`: string keys into maps, int keys into lists;
 * `null` when a key is missing.
 */
export function getIndexed<T>(root: unknown, keys: readonly KeyGetter<T>[], tctx: T): unknown {
  let current: unknown = root;
  for (const keyGetter of keys) {
    const key = keyGetter(tctx);
    if (current === null || current === undefined) return null;
    if (current instanceof AttributeMap) {
      if (typeof key !== "string") {
        throw new OttlRuntimeError("a map can only be indexed by a string key");
      }
      current = current.get(key);
    } else if (current instanceof AttributeList || Array.isArray(current)) {
      if (typeof key !== "bigint") {
        throw new OttlRuntimeError("a list can only be indexed by an int key");
      }
      const length = current.length;
      if (key < 0n || key >= BigInt(length)) {
        throw new OttlRuntimeError(`index ${key} out of bounds for a list of ${length}`);
      }
      current = current instanceof AttributeList
        ? current.get(Number(key))
        : (current as unknown[])[Number(key)];
    } else {
      throw new OttlRuntimeError(`type ${typeName(current)} does not support indexing`);
    }
  }
  return current ?? null;
}

/**
 * Writes `value` below `map` through `keys` (the first a string key), creating map entries
 * on the way; an empty value on the way becomes a map.
 */
export function setIndexed<T>(
  map: AttributeMap,
  keys: readonly KeyGetter<T>[],
  tctx: T,
  value: unknown,
): void {
  const first = keys[0](tctx);
  if (typeof first !== "string") {
    throw new OttlRuntimeError("a map can only be indexed by a string key");
  }
  let target = map.getAnyValue(first, true)!;
  for (const keyGetter of keys.slice(1)) {
    const key = keyGetter(tctx);
    const v = target.value;
    if (typeof key === "string") {
      if (v.case === undefined) writeValue(target, {});
      if (target.value.case !== "kvlistValue") {
        throw new OttlRuntimeError(
          `type ${typeName(readValue(target))} does not support string indexing`,
        );
      }
      target = new AttributeMap(target.value.value.values).getAnyValue(key, true)!;
    } else {
      if (v.case !== "arrayValue") {
        throw new OttlRuntimeError(
          `type ${typeName(readValue(target))} does not support int indexing`,
        );
      }
      const items = v.value.values;
      if (key < 0n || key >= BigInt(items.length)) {
        throw new OttlRuntimeError(`index ${key} out of bounds for a list of ${items.length}`);
      }
      target = items[Number(key)];
    }
  }
  writeValue(target, toWritable(value));
}

/**
 * An attribute map path: `attributes` reads the map, `attributes["k"]…` a value in it.
 * `read` gives the map; with `write`, the map is a detached copy that `write` stores back after
 * every change (profiles keep attributes in their dictionary), otherwise it is live.
 */
export function mapPath<T>(
  read: (tctx: T) => AttributeMap,
  write?: (tctx: T, map: AttributeMap) => void,
): PathSpec<T> {
  return {
    type: "pcommon.Map",
    resolve(rest, keys, env) {
      if (rest.length > 0) {
        env.fail(`unknown field ${JSON.stringify(rest[0].name)} after a map`, rest[0].pos);
      }
      if (keys.length === 0) {
        return {
          get: read,
          set: (t, value) => {
            if (!(value instanceof AttributeMap)) throw expected("pcommon.Map", value);
            if (write !== undefined) {
              write(t, value);
              return;
            }
            const map = read(t);
            if (map.keyValues !== value.keyValues) map.replaceWith(value);
          },
        };
      }
      return {
        get: (t) => getIndexed(read(t), keys, t),
        set: (t, value) => {
          const map = read(t);
          setIndexed(map, keys, t, value);
          write?.(t, map);
        },
      };
    },
  };
}

/** A single value path (a log body): keys index into it when it is a map or a list. */
export function valuePath<T>(
  read: (tctx: T) => AnyValue | undefined,
  ensure: (tctx: T) => AnyValue,
  subfields: Record<string, PathSpec<T>> = {},
): PathSpec<T> {
  const own: PathSpec<T> = {
    type: "any",
    resolve(rest, keys, env) {
      if (rest.length > 0) env.fail(`unknown field ${JSON.stringify(rest[0].name)}`, rest[0].pos);
      if (keys.length === 0) {
        return {
          get: (t) => readValue(read(t)) ?? null,
          set: (t, value) => {
            const target = ensure(t);
            const current = readValue(target);
            // Writing a live view of this same value back is a no-op, not a copy of itself.
            if (
              (current instanceof AttributeMap && value instanceof AttributeMap &&
                current.keyValues === value.keyValues) ||
              (current instanceof AttributeList && value instanceof AttributeList &&
                current.values === value.values)
            ) return;
            writeValue(target, toWritable(value));
          },
        };
      }
      return {
        get: (t) => getIndexed(readValue(read(t)) ?? null, keys, t),
        set: (t, value) => {
          const target = ensure(t);
          if (target.value.case === "kvlistValue") {
            setIndexed(new AttributeMap(target.value.value.values), keys, t, value);
            return;
          }
          const root = readValue(target) as AttributeValue;
          if (root instanceof AttributeList) {
            const index = keys[0](t);
            if (typeof index !== "bigint") {
              throw new OttlRuntimeError("a list can only be indexed by an int key");
            }
            if (keys.length === 1) {
              root.set(Number(index), toWritable(value));
              return;
            }
            const inner = readValue(root.values[Number(index)]);
            if (!(inner instanceof AttributeMap)) {
              throw new OttlRuntimeError(`type ${typeName(inner)} does not support indexing`);
            }
            setIndexed(inner, keys.slice(1), t, value);
            return;
          }
          throw new OttlRuntimeError(`type ${typeName(root)} does not support indexing`);
        },
      };
    },
  };
  return Object.keys(subfields).length === 0 ? own : withSubfields(own, subfields);
}
