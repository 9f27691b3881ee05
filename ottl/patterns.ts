// Patterns as the Go functions read them: regular expressions in RE2 syntax (translated to
// JavaScript's where they differ), replacement templates with Go's `$1`/`${name}` expansion,
// and glob patterns (`*`, `?`, `[...]`, `{a,b}`).

/** Translates an RE2 pattern to a JavaScript `RegExp`; throws `SyntaxError` when invalid. */
export function compileRegex(pattern: string, global = false): RegExp {
  let source = pattern;
  let flags = global ? "g" : "";
  // RE2 sets flags for the whole pattern with a leading (?flags) group.
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading !== null) {
    for (const flag of leading[1]) {
      if (flag === "U") throw new SyntaxError("the (?U) flag is not supported");
      if (!flags.includes(flag)) flags += flag;
    }
    source = source.slice(leading[0].length);
  }
  source = source
    .replaceAll("(?P<", "(?<")
    .replaceAll("\\z", "(?![\\s\\S])")
    .replaceAll("\\A", "^")
    .replace(/\[:(\^?)(\w+):\]/g, (all, negate: string, name: string) => {
      const ranges = POSIX_CLASSES[name];
      if (ranges === undefined || negate === "^") return all;
      return ranges;
    });
  return new RegExp(source, flags);
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/**
 * Expands `template` for one match as Go's `regexp.Expand` does: `$1`, `${1}`, `$name` and
 * `${name}` are the groups (empty when unmatched or unknown), `$$` is a `$`, and a `$` that
 * starts none of these is kept.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== "$") {
      out += c;
      continue;
    }
    if (template[i + 1] === "$") {
      out += "$";
      i++;
      continue;
    }
    let name: string | undefined;
    let end = i;
    if (template[i + 1] === "{") {
      const close = template.indexOf("}", i + 2);
      const inner = close < 0 ? "" : template.slice(i + 2, close);
      if (/^\w+$/.test(inner)) {
        name = inner;
        end = close;
      }
    } else {
      const word = /^\w+/.exec(template.slice(i + 1));
      if (word !== null) {
        name = word[0];
        end = i + word[0].length;
      }
    }
    if (name === undefined) {
      out += "$";
      continue;
    }
    out += /^\d+$/.test(name) ? match[Number(name)] ?? "" : match.groups?.[name] ?? "";
    i = end;
  }
  return out;
}

/**
 * Replaces every match of `regex` (a global regex) in `text` by `replace(match)`; returns
 * `text` itself when nothing matches.
 */
export function replaceAllMatches(
  text: string,
  regex: RegExp,
  replace: (match: RegExpExecArray) => string,
): string {
  regex.lastIndex = 0;
  let out = "";
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = regex.exec(text)) !== null) {
    out += text.slice(last, match.index) + replace(match);
    last = match.index + match[0].length;
    if (match[0].length === 0) regex.lastIndex++;
  }
  return last === 0 && out === "" ? text : out + text.slice(last);
}

/** Compiles a glob pattern to an anchored `RegExp`; throws `SyntaxError` when invalid. */
export function compileGlob(pattern: string): RegExp {
  let source = "";
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    switch (c) {
      case "*":
        source += "[\\s\\S]*";
        break;
      case "?":
        source += "[\\s\\S]";
        break;
      case "\\":
        i++;
        if (i >= pattern.length) throw new SyntaxError("a glob pattern cannot end with \\");
        source += escapeRegex(pattern[i]);
        break;
      case "[": {
        const close = pattern.indexOf("]", i + 2);
        if (close < 0) throw new SyntaxError("unclosed [ in a glob pattern");
        let body = pattern.slice(i + 1, close);
        const negate = body.startsWith("!");
        if (negate) body = body.slice(1);
        source += `[${negate ? "^" : ""}${body.replaceAll("\\", "\\\\").replaceAll("]", "\\]")}]`;
        i = close;
        break;
      }
      case "{":
        braces++;
        source += "(?:";
        break;
      case "}":
        if (braces === 0) throw new SyntaxError("unopened } in a glob pattern");
        braces--;
        source += ")";
        break;
      case ",":
        source += braces > 0 ? "|" : ",";
        break;
      default:
        source += escapeRegex(c);
    }
  }
  if (braces > 0) throw new SyntaxError("unclosed { in a glob pattern");
  return new RegExp(`^(?:${source})$`);
}

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}
