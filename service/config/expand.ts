/**
 * Expansion of `${...}` references in configuration values, with the Go collector's rules:
 *
 * - `${env:NAME}` and `${NAME}` read an environment variable; `${env:NAME:-default}` (and
 *   `${NAME:-default}`) use `default` when the variable is not set.
 * - `${file:path}` reads a file, whose content is YAML (and is expanded in turn).
 * - A value that is exactly one reference takes the YAML type of what it reads
 *   (`port: ${env:PORT}` is a number when PORT is `4317`, and stays usable for string fields);
 *   a reference inside a longer string inserts the text.
 * - `$$` is a literal `$` (so `$${env:X}` is the text `${env:X}`); a `$` not followed by `{`
 *   or `$` is kept as is.
 * - An unset variable without default reads as empty (null for a whole value, so the field keeps
 *   its default) and produces a warning.
 *
 * Only values are expanded, never keys. Text read from the environment is not expanded again.
 */

import { type ConfigWarning, type PathSegment, type Position, ProblemCollector } from "./errors.ts";
import {
  type ConfigNode,
  describeNode,
  listNode,
  mapNode,
  type ScalarNode,
  scalarNode,
} from "./node.ts";
import { parseYaml } from "./yaml.ts";

/** Where expansion reads variables and files. */
export interface ExpandOptions {
  /** Reads an environment variable. Defaults to `Deno.env.get`. */
  readonly getEnv?: (name: string) => string | undefined;
  /** Reads a file for `${file:path}`. Defaults to `Deno.readTextFileSync`. */
  readonly readTextFile?: (path: string) => string;
}

/** The expanded tree and the warnings expansion produced. */
export interface ExpandResult {
  /** The tree with every reference replaced. */
  readonly node: ConfigNode;
  /** Warnings, such as an unset environment variable. */
  readonly warnings: readonly ConfigWarning[];
}

/** The schemes a `${scheme:...}` reference may use. */
export const EXPANSION_SCHEMES: readonly string[] = ["env", "file"];

const ENV_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):([\s\S]*)$/;
/** `${file:...}` may include files that include files; this stops an include loop. */
const MAX_FILE_DEPTH = 10;

/**
 * Replaces every `${...}` reference in the values of `node`. Throws `ConfigErrors`
 * listing every malformed or unresolvable reference with its path and position.
 */
export function expandNode(node: ConfigNode, options: ExpandOptions = {}): ExpandResult {
  const problems = new ProblemCollector();
  const expander = new Expander(
    options.getEnv ?? ((name) => Deno.env.get(name)),
    options.readTextFile ?? ((path) => Deno.readTextFileSync(path)),
    problems,
  );
  const expanded = expander.expand(node, [], 0);
  problems.throwIfAny();
  return { node: expanded, warnings: problems.warnings };
}

/** What one reference resolved to. */
type Resolved =
  | { readonly kind: "text"; readonly text: string; readonly wholeValueIsNull?: boolean }
  | { readonly kind: "node"; readonly node: ConfigNode };

class Expander {
  constructor(
    private readonly getEnv: (name: string) => string | undefined,
    private readonly readTextFile: (path: string) => string,
    private readonly problems: ProblemCollector,
  ) {}

  expand(node: ConfigNode, path: PathSegment[], fileDepth: number): ConfigNode {
    switch (node.kind) {
      case "scalar":
        return typeof node.value === "string" ? this.expandScalar(node, path, fileDepth) : node;
      case "list":
        return listNode(
          node.items.map((item, index) => this.expand(item, [...path, index], fileDepth)),
          node.position,
        );
      case "map":
        return mapNode(
          [...node.entries.values()].map((entry) => ({
            ...entry,
            value: this.expand(entry.value, [...path, entry.key], fileDepth),
          })),
          node.position,
        );
    }
  }

  private expandScalar(node: ScalarNode, path: PathSegment[], fileDepth: number): ConfigNode {
    const text = node.value as string;
    if (!text.includes("$")) return node;
    const position = node.position;
    const parts: (string | { reference: string })[] = [];
    let literal = "";
    let index = 0;
    let failed = false;
    while (index < text.length) {
      const char = text[index];
      if (char !== "$") {
        literal += char;
        index++;
        continue;
      }
      const next = text[index + 1];
      if (next === "$") {
        literal += "$";
        index += 2;
        continue;
      }
      if (next !== "{") {
        literal += "$";
        index++;
        continue;
      }
      const close = text.indexOf("}", index + 2);
      if (close < 0) {
        this.problems.error(
          path,
          position,
          `unterminated reference ${JSON.stringify(text.slice(index))}: missing "}" ` +
            '(write "$$" for a literal "$")',
        );
        failed = true;
        break;
      }
      const reference = text.slice(index + 2, close);
      if (reference.includes("${")) {
        this.problems.error(
          path,
          position,
          `nested references are not supported: ${JSON.stringify(text.slice(index, close + 1))}`,
        );
        failed = true;
        index = close + 1;
        continue;
      }
      if (literal !== "") parts.push(literal);
      literal = "";
      parts.push({ reference });
      index = close + 1;
    }
    if (literal !== "") parts.push(literal);
    if (failed) return node;

    if (parts.length === 1 && typeof parts[0] !== "string") {
      const resolved = this.resolve(parts[0].reference, path, position, fileDepth);
      if (resolved === undefined) return node;
      if (resolved.kind === "node") return resolved.node;
      if (resolved.wholeValueIsNull) return scalarNode(null, position, "");
      return typedScalar(resolved.text, position);
    }
    let result = "";
    for (const part of parts) {
      if (typeof part === "string") {
        result += part;
        continue;
      }
      const resolved = this.resolve(part.reference, path, position, fileDepth);
      if (resolved === undefined) return node;
      if (resolved.kind === "text") {
        result += resolved.text;
      } else if (resolved.node.kind === "scalar") {
        result += resolved.node.value === null ? "" : String(resolved.node.value);
      } else {
        this.problems.error(
          path,
          position,
          `\${${part.reference}} reads ${describeNode(resolved.node)}, ` +
            "which cannot be inserted into a longer string",
        );
        return node;
      }
    }
    return scalarNode(result, position);
  }

  private resolve(
    reference: string,
    path: PathSegment[],
    position: Position | undefined,
    fileDepth: number,
  ): Resolved | undefined {
    const shown = `\${${reference}}`;
    if (reference === "") {
      this.problems.error(path, position, 'empty reference "${}"');
      return undefined;
    }
    const match = SCHEME.exec(reference);
    // `${NAME}` and `${NAME:-default}` use the environment, the collector's default scheme.
    if (match === null || !EXPANSION_SCHEMES.includes(match[1])) {
      if (match === null || match[2].startsWith("-")) {
        return this.resolveEnv(reference, shown, path, position);
      }
      this.problems.error(
        path,
        position,
        `unsupported scheme "${match[1]}" in ${shown} (supported: ${EXPANSION_SCHEMES.join(", ")})`,
      );
      return undefined;
    }
    const [, scheme, rest] = match;
    if (scheme === "env") return this.resolveEnv(rest, shown, path, position);
    return this.resolveFile(rest, shown, path, position, fileDepth);
  }

  private resolveEnv(
    spec: string,
    shown: string,
    path: PathSegment[],
    position: Position | undefined,
  ): Resolved | undefined {
    const defaultAt = spec.indexOf(":-");
    const name = defaultAt < 0 ? spec : spec.slice(0, defaultAt);
    const fallback = defaultAt < 0 ? undefined : spec.slice(defaultAt + 2);
    if (!ENV_NAME.test(name)) {
      this.problems.error(
        path,
        position,
        `invalid environment variable name ${JSON.stringify(name)} in ${shown}: ` +
          "a name is a letter or underscore followed by letters, digits or underscores",
      );
      return undefined;
    }
    const value = this.getEnv(name);
    if (value !== undefined) return { kind: "text", text: value };
    if (fallback !== undefined) return { kind: "text", text: fallback };
    this.problems.warn(
      path,
      position,
      `environment variable ${name} is not set; ${shown} reads as empty`,
    );
    return { kind: "text", text: "", wholeValueIsNull: true };
  }

  private resolveFile(
    filePath: string,
    shown: string,
    path: PathSegment[],
    position: Position | undefined,
    fileDepth: number,
  ): Resolved | undefined {
    if (fileDepth >= MAX_FILE_DEPTH) {
      this.problems.error(path, position, `${shown}: files include each other too deeply`);
      return undefined;
    }
    let text: string;
    try {
      text = this.readTextFile(filePath);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.problems.error(path, position, `cannot read ${shown}: ${reason}`);
      return undefined;
    }
    let parsed: ConfigNode;
    try {
      parsed = parseYaml(text, filePath);
    } catch (error) {
      this.problems.absorb(error, { path, position });
      return undefined;
    }
    if (parsed.kind === "scalar") {
      return { kind: "node", node: scalarNode(parsed.value, position, text.trim()) };
    }
    return { kind: "node", node: this.expand(parsed, path, fileDepth + 1) };
  }
}

/**
 * The value of expanded text read as YAML, keeping the text: `4317` becomes the number 4317,
 * text that is not a YAML scalar stays a string.
 */
function typedScalar(text: string, position: Position | undefined): ConfigNode {
  let parsed: ConfigNode;
  try {
    parsed = parseYaml(text, "<expanded>");
  } catch {
    return scalarNode(text, position, text);
  }
  if (parsed.kind === "scalar") return scalarNode(parsed.value, position, text);
  return relocate(parsed, position);
}

/** Moves every position of an expanded tree to the place the reference was written. */
function relocate(node: ConfigNode, position: Position | undefined): ConfigNode {
  switch (node.kind) {
    case "scalar":
      return scalarNode(node.value, position, node.text);
    case "list":
      return listNode(node.items.map((item) => relocate(item, position)), position);
    case "map":
      return mapNode(
        [...node.entries.values()].map((entry) => ({
          key: entry.key,
          keyPosition: position,
          value: relocate(entry.value, position),
        })),
        position,
      );
  }
}
