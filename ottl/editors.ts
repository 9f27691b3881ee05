/**
 * The standard OTTL editors: `set`, `append`, `delete_key`, `delete_matching_keys`,
 * `keep_keys`, `keep_matching_keys`, `limit`, `truncate_all`, `replace_pattern`,
 * `replace_all_patterns`, `replace_match`, `replace_all_matches`, `merge_maps`, `flatten`,
 * with the behaviour of Go's `ottlfuncs`.
 *
 * @module
 */

import {
  type AnyValue,
  AttributeList,
  AttributeMap,
  copyAnyValue,
  readValue,
} from "@denocol/pdata";
import { type Argument, type FunctionDefinition, optional, param } from "./functions.ts";
import type { GetSetter, Getter } from "./paths.ts";
import { replaceEditors } from "./replace_editors.ts";
import { commit, regex, stringArg, targetMap, writable } from "./editor_support.ts";
import { expected, toWritable } from "./values.ts";

type Args<T> = readonly Argument<T>[];

/** The standard editors of OTTL. */
export function standardEditors<T>(): FunctionDefinition<T>[] {
  return [
    {
      name: "set",
      params: [param("target", "getsetter"), param("value", "getter")],
      create(args: Args<T>, env) {
        const target = writable(args[0] as GetSetter<T>, env);
        const value = args[1] as Getter<T>;
        return (t) => {
          const v = value(t);
          // Setting nil changes nothing, as in Go without the ottl.set.allowNil gate.
          if (v !== null && v !== undefined) target.set!(t, v);
        };
      },
    },
    {
      name: "append",
      params: [
        param("target", "getsetter"),
        optional("value", "getter"),
        optional("values", "getters"),
      ],
      create(args: Args<T>, env) {
        const target = writable(args[0] as GetSetter<T>, env);
        const value = args[1] as Getter<T> | undefined;
        const values = args[2] as Getter<T>[] | undefined;
        if (value === undefined && values === undefined) {
          env.fail("at least one of the optional arguments ('value' or 'values') must be provided");
        }
        return (t) => {
          const current = target.get(t);
          const result = new AttributeList();
          if (current instanceof AttributeList) {
            for (const item of current.values) result.values.push(copyAnyValue(item));
          } else if (Array.isArray(current)) {
            for (const item of current) result.append(toWritable(item));
          } else if (current !== null && current !== undefined) {
            result.append(toWritable(current));
          }
          if (value !== undefined) result.append(toWritable(value(t)));
          for (const item of values ?? []) result.append(toWritable(item(t)));
          target.set!(t, result);
        };
      },
    },
    {
      name: "delete_key",
      params: [param("target", "getsetter"), param("key", "getter")],
      create(args: Args<T>) {
        const target = args[0] as GetSetter<T>;
        const key = args[1] as Getter<T>;
        return (t) => {
          const map = targetMap(target, t);
          if (map.remove(stringArg(key, t, "key"))) commit(target, t, map);
        };
      },
    },
    matchingKeys<T>("delete_matching_keys", true),
    matchingKeys<T>("keep_matching_keys", false),
    {
      name: "keep_keys",
      params: [param("target", "getsetter"), param("keys", "strings")],
      create(args: Args<T>) {
        const target = args[0] as GetSetter<T>;
        const keep = new Set(args[1] as string[]);
        return (t) => {
          const map = targetMap(target, t);
          map.removeIf((key) => !keep.has(key));
          commit(target, t, map);
        };
      },
    },
    {
      name: "limit",
      params: [
        param("target", "getsetter"),
        param("limit", "int"),
        param("priority_keys", "strings"),
      ],
      create(args: Args<T>, env) {
        const target = args[0] as GetSetter<T>;
        const limit = args[1] as bigint;
        const priority = new Set(args[2] as string[]);
        if (limit < 0n) {
          env.fail(`invalid limit for limit function, ${limit} cannot be negative`, 1);
        }
        if (BigInt(priority.size) > limit) {
          env.fail(
            `invalid limit for limit function, ${limit} cannot be less than number of priority attributes ${priority.size}`,
            1,
          );
        }
        return (t) => {
          const map = targetMap(target, t);
          if (BigInt(map.size) <= limit) return;
          let count = 0n;
          for (const key of priority) if (map.has(key)) count++;
          map.removeIf((key) => {
            if (priority.has(key)) return false;
            if (count < limit) {
              count++;
              return false;
            }
            return true;
          });
          commit(target, t, map);
        };
      },
    },
    {
      name: "truncate_all",
      params: [
        param("target", "getsetter"),
        param("limit", "int"),
        optional("utf8_safe", "bool"),
        optional("truncation_marker", "string"),
      ],
      create(args: Args<T>, env) {
        const target = args[0] as GetSetter<T>;
        const limit = args[1] as bigint;
        const utf8Safe = (args[2] as boolean | undefined) ?? true;
        const marker = new TextEncoder().encode((args[3] as string | undefined) ?? "");
        if (limit < 0n) {
          env.fail(`invalid limit for truncate_all function, ${limit} cannot be negative`, 1);
        }
        if (BigInt(marker.length) > limit) {
          env.fail(
            `truncation_marker is ${marker.length} bytes long, more than the limit ${limit}`,
            3,
          );
        }
        const max = Number(limit);
        return (t) => {
          const map = targetMap(target, t);
          let changed = false;
          for (const kv of map.keyValues) {
            const v = kv.value?.value;
            if (v?.case !== "stringValue") continue;
            const truncated = truncate(v.value, max, utf8Safe, marker);
            if (truncated !== v.value) {
              kv.value!.value = { case: "stringValue", value: truncated };
              changed = true;
            }
          }
          if (changed) commit(target, t, map);
        };
      },
    },
    ...replaceEditors<T>(),
    {
      name: "merge_maps",
      params: [
        param("target", "getsetter"),
        param("source", "getter"),
        param("strategy", "string"),
      ],
      create(args: Args<T>, env) {
        const target = args[0] as GetSetter<T>;
        const source = args[1] as Getter<T>;
        const strategy = args[2] as string;
        if (!["insert", "update", "upsert"].includes(strategy)) {
          env.fail(
            `invalid value for strategy, ${strategy}, must be 'insert', 'update' or 'upsert'`,
            2,
          );
        }
        return (t) => {
          const map = targetMap(target, t);
          const from = source(t);
          if (!(from instanceof AttributeMap)) throw expected("pcommon.Map", from);
          for (const kv of from.keyValues) {
            const exists = map.has(kv.key);
            if ((strategy === "insert" && exists) || (strategy === "update" && !exists)) continue;
            const slot = map.getAnyValue(kv.key, true)!;
            slot.value = kv.value === undefined
              ? { case: undefined }
              : copyAnyValue(kv.value).value;
          }
          commit(target, t, map);
        };
      },
    },
    {
      name: "flatten",
      params: [
        param("target", "getsetter"),
        optional("prefix", "string"),
        optional("depth", "int"),
        optional("resolve_conflicts", "bool"),
      ],
      create(args: Args<T>, env) {
        const target = args[0] as GetSetter<T>;
        const prefix = (args[1] as string | undefined) ?? "";
        const depth = args[2] as bigint | undefined;
        const resolveConflicts = (args[3] as boolean | undefined) ?? false;
        if (depth !== undefined && depth < 0n) {
          env.fail(`invalid depth for flatten function, ${depth} cannot be negative`, 2);
        }
        const maxDepth = depth === undefined ? Number.MAX_SAFE_INTEGER : Number(depth);
        return (t) => {
          const map = targetMap(target, t);
          const result = new Flattener(resolveConflicts, maxDepth);
          result.flatten(map, prefix, 0);
          map.keyValues.length = 0;
          map.keyValues.push(...result.map.keyValues);
          commit(target, t, map);
        };
      },
    },
  ];
}

function matchingKeys<T>(name: string, removeMatching: boolean): FunctionDefinition<T> {
  return {
    name,
    params: [param("target", "getsetter"), param("pattern", "string")],
    create(args: Args<T>, env) {
      const target = args[0] as GetSetter<T>;
      const pattern = regex(args[1] as string, env, 1);
      return (t) => {
        const map = targetMap(target, t);
        map.removeIf((key) => pattern.test(key) === removeMatching);
        commit(target, t, map);
      };
    },
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `text` cut to at most `limit` UTF-8 bytes (marker included), at a character boundary when `utf8Safe`. */
function truncate(text: string, limit: number, utf8Safe: boolean, marker: Uint8Array): string {
  // n UTF-16 units take at most 3n UTF-8 bytes, so short strings need no encoding.
  if (text.length * 3 <= limit) return text;
  const bytes = encoder.encode(text);
  if (bytes.length <= limit) return text;
  let cut = limit - marker.length;
  if (utf8Safe) {
    // Back up over continuation bytes (10xxxxxx) so no character is split.
    while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
  }
  const out = new Uint8Array(cut + marker.length);
  out.set(bytes.subarray(0, cut));
  out.set(marker, cut);
  return decoder.decode(out);
}

/** Builds the flattened map of `flatten`. */
class Flattener {
  readonly map = new AttributeMap();
  readonly #resolveConflicts: boolean;
  readonly #maxDepth: number;
  readonly #suffixes = new Map<string, number>();

  constructor(resolveConflicts: boolean, maxDepth: number) {
    this.#resolveConflicts = resolveConflicts;
    this.#maxDepth = maxDepth;
  }

  flatten(source: AttributeMap, prefix: string, depth: number): void {
    const base = prefix === "" ? "" : `${prefix}.`;
    for (const kv of source.keyValues) {
      const key = base + kv.key;
      const value = readValue(kv.value);
      if (value instanceof AttributeMap && depth < this.#maxDepth) {
        this.flatten(value, key, depth + 1);
      } else if (value instanceof AttributeList && depth < this.#maxDepth) {
        value.values.forEach((item, i) => {
          const itemValue = readValue(item);
          const itemKey = this.#resolveConflicts ? key : `${key}.${i}`;
          if (itemValue instanceof AttributeMap && depth + 1 < this.#maxDepth) {
            this.flatten(itemValue, itemKey, depth + 2);
          } else {
            this.#put(itemKey, item);
          }
        });
      } else {
        this.#put(key, kv.value);
      }
    }
  }

  #put(key: string, raw: AnyValue | undefined): void {
    let target = key;
    if (this.#resolveConflicts && this.map.has(key)) {
      let n = this.#suffixes.get(key) ?? 0;
      while (this.map.has(`${key}.${n}`)) n++;
      this.#suffixes.set(key, n + 1);
      target = `${key}.${n}`;
    }
    const slot = this.map.getAnyValue(target, true)!;
    slot.value = raw === undefined ? { case: undefined } : copyAnyValue(raw).value;
  }
}
