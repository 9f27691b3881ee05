import assert from "node:assert/strict";
import { ensureSystemPackages, findCommand, SYSTEM_PACKAGES } from "./system_packages.ts";

Deno.test("system packages: present commands are found and left alone", async () => {
  assert.ok(findCommand("sh") !== undefined);
  assert.equal(findCommand("denocol-no-such-command"), undefined);
  const report = await ensureSystemPackages([{ command: "sh", debian: "dash", usedBy: "nothing" }]);
  assert.equal(report.length, 1);
  assert.match(report[0], /^sh: present \(/);
});

Deno.test("system packages: every entry names its command, package and users", () => {
  for (const p of SYSTEM_PACKAGES) {
    assert.match(p.command, /^[a-z0-9-]+$/);
    assert.match(p.debian, /^[a-z0-9.+-]+$/);
    assert.ok(p.usedBy.length > 0);
  }
});
