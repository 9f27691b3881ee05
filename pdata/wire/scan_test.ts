// The validating scans against the decoders they stand in for: a scan may refuse what the
// decoder accepts (its callers then decode), never accept what the decoder refuses, and must count
// the items the decoded data holds.

import assert from "node:assert/strict";
import { type Message, toBinary } from "@bufbuild/protobuf";
import {
  edgeLogs,
  edgeMetrics,
  edgeTraces,
  randomLogs,
  randomMetrics,
  randomTraces,
  seededRandom,
} from "@denocol/pdata/pdatatest";
import {
  logs,
  LogsDataSchema,
  metrics,
  MetricsDataSchema,
  traces,
  TracesDataSchema,
} from "@denocol/pdata";
import { MAX_NESTING_DEPTH } from "../json.ts";
import { scanLogsData, scanMetricsData, scanTracesData } from "./gen/otlp_wire.ts";
import { WireReader } from "./reader.ts";

interface Subject {
  name: string;
  scan: (r: WireReader, end: number, depth: number) => number;
  decode: (bytes: Uint8Array) => Message;
  count: (data: Message) => number;
  fixtures: () => Uint8Array[];
}

const random = seededRandom(7);
const shape = { resources: 3, scopes: 2, items: 5, attributes: 3 };

const subjects: Subject[] = [
  {
    name: "traces",
    scan: scanTracesData,
    decode: (bytes) => traces.decodeProto(bytes),
    count: (data) => traces.count(data as never),
    fixtures: () => [
      toBinary(TracesDataSchema, edgeTraces()),
      ...Array.from({ length: 10 }, () => traces.encodeProto(randomTraces(random, shape))),
    ],
  },
  {
    name: "metrics",
    scan: scanMetricsData,
    decode: (bytes) => metrics.decodeProto(bytes),
    count: (data) => metrics.count(data as never),
    fixtures: () => [
      toBinary(MetricsDataSchema, edgeMetrics()),
      ...Array.from({ length: 10 }, () => metrics.encodeProto(randomMetrics(random, shape, 3))),
    ],
  },
  {
    name: "logs",
    scan: scanLogsData,
    decode: (bytes) => logs.decodeProto(bytes),
    count: (data) => logs.count(data as never),
    fixtures: () => [
      toBinary(LogsDataSchema, edgeLogs()),
      ...Array.from({ length: 10 }, () => logs.encodeProto(randomLogs(random, shape))),
    ],
  },
];

function scan(subject: Subject, bytes: Uint8Array): number | undefined {
  try {
    return subject.scan(new WireReader(bytes, MAX_NESTING_DEPTH, false), bytes.length, 1);
  } catch {
    return undefined;
  }
}

function decode(subject: Subject, bytes: Uint8Array): Message | undefined {
  try {
    return subject.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The scan never accepts what the decoder refuses, and counts what the decoder holds. */
function agree(subject: Subject, bytes: Uint8Array, what: string): "both" | "neither" | "decode" {
  const scanned = scan(subject, bytes);
  const decoded = decode(subject, bytes);
  if (scanned !== undefined) {
    assert.ok(decoded !== undefined, `${what}: the scan accepted what the decoder refuses`);
    assert.equal(scanned, subject.count(decoded), `${what}: item count`);
    return "both";
  }
  return decoded === undefined ? "neither" : "decode";
}

for (const subject of subjects) {
  Deno.test(`scan ${subject.name}: valid requests are accepted and counted`, () => {
    for (const [i, bytes] of subject.fixtures().entries()) {
      assert.equal(agree(subject, bytes, `fixture ${i}`), "both", `fixture ${i}`);
    }
  });

  Deno.test(`scan ${subject.name}: truncated, random and mutated input is never laxer`, () => {
    const rng = seededRandom(31);
    const valid = subject.fixtures()[1];
    const verdicts = { both: 0, neither: 0, decode: 0 };
    for (let cut = 0; cut < valid.length; cut += 1 + Math.floor(valid.length / 400)) {
      verdicts[agree(subject, valid.subarray(0, cut), `cut at ${cut}`)]++;
    }
    for (let round = 0; round < 3000; round++) {
      let input: Uint8Array;
      if (round % 3 === 0) {
        input = Uint8Array.from({ length: Math.floor(rng() * 48) }, () => Math.floor(rng() * 256));
      } else {
        input = valid.slice();
        const flips = 1 + Math.floor(rng() * 3);
        for (let f = 0; f < flips; f++) {
          input[Math.floor(rng() * input.length)] = Math.floor(rng() * 256);
        }
      }
      verdicts[agree(subject, input, `round ${round}`)]++;
    }
    assert.ok(verdicts.both > 100, `only ${verdicts.both} inputs were accepted by both`);
    assert.ok(verdicts.neither > 100, `only ${verdicts.neither} inputs were refused by both`);
    // Refusing what decodes is allowed (callers decode then) but must stay rare.
    assert.ok(
      verdicts.decode <= verdicts.both / 50,
      `the scan refused ${verdicts.decode} inputs the decoder accepted`,
    );
  });
}
