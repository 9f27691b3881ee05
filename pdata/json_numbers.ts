/**
 * Exact reading of JSON numbers for the OTLP/JSON decoder. `JSON.parse` turns every number into a
 * double, which rounds integers beyond 2^53 (timestamps, counts, `intValue`); the decoder reads
 * such documents a second time with a reviver that gets each number's source text (JSON.parse
 * source text access), and this module turns that text into an exact integer.
 *
 * @module
 */

/** A JSON number together with its source text, as the exact parse hands it to the reader. */
export class JsonNumber {
  /**
   * Creates the pair.
   *
   * @param value the number as `JSON.parse` reads it (rounded to a double)
   * @param source the number as written in the document
   */
  constructor(readonly value: number, readonly source: string) {}
}

/** The context V8 gives a reviver with source text access (absent for non-primitive values). */
interface ReviverContext {
  source?: string;
}

/** Numbers a double holds exactly as written: short plain integers (not -0, which `BigInt` drops). */
const PLAIN_INTEGER = /^-?[0-9]{1,15}$/;

function reviveNumbers(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== "number") return value;
  const source = context?.source;
  if (source === undefined || (PLAIN_INTEGER.test(source) && source !== "-0")) return value;
  return new JsonNumber(value, source);
}

/** Whether this runtime gives revivers the source text of numbers (V8 since 11.4). */
export const HAS_SOURCE_TEXT_ACCESS: boolean = (() => {
  let source: string | undefined;
  JSON.parse("1.0", (_key, value, context?: ReviverContext) => {
    source = context?.source;
    return value;
  });
  return source === "1.0";
})();

/**
 * Parses `text` like `JSON.parse`, except that every number a double may not hold exactly
 * becomes a {@link JsonNumber} carrying its source text.
 */
export function parseWithNumberSources(text: string): unknown {
  if (!HAS_SOURCE_TEXT_ACCESS) {
    throw new Error(
      "this JavaScript runtime does not give JSON.parse revivers the source text of numbers, so " +
        "integers beyond 2^53 cannot be read exactly; send 64-bit integers as JSON strings",
    );
  }
  try {
    return JSON.parse(text, reviveNumbers);
  } catch (error) {
    // The plain parse succeeded, so the text is JSON: a reviver only fails on nesting (V8 revives
    // recursively, a few thousand levels deep at most).
    throw new Error(`cannot read the document's numbers exactly: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * A number literal that `JSON.parse` may have rounded to an integer: 16 or more digits (2^53 has
 * 16), or an exponent. With 15 digits or fewer and no exponent, a literal is either an integer a
 * double holds exactly or a fraction that stays a fraction as a double. It only has to be found
 * where a value starts (after `:`, `,` or `[`); a match inside a string is a false alarm that costs
 * an exact parse, never a wrong value.
 */
const INEXACT_CANDIDATE = /[:,[]\s*(-?(?:[0-9]{16}|[0-9.]{17}|[0-9.]+[eE])[-+.0-9eE]*)/g;

/**
 * Whether the plain `JSON.parse` of `text` may have rounded a number that an integer field reads:
 * an integer too long for a double, or a fraction or exponent that rounds to an integer (such as
 * `1.0000000000000001` or `1e-400`), which the exact parse refuses.
 */
export function mayRoundIntegers(text: string): boolean {
  INEXACT_CANDIDATE.lastIndex = 0;
  for (let match = INEXACT_CANDIDATE.exec(text); match; match = INEXACT_CANDIDATE.exec(text)) {
    const literal = match[1];
    if (/^-?[0-9]{16}/.test(literal) || Number.isInteger(Number(literal))) return true;
  }
  return false;
}

/** A JSON number as text: sign, integer digits, fraction digits, exponent. */
const NUMBER_TEXT = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?$/;

/** Magnitudes past this are out of every integer field's range; computing them is pointless. */
const BEYOND_RANGE = 2n ** 70n;

/**
 * The exact integer a JSON number (or a number in a string) stands for: `1e3` is 1000 and `12.50e1`
 * is 125, as in Go's protojson. Returns `undefined` when the text is not a number or not an
 * integer; a magnitude far beyond 64 bits comes back as ±2^70 so that range checks refuse it
 * without building a huge value.
 *
 * @param text the number as written
 */
export function exactInteger(text: string): bigint | undefined {
  const parts = NUMBER_TEXT.exec(text);
  if (parts === null) return undefined;
  const [, sign, whole, fraction = "", exponentText = "0"] = parts;
  let digits = (whole + fraction).replace(/^0+/, "");
  if (digits === "") return 0n;
  // The value is digits × 10^scale; trailing zeros move into the scale.
  let scale = Number(exponentText) - fraction.length;
  const trimmed = digits.replace(/0+$/, "");
  scale += digits.length - trimmed.length;
  digits = trimmed;
  if (scale < 0) return undefined;
  const negative = sign === "-";
  if (digits.length + scale > 40) return negative ? -BEYOND_RANGE : BEYOND_RANGE;
  const magnitude = BigInt(digits) * 10n ** BigInt(scale);
  return negative ? -magnitude : magnitude;
}
