/**
 * denocol's own lint rules, registered as a Deno lint plugin in the root `deno.json`.
 *
 * - `denocol/twin-boundary`: a stable framework package must not import an
 *   `_experimental` twin. This is what keeps profiles removable without touching a stable API.
 *   Every way of naming a module counts (see `module_references.ts`): by package name, also
 *   behind `jsr:` or `npm:` and with a version (`jsr:@denocol/consumer-experimental@^0.1.0/x`)
 *   or on a registry URL; by relative or absolute path or `file:` URL into a twin folder
 *   (`../consumer_experimental/mod.ts`); by a bare name that the package's or the root's
 *   `deno.json` import map sends to a twin. A specifier computed at run time (a dynamic
 *   `import()` or `import.meta.resolve()` of a variable, or a template whose substitutions are
 *   not constants) is reported too: its static pieces may spell out a twin, and if they do
 *   not, the rule still cannot tell where it leads, so a stable package has to name its
 *   modules statically. A file located with `new URL(path, import.meta.url)` is reported only
 *   when its path lies in or names a twin, since such URLs usually point at data files.
 * - `denocol/no-cross-package-path`: a workspace package reaches another package only
 *   by its package name, so that every dependency is visible in the import graph
 *   that JSR publishes.
 *
 * @module
 */

import { knownSpecifier, type ModuleReference, moduleReferences } from "./module_references.ts";

/** Folders of the stable framework packages, which must not know any twin. */
export const STABLE_FRAMEWORK_PACKAGES: readonly string[] = [
  "component",
  "config",
  "consumer",
  "pdata",
  "receiver",
  "processor",
  "exporter",
  "connector",
  "extension",
  "ottl",
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

/**
 * The absolute path a relative path, absolute path or `file:` URL specifier points at, or
 * `undefined` for a package name or remote URL.
 */
function localTarget(fromFile: string, specifier: string): string | undefined {
  const local = specifier === "." || specifier === ".." || specifier.startsWith("./") ||
    specifier.startsWith("../") || specifier.startsWith("/") || /^file:/i.test(specifier);
  if (!local) return undefined;
  try {
    const base = new URL(`file://${fromFile.replaceAll("\\", "/")}`);
    return decodeURIComponent(new URL(specifier, base).pathname);
  } catch {
    return undefined;
  }
}

/** The twin folder an absolute path lies in, as the text to report, if it lies in one. */
function twinFolderOf(absolutePath: string): string | undefined {
  const relative = relativeToRoot(absolutePath);
  const parts = (relative ?? absolutePath).split("/");
  if (relative !== undefined) {
    // Inside the repository only a package folder is a twin, not any folder that is so named.
    const depth = parts[0] === "components" ? 2 : 1;
    if (parts.length <= depth) return undefined;
    const folder = parts.slice(0, depth).join("/");
    return folder.endsWith(TWIN_FOLDER_SUFFIX) ? `${folder}/` : undefined;
  }
  // Outside it (another checkout, a vendored copy) any folder named like a twin is one.
  const index = parts.slice(0, -1).findIndex((part) => part.endsWith(TWIN_FOLDER_SUFFIX));
  return index < 0 ? undefined : `${parts.slice(0, index + 1).join("/")}/`;
}

/** The twin package a package name specifier points at, with or without `jsr:`/`npm:`. */
function twinPackageOf(specifier: string): string | undefined {
  const bare = specifier.replace(/^(?:jsr|npm):\/?/i, "");
  const match = /^@denocol\/([^@/?#]+)/i.exec(bare);
  return match?.[1].endsWith(TWIN_PACKAGE_SUFFIX) ? `@denocol/${match[1]}` : undefined;
}

/** The twin a remote URL points at: a registry path of a twin package, or a twin folder. */
function twinOfRemoteUrl(specifier: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(specifier).pathname);
  } catch {
    return undefined;
  }
  const match = /\/@denocol\/([^@/]+)/i.exec(path);
  if (match?.[1].endsWith(TWIN_PACKAGE_SUFFIX)) return `@denocol/${match[1]}`;
  const folders = path.split("/").slice(0, -1);
  const index = folders.findIndex((part) => part.endsWith(TWIN_FOLDER_SUFFIX));
  if (index < 0) return undefined;
  return `${new URL(specifier).origin}${folders.slice(0, index + 1).join("/")}/`;
}

/** `imports` of the `deno.json` in each folder, read once while the plugin is loaded. */
const importMaps = new Map<string, Record<string, string>>();

function importsOf(folder: string): Record<string, string> {
  const cached = importMaps.get(folder);
  if (cached !== undefined) return cached;
  let imports: Record<string, string> = {};
  try {
    const config = JSON.parse(Deno.readTextFileSync(`${folder}deno.json`));
    if (typeof config.imports === "object" && config.imports !== null) imports = config.imports;
  } catch {
    // A folder without a readable deno.json maps nothing.
  }
  importMaps.set(folder, imports);
  return imports;
}

/** What an import map turns `specifier` into: an exact key, else the longest `/` prefix key. */
function mapImport(imports: Record<string, string>, specifier: string): string | undefined {
  if (Object.hasOwn(imports, specifier)) return imports[specifier];
  let prefix: string | undefined;
  for (const key of Object.keys(imports)) {
    if (key.endsWith("/") && specifier.startsWith(key) && key.length > (prefix?.length ?? 0)) {
      prefix = key;
    }
  }
  return prefix === undefined ? undefined : imports[prefix] + specifier.slice(prefix.length);
}

/** What a specifier reaches without an import map, if it reaches a twin. */
function twinOfUnmapped(fromFile: string, specifier: string): string | undefined {
  const target = localTarget(fromFile, specifier);
  if (target !== undefined) return twinFolderOf(target);
  if (/^https?:/i.test(specifier)) return twinOfRemoteUrl(specifier);
  return twinPackageOf(specifier);
}

/**
 * What a known specifier of `fromFile` in package folder `pkg` reaches, if it reaches a twin;
 * a bare name is looked up in the package's import map, then the root's, as Deno does.
 */
function twinOf(fromFile: string, pkg: string, specifier: string): string | undefined {
  const direct = twinOfUnmapped(fromFile, specifier);
  if (direct !== undefined || /^[a-z][a-z0-9+.-]*:|^\.{0,2}\//i.test(specifier)) return direct;
  for (const folder of [`${ROOT}${pkg}/`, ROOT]) {
    const mapped = mapImport(importsOf(folder), specifier);
    // A mapped path is relative to the deno.json that maps it.
    if (mapped !== undefined) return twinOfUnmapped(`${folder}deno.json`, mapped);
  }
  return undefined;
}

/** Static pieces of a computed specifier that spell out a twin's package or folder name. */
const TWIN_NAME_PIECE = /[-_]experimental(?![a-z0-9])/i;

const MOVE_HINT =
  "Move the code that needs the experimental API into the twin package, which may import this one.";

const twinBoundary: Deno.lint.Rule = {
  create(context) {
    const file = relativeToRoot(context.filename);
    if (file === undefined) return {};
    const pkg = packageFolderOf(file);
    if (pkg === undefined || !STABLE_FRAMEWORK_PACKAGES.includes(pkg)) return {};
    const report = (reference: ModuleReference, message: string, hint = MOVE_HINT) =>
      context.report({ node: reference.node, range: reference.range, message, hint });
    return moduleReferences(context, (reference) => {
      const specifier = knownSpecifier(reference.pieces);
      if (specifier === undefined) {
        if (reference.pieces.some((piece) => TWIN_NAME_PIECE.test(piece))) {
          report(
            reference,
            `stable package "${pkg}" computes a specifier that names an experimental twin ("${
              reference.pieces.join("${…}")
            }"); stable packages must not know their twins`,
          );
        } else if (reference.kind === "module") {
          report(
            reference,
            `stable package "${pkg}" imports a module whose specifier is computed at run time, so the twin rule cannot check it`,
            "Import by a string literal, so that the twin boundary can be checked.",
          );
        }
        return;
      }
      const twin = twinOf(context.filename, pkg, specifier);
      if (twin === undefined) return;
      const how = twin.endsWith("/") ? `twin folder ${twin} by path` : `twin ${twin}`;
      report(
        reference,
        `stable package "${pkg}" imports the experimental ${how}; stable packages must not know their twins`,
      );
    });
  },
};

const noCrossPackagePath: Deno.lint.Rule = {
  create(context) {
    const file = relativeToRoot(context.filename);
    if (file === undefined) return {};
    const pkg = packageFolderOf(file);
    if (pkg === undefined) return {};
    return moduleReferences(context, (reference) => {
      const specifier = knownSpecifier(reference.pieces);
      if (reference.kind !== "module" || specifier === undefined) return;
      const absolute = localTarget(context.filename, specifier);
      if (absolute === undefined) return;
      const target = relativeToRoot(absolute);
      if (target !== undefined && (target === pkg || target.startsWith(`${pkg}/`))) return;
      context.report({
        node: reference.node,
        range: reference.range,
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
