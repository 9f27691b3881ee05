/**
 * Cost per span of a typical `transform` (3 statements) and `filter` (1 condition) against a
 * pass-through processor, measured in the same run on the same input.
 *
 * Input: 40 requests of 100 spans (`randomTraces` of `@denocol/pdata/pdatatest`: 2 resources x 2
 * scopes x 25 spans, 6 attributes
 * each), decoded. Every processor consumes a fresh copy of each request (`traces.clone`, taken
 * before the clock starts), so that the transform writes into data no other round sees. Each
 * figure is the fastest of 7 rounds of 40 requests.
 *
 * - transform: `set(span.attributes["env"], "prod")`, `replace_pattern(span.name, "[0-9]+", "N")`,
 *   `delete_key(span.attributes, "http.user_agent")`;
 * - filter: `span.attributes["http.status_code"] == 500` (drops few spans);
 * - attributes: three Go contrib `attributes` actions on attributes every span has: `upsert`
 *   of `env`, `hash` (SHA-256) of `attr.0`, `delete` of `attr.1`.
 *
 * Run: `deno run -A bench/ottl_bench.ts` (or `deno task bench ottl`).
 *
 * @module
 */

import { nopHost, nopSettings } from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import { factory as attributesFactory } from "@denocol/attributesprocessor";
import { factory as filterFactory } from "@denocol/filterprocessor";
import { type Traces, traces } from "@denocol/pdata";
import { randomTraces, seededRandom } from "@denocol/pdata/pdatatest";
import { factory as transformFactory } from "@denocol/transformprocessor";

const REQUESTS = 40;
const ROUNDS = 7;

const random = seededRandom(17);
const inputs = Array.from(
  { length: REQUESTS },
  () => randomTraces(random, { resources: 2, scopes: 2, items: 25, attributes: 6 }, true),
);
const spansPerRound = inputs.reduce((sum, data) => sum + traces.count(data), 0);

const sink: Consumer<Traces> = {
  capabilities: () => ({ mutatesData: false }),
  consume: () => Promise.resolve(),
};

interface Row {
  name: string;
  consumer: Consumer<Traces>;
}

async function fastestRound(consumer: Consumer<Traces>): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const copies = inputs.map((data) => traces.clone(data));
    const start = performance.now();
    for (const copy of copies) await consumer.consume(copy);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const transform = transformFactory.createTraces(
  nopSettings("processor", "transform"),
  {
    ...transformFactory.createDefaultConfig(),
    trace_statements: [
      'set(span.attributes["env"], "prod")',
      'replace_pattern(span.name, "[0-9]+", "N")',
      'delete_key(span.attributes, "http.user_agent")',
    ],
  },
  sink,
);
const filter = filterFactory.createTraces(
  nopSettings("processor", "filter"),
  {
    ...filterFactory.createDefaultConfig(),
    traces: { span: ['attributes["http.status_code"] == 500'], spanevent: null },
  },
  sink,
);
const attributes = attributesFactory.createTraces(
  nopSettings("processor", "attributes"),
  {
    ...attributesFactory.createDefaultConfig(),
    actions: [
      { key: "env", value: "prod", action: "upsert" },
      { key: "attr.0", action: "hash" },
      { key: "attr.1", action: "delete" },
    ],
  },
  sink,
);
await transform.start(nopHost());
await filter.start(nopHost());
await attributes.start(nopHost());

const rows: Row[] = [
  { name: "pass-through", consumer: sink },
  { name: "transform (3 statements)", consumer: transform },
  { name: "filter (1 condition)", consumer: filter },
  { name: "attributes (3 actions)", consumer: attributes },
];
const results: { name: string; nsPerSpan: number }[] = [];
for (const row of rows) {
  const ms = await fastestRound(row.consumer);
  results.push({ name: row.name, nsPerSpan: (ms * 1e6) / spansPerRound });
}
await transform.shutdown();
await filter.shutdown();
await attributes.shutdown();

const base = results[0].nsPerSpan;
console.log(`${spansPerRound} spans per round, fastest of ${ROUNDS} rounds`);
console.log("| processor                 | ns per span | over pass-through |");
console.log("| ------------------------- | ----------- | ----------------- |");
for (const { name, nsPerSpan } of results) {
  console.log(
    `| ${name.padEnd(25)} | ${nsPerSpan.toFixed(0).padStart(11)} | ${
      (nsPerSpan - base).toFixed(0).padStart(14)
    } ns |`,
  );
}
