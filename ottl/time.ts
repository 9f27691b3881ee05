// Reading times as the `Time` converter does: a strptime-like format (`%Y-%m-%d %H:%M:%S`…)
// with the directives of the Go collector's time parser, an optional default time zone (an
// IANA name, used when the text carries no offset), English names only. Durations as Go's
// `time.ParseDuration` reads them.

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

const EXPANSIONS: Record<string, string> = {
  D: "%m/%d/%y",
  x: "%m/%d/%y",
  F: "%Y-%m-%d",
  T: "%H:%M:%S",
  X: "%H:%M:%S",
  r: "%I:%M:%S %p",
  R: "%H:%M",
  c: "%a %b %d %H:%M:%S %Y",
};

/** The directives `Time` understands, for validating a format at start-up. */
const DIRECTIVES = new Set(
  "YymoqbhBdegaAHIlpPMSLfszZijkwnt%".split("").concat(Object.keys(EXPANSIONS)),
);

/** Throws a `SyntaxError` naming the first directive of `format` that is not supported. */
export function checkTimeFormat(format: string): void {
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== "%") continue;
    const directive = format[++i];
    if (directive === undefined || !DIRECTIVES.has(directive)) {
      throw new SyntaxError(`unsupported directive %${directive ?? ""} in time format`);
    }
  }
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  pm?: boolean;
  offsetSeconds?: number;
}

/**
 * Reads `text` with `format`; returns nanoseconds since the UNIX epoch.
 *
 * @param location IANA time zone for texts without an offset; UTC when empty.
 * @throws {SyntaxError} when the text does not match the format or the zone is unknown.
 */
export function parseTime(text: string, format: string, location = ""): bigint {
  let expanded = format;
  for (let guard = 0; guard < 3; guard++) {
    expanded = expanded.replace(/%([DxFTXrRc])/g, (_, d: string) => EXPANSIONS[d]);
  }
  const parts: Parts = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0 };
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(
      `cannot parse ${JSON.stringify(text.slice(at))} as ${what} (format ${
        JSON.stringify(format)
      })`,
    );
  };
  const digits = (min: number, max: number, what: string, pad = false): number => {
    if (pad) { while (text[at] === " ") at++; }
    const match = new RegExp(`^\\d{${min},${max}}`).exec(text.slice(at));
    if (match === null) return fail(what);
    at += match[0].length;
    return Number(match[0]);
  };
  const name = (names: readonly string[], what: string): number => {
    const rest = text.slice(at).toLowerCase();
    for (let i = 0; i < names.length; i++) {
      if (rest.startsWith(names[i])) {
        at += names[i].length;
        return i;
      }
    }
    for (let i = 0; i < names.length; i++) {
      if (rest.startsWith(names[i].slice(0, 3))) {
        at += 3;
        return i;
      }
    }
    return fail(what);
  };
  const offset = (withColon: boolean | undefined, seconds: boolean): void => {
    if (/^z/i.test(text.slice(at))) {
      at++;
      parts.offsetSeconds = 0;
      return;
    }
    const sign = text[at] === "-" ? -1 : text[at] === "+" ? 1 : fail("a time zone offset");
    at++;
    const hours = digits(2, 2, "an offset hour");
    let minutes = 0;
    let secs = 0;
    if (withColon !== false) {
      if (text[at] === ":") at++;
      else if (withColon) fail("':' in the offset");
    }
    if (/^\d\d/.test(text.slice(at))) minutes = digits(2, 2, "offset minutes");
    if (seconds) {
      if (text[at] === ":") at++;
      if (/^\d\d/.test(text.slice(at))) secs = digits(2, 2, "offset seconds");
    }
    parts.offsetSeconds = sign * (hours * 3600 + minutes * 60 + secs);
  };
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i];
    if (c !== "%") {
      if (text[at] !== c) fail(JSON.stringify(c));
      at++;
      continue;
    }
    const d = expanded[++i];
    switch (d) {
      case "Y":
        parts.year = digits(4, 4, "a year");
        break;
      case "y": {
        const y = digits(2, 2, "a two-digit year");
        parts.year = y < 69 ? 2000 + y : 1900 + y;
        break;
      }
      case "m":
        parts.month = digits(2, 2, "a month");
        break;
      case "o":
        parts.month = digits(1, 2, "a month", true);
        break;
      case "q":
        parts.month = digits(1, 2, "a month");
        break;
      case "b":
      case "h":
      case "B":
        parts.month = name(MONTHS, "a month name") + 1;
        break;
      case "d":
        parts.day = digits(2, 2, "a day");
        break;
      case "e":
        parts.day = digits(1, 2, "a day", true);
        break;
      case "g":
        parts.day = digits(1, 2, "a day");
        break;
      case "a":
      case "A":
        name(WEEKDAYS, "a weekday name");
        break;
      case "H":
        parts.hour = digits(2, 2, "an hour");
        break;
      case "I":
        parts.hour = digits(2, 2, "an hour");
        break;
      case "l":
        parts.hour = digits(1, 2, "an hour");
        break;
      case "p":
      case "P": {
        const marker = text.slice(at, at + 2).toLowerCase();
        if (marker !== "am" && marker !== "pm") fail("AM or PM");
        parts.pm = marker === "pm";
        at += 2;
        break;
      }
      case "M":
        parts.minute = digits(2, 2, "minutes");
        break;
      case "S":
        parts.second = digits(2, 2, "seconds");
        break;
      case "L":
        parts.nanos = digits(3, 3, "milliseconds") * 1_000_000;
        break;
      case "f":
        parts.nanos = digits(6, 6, "microseconds") * 1_000;
        break;
      case "s":
        parts.nanos = digits(9, 9, "nanoseconds");
        break;
      case "z":
        offset(false, false);
        break;
      case "i":
        offset(false, false);
        break;
      case "j":
        offset(true, false);
        break;
      case "k":
        offset(true, true);
        break;
      case "w":
        offset(false, true);
        break;
      case "Z": {
        const zone = /^[A-Za-z]+/.exec(text.slice(at));
        if (zone === null) fail("a time zone name");
        at += zone![0].length;
        if (/^(utc|gmt|z)$/i.test(zone![0])) parts.offsetSeconds = 0;
        break;
      }
      case "n":
      case "t":
        if (text[at] !== (d === "n" ? "\n" : "\t")) fail("whitespace");
        at++;
        break;
      case "%":
        if (text[at] !== "%") fail('"%"');
        at++;
        break;
      default:
        throw new SyntaxError(`unsupported directive %${d} in time format`);
    }
  }
  if (at !== text.length) fail("the end of the text");
  if (parts.pm !== undefined) {
    if (parts.pm && parts.hour < 12) parts.hour += 12;
    if (!parts.pm && parts.hour === 12) parts.hour = 0;
  }
  const wallMillis = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  const check = new Date(wallMillis);
  if (check.getUTCMonth() !== parts.month - 1 || check.getUTCDate() !== parts.day) {
    throw new SyntaxError(`day out of range in ${JSON.stringify(text)}`);
  }
  let offsetSeconds = parts.offsetSeconds;
  if (offsetSeconds === undefined) {
    offsetSeconds = location === "" ? 0 : zoneOffsetSeconds(location, wallMillis);
  }
  return (BigInt(wallMillis) / 1000n - BigInt(offsetSeconds)) * 1_000_000_000n +
    BigInt(parts.nanos);
}

/** Throws a `SyntaxError` unless `location` is a time zone this runtime knows. */
export function checkLocation(location: string): void {
  if (location === "") return;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: location });
  } catch {
    throw new SyntaxError(`unknown time zone ${JSON.stringify(location)}`);
  }
}

/** The UTC offset of `zone` for the local wall time `wallMillis` (read as if it were UTC). */
function zoneOffsetSeconds(zone: string, wallMillis: number): number {
  checkLocation(zone);
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  const offsetAt = (instant: number): number => {
    const p = Object.fromEntries(format.formatToParts(instant).map((x) => [x.type, x.value]));
    const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
    return (asUtc - Math.floor(instant / 1000) * 1000) / 1000;
  };
  // The offset at the instant the wall time would be in UTC, corrected once for the offset.
  const first = offsetAt(wallMillis);
  return offsetAt(wallMillis - first * 1000);
}

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n,
  "μs": 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Reads a Go duration (`1h30m`, `250ms`, `-1.5s`) in nanoseconds. */
export function parseDuration(text: string): bigint {
  const match = /^([-+]?)((?:\d*\.?\d+(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(text);
  if (match === null) throw new SyntaxError(`invalid duration ${JSON.stringify(text)}`);
  let total = 0n;
  for (const [, number, unit] of match[2].matchAll(/(\d*\.?\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const [whole, fraction = ""] = number.split(".");
    const scale = DURATION_UNITS[unit];
    total += BigInt(whole || "0") * scale;
    if (fraction !== "") {
      total += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
    }
  }
  return match[1] === "-" ? -total : total;
}
