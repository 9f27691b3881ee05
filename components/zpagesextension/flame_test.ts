import assert from "node:assert/strict";
import { profiles } from "@denocol/pdata-experimental";
import { FlameGraphs, MAX_FLAME_NODES } from "./flame.ts";

function profileOf(service: string, stacks: string[][], value = 1) {
  const strings = ["", ...new Set(stacks.flat())];
  const index = (name: string) => strings.indexOf(name);
  const names = strings.slice(1);
  return profiles.decodeJson(JSON.stringify({
    dictionary: {
      stringTable: strings,
      functionTable: [{}, ...names.map((n) => ({ nameStrindex: index(n) }))],
      locationTable: [{}, ...names.map((n) => ({ lines: [{ functionIndex: index(n) }] }))],
      // Stacks are given root first; the dictionary keeps them leaf first.
      stackTable: [{}, ...stacks.map((s) => ({ locationIndices: s.map(index).reverse() }))],
      mappingTable: [{}],
      attributeTable: [{}],
      linkTable: [{}],
    },
    resourceProfiles: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
      scopeProfiles: [{
        profiles: [{
          samples: stacks.map((_, i) => ({ stackIndex: i + 1, values: [String(value)] })),
        }],
      }],
    }],
  }));
}

Deno.test("flame graphs: stacks root first, values summed, the latest profiles per service", () => {
  const graphs = new FlameGraphs(2);
  graphs.add(profileOf("a", [["main", "f"], ["main", "g"], ["main", "f", "h"]], 2));
  const [a] = graphs.graphs();
  assert.equal(a.service, "a");
  assert.equal(a.root.value, 6);
  const main = a.root.children[0];
  assert.deepEqual([main.name, main.value], ["main", 6]);
  assert.deepEqual(main.children.map((c) => [c.name, c.value]), [["f", 4], ["g", 2]]);
  graphs.add(profileOf("a", [["other"]]));
  assert.equal(graphs.graphs()[0].root.children[0].name, "other", "a newer profile replaces");
  graphs.add(profileOf("b", [["x"]]));
  graphs.add(profileOf("c", [["y"]]));
  assert.deepEqual(graphs.graphs().map((g) => g.service), ["c", "b"], "at most 2 services");
});

Deno.test("flame graphs: a graph stops growing at MAX_FLAME_NODES frames", () => {
  const graphs = new FlameGraphs();
  const stacks = Array.from({ length: MAX_FLAME_NODES + 10 }, (_, i) => [`f${i}`]);
  graphs.add(profileOf("wide", stacks));
  const root = graphs.graphs()[0].root;
  assert.equal(root.value, MAX_FLAME_NODES + 10);
  assert.ok(root.children.length <= MAX_FLAME_NODES);
  assert.equal(root.children.at(-1)!.name, "(truncated)");
});
