/**
 * `deno doc --lint` over every module that a workspace package exports, all in one run so
 * that types shared between workspace packages resolve as public.
 *
 * Findings located inside an npm package's own type declarations are not ours to fix and are
 * left out (protobuf-es's message types, which pdata re-exports, refer to helper types that
 * protobuf-es does not export). Every finding in this repository's files fails the step.
 * Generated protobuf modules are documented by their schemas and re-exported, documented,
 * from each package's `mod.ts`, so they are not linted themselves.
 *
 * @module
 */

import { exportedModules, ROOT, workspaceMembers } from "./workspace.ts";

/** One diagnostic block of `deno doc --lint` output. */
export interface DocLintFinding {
  /** The whole block as printed. */
  text: string;
  /** Whether the finding is located in an npm package's own type declarations. */
  inNpmPackage: boolean;
}

/** Splits the plain-text output of `deno doc --lint` into findings. */
export function parseDocLintOutput(output: string): DocLintFinding[] {
  const blocks = output.split(/\n(?=error\[)/).filter((block) => block.startsWith("error["));
  return blocks.map((text) => {
    const location = /-->\s*(\S+)/.exec(text)?.[1] ?? "";
    return { text, inNpmPackage: location.includes("/npm/") };
  });
}

if (import.meta.main) {
  const modules = workspaceMembers().flatMap(exportedModules).filter((p) => !p.includes("/gen/"));
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...modules],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const output = decoder.decode(result.stdout) + decoder.decode(result.stderr);
  const findings = parseDocLintOutput(output);
  const ours = findings.filter((finding) => !finding.inNpmPackage);
  for (const finding of ours) console.error(finding.text.trimEnd() + "\n");
  if (ours.length > 0 || (!result.success && findings.length === 0)) {
    if (findings.length === 0) console.error(output);
    console.error(`doc lint: ${ours.length} finding(s) in ${modules.length} modules`);
    Deno.exit(1);
  }
  const skipped = findings.length - ours.length;
  console.log(
    `doc lint: ${modules.length} modules clean` +
      (skipped > 0 ? ` (${skipped} references into npm packages' own types left out)` : ""),
  );
}
