/**
 * Merging configuration trees, with the rules of the Go collector's confmap: maps merge
 * key by key, recursively; anything else (lists, scalars, null) in the later tree replaces
 * the earlier value.
 */

import { type ConfigNode, type MapEntry, mapNode } from "./node.ts";

/**
 * Merges `override` onto `base`. A key present in both maps is merged when both values are
 * maps and replaced otherwise (lists are replaced, not appended). A merged map keeps the
 * position where `base` introduced it; replaced values keep the position they were written at
 * in `override`.
 */
export function mergeNodes(base: ConfigNode, override: ConfigNode): ConfigNode {
  if (base.kind !== "map" || override.kind !== "map") return override;
  const entries = new Map<string, MapEntry>(base.entries);
  for (const [key, entry] of override.entries) {
    const existing = entries.get(key);
    if (existing !== undefined && existing.value.kind === "map" && entry.value.kind === "map") {
      entries.set(key, {
        key,
        keyPosition: existing.keyPosition ?? entry.keyPosition,
        value: mergeNodes(existing.value, entry.value),
      });
    } else {
      entries.set(key, entry);
    }
  }
  return mapNode(entries.values(), base.position ?? override.position);
}
