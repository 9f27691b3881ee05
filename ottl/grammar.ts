// The OTTL grammar: statements (`editor(args) where condition`), conditions, values (paths,
// literals, lists, maps, enums, converter calls with keys, math), comparisons and boolean
// operators with the precedence of the Go implementation (`not` binds tightest, then `and`,
// then `or`; `*` and `/` before `+` and `-`).

import { OttlSyntaxError } from "./errors.ts";
import { type Token, tokenize, type TokenKind } from "./lexer.ts";

/** A key in brackets after a path field or a converter call: a literal or an expression. */
export type KeyNode =
  | { readonly kind: "string"; readonly value: string; readonly pos: number }
  | { readonly kind: "int"; readonly value: bigint; readonly pos: number }
  | { readonly kind: "expr"; readonly expr: ValueNode; readonly pos: number };

/** One segment of a path, with its keys. */
export interface FieldNode {
  /** The segment's name. */
  readonly name: string;
  /** The keys in brackets after it. */
  readonly keys: readonly KeyNode[];
  /** Its offset in the source. */
  readonly pos: number;
}

/** A function argument, possibly named. */
export interface ArgNode {
  /** The parameter name of a named argument (`name = value`). */
  readonly name?: string;
  /** The value passed. */
  readonly value: ValueNode;
  /** Its offset in the source. */
  readonly pos: number;
}

/** A value expression. */
export type ValueNode =
  | {
    readonly kind: "literal";
    readonly value: string | bigint | number | boolean | Uint8Array | null;
    readonly pos: number;
  }
  | {
    readonly kind: "path";
    readonly fields: readonly FieldNode[];
    readonly pos: number;
    readonly text: string;
  }
  | {
    readonly kind: "call";
    readonly name: string;
    readonly args: readonly ArgNode[];
    readonly keys: readonly KeyNode[];
    readonly pos: number;
  }
  | { readonly kind: "enum"; readonly name: string; readonly pos: number }
  | {
    readonly kind: "functionName";
    readonly name: string;
    readonly pos: number;
  }
  | {
    readonly kind: "list";
    readonly items: readonly ValueNode[];
    readonly pos: number;
  }
  | {
    readonly kind: "map";
    readonly entries: readonly (readonly [string, ValueNode])[];
    readonly pos: number;
  }
  | {
    readonly kind: "math";
    readonly op: "+" | "-" | "*" | "/";
    readonly left: ValueNode;
    readonly right: ValueNode;
    readonly pos: number;
  };

/** A comparison operator. */
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

/** A boolean expression. */
export type BoolNode =
  | { readonly kind: "or"; readonly items: readonly BoolNode[] }
  | { readonly kind: "and"; readonly items: readonly BoolNode[] }
  | { readonly kind: "not"; readonly item: BoolNode }
  | {
    readonly kind: "compare";
    readonly op: CompareOp;
    readonly left: ValueNode;
    readonly right: ValueNode;
    readonly pos: number;
  }
  | { readonly kind: "const"; readonly value: boolean }
  | { readonly kind: "converter"; readonly call: ValueNode & { kind: "call" } };

/** A parsed statement: the editor call and its `where` clause. */
export interface StatementNode {
  /** The editor called: its name, arguments and offset. */
  readonly editor: {
    readonly name: string;
    readonly args: readonly ArgNode[];
    readonly pos: number;
  };
  /** The `where` clause, if any. */
  readonly where?: BoolNode;
}

const KEYWORDS = new Set(["and", "or", "not", "where", "true", "false", "nil"]);

class Parser {
  readonly #source: string;
  readonly #tokens: Token[];
  #at = 0;

  constructor(source: string) {
    this.#source = source;
    this.#tokens = tokenize(source);
  }

  get #peek(): Token {
    return this.#tokens[this.#at];
  }

  #next(): Token {
    return this.#tokens[this.#at++];
  }

  #fail(detail: string, token: Token = this.#peek): never {
    const found = token.kind === "eof" ? "the end" : JSON.stringify(
      this.#source.slice(token.start, token.end),
    );
    throw new OttlSyntaxError(
      `${detail}, found ${found}`,
      this.#source,
      token.start,
    );
  }

  #expect(kind: TokenKind, what = JSON.stringify(kind)): Token {
    if (this.#peek.kind !== kind) this.#fail(`expected ${what}`);
    return this.#next();
  }

  #isWord(word: string, token = this.#peek): boolean {
    return token.kind === "ident" && token.text === word;
  }

  #end(): void {
    if (this.#peek.kind !== "eof") {
      this.#fail("expected the end of the statement");
    }
  }

  statement(): StatementNode {
    const name = this.#peek;
    if (name.kind !== "ident" || KEYWORDS.has(name.text)) {
      this.#fail("expected an editor call such as set(...)");
    }
    if (/^[A-Z]/.test(name.text)) {
      throw new OttlSyntaxError(
        `editor names must start with a lowercase letter but got ${JSON.stringify(name.text)}`,
        this.#source,
        name.start,
      );
    }
    this.#next();
    const args = this.#arguments();
    if (this.#peek.kind === "[") {
      this.#fail("only paths and converters may be indexed, not editors");
    }
    let where: BoolNode | undefined;
    if (this.#isWord("where")) {
      this.#next();
      where = this.#or();
    }
    this.#end();
    return { editor: { name: name.text, args, pos: name.start }, where };
  }

  condition(): BoolNode {
    const node = this.#or();
    this.#end();
    return node;
  }

  value(): ValueNode {
    const node = this.#value();
    this.#end();
    return node;
  }

  #or(): BoolNode {
    const items = [this.#and()];
    while (this.#isWord("or")) {
      this.#next();
      items.push(this.#and());
    }
    return items.length === 1 ? items[0] : { kind: "or", items };
  }

  #and(): BoolNode {
    const items = [this.#boolValue()];
    while (this.#isWord("and")) {
      this.#next();
      items.push(this.#boolValue());
    }
    return items.length === 1 ? items[0] : { kind: "and", items };
  }

  #boolValue(): BoolNode {
    if (this.#isWord("not")) {
      this.#next();
      return { kind: "not", item: this.#boolValue() };
    }
    // A comparison first (its left side may itself start with a parenthesis, as in
    // `(1 + 2) > 2`), then the other forms.
    const start = this.#at;
    try {
      const left = this.#value();
      if (this.#peek.kind === "compare") {
        const op = this.#next().text as CompareOp;
        const right = this.#value();
        return {
          kind: "compare",
          op,
          left,
          right,
          pos: this.#tokens[start].start,
        };
      }
      if (left.kind === "literal" && typeof left.value === "boolean") {
        return { kind: "const", value: left.value };
      }
      if (left.kind === "call" && this.#peek.kind !== "(") {
        return { kind: "converter", call: left };
      }
    } catch (error) {
      if (
        !(error instanceof OttlSyntaxError) || this.#tokens[start].kind !== "("
      ) throw error;
    }
    this.#at = start;
    if (this.#peek.kind === "(") {
      this.#next();
      const inner = this.#or();
      this.#expect(")", '")"');
      return inner;
    }
    this.#fail(
      "expected a comparison, true, false, a converter call or a parenthesized condition",
    );
  }

  #value(): ValueNode {
    const token = this.#peek;
    if (token.kind === "string") {
      this.#next();
      return { kind: "literal", value: token.text, pos: token.start };
    }
    if (token.kind === "bytes") {
      this.#next();
      if (token.text.length % 2 !== 0) {
        this.#fail("a bytes literal needs an even number of hex digits", token);
      }
      const bytes = new Uint8Array(token.text.length / 2);
      for (let i = 0; i < bytes.length; i++) {
        bytes[i] = parseInt(token.text.slice(2 * i, 2 * i + 2), 16);
      }
      return { kind: "literal", value: bytes, pos: token.start };
    }
    if (token.kind === "[") return this.#list();
    if (token.kind === "{") return this.#map();
    if (token.kind === "ident") {
      if (token.text === "nil") {
        this.#next();
        return { kind: "literal", value: null, pos: token.start };
      }
      if (token.text === "true" || token.text === "false") {
        this.#next();
        return {
          kind: "literal",
          value: token.text === "true",
          pos: token.start,
        };
      }
      const next = this.#tokens[this.#at + 1];
      if (/^[A-Z]/.test(token.text) && next.kind !== "(") {
        this.#next();
        // All capitals is an enum symbol; a function name is passed as an argument.
        return /^[A-Z][A-Z0-9_]*$/.test(token.text)
          ? { kind: "enum", name: token.text, pos: token.start }
          : { kind: "functionName", name: token.text, pos: token.start };
      }
    }
    return this.#math();
  }

  #math(): ValueNode {
    let left = this.#term();
    while (this.#peek.kind === "addsub") {
      const op = this.#next();
      left = {
        kind: "math",
        op: op.text as "+" | "-",
        left,
        right: this.#term(),
        pos: op.start,
      };
    }
    return left;
  }

  #term(): ValueNode {
    let left = this.#factor();
    while (this.#peek.kind === "multdiv") {
      const op = this.#next();
      left = {
        kind: "math",
        op: op.text as "*" | "/",
        left,
        right: this.#factor(),
        pos: op.start,
      };
    }
    return left;
  }

  #factor(): ValueNode {
    const token = this.#peek;
    if (token.kind === "(") {
      this.#next();
      const inner = this.#math();
      this.#expect(")", '")"');
      return inner;
    }
    if (token.kind === "int") {
      this.#next();
      const value = BigInt(token.text);
      if (value !== BigInt.asIntN(64, value)) {
        this.#fail("integer out of the int64 range", token);
      }
      return { kind: "literal", value, pos: token.start };
    }
    if (token.kind === "float") {
      this.#next();
      return { kind: "literal", value: Number(token.text), pos: token.start };
    }
    if (token.kind === "ident" && !KEYWORDS.has(token.text)) {
      if (this.#tokens[this.#at + 1].kind === "(") return this.#call();
      return this.#path();
    }
    this.#fail(
      "expected a value (a path, a literal, a list, a map or a converter call)",
    );
  }

  #call(): ValueNode {
    const name = this.#next();
    if (/^[a-z]/.test(name.text)) {
      throw new OttlSyntaxError(
        `converter names must start with an uppercase letter but got ${JSON.stringify(name.text)}`,
        this.#source,
        name.start,
      );
    }
    const args = this.#arguments();
    return {
      kind: "call",
      name: name.text,
      args,
      keys: this.#keys(),
      pos: name.start,
    };
  }

  #arguments(): ArgNode[] {
    this.#expect("(", '"("');
    const args: ArgNode[] = [];
    if (this.#peek.kind === ")") {
      this.#next();
      return args;
    }
    for (;;) {
      const start = this.#peek;
      let name: string | undefined;
      if (
        start.kind === "ident" && this.#tokens[this.#at + 1].kind === "equal"
      ) {
        name = start.text;
        this.#at += 2;
      }
      args.push({ name, value: this.#value(), pos: start.start });
      if (this.#peek.kind === ",") {
        this.#next();
        continue;
      }
      this.#expect(")", '"," or ")"');
      return args;
    }
  }

  #path(): ValueNode {
    const start = this.#peek.start;
    const fields: FieldNode[] = [];
    for (;;) {
      const name = this.#expect("ident", "a path segment");
      if (!/^[a-z][a-z0-9_]*$/.test(name.text)) {
        this.#fail(
          "path segments are lower case letters, digits and underscores",
          name,
        );
      }
      fields.push({ name: name.text, keys: this.#keys(), pos: name.start });
      if (this.#peek.kind !== ".") break;
      this.#next();
    }
    const end = this.#tokens[this.#at - 1].end;
    return {
      kind: "path",
      fields,
      pos: start,
      text: this.#source.slice(start, end),
    };
  }

  #keys(): KeyNode[] {
    const keys: KeyNode[] = [];
    while (this.#peek.kind === "[") {
      this.#next();
      const token = this.#peek;
      if (token.kind === "string" && this.#tokens[this.#at + 1].kind === "]") {
        this.#next();
        keys.push({ kind: "string", value: token.text, pos: token.start });
      } else if (
        token.kind === "int" && this.#tokens[this.#at + 1].kind === "]"
      ) {
        this.#next();
        keys.push({ kind: "int", value: BigInt(token.text), pos: token.start });
      } else {
        keys.push({ kind: "expr", expr: this.#math(), pos: token.start });
      }
      this.#expect("]", '"]"');
    }
    return keys;
  }

  #list(): ValueNode {
    const open = this.#next();
    const items: ValueNode[] = [];
    while (this.#peek.kind !== "]") {
      items.push(this.#value());
      if (this.#peek.kind === ",") this.#next();
      else break;
    }
    this.#expect("]", '"," or "]"');
    return { kind: "list", items, pos: open.start };
  }

  #map(): ValueNode {
    const open = this.#next();
    const entries: [string, ValueNode][] = [];
    while (this.#peek.kind !== "}") {
      const key = this.#expect("string", "a string key");
      this.#expect(":", '":"');
      entries.push([key.text, this.#value()]);
      if (this.#peek.kind === ",") this.#next();
      else break;
    }
    this.#expect("}", '"," or "}"');
    return { kind: "map", entries, pos: open.start };
  }
}

/** Parses a statement. @throws {OttlSyntaxError} with the offset of the problem. */
export function parseStatement(source: string): StatementNode {
  return new Parser(source).statement();
}

/** Parses a condition. @throws {OttlSyntaxError} with the offset of the problem. */
export function parseCondition(source: string): BoolNode {
  return new Parser(source).condition();
}

/** Parses a value expression. @throws {OttlSyntaxError} with the offset of the problem. */
export function parseValueExpression(source: string): ValueNode {
  return new Parser(source).value();
}
