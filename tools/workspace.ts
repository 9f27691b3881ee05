/**
 * Reads the workspace layout from the root `deno.json`, for the tools that check every package.
 *
 * @module
 */

/** One workspace member: its folder and the parts of its `deno.json` the tools use. */
export interface WorkspaceMember {
  /** Folder relative to the repository root, without `./`. */
  folder: string;
  /** JSR package name, such as `@denocol/consumer`. */
  name: string;
  /** Package version. */
  version: string;
  /** Export map: subpath to module path relative to the member folder. */
  exports: Record<string, string>;
}

/** Absolute path of the repository root, ending in `/`. */
export const ROOT: string = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** Lists every member of the workspace declared in the root `deno.json`. */
export function workspaceMembers(): WorkspaceMember[] {
  const root = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)) as { workspace: string[] };
  return root.workspace.map((entry) => {
    const folder = entry.replace(/^\.\//, "").replace(/\/$/, "");
    const config = JSON.parse(Deno.readTextFileSync(`${ROOT}${folder}/deno.json`));
    const exports = typeof config.exports === "string" ? { ".": config.exports } : config.exports;
    return { folder, name: config.name, version: config.version, exports };
  });
}

/** Absolute paths of every module a member exports. */
export function exportedModules(member: WorkspaceMember): string[] {
  return Object.values(member.exports).map((path) =>
    `${ROOT}${member.folder}/${path.replace(/^\.\//, "")}`
  );
}
