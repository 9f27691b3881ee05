/**
 * Runs every benchmark file in this folder (`bench/*_bench.ts`), one process each, in name order
 * (`deno task bench`). Pass names to run only some: `deno task bench pdata` runs the files whose
 * name contains "pdata".
 *
 * @module
 */

const folder = new URL(".", import.meta.url);
const filters = Deno.args;
const files = [...Deno.readDirSync(folder)]
  .map((entry) => entry.name)
  .filter((name) => name.endsWith("_bench.ts"))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`bench: no bench/*_bench.ts file matches ${filters.join(", ")}`);
  Deno.exit(1);
}

let failed = 0;
for (const file of files) {
  console.log(`\n== bench/${file}`);
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(file, folder).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    console.error(`bench: bench/${file} failed (exit ${status.code})`);
    failed++;
  }
}
if (failed > 0) Deno.exit(1);
