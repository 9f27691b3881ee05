import assert from "node:assert/strict";
import plugin from "./denocol_lint.ts";
import { ROOT } from "../workspace.ts";

function lint(relativePath: string, source: string): Deno.lint.Diagnostic[] {
  return Deno.lint.runPlugin(plugin, `${ROOT}${relativePath}`, source);
}

function ruleIds(diagnostics: Deno.lint.Diagnostic[]): string[] {
  return diagnostics.map((d) => d.id).sort();
}

// Which packages are protected is tested in twin_boundary_test.ts, from a list of its own.
Deno.test("twin-boundary reports a stable package importing a twin by package name", () => {
  const diagnostics = lint(
    "consumer/violation.ts",
    `import { x } from "@denocol/consumer-experimental";\nexport { x };\n`,
  );
  assert.deepEqual(ruleIds(diagnostics), ["denocol/twin-boundary"]);
  assert.match(diagnostics[0].message, /"consumer"/);
  assert.match(diagnostics[0].message, /@denocol\/consumer-experimental/);
});

Deno.test("twin-boundary reports every import form: subpath, jsr:, export from, type, dynamic", () => {
  const forms = [
    `import "jsr:@denocol/pdata-experimental@0.0.1";`,
    `import { y } from "@denocol/pdata-experimental/helpers";`,
    `export * from "@denocol/receiver-experimental";`,
    `export { z } from "@denocol/exporter-experimental";`,
    `import type { T } from "@denocol/component-experimental";`,
    `const m = await import("@denocol/connector-experimental");`,
    `type U = typeof import("@denocol/processor-experimental");`,
  ];
  for (const source of forms) {
    assert.deepEqual(
      ruleIds(lint("pdata/violation.ts", source)),
      ["denocol/twin-boundary"],
      source,
    );
  }
});

Deno.test("twin-boundary reports a stable package importing a twin folder by path", () => {
  const diagnostics = lint(
    "consumer/sub/violation.ts",
    `import "../../consumer_experimental/mod.ts";`,
  );
  assert.deepEqual(ruleIds(diagnostics), [
    "denocol/no-cross-package-path",
    "denocol/twin-boundary",
  ]);
  const twin = diagnostics.find((d) => d.id === "denocol/twin-boundary")!;
  assert.match(twin.message, /consumer_experimental\//);
});

Deno.test("twin-boundary allows twins, service and components to import twins", () => {
  const source = `import "@denocol/consumer-experimental";`;
  for (
    const file of [
      "consumer_experimental/mod.ts",
      "pdata_experimental/x.ts",
      "service/graph.ts",
      "otelcol/main.ts",
      "components/otlpreceiver/mod.ts",
    ]
  ) {
    assert.deepEqual(lint(file, source), [], file);
  }
});

Deno.test("twin-boundary allows a stable package to import stable packages", () => {
  assert.deepEqual(lint("consumer/mod.ts", `import "@denocol/pdata"; import "./x.ts";`), []);
});

Deno.test("no-cross-package-path reports a relative import that leaves the package", () => {
  const diagnostics = lint("service/config.ts", `import "../component/mod.ts";`);
  assert.deepEqual(ruleIds(diagnostics), ["denocol/no-cross-package-path"]);
  const nested = lint("components/batchprocessor/mod.ts", `import "../debugexporter/mod.ts";`);
  assert.deepEqual(ruleIds(nested), ["denocol/no-cross-package-path"]);
  assert.deepEqual(lint("components/batchprocessor/a/b.ts", `import "../mod.ts";`), []);
});

Deno.test("the real tree has no violations of denocol's rules", () => {
  let files = 0;
  for (const path of sourceFiles(ROOT)) {
    const relative = path.slice(ROOT.length);
    const diagnostics = Deno.lint.runPlugin(plugin, path, Deno.readTextFileSync(path));
    assert.deepEqual(diagnostics.map((d) => `${relative}: ${d.message}`), []);
    files++;
  }
  assert.ok(files > 100, `only ${files} files were linted`);
});

// A single-file run keeps this end-to-end check light: whole-tree `deno lint` runs as its own
// step of the check task, before the tests.
Deno.test("deno lint fails on a violating file, naming the file and the rule", async () => {
  const violating = `consumer/twin_boundary_probe_${crypto.randomUUID().slice(0, 8)}.ts`;
  Deno.writeTextFileSync(
    `${ROOT}${violating}`,
    `import "@denocol/consumer-experimental";\n`,
  );
  try {
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["lint", violating],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
    }).output();
    const output = new TextDecoder().decode(result.stdout) +
      new TextDecoder().decode(result.stderr);
    assert.equal(result.code, 1, output);
    assert.match(output, /denocol\/twin-boundary/);
    assert.ok(output.includes(violating), output);
  } finally {
    Deno.removeSync(`${ROOT}${violating}`);
  }
});

/** Every TypeScript file of the repository that `deno lint` checks (generated code excluded). */
function* sourceFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.name.startsWith(".") || entry.name === "node_modules" || entry.name === "gen") {
      continue;
    }
    const path = `${dir}${dir.endsWith("/") ? "" : "/"}${entry.name}`;
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts") && !entry.name.includes("twin_boundary_probe_")) {
      yield path;
    }
  }
}
