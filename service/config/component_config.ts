/**
 * Merging a component's default configuration with the keys the user wrote, following the
 * factory convention: every known key appears in the default config; a key whose default is
 * `null` is optional and takes any value; a nested default `{}` is an open map taking any keys
 * (a top-level `{}` is a component without settings); any other unknown key is an error, and
 * so is a value of the wrong type.
 */

import { ProblemCollector } from "./errors.ts";
import type { PathSegment } from "./errors.ts";
import {
  type ConfigNode,
  describeNode,
  fromPlain,
  isConfigNode,
  isNullNode,
  type MapNode,
  toPlain,
} from "./node.ts";

/**
 * Returns `defaults` overlaid with `raw` (a {@linkcode ConfigNode} with positions, or a plain
 * value built in code). `path` is where the component's config sits, such as
 * `["receivers", "otlp"]`, so errors name the full path. `defaults` is not modified.
 *
 * - An absent or null `raw` (YAML `otlp:`) gives a copy of the defaults; so does null for
 *   any key.
 * - Maps merge key by key; lists are replaced; a non-empty default list of strings, numbers or
 *   booleans requires items of that type.
 * - A string field takes the text of an expanded reference as is (`${env:PORT}` reading
 *   `4317` gives `"4317"`, an empty or unset variable gives `""`).
 *
 * Throws `ConfigErrors` listing every unknown key (with the valid keys) and every type mismatch.
 */
export function decodeComponentConfig<C>(
  defaults: C,
  raw: unknown,
  path: readonly PathSegment[] = [],
): C {
  const problems = new ProblemCollector();
  const result = decodeComponentConfigInto(defaults, raw, path, problems);
  problems.throwIfAny();
  return result;
}

/**
 * Like {@linkcode decodeComponentConfig}, recording problems in `problems` and returning a
 * best-effort result (defaults where the user's value was unusable) instead of throwing.
 */
export function decodeComponentConfigInto<C>(
  defaults: C,
  raw: unknown,
  path: readonly PathSegment[],
  problems: ProblemCollector,
): C {
  const node = isConfigNode(raw) ? raw : fromPlain(raw);
  // An empty default at the top is a component without settings (nop, forward), not an open
  // map: any key there is a mistake, as in the Go collector.
  if (isPlainObject(defaults) && Object.keys(defaults).length === 0 && node.kind === "map") {
    for (const [key, entry] of node.entries) {
      problems.error(
        [...path, key],
        entry.keyPosition ?? entry.value.position,
        `unknown key ${JSON.stringify(key)}; this component takes no configuration keys`,
      );
    }
    return cloneDefault(defaults) as C;
  }
  return decodeValue(defaults, node, [...path], problems) as C;
}

function decodeValue(
  defaults: unknown,
  node: ConfigNode,
  path: PathSegment[],
  problems: ProblemCollector,
): unknown {
  // Expanded text goes to string fields as written, even when it is empty or reads as another
  // type (the Go collector keeps the same "string representation" of expanded values).
  if (typeof defaults === "string" && node.kind === "scalar" && node.text !== undefined) {
    return node.text;
  }
  if (isNullNode(node)) return cloneDefault(defaults);
  if (defaults === null || defaults === undefined) return toPlain(node);
  const mismatch = (expected: string): unknown => {
    problems.error(path, node.position, `expected ${expected}, got ${describeNode(node)}`);
    return cloneDefault(defaults);
  };
  switch (typeof defaults) {
    case "string":
      if (node.kind !== "scalar") return mismatch("a string");
      if (typeof node.value === "string") return node.value;
      if (node.text !== undefined) return node.text;
      return mismatch("a string");
    case "number":
      return node.kind === "scalar" && typeof node.value === "number"
        ? node.value
        : mismatch("a number");
    case "boolean":
      return node.kind === "scalar" && typeof node.value === "boolean"
        ? node.value
        : mismatch("a boolean (true or false)");
    case "object":
      break;
    default:
      return toPlain(node);
  }
  if (Array.isArray(defaults)) {
    if (node.kind !== "list") return mismatch("a list");
    const itemType = uniformPrimitiveType(defaults);
    return node.items.map((item, index) =>
      itemType === undefined
        ? toPlain(item)
        : decodeValue(itemTemplate(itemType), item, [...path, index], problems)
    );
  }
  if (!isPlainObject(defaults)) return toPlain(node);
  const known = Object.keys(defaults);
  if (known.length === 0) {
    return node.kind === "map" ? toPlain(node) : mismatch("a map");
  }
  if (node.kind !== "map") return mismatch(`a map (keys: ${known.join(", ")})`);
  return decodeMap(defaults, known, node, path, problems);
}

function decodeMap(
  defaults: Record<string, unknown>,
  known: readonly string[],
  node: MapNode,
  path: PathSegment[],
  problems: ProblemCollector,
): Record<string, unknown> {
  const result = cloneDefault(defaults) as Record<string, unknown>;
  for (const [key, entry] of node.entries) {
    if (!Object.hasOwn(defaults, key)) {
      const suggestion = closest(key, known);
      problems.error(
        [...path, key],
        entry.keyPosition ?? entry.value.position,
        `unknown key ${JSON.stringify(key)}` +
          (suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : "") +
          `; valid keys: ${known.join(", ")}`,
      );
      continue;
    }
    result[key] = decodeValue(defaults[key], entry.value, [...path, key], problems);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function uniformPrimitiveType(list: readonly unknown[]): string | undefined {
  if (list.length === 0) return undefined;
  const typeOf = (value: unknown): string => typeof value;
  const type = typeOf(list[0]);
  if (type !== "string" && type !== "number" && type !== "boolean") return undefined;
  return list.every((item) => typeOf(item) === type) ? type : undefined;
}

function itemTemplate(type: string): unknown {
  return type === "string" ? "" : type === "number" ? 0 : false;
}

/** Copies plain objects and arrays deeply; anything else (class instances) is shared. */
function cloneDefault(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneDefault);
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = cloneDefault(item);
    return copy;
  }
  return value;
}

/** The candidate nearest to `word` by edit distance, if it is a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

/** Edit distance where swapping two neighbouring letters counts as one edit. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}
