const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const SEGMENT = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * Parses a duration written as in the Go collector's configuration (`"5s"`, `"1m30s"`,
 * `"250ms"`, `"0"`) into milliseconds. A number is taken as milliseconds already.
 *
 * @param value The configured value.
 * @param path Config path named in the error, such as `exporters::otlp::timeout`.
 * @throws {TypeError} when `value` is neither a duration string nor a non-negative number.
 */
export function parseDuration(value: unknown, path: string): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new TypeError(`${path}: expected a non-negative duration, got ${value}`);
  }
  if (typeof value !== "string") {
    throw new TypeError(
      `${path}: expected a duration such as "5s" or "250ms", got ${JSON.stringify(value)}`,
    );
  }
  const text = value.trim();
  if (text === "0") return 0;
  let total = 0;
  SEGMENT.lastIndex = 0;
  let position = 0;
  while (position < text.length) {
    SEGMENT.lastIndex = position;
    const match = SEGMENT.exec(text);
    if (match === null) {
      throw new TypeError(
        `${path}: invalid duration ${JSON.stringify(value)}: expected a sequence of numbers ` +
          `with units ns, us, ms, s, m or h (such as "5s" or "1m30s")`,
      );
    }
    total += Number(match[1]) * UNIT_MS[match[2]];
    position = SEGMENT.lastIndex;
  }
  if (position === 0) {
    throw new TypeError(`${path}: empty duration, expected such as "5s"`);
  }
  return total;
}
