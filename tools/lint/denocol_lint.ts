/**
 * denocol's own lint rules, registered as a Deno lint plugin in the root `deno.json`.
 *
 * - `denocol/twin-boundary`: a stable framework package must not import an
 *   `_experimental` twin, neither by package name (`@denocol/consumer-experimental`)
 *   nor by path (`../consumer_experimental/mod.ts`). This is what keeps profiles
 *   removable without touching a stable API.
 * - `denocol/no-cross-package-path`: a workspace package reaches another package only
 *   by its package name, so that every dependency is visible in the import graph
 *   that JSR publishes.
 *
 * @module
 */

/** Folders of the stable framework packages, which must not know any twin. */
export const STABLE_FRAMEWORK_PACKAGES: readonly string[] = [
  "component",
  "consumer",
  "pdata",
  "receiver",
  "processor",
  "exporter",
  "connector",
  "extension",
];

/** Suffix of a twin's folder name. */
const TWIN_FOLDER_SUFFIX = "_experimental";
/** Suffix of a twin's JSR package name. */
const TWIN_PACKAGE_SUFFIX = "-experimental";

/** Repository root, as a path ending in `/`. */
const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** Folders below the root that hold one workspace package each (concrete components are nested). */
function packageFolderOf(relativePath: string): string | undefined {
  const parts = relativePath.split("/");
  if (parts.length < 2) return undefined;
  if (parts[0] === "components") {
    return parts.length >= 3 ? `components/${parts[1]}` : undefined;
  }
  if (parts[0] === "tools" || parts[0] === "bench" || parts[0] === "testbed") {
    return undefined;
  }
  return parts[0];
}

function relativeToRoot(absolutePath: string): string | undefined {
  const normalized = absolutePath.replaceAll("\\", "/");
  if (!normalized.startsWith(ROOT)) return undefined;
  return normalized.slice(ROOT.length);
}

/** Resolves `specifier` (relative) against the folder of `fromRelative`, both root-relative. */
function resolveRelative(fromRelative: string, specifier: string): string {
  const base = new URL(`file:///${fromRelative}`);
  return decodeURIComponent(new URL(specifier, base).pathname.slice(1));
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../");
}

/** Name of the twin a package specifier points at, if it points at one. */
function twinPackageName(specifier: string): string | undefined {
  const bare = specifier.replace(/^jsr:/, "");
  const match = /^@denocol\/([a-z0-9-]+)/.exec(bare);
  if (match && match[1].endsWith(TWIN_PACKAGE_SUFFIX)) return `@denocol/${match[1]}`;
  return undefined;
}

interface SourceNode {
  type: string;
  value?: unknown;
}

/** Collects the string specifier of every import-like node. */
function specifierNodes(
  visit: (source: SourceNode | null | undefined, node: Deno.lint.Node) => void,
): Deno.lint.LintVisitor {
  return {
    ImportDeclaration(node) {
      visit(node.source, node);
    },
    ExportAllDeclaration(node) {
      visit(node.source, node);
    },
    ExportNamedDeclaration(node) {
      visit(node.source, node);
    },
    ImportExpression(node) {
      visit(node.source as SourceNode, node);
    },
    TSImportType(node) {
      visit(node.argument as unknown as SourceNode, node);
    },
  };
}

function literalValue(source: SourceNode | null | undefined): string | undefined {
  if (!source) return undefined;
  if (source.type === "Literal" && typeof source.value === "string") return source.value;
  if (source.type === "TSLiteralType") {
    const literal = (source as unknown as { literal: SourceNode }).literal;
    return literalValue(literal);
  }
  return undefined;
}

const twinBoundary: Deno.lint.Rule = {
  create(context) {
    const file = relativeToRoot(context.filename);
    if (file === undefined) return {};
    const pkg = packageFolderOf(file);
    if (pkg === undefined || !STABLE_FRAMEWORK_PACKAGES.includes(pkg)) return {};
    return specifierNodes((source, node) => {
      const specifier = literalValue(source);
      if (specifier === undefined) return;
      const twin = twinPackageName(specifier);
      if (twin !== undefined) {
        context.report({
          node,
          message:
            `stable package "${pkg}" imports the experimental twin ${twin}; stable packages must not know their twins`,
          hint:
            "Move the code that needs the experimental API into the twin package, which may import this one.",
        });
        return;
      }
      if (isRelative(specifier)) {
        const target = resolveRelative(file, specifier);
        const targetPackage = target.split("/")[0];
        if (targetPackage.endsWith(TWIN_FOLDER_SUFFIX)) {
          context.report({
            node,
            message:
              `stable package "${pkg}" imports the experimental twin folder ${targetPackage}/ by path; stable packages must not know their twins`,
            hint:
              "Move the code that needs the experimental API into the twin package, which may import this one.",
          });
        }
      }
    });
  },
};

const noCrossPackagePath: Deno.lint.Rule = {
  create(context) {
    const file = relativeToRoot(context.filename);
    if (file === undefined) return {};
    const pkg = packageFolderOf(file);
    if (pkg === undefined) return {};
    return specifierNodes((source, node) => {
      const specifier = literalValue(source);
      if (specifier === undefined || !isRelative(specifier)) return;
      const target = resolveRelative(file, specifier);
      if (target === pkg || target.startsWith(`${pkg}/`)) return;
      context.report({
        node,
        message:
          `"${specifier}" leaves package folder ${pkg}/; import other workspace packages by their @denocol/ name`,
        hint: "Use the package name from the target's deno.json, e.g. @denocol/pdata.",
      });
    });
  },
};

/** The plugin registered in the root `deno.json`. */
const plugin: Deno.lint.Plugin = {
  name: "denocol",
  rules: {
    "twin-boundary": twinBoundary,
    "no-cross-package-path": noCrossPackagePath,
  },
};

export default plugin;
