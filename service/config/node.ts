/**
 * The configuration tree as loaded from its sources: plain YAML values, each carrying the
 * position it was written at, so that any later error can point back to the source.
 */

import type { PathSegment, Position } from "./errors.ts";

/** The value of a scalar node. */
export type ScalarValue = string | number | boolean | null;

/** A string, number, boolean or null. */
export interface ScalarNode {
  /** Discriminant. */
  readonly kind: "scalar";
  /** The typed value. */
  readonly value: ScalarValue;
  /** Where the value was written. */
  readonly position?: Position;
  /**
   * The text the value was produced from, when it came from an expansion such as
   * `${env:PORT}`: a string field receives this text even when it also reads as a number.
   */
  readonly text?: string;
}

/** One key of a map node. */
export interface MapEntry {
  /** The key. */
  readonly key: string;
  /** Where the key was written. */
  readonly keyPosition?: Position;
  /** The value under the key. */
  readonly value: ConfigNode;
}

/** A mapping from string keys to nodes, in source order. */
export interface MapNode {
  /** Discriminant. */
  readonly kind: "map";
  /** The entries by key. */
  readonly entries: ReadonlyMap<string, MapEntry>;
  /** Where the map starts. */
  readonly position?: Position;
}

/** A sequence of nodes. */
export interface ListNode {
  /** Discriminant. */
  readonly kind: "list";
  /** The items, in order. */
  readonly items: readonly ConfigNode[];
  /** Where the list starts. */
  readonly position?: Position;
}

/** A node of the configuration tree. */
export type ConfigNode = ScalarNode | MapNode | ListNode;

/** A plain JavaScript value as found in configuration: what {@linkcode toPlain} returns. */
export type PlainValue = ScalarValue | PlainValue[] | { [key: string]: PlainValue };

/** Creates a scalar node. */
export function scalarNode(value: ScalarValue, position?: Position, text?: string): ScalarNode {
  return text === undefined ? { kind: "scalar", value, position } : {
    kind: "scalar",
    value,
    position,
    text,
  };
}

/** Creates a map node from entries. */
export function mapNode(entries: Iterable<MapEntry>, position?: Position): MapNode {
  const byKey = new Map<string, MapEntry>();
  for (const entry of entries) byKey.set(entry.key, entry);
  return { kind: "map", entries: byKey, position };
}

/** Creates a list node. */
export function listNode(items: readonly ConfigNode[], position?: Position): ListNode {
  return { kind: "list", items, position };
}

/** Whether `node` is the null scalar (as YAML writes an empty value: `otlp:`). */
export function isNullNode(node: ConfigNode | undefined): boolean {
  return node === undefined || (node.kind === "scalar" && node.value === null);
}

/** Whether `value` is a node of the configuration tree. */
export function isConfigNode(value: unknown): value is ConfigNode {
  if (typeof value !== "object" || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  if (kind === "scalar") return "value" in value;
  if (kind === "map") return (value as { entries?: unknown }).entries instanceof Map;
  if (kind === "list") return Array.isArray((value as { items?: unknown }).items);
  return false;
}

/** Describes a value's YAML type for error messages: `a string ("x")`, `a map`, `null`. */
export function describeNode(node: ConfigNode): string {
  if (node.kind === "map") return "a map";
  if (node.kind === "list") return "a list";
  const value = node.value;
  if (value === null) return "null";
  if (typeof value === "string") return `a string (${JSON.stringify(value)})`;
  if (typeof value === "number") return `a number (${value})`;
  return `a boolean (${value})`;
}

/**
 * Builds a node tree, without positions, from a plain value: used for configurations written
 * in code rather than YAML. Objects become maps, arrays lists; `undefined` becomes null.
 * Throws a `TypeError` for values YAML cannot hold (functions, symbols, bigints, class instances).
 */
export function fromPlain(value: unknown, position?: Position): ConfigNode {
  if (value === null || value === undefined) return scalarNode(null, position);
  if (typeof value === "string" || typeof value === "boolean") return scalarNode(value, position);
  if (typeof value === "number") return scalarNode(value, position);
  if (Array.isArray(value)) {
    return listNode(value.map((item) => fromPlain(item, position)), position);
  }
  if (value instanceof Map) {
    return mapNode(
      [...value].map(([key, item]) => ({ key: String(key), value: fromPlain(item, position) })),
      position,
    );
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return mapNode(
      Object.entries(value).map(([key, item]) => ({ key, value: fromPlain(item, position) })),
      position,
    );
  }
  throw new TypeError(`cannot use ${typeof value} ${String(value)} as a configuration value`);
}

/** Converts a node tree to plain JavaScript values (maps become plain objects). */
export function toPlain(node: ConfigNode): PlainValue {
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "list":
      return node.items.map(toPlain);
    case "map": {
      const result: { [key: string]: PlainValue } = {};
      for (const [key, entry] of node.entries) {
        Object.defineProperty(result, key, {
          value: toPlain(entry.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return result;
    }
  }
}

/** Finds the node at `path` below `node`, or `undefined` when a step is missing. */
export function nodeAt(node: ConfigNode, path: readonly PathSegment[]): ConfigNode | undefined {
  let current: ConfigNode | undefined = node;
  for (const segment of path) {
    if (current === undefined) return undefined;
    if (typeof segment === "number") {
      current = current.kind === "list" ? current.items[segment] : undefined;
    } else {
      current = current.kind === "map" ? current.entries.get(segment)?.value : undefined;
    }
  }
  return current;
}

/**
 * The best position for an error about `path` below `node`: the key's position for a map key
 * (so "unknown key" errors point at the key), the item's for a list index; when the path goes
 * beyond what exists, the position of the deepest node that does.
 */
export function positionAt(node: ConfigNode, path: readonly PathSegment[]): Position | undefined {
  let current: ConfigNode = node;
  let best = node.position;
  for (const segment of path) {
    if (typeof segment === "number") {
      if (current.kind !== "list" || current.items[segment] === undefined) return best;
      current = current.items[segment];
      best = current.position ?? best;
    } else {
      if (current.kind !== "map") return best;
      const entry = current.entries.get(segment);
      if (entry === undefined) return best;
      current = entry.value;
      best = entry.keyPosition ?? current.position ?? best;
    }
  }
  return best;
}
