/**
 * Finds every place a module names another module, for denocol's lint rules: import and export
 * declarations, `import type`, `import x = require()`, `require()`, dynamic `import()`,
 * `import.meta.resolve()`, `typeof import()` types, `declare module "..."`, files located with
 * `new URL(..., import.meta.url)` and the `/// <reference>`, `@ts-types` and `@deno-types`
 * directives in comments.
 *
 * A specifier is read as far as the source allows without running it: string literals, template
 * literals and `+` sums are folded, and whatever stays unknown (a variable, a call) is a gap
 * between the static pieces.
 *
 * @module
 */

/**
 * A specifier as far as it can be read statically: the static pieces, with a run-time value
 * between each two of them. One piece means the whole specifier is known.
 */
export type SpecifierPieces = readonly string[];

/** How a module is referenced, which decides how strictly a rule reads an unknown specifier. */
export type ReferenceKind =
  /** Loads, re-exports, resolves or types against the module. */
  | "module"
  /** Locates a file next to the module (`new URL(path, import.meta.url)`), such as a worker. */
  | "file-url";

/** One place in a source file that names another module. */
export interface ModuleReference {
  /** How the module is referenced. */
  kind: ReferenceKind;
  /** The specifier, as far as it is known statically. */
  pieces: SpecifierPieces;
  /** The node to report at; absent for a directive in a comment. */
  node?: Deno.lint.Node;
  /** The comment to report at, for a directive. */
  range?: Deno.lint.Range;
}

/** The whole specifier, when it is known statically. */
export function knownSpecifier(pieces: SpecifierPieces): string | undefined {
  return pieces.length === 1 ? pieces[0] : undefined;
}

const UNKNOWN: SpecifierPieces = ["", ""];

function concat(left: SpecifierPieces, right: SpecifierPieces): SpecifierPieces {
  return [...left.slice(0, -1), left[left.length - 1] + right[0], ...right.slice(1)];
}

interface AnyNode {
  type: string;
  value?: unknown;
  [key: string]: unknown;
}

/** Folds a specifier expression into its static pieces. */
function evaluate(node: AnyNode | null | undefined): SpecifierPieces {
  if (!node) return UNKNOWN;
  switch (node.type) {
    case "Literal":
      return typeof node.value === "string" ? [node.value] : UNKNOWN;
    case "TSLiteralType":
      return evaluate(node.literal as AnyNode);
    case "TemplateLiteral": {
      const quasis = node.quasis as { cooked: string | null; raw: string }[];
      const expressions = node.expressions as AnyNode[];
      let pieces: SpecifierPieces = [quasis[0].cooked ?? quasis[0].raw];
      for (let i = 0; i < expressions.length; i++) {
        pieces = concat(pieces, evaluate(expressions[i]));
        pieces = concat(pieces, [quasis[i + 1].cooked ?? quasis[i + 1].raw]);
      }
      return pieces;
    }
    case "BinaryExpression":
      return node.operator === "+"
        ? concat(evaluate(node.left as AnyNode), evaluate(node.right as AnyNode))
        : UNKNOWN;
    // Type assertions do not change the string.
    case "TSAsExpression":
    case "TSSatisfiesExpression":
    case "TSNonNullExpression":
      return evaluate(node.expression as AnyNode);
    default:
      return UNKNOWN;
  }
}

function isImportMeta(node: AnyNode | undefined): boolean {
  if (node?.type !== "MetaProperty") return false;
  const meta = node.meta as AnyNode, property = node.property as AnyNode;
  return meta.name === "import" && property.name === "meta";
}

function isImportMetaMember(node: AnyNode | undefined, name: string): boolean {
  if (node?.type !== "MemberExpression" || node.computed) return false;
  return isImportMeta(node.object as AnyNode) && (node.property as AnyNode).name === name;
}

/** Directives in comments that make the type checker load a module. */
const DIRECTIVES = [
  /^\/\s*<reference\s+(?:path|types)\s*=\s*["']([^"']+)["']/,
  /@(?:ts|deno)-types\s*=\s*["']([^"']+)["']/,
];

/** A visitor that calls `visit` for each module reference of the linted file. */
export function moduleReferences(
  context: Deno.lint.RuleContext,
  visit: (reference: ModuleReference) => void,
): Deno.lint.LintVisitor {
  const fromSource = (kind: ReferenceKind, source: unknown, node: Deno.lint.Node) => {
    if (source) visit({ kind, pieces: evaluate(source as AnyNode), node });
  };
  const fromCall = (node: Deno.lint.CallExpression) => {
    visit({ kind: "module", pieces: evaluate(node.arguments[0] as unknown as AnyNode), node });
  };
  return {
    Program() {
      for (const comment of context.sourceCode.getAllComments()) {
        for (const directive of DIRECTIVES) {
          const match = directive.exec(comment.value);
          if (match) visit({ kind: "module", pieces: [match[1]], range: comment.range });
        }
      }
    },
    ImportDeclaration(node) {
      fromSource("module", node.source, node);
    },
    ExportAllDeclaration(node) {
      fromSource("module", node.source, node);
    },
    ExportNamedDeclaration(node) {
      fromSource("module", node.source, node);
    },
    ImportExpression(node) {
      fromSource("module", node.source, node);
    },
    TSImportType(node) {
      fromSource("module", node.argument, node);
    },
    TSImportEqualsDeclaration(node) {
      const reference = node.moduleReference as unknown as AnyNode;
      if (reference.type === "TSExternalModuleReference") {
        fromSource("module", reference.expression, node);
      }
    },
    TSModuleDeclaration(node) {
      // `declare module "name"` augments that module; `declare module Name` is a namespace.
      if (node.id.type === "Literal") fromSource("module", node.id, node);
    },
    // Attribute selectors, so that only candidate calls cross into the plugin: Deno 2.9's lint
    // plugin host crashes (SIGSEGV) now and then when a rule visits every call of every file.
    "CallExpression[callee.name='require']"(node: Deno.lint.CallExpression) {
      fromCall(node);
    },
    "CallExpression[callee.property.name='resolve']"(node: Deno.lint.CallExpression) {
      if (isImportMetaMember(node.callee as unknown as AnyNode, "resolve")) fromCall(node);
    },
    "NewExpression[callee.name='URL']"(node: Deno.lint.NewExpression) {
      const [path, base] = node.arguments as unknown as (AnyNode | undefined)[];
      if (path && isImportMetaMember(base, "url")) {
        visit({ kind: "file-url", pieces: evaluate(path), node });
      }
    },
  };
}
