import { parseDuration } from "@denocol/component";

/**
 * Reads a duration the way the Go collector's YAML spells it (`"200ms"`, `"1m30s"`, `"0"`) with
 * the shared parser of `@denocol/component`, and returns milliseconds; a number is taken as
 * milliseconds. `path` names the key in the error.
 */
export function durationMs(value: unknown, path: string): number {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    throw new TypeError(`${path}: expected a duration such as "200ms", got ${value}`);
  }
  if (typeof value !== "string") {
    throw new TypeError(
      `${path}: expected a duration such as "200ms", got ${JSON.stringify(value)}`,
    );
  }
  try {
    return parseDuration(value.trim());
  } catch (error) {
    throw new TypeError(`${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
