/**
 * Go-style durations (`200ms`, `5s`, `1m30s`, `1h`), the form every Go collector config uses for
 * timeouts and intervals; one parser for the service and every component.
 *
 * @module
 */

/** Length of each unit in milliseconds, keyed by the unit as Go writes it. */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "\u00b5s": 1e-3, // micro sign
  "\u03bcs": 1e-3, // Greek small letter mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const VALID_UNITS = "ns, us, ms, s, m, h";

/** A text that is not a valid duration. */
export class DurationError extends Error {
  /** The text that was given. */
  readonly text: string;

  /** Creates an error about `text` saying `reason`. */
  constructor(text: string, reason: string) {
    super(`invalid duration ${JSON.stringify(text)}: ${reason}`);
    this.name = "DurationError";
    this.text = text;
  }
}

/**
 * Parses a Go duration into milliseconds (possibly fractional): a sign, then one or more
 * decimal numbers each followed by a unit among ns, us (or µs), ms, s, m, h, such as `300ms`,
 * `-1.5h` or `2h45m`. `0` alone needs no unit. Throws {@linkcode DurationError} saying which part
 * is wrong.
 */
export function parseDuration(text: string): number {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest[0] === "-") sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") {
    throw new DurationError(text, `expected a number followed by a unit (${VALID_UNITS})`);
  }
  let total = 0;
  while (rest !== "") {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    if (number[0] === "" || number[0] === ".") {
      throw new DurationError(text, `expected a number at ${JSON.stringify(rest)}`);
    }
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === "") {
      throw new DurationError(
        text,
        `missing unit after ${JSON.stringify(number[0])} (units: ${VALID_UNITS})`,
      );
    }
    const unitMs = UNIT_MS[unit];
    if (unitMs === undefined) {
      throw new DurationError(
        text,
        `unknown unit ${JSON.stringify(unit)} (units: ${VALID_UNITS})`,
      );
    }
    rest = rest.slice(unit.length);
    total += Number(number[0].endsWith(".") ? number[0].slice(0, -1) : number[0]) * unitMs;
  }
  return sign * total;
}

/**
 * Formats milliseconds the way Go prints durations: `1m30s`, `200ms`, `1.5s`, `0s`.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1) {
    const us = rest * 1000;
    return us >= 1 ? `${sign}${trim(us)}µs` : `${sign}${trim(us * 1000)}ns`;
  }
  if (rest < 1000) return `${sign}${trim(rest)}ms`;
  let text = "";
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  if (hours > 0) text += `${hours}h`;
  if (hours > 0 || minutes > 0) text += `${minutes}m`;
  text += `${trim(rest / 1000)}s`;
  return sign + text;
}

function trim(value: number): string {
  return String(Number(value.toFixed(9)));
}

/**
 * Reads a duration from a decoded configuration value: a Go duration string (surrounding spaces
 * ignored) or a number, which is taken as milliseconds already (what `--set` and programmatic
 * configs produce). Negative durations are refused unless `allowNegative` is set, since a
 * configured timeout or interval below zero is always a mistake.
 *
 * @param value The configured value.
 * @param path Config path named in the error, such as `exporters::otlp::timeout`.
 * @param allowNegative Whether a negative duration is accepted.
 * @throws {TypeError} starting with `path` and saying what was expected; its `cause` is the
 * {@linkcode DurationError} when the text did not parse.
 */
export function parseConfigDuration(value: unknown, path: string, allowNegative = false): number {
  let ms: number;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new TypeError(`${path}: expected a duration such as "5s" or "250ms", got ${value}`);
    }
    ms = value;
  } else if (typeof value === "string") {
    try {
      ms = parseDuration(value.trim());
    } catch (error) {
      throw new TypeError(`${path}: ${(error as Error).message}`, { cause: error });
    }
  } else {
    throw new TypeError(
      `${path}: expected a duration such as "5s" or "250ms", got ${JSON.stringify(value)}`,
    );
  }
  if (ms < 0 && !allowNegative) {
    throw new TypeError(
      `${path}: expected a duration of zero or more, got ${
        typeof value === "string" ? JSON.stringify(value) : value
      }`,
    );
  }
  return ms;
}
