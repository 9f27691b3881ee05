import assert from "node:assert/strict";
import type { Kind } from "@denocol/component";
import type { Factories } from "@denocol/service";
import { BUILTIN_COMPONENTS, loadBuiltinFactories, namedTypes } from "./builtin.ts";
import { components } from "./mod.ts";

const SECTION: Record<Kind, keyof Factories> = {
  receiver: "receivers",
  processor: "processors",
  exporter: "exporters",
  connector: "connectors",
  extension: "extensions",
};

const typesOf = (factories: Factories, kind: Kind) =>
  (factories[SECTION[kind]] ?? []).map((factory) => factory.type);

Deno.test("builtin: each entry loads the factory components() has for that kind and type", async () => {
  const all = components();
  for (const kind of Object.keys(SECTION) as Kind[]) {
    const entries: readonly { type: string; load(): Promise<{ type: string }> }[] =
      BUILTIN_COMPONENTS[kind];
    assert.deepEqual(entries.map((entry) => entry.type), typesOf(all, kind), kind);
    for (const entry of entries) {
      const factory = await entry.load();
      assert.equal(factory.type, entry.type);
      assert.ok(
        (all[SECTION[kind]] as readonly unknown[]).includes(factory),
        `${kind} ${entry.type} is the same factory object`,
      );
    }
  }
});

Deno.test("builtin: namedTypes reads the types of every section, named instances included", () => {
  const named = namedTypes({
    receivers: { otlp: null, "otlp/2": {}, "pprof/files": {} },
    processors: { "batch/x": null },
    exporters: "not a map",
    connectors: { forward: {} },
    service: { extensions: ["zpages"] },
  });
  assert.deepEqual([...named.get("receiver")!], ["otlp", "pprof"]);
  assert.deepEqual([...named.get("processor")!], ["batch"]);
  assert.deepEqual([...named.get("exporter")!], []);
  assert.deepEqual([...named.get("connector")!], ["forward"]);
  assert.deepEqual([...named.get("extension")!], [], "only the extensions section names them");
  assert.deepEqual([...namedTypes(undefined).values()].map((s) => s.size), [0, 0, 0, 0, 0]);
});

Deno.test("builtin: only the named types are loaded; an unknown name loads every type", async () => {
  const wanted = namedTypes({
    receivers: { otlp: null },
    processors: { batch: null, "memory_limiter/a": {} },
    exporters: { otlphttp: {} },
    extensions: { zpages: {} },
  });
  const some = await loadBuiltinFactories(wanted);
  assert.deepEqual(typesOf(some, "receiver"), ["otlp"]);
  assert.deepEqual(typesOf(some, "processor"), ["batch", "memory_limiter"]);
  assert.deepEqual(typesOf(some, "exporter"), ["otlphttp"]);
  assert.deepEqual(typesOf(some, "connector"), []);
  assert.deepEqual(typesOf(some, "extension"), ["zpages"]);

  const unknown = await loadBuiltinFactories(namedTypes({ receivers: { otlp: null, kafka: {} } }));
  for (const kind of Object.keys(SECTION) as Kind[]) {
    assert.deepEqual(typesOf(unknown, kind), typesOf(components(), kind), kind);
  }
});

Deno.test("builtin: the otelcol command reaches no component package before the config names it", async () => {
  // The static import graph of main.ts (dynamic imports left out), as `deno info` reads it.
  const main = new URL("./main.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", main],
    stderr: "inherit",
  }).output();
  assert.ok(output.success, "deno info ran");
  interface Dependency {
    isDynamic?: boolean;
    code?: { specifier?: string };
    type?: { specifier?: string };
  }
  const graph: { roots: string[]; modules: { specifier: string; dependencies?: Dependency[] }[] } =
    JSON.parse(new TextDecoder().decode(output.stdout));
  const modules = new Map(graph.modules.map((module) => [module.specifier, module]));
  const reached = new Set<string>();
  const pending = [...graph.roots];
  while (pending.length > 0) {
    const specifier = pending.pop()!;
    if (reached.has(specifier)) continue;
    reached.add(specifier);
    for (const dependency of modules.get(specifier)?.dependencies ?? []) {
      if (dependency.isDynamic) continue;
      for (const target of [dependency.code?.specifier, dependency.type?.specifier]) {
        if (target !== undefined) pending.push(target);
      }
    }
  }
  const root = new URL("../", import.meta.url).href;
  assert.ok(reached.has(new URL("./builtin.ts", import.meta.url).href), "the walk follows imports");
  const components = [...reached].filter((specifier) => specifier.startsWith(`${root}components/`));
  assert.deepEqual(components, []);
});
