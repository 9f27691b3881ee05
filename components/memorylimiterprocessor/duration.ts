const MS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * Reads a duration the way the Go collector's YAML spells it (`"200ms"`, `"1m30s"`, `"0"`) and
 * returns milliseconds; a number is taken as milliseconds. `path` names the key in the error.
 */
export function durationMs(value: unknown, path: string): number {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    throw new TypeError(
      `${path}: expected a duration such as "200ms", got ${value}`,
    );
  }
  if (typeof value !== "string") {
    throw new TypeError(
      `${path}: expected a duration such as "200ms", got ${JSON.stringify(value)}`,
    );
  }
  let text = value.trim();
  let sign = 1;
  if (text.startsWith("-")) {
    sign = -1;
    text = text.slice(1);
  }
  if (text === "0") return 0;
  let total = 0;
  let position = 0;
  while (position < text.length) {
    PART.lastIndex = position;
    const match = PART.exec(text);
    if (match === null) {
      throw new TypeError(
        `${path}: invalid duration ${JSON.stringify(value)}: expected numbers with units ` +
          `ns, us, ms, s, m or h, such as "200ms" or "1m30s"`,
      );
    }
    total += Number(match[1]) * MS_PER_UNIT[match[2]];
    position = PART.lastIndex;
  }
  if (position === 0) {
    throw new TypeError(`${path}: empty duration, expected such as "200ms"`);
  }
  return sign * total;
}
