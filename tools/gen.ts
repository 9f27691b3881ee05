/**
 * Regenerates the TypeScript for the OTLP protobuf schemas (`deno task gen`).
 *
 * Schemas of stable signals live in `pdata/proto` and generate into `pdata/gen`; the
 * experimental profiles schemas live in `pdata_experimental/proto` and generate into
 * `pdata_experimental/gen`, whose imports of the common and resource messages are rewritten
 * to the `@denocol/pdata` package so that no generated file reaches across package folders.
 *
 * With `--check` it generates into a temporary folder and fails when the committed generated
 * code differs, which is how CI catches stale generated code.
 *
 * Then it runs `tools/gen_wire.ts` (with `--check` too), which generates the schema-specific
 * binary codecs (`pdata/wire/gen`, `pdata_experimental/wire/gen`) from the generated descriptors.
 *
 * @module
 */

import { ROOT } from "./workspace.ts";

/** Exact versions, so that the generated code only changes when these are bumped on purpose. */
const BUF = "npm:@bufbuild/buf@1.75.0";
const PROTOC_GEN_ES = "npm:@bufbuild/protoc-gen-es@2.17.0";

/** One generation target: which module's schemas, where the output goes, extra plugin options. */
interface Target {
  module: string;
  out: string;
  options: string[];
}

const TARGETS: Target[] = [
  { module: "pdata/proto", out: "pdata/gen", options: [] },
  {
    module: "pdata_experimental/proto",
    out: "pdata_experimental/gen",
    options: [
      "rewrite_imports=./opentelemetry/proto/common/**/*_pb.js:@denocol/pdata/gen",
      "rewrite_imports=./opentelemetry/proto/resource/**/*_pb.js:@denocol/pdata/gen",
    ],
  },
];

async function run(args: string[]): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT }).output();
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr);
    throw new Error(`gen: deno ${args.join(" ")} failed (exit ${output.code}):\n${stderr}`);
  }
}

/** Generates every target below `outRoot` (the repository root, or a scratch folder). */
async function generate(outRoot: string): Promise<void> {
  for (const target of TARGETS) {
    const template = {
      version: "v2",
      plugins: [{
        local: [Deno.execPath(), "run", "--allow-read", "--allow-env", PROTOC_GEN_ES],
        out: `${outRoot}${target.out}`,
        opt: ["target=ts", "import_extension=ts", ...target.options],
        include_imports: false,
      }],
    };
    await run([
      "run",
      "-A",
      BUF,
      "generate",
      target.module,
      "--template",
      JSON.stringify(template),
    ]);
  }
}

function listFiles(dir: string, prefix = ""): string[] {
  const files: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return files;
    throw error;
  }
  for (const entry of entries) {
    const relative = `${prefix}${entry.name}`;
    if (entry.isDirectory) files.push(...listFiles(`${dir}/${entry.name}`, `${relative}/`));
    else files.push(relative);
  }
  return files.sort();
}

if (Deno.args.includes("--check")) {
  const scratch = await Deno.makeTempDir({ prefix: "denocol-gen-" });
  try {
    await generate(`${scratch}/`);
    const stale: string[] = [];
    for (const target of TARGETS) {
      const fresh = listFiles(`${scratch}/${target.out}`);
      const committed = listFiles(`${ROOT}${target.out}`);
      for (const file of new Set([...fresh, ...committed])) {
        const readOrEmpty = (path: string) => {
          try {
            return Deno.readTextFileSync(path);
          } catch {
            return undefined;
          }
        };
        const a = readOrEmpty(`${scratch}/${target.out}/${file}`);
        const b = readOrEmpty(`${ROOT}${target.out}/${file}`);
        if (a !== b) stale.push(`${target.out}/${file}`);
      }
    }
    if (stale.length > 0) {
      console.error(
        `gen: generated code is stale; run \`deno task gen\` and commit:\n  ${stale.join("\n  ")}`,
      );
      Deno.exit(1);
    }
    console.log("gen: generated code is current");
    await run([
      "run",
      "--allow-read",
      "--allow-run",
      "--allow-env",
      "tools/gen_wire.ts",
      "--check",
    ]);
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
} else {
  for (const target of TARGETS) {
    await Deno.remove(`${ROOT}${target.out}`, { recursive: true }).catch(() => {});
  }
  await generate(ROOT);
  console.log(`gen: wrote ${TARGETS.map((t) => t.out).join(", ")}`);
  await run([
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-run",
    "--allow-env",
    "tools/gen_wire.ts",
  ]);
}
