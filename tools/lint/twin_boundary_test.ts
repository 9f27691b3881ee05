/**
 * Tests of `denocol/twin-boundary`: which packages it protects, named here and derived from the
 * workspace rather than read from the rule, and every way a module can reach a twin.
 */

import assert from "node:assert/strict";
import plugin from "./denocol_lint.ts";
import { ROOT, workspaceMembers } from "../workspace.ts";

const TWIN_RULE = "denocol/twin-boundary";

/** The stable framework packages of the twin rule, written out so that the rule cannot shrink. */
const PROTECTED_PACKAGES = [
  "component",
  "config",
  "connector",
  "consumer",
  "exporter",
  "extension",
  "ottl",
  "pdata",
  "processor",
  "receiver",
];

function twinReports(relativePath: string, source: string): Deno.lint.Diagnostic[] {
  return Deno.lint.runPlugin(plugin, `${ROOT}${relativePath}`, source)
    .filter((d) => d.id === TWIN_RULE);
}

function assertReported(relativePath: string, source: string, message?: RegExp): void {
  const reports = twinReports(relativePath, source);
  assert.equal(reports.length, 1, `${relativePath}: ${source}`);
  if (message) assert.match(reports[0].message, message, source);
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** Workspace members that have an `_experimental` twin folder, plus `config` and `extension`. */
function stablePackagesOfWorkspace(): string[] {
  const folders = workspaceMembers().map((member) => member.folder);
  const withTwin = folders.filter((folder) =>
    !folder.endsWith("_experimental") && isDirectory(`${ROOT}${folder}_experimental`)
  );
  return [...withTwin, "config", "extension"].sort();
}

/** A violation of each kind, by package name and by path, for one stable package. */
function assertProtected(pkg: string): void {
  assertReported(`${pkg}/violation.ts`, `import "@denocol/consumer-experimental";`);
  assertReported(`${pkg}/sub/violation.ts`, `export * from "../../pdata_experimental/mod.ts";`);
}

Deno.test("twin-boundary protects each stable framework package of the twin rule", () => {
  for (const pkg of PROTECTED_PACKAGES) assertProtected(pkg);
});

Deno.test("twin-boundary protects every workspace package that has a twin, and config and extension", () => {
  const derived = stablePackagesOfWorkspace();
  // The derivation must find the packages the README names, or this test would check too little.
  for (const pkg of PROTECTED_PACKAGES) assert.ok(derived.includes(pkg), `${pkg} in ${derived}`);
  for (const pkg of derived) assertProtected(pkg);
});

Deno.test("twin-boundary reports a twin folder reached by absolute path or file URL", () => {
  const twinFile = `${ROOT}consumer_experimental/mod.ts`;
  const rootName = ROOT.split("/").at(-2);
  const forms = [
    `import "${twinFile}";`,
    `import "file://${twinFile}";`,
    `import "${new URL(`file://${twinFile}`).href}";`,
    // Climbing above the repository root and back in lands in the twin all the same.
    `import "../../${rootName}/consumer_experimental/mod.ts";`,
    // A twin of another checkout is a twin too.
    `import "/elsewhere/denocol/pdata_experimental/mod.ts";`,
  ];
  for (const source of forms) assertReported("consumer/violation.ts", source, /_experimental\//);
});

Deno.test("twin-boundary reports a twin named through npm:, jsr: or a registry URL", () => {
  const forms = [
    `import "npm:@denocol/consumer-experimental";`,
    `import "npm:/@denocol/consumer-experimental@0.1.0/sub";`,
    `import "jsr:@denocol/consumer-experimental@^0.1.0/sub";`,
    `import "jsr:/@denocol/consumer-experimental@0.1";`,
    `import "@denocol/consumer-experimental@^0.1.0";`,
    `import "https://jsr.io/@denocol/consumer-experimental/0.1.0/mod.ts";`,
    `import "https://esm.sh/jsr/@denocol/consumer-experimental@0.1.0";`,
  ];
  for (const source of forms) {
    assertReported("pdata/violation.ts", source, /@denocol\/consumer-experimental/);
  }
});

Deno.test("twin-boundary reports dynamic imports whose specifier is a template or a sum", () => {
  const named = [
    "await import(`@denocol/consumer-experimental`);",
    "await import(`../consumer_experimental/mod.ts`);",
    `await import("@denocol/" + "consumer-experimental");`,
    "await import(`@denocol/${'consumer'}-experimental`);",
  ];
  for (const source of named) assertReported("receiver/violation.ts", source, /experimental/);
  // Static parts that spell out a twin are enough, whatever the substitution holds.
  const partial = [
    "await import(`@denocol/${signal}-experimental`);",
    "await import(`../${signal}_experimental/mod.ts`);",
    "await import(`npm:@denocol/${signal}-experimental@0.1.0`);",
  ];
  for (const source of partial) {
    assertReported("receiver/violation.ts", source, /names an experimental twin/);
  }
});

Deno.test("twin-boundary reports a specifier it cannot resolve, since it cannot check it", () => {
  const computed = [
    "await import(specifier);",
    "await import(`@denocol/${name}`);",
    "await import(`./${file}.ts`);",
    `await import("./" + file);`,
    "import.meta.resolve(specifier);",
  ];
  for (const source of computed) {
    assertReported("exporter/violation.ts", source, /computed at run time/);
  }
});

Deno.test("twin-boundary reports import type, export from, import = require, import.meta.resolve", () => {
  const forms = [
    `import type { T } from "@denocol/consumer-experimental";`,
    `import { type T } from "../consumer_experimental/mod.ts";`,
    `export type { T } from "@denocol/consumer-experimental";`,
    `export { x as y } from "jsr:@denocol/consumer-experimental";`,
    `export * as twin from "@denocol/consumer-experimental";`,
    `import twin = require("@denocol/consumer-experimental");`,
    `export import twin = require("../consumer_experimental/mod.ts");`,
    `const twin = require("@denocol/consumer-experimental");`,
    `import.meta.resolve("@denocol/consumer-experimental");`,
    `import.meta.resolve("../consumer_experimental/mod.ts");`,
    `new Worker(new URL("../consumer_experimental/worker.ts", import.meta.url));`,
    `declare module "@denocol/consumer-experimental" { interface X { y: 1 } }`,
  ];
  for (const source of forms) assertReported("connector/violation.ts", source);
});

Deno.test("twin-boundary reports twins named in reference and type directives", () => {
  const forms = [
    `/// <reference path="../consumer_experimental/types.d.ts" />\nexport {};`,
    `/// <reference types="npm:@denocol/consumer-experimental" />\nexport {};`,
    `// @ts-types="../consumer_experimental/mod.d.ts"\nimport x from "./x.js";\nexport { x };`,
    `// @deno-types="@denocol/consumer-experimental"\nimport x from "./x.js";\nexport { x };`,
  ];
  for (const source of forms) assertReported("component/violation.ts", source, /experimental/);
});

Deno.test("twin-boundary leaves stable specifiers of a stable package alone", () => {
  const forms = [
    `import "${ROOT}consumer/other.ts";`,
    `import "file://${ROOT}consumer/other.ts";`,
    `import "npm:@denocol/pdata";`,
    `import "jsr:@denocol/pdata@^0.1.0/wire";`,
    `import "@denocol/pdata-experimentalish";`,
    `import "https://jsr.io/@denocol/pdata/0.1.0/mod.ts";`,
    "await import(`./other.ts`);",
    "await import(`@denocol/pdata`);",
    `import.meta.resolve("./other.ts");`,
    `new URL("./testdata/experimental.bin", import.meta.url);`,
    `new URL(name, import.meta.url);`,
    `const experimental = "consumer_experimental/";`,
    `/// <reference lib="deno.ns" />\nexport {};`,
    `// consumer_experimental/ is only mentioned here\nexport {};`,
  ];
  for (const source of forms) {
    assert.deepEqual(twinReports("consumer/ok.ts", source), [], source);
  }
});

Deno.test("twin-boundary follows the package's and the root's import maps to a twin", async () => {
  // A scratch workspace with its own copy of the plugin, whose root is the plugin's `../../`,
  // so that its import maps can say what the real tree's must not.
  const dir = await Deno.makeTempDir({ prefix: "denocol_lint_" });
  try {
    await Deno.mkdir(`${dir}/tools/lint`, { recursive: true });
    await Deno.mkdir(`${dir}/consumer`);
    for (const name of ["denocol_lint.ts", "module_references.ts"]) {
      await Deno.copyFile(new URL(name, import.meta.url), `${dir}/tools/lint/${name}`);
    }
    const rootImports = {
      "root-twin": "./consumer_experimental/mod.ts",
      "root-twins/": "./pdata_experimental/",
      "twin-package": "jsr:@denocol/consumer-experimental@^0.1.0",
      "stable": "./pdata/mod.ts",
      "shadowed": "./pdata_experimental/mod.ts",
    };
    const memberImports = {
      "member-twin": "../consumer_experimental/mod.ts",
      "shadowed": "./local.ts",
    };
    await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports: rootImports }));
    await Deno.writeTextFile(
      `${dir}/consumer/deno.json`,
      JSON.stringify({ imports: memberImports }),
    );
    const copy: { default: Deno.lint.Plugin } = await import(
      new URL(`file://${dir}/tools/lint/denocol_lint.ts`).href
    );
    const reports = (source: string) =>
      Deno.lint.runPlugin(copy.default, `${dir}/consumer/mod.ts`, source)
        .filter((d) => d.id === TWIN_RULE);
    for (
      const alias of ["root-twin", "root-twins/mod.ts", "twin-package", "member-twin"]
    ) {
      assert.equal(reports(`import "${alias}";`).length, 1, alias);
    }
    // The member's map comes first, as in Deno; names no map knows are left alone.
    for (const alias of ["stable", "shadowed", "yaml", "@denocol/pdata"]) {
      assert.deepEqual(reports(`import "${alias}";`), [], alias);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
