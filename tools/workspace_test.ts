import assert from "node:assert/strict";
import { ROOT, workspaceMembers } from "./workspace.ts";

const members = workspaceMembers();

Deno.test("every workspace member is a JSR package named after its folder", () => {
  assert.ok(members.length >= 17);
  for (const member of members) {
    const leaf = member.folder.split("/").at(-1)!;
    assert.equal(member.name, `@denocol/${leaf.replaceAll("_", "-")}`, member.folder);
    assert.match(member.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/, member.folder);
    assert.equal(member.exports["."], "./mod.ts", member.folder);
  }
});

Deno.test("every twin is 0.x and has its stable package in the workspace", () => {
  const names = new Set(members.map((m) => m.folder));
  for (const member of members.filter((m) => m.folder.endsWith("_experimental"))) {
    assert.match(member.version, /^0\./, member.folder);
    assert.ok(names.has(member.folder.replace(/_experimental$/, "")), member.folder);
  }
});

Deno.test("every package's mod.ts opens with a module doc", () => {
  for (const member of members) {
    const source = Deno.readTextFileSync(`${ROOT}${member.folder}/mod.ts`);
    assert.match(source, /^\/\*\*[\s\S]*?@module[\s\S]*?\*\//, member.folder);
  }
});

Deno.test("every package has tests beside its code", () => {
  for (const member of members) {
    const tests = [...walk(`${ROOT}${member.folder}`)].filter((p) => p.endsWith("_test.ts"));
    assert.ok(tests.length > 0, `${member.folder} has no *_test.ts`);
  }
});

Deno.test(".ci/run runs exactly the README's test command", () => {
  const readme = Deno.readTextFileSync(`${ROOT}README.md`);
  const ci = Deno.readTextFileSync(`${ROOT}.ci/run`);
  const commands = [...readme.matchAll(/^(npx [^#\n]*?)\s+#/gm)].map((m) => m[1].trim());
  assert.equal(commands.length, 2, "the README has exactly two set-up commands");
  assert.match(commands[0], /task collector$/);
  assert.match(commands[1], /task test$/);
  const ciCommands = ci.split("\n").filter((line) => line.startsWith("npx "));
  assert.deepEqual(ciCommands, [commands[1]]);
});

function* walk(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else yield path;
  }
}
