/**
 * Throughput of the `batch` processor for each signal, as batches grow from 1 to 64 requests,
 * against a pass-through processor measured in the same run. For profiles, every request carries
 * its own dictionary and each batch merges them into one, so the profiles rows are the cost of
 * dictionary merging in samples per second.
 *
 * Input: 64 requests of about 100 items per signal (traces and logs: 2 scopes x 50 items with 6
 * attributes; metrics: 4 metrics of mixed types x 25 points; profiles: 2 profiles x 50 samples
 * with a dictionary of 60 strings, 40 functions, 60 locations, 30 stacks). With
 * `send_batch_size` = k x the request size and no timeout, the processor sends batches of about k
 * merged requests. Every round feeds the 64 requests 256 times (profiles: 4 times); each figure is the fastest of 5
 * rounds. The same request objects are fed every round: with `send_batch_max_size` 0 nothing is
 * split, and merging builds new containers (for profiles, new samples against a new dictionary)
 * without changing its inputs, so reusing them is safe and keeps cloning out of the run time.
 *
 * Each batch size runs twice: with the requests **received**, as the `otlp` receiver hands them on
 * (`fromProto` of their encoding: bytes that batches concatenate), and **decoded**, as a processor
 * that read them hands them on (objects, which `batch` encodes as they arrive, the work the
 * exporter would otherwise do).
 *
 * Run: `deno run -A bench/batchprocessor_bench.ts` (or `deno task bench batch`).
 *
 * @module
 */

import { factory as batchFactory } from "@denocol/batchprocessor";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import type { Consumer } from "@denocol/consumer";
import * as pdata from "@denocol/pdata";
import { randomLogs, randomMetrics, randomTraces, seededRandom } from "@denocol/pdata/pdatatest";
import { type Profiles, profiles } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";

const REQUESTS = 64;
const ROUNDS = 5;
const GROWTH = [1, 2, 4, 8, 16, 32, 64];

interface SignalCase<T> {
  name: string;
  unit: string;
  helpers: pdata.SignalDescriptor<T>;
  requests: T[];
  /** Times the requests are fed per round, so that a round lasts long enough to time. */
  repeat: number;
  create: (
    config: ReturnType<typeof batchFactory.createDefaultConfig>,
    next: Consumer<T>,
  ) => Consumer<T> & {
    shutdown(): Promise<void>;
    start(host: ReturnType<typeof nopHost>): Promise<void>;
  };
}

const settings = nopSettings("processor", "batch");

function countingSink<T>(helpers: pdata.SignalDescriptor<T>): Consumer<T> & { items: number } {
  const sink = {
    items: 0,
    capabilities: () => ({ mutatesData: false }),
    consume(data: T): Promise<void> {
      sink.items += helpers.count(data);
      return Promise.resolve();
    },
  };
  return sink;
}

/** Best items per second over the rounds of feeding every request through `makePipeline`. */
async function itemsPerSecond<T>(
  c: SignalCase<T>,
  requests: readonly T[],
  makePipeline: (sink: Consumer<T>) => Promise<{ head: Consumer<T>; finish: () => Promise<void> }>,
): Promise<number> {
  const total = c.repeat * requests.reduce((n, r) => n + c.helpers.count(r), 0);
  let best = 0;
  for (let round = 0; round < ROUNDS + 1; round++) {
    const inputs: T[] = [];
    for (let i = 0; i < c.repeat; i++) inputs.push(...requests);
    const sink = countingSink(c.helpers);
    const { head, finish } = await makePipeline(sink);
    const start = performance.now();
    for (const input of inputs) await head.consume(input);
    await finish();
    const elapsed = performance.now() - start;
    if (sink.items !== total) throw new Error(`${c.name}: ${sink.items} of ${total} items arrived`);
    if (round > 0) best = Math.max(best, total / (elapsed / 1000)); // round 0 warms up
  }
  return best;
}

function passThrough<T>(sink: Consumer<T>) {
  const head: Consumer<T> = {
    capabilities: () => ({ mutatesData: false }),
    consume: (data, context) => sink.consume(data, context),
  };
  return Promise.resolve({ head, finish: () => Promise.resolve() });
}

const random = seededRandom(7);
const shape = { resources: 1, scopes: 2, items: 50, attributes: 6 };
const cases: SignalCase<unknown>[] = [
  {
    name: "traces",
    repeat: 256,
    unit: "spans/s",
    helpers: pdata.traces,
    requests: Array.from({ length: REQUESTS }, () => randomTraces(random, shape, true)),
    create: (config, next) =>
      batchFactory.createTraces(settings, config, next as Consumer<pdata.Traces>),
  },
  {
    name: "metrics",
    repeat: 256,
    unit: "points/s",
    helpers: pdata.metrics,
    requests: Array.from(
      { length: REQUESTS },
      () => randomMetrics(random, { resources: 1, scopes: 1, items: 4, attributes: 4 }, 25, true),
    ),
    create: (config, next) =>
      batchFactory.createMetrics(settings, config, next as Consumer<pdata.Metrics>),
  },
  {
    name: "logs",
    repeat: 256,
    unit: "records/s",
    helpers: pdata.logs,
    requests: Array.from({ length: REQUESTS }, () => randomLogs(random, shape, true)),
    create: (config, next) =>
      batchFactory.createLogs(settings, config, next as Consumer<pdata.Logs>),
  },
  {
    name: "profiles",
    repeat: 4,
    unit: "samples/s",
    helpers: profiles,
    requests: Array.from({ length: REQUESTS }, (_, i) =>
      generateProfiles({
        seed: i + 1,
        maxResources: 1,
        maxScopes: 1,
        maxProfiles: 2,
        samplesPerProfile: 50,
        strings: 60,
        functions: 40,
        locations: 60,
        stacks: 30,
      })),
    create: (config, next) =>
      batchFactory.createProfiles(settings, config, next as Consumer<Profiles>),
  },
] as SignalCase<unknown>[];

const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
const ratio = (n: number) => n.toFixed(2);

console.log(
  `batch processor: ${REQUESTS} distinct requests fed repeatedly per round, ` +
    `best of ${ROUNDS} rounds`,
);
for (const c of cases) {
  const perRequest = Math.round(
    c.requests.reduce((n: number, r) => n + c.helpers.count(r), 0) / REQUESTS,
  );
  const received = c.requests.map((r) => c.helpers.fromProto(c.helpers.encodeProto(r)));
  const baseline = await itemsPerSecond(c, c.requests, passThrough);
  console.log(
    `\n${c.name} (${perRequest} items per request, ${c.repeat * REQUESTS} requests per round), ` +
      c.unit,
  );
  console.log(`  pass-through baseline      ${fmt(baseline).padStart(12)}`);
  console.log(
    `                             ${"received".padStart(12)}   ${"decoded".padStart(12)}`,
  );
  for (const k of GROWTH) {
    const rate = (requests: readonly unknown[]) =>
      itemsPerSecond(c, requests, async (sink) => {
        const config = {
          ...batchFactory.createDefaultConfig(),
          send_batch_size: k * perRequest,
          timeout: "1h",
        };
        const batch = c.create(config, sink);
        await batch.start(nopHost());
        return { head: batch, finish: () => batch.shutdown() };
      });
    const asReceived = await rate(received);
    const asDecoded = await rate(c.requests);
    console.log(
      `  batch of ${String(k).padStart(2)} request${k === 1 ? " " : "s"}    ${
        fmt(asReceived).padStart(12)
      }   ${fmt(asDecoded).padStart(12)}   x${ratio(asReceived / baseline)} and x${
        ratio(asDecoded / baseline)
      } of baseline`,
    );
  }
}
