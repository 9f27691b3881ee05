// Tokens of OTTL, as the Go implementation's lexer cuts them: a sign directly before digits is
// part of the number, identifiers are cut whole and told apart by their first letter.

import { OttlSyntaxError } from "./errors.ts";

/** The kinds of tokens. */
export type TokenKind =
  | "bytes"
  | "float"
  | "int"
  | "string"
  | "ident"
  | "compare"
  | "addsub"
  | "multdiv"
  | "equal"
  | "("
  | ")"
  | "{"
  | "}"
  | "["
  | "]"
  | ":"
  | ","
  | "."
  | "eof";

/** One token: its kind, its text (a string's decoded value) and where it starts and ends. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const PUNCT: Record<string, TokenKind> = {
  "(": "(",
  ")": ")",
  "{": "{",
  "}": "}",
  "[": "[",
  "]": "]",
  ":": ":",
  ",": ",",
  ".": ".",
};

const NUMBER = /^[-+]?(?:\d*\.\d+(?:[eE][-+]?\d+)?|\d+)/;
const BYTES = /^0x[a-fA-F0-9]+/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const COMPARE = /^(?:==|!=|>=|<=|>|<)/;

/** Cuts `source` into tokens, ending with an `eof` token. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const c = source[at];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      at++;
      continue;
    }
    const rest = source.slice(at);
    let match: RegExpExecArray | null;
    if ((match = BYTES.exec(rest)) !== null) {
      tokens.push({
        kind: "bytes",
        text: match[0].slice(2),
        start: at,
        end: at + match[0].length,
      });
    } else if (
      (match = NUMBER.exec(rest)) !== null &&
      // A sign is part of a number only where no value ends just before it ("a -1" is a
      // subtraction in the parser's eyes; "f(-1)" is a negative literal).
      (!(c === "-" || c === "+") || !endsValue(tokens.at(-1)))
    ) {
      const kind = /[.eE]/.test(match[0]) ? "float" : "int";
      tokens.push({
        kind,
        text: match[0],
        start: at,
        end: at + match[0].length,
      });
    } else if (c === '"') {
      const end = stringEnd(source, at);
      tokens.push({
        kind: "string",
        text: unquote(source, at, end),
        start: at,
        end,
      });
    } else if ((match = IDENT.exec(rest)) !== null) {
      tokens.push({
        kind: "ident",
        text: match[0],
        start: at,
        end: at + match[0].length,
      });
    } else if ((match = COMPARE.exec(rest)) !== null) {
      tokens.push({
        kind: "compare",
        text: match[0],
        start: at,
        end: at + match[0].length,
      });
    } else if (c === "+" || c === "-") {
      tokens.push({ kind: "addsub", text: c, start: at, end: at + 1 });
    } else if (c === "*" || c === "/") {
      tokens.push({ kind: "multdiv", text: c, start: at, end: at + 1 });
    } else if (c === "=") {
      tokens.push({ kind: "equal", text: c, start: at, end: at + 1 });
    } else if (PUNCT[c] !== undefined) {
      tokens.push({ kind: PUNCT[c], text: c, start: at, end: at + 1 });
    } else {
      throw new OttlSyntaxError(
        `unexpected character ${JSON.stringify(c)}`,
        source,
        at,
      );
    }
    at = tokens.at(-1)!.end;
  }
  tokens.push({
    kind: "eof",
    text: "",
    start: source.length,
    end: source.length,
  });
  return tokens;
}

function endsValue(token: Token | undefined): boolean {
  if (token === undefined) return false;
  if (token.kind === "ident") {
    return !["and", "or", "not", "where"].includes(token.text);
  }
  return ["int", "float", "string", "bytes", ")", "]", "}"].includes(
    token.kind,
  );
}

function stringEnd(source: string, start: number): number {
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === '"') return i + 1;
  }
  throw new OttlSyntaxError("unterminated string", source, start);
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  '"': '"',
  "\\": "\\",
  "'": "'",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "/": "/",
};

/** The value of the Go-quoted string at `start..end` (quotes included). */
function unquote(source: string, start: number, end: number): string {
  let out = "";
  for (let i = start + 1; i < end - 1; i++) {
    const c = source[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = source[++i];
    if (ESCAPES[next] !== undefined) {
      out += ESCAPES[next];
    } else if (next === "x" || next === "u" || next === "U") {
      const digits = next === "x" ? 2 : next === "u" ? 4 : 8;
      const hex = source.slice(i + 1, i + 1 + digits);
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) {
        throw new OttlSyntaxError(
          `invalid escape \\${next}${hex}`,
          source,
          i - 1,
        );
      }
      out += String.fromCodePoint(parseInt(hex, 16));
      i += digits;
    } else if (next !== undefined && next >= "0" && next <= "7") {
      const octal = source.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(octal)) {
        throw new OttlSyntaxError(`invalid escape \\${octal}`, source, i - 1);
      }
      out += String.fromCharCode(parseInt(octal, 8));
      i += 2;
    } else {
      throw new OttlSyntaxError(
        `invalid escape \\${next ?? ""}`,
        source,
        i - 1,
      );
    }
  }
  return out;
}
