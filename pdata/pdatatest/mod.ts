/**
 * Test and benchmark data built by hand and by a seeded generator, for the pdata tests and for
 * `bench/pdata_bench.ts`.
 *
 * @module
 */

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  AggregationTemporality,
  type AnyValue,
  AnyValueSchema,
  type KeyValue,
  KeyValueSchema,
  type Logs,
  LogsDataSchema,
  type Metric,
  type Metrics,
  MetricSchema,
  MetricsDataSchema,
  SeverityNumber,
  Span_SpanKind,
  Status_StatusCode,
  type Traces,
  TracesDataSchema,
} from "@denocol/pdata";

export type { Logs, Metrics, Traces } from "@denocol/pdata";
export { mutateWire } from "./wire_mutations.ts";
export { encodedFixtures, type FixtureOptions } from "./fixtures.ts";

/** The largest unsigned 64-bit integer, which must survive both wire formats. */
export const MAX_UINT64 = 18446744073709551615n;

/** A string attribute. */
function str(key: string, value: string): KeyValue {
  return create(KeyValueSchema, { key, value: { value: { case: "stringValue" as const, value } } });
}

/** An attribute with any value. */
function kv(key: string, value: MessageInitShape<typeof AnyValueSchema>["value"]): KeyValue {
  return create(KeyValueSchema, { key, value: { value } });
}

/** Bytes 0, 1, 2, ... of the given length, offset by `seed`. */
export function bytes(length: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i + seed) & 0xff);
}

/** Attribute values covering every AnyValue alternative, nested arrays and maps, and edge values. */
function edgeAttributes(): KeyValue[] {
  const nested: AnyValue = create(AnyValueSchema, {
    value: {
      case: "kvlistValue" as const,
      value: {
        values: [
          str("inner", "value"),
          kv("list", {
            case: "arrayValue" as const,
            value: {
              values: [
                { value: { case: "intValue" as const, value: -1n } },
                { value: { case: "boolValue" as const, value: false } },
                {
                  value: {
                    case: "arrayValue" as const,
                    value: { values: [{ value: { case: "stringValue" as const, value: "deep" } }] },
                  },
                },
                { value: { case: undefined } },
              ],
            },
          }),
          kv("empty map", { case: "kvlistValue" as const, value: { values: [] } }),
        ],
      },
    },
  });
  return [
    str("unicode", 'héllo wörld ✓ 日本語 😀 \u0000 "quoted" \\ \n'),
    str("", ""),
    kv("int max", { case: "intValue" as const, value: 9223372036854775807n }),
    kv("int min", { case: "intValue" as const, value: -9223372036854775808n }),
    kv("int zero", { case: "intValue" as const, value: 0n }),
    kv("bool", { case: "boolValue" as const, value: true }),
    kv("nan", { case: "doubleValue" as const, value: NaN }),
    kv("inf", { case: "doubleValue" as const, value: Infinity }),
    kv("-inf", { case: "doubleValue" as const, value: -Infinity }),
    kv("tiny", { case: "doubleValue" as const, value: 5e-324 }),
    kv("zero double", { case: "doubleValue" as const, value: 0 }),
    kv("bytes", { case: "bytesValue" as const, value: bytes(33, 250) }),
    kv("empty bytes", { case: "bytesValue" as const, value: new Uint8Array(0) }),
    kv("nested", nested.value),
    kv("unset", { case: undefined }),
  ];
}

/** Traces with edge values in every field kind, and an empty resource and scope group. */
export function edgeTraces(): Traces {
  return create(TracesDataSchema, {
    resourceSpans: [
      {
        resource: { attributes: [str("service.name", "checkout")], droppedAttributesCount: 3 },
        schemaUrl: "https://opentelemetry.io/schemas/1.30.0",
        scopeSpans: [
          {
            scope: { name: "lib", version: "1.0", attributes: [str("s", "v")] },
            schemaUrl: "scope-schema",
            spans: [
              {
                traceId: bytes(16, 1),
                spanId: bytes(8, 2),
                parentSpanId: bytes(8, 3),
                traceState: "a=b,c=d",
                flags: 0xffffffff,
                name: "GET /ünïcode",
                kind: Span_SpanKind.SERVER,
                startTimeUnixNano: 0n,
                endTimeUnixNano: MAX_UINT64,
                attributes: edgeAttributes(),
                droppedAttributesCount: 4294967295,
                events: [
                  { timeUnixNano: 1n, name: "event", attributes: [str("e", "1")] },
                  { timeUnixNano: MAX_UINT64, name: "" },
                ],
                droppedEventsCount: 1,
                links: [{
                  traceId: bytes(16, 100),
                  spanId: bytes(8, 200),
                  traceState: "x=y",
                  attributes: [str("l", "1")],
                  flags: 256,
                }],
                droppedLinksCount: 2,
                status: { code: Status_StatusCode.ERROR, message: "boom" },
              },
              // A span with nothing set: every field at its default.
              {},
            ],
          },
          { scope: { name: "empty scope" } },
        ],
      },
      { resource: { attributes: [str("service.name", "empty")] } },
    ],
  });
}

/** One metric of each of the five types, with edge values. */
export function edgeMetrics(): Metrics {
  const exemplar = {
    filteredAttributes: [str("f", "1")],
    timeUnixNano: MAX_UINT64,
    value: { case: "asDouble" as const, value: NaN },
    spanId: bytes(8, 9),
    traceId: bytes(16, 9),
  };
  const metrics: Metric[] = [
    create(MetricSchema, {
      name: "gauge",
      description: "a gauge",
      unit: "1",
      metadata: [str("m", "1")],
      data: {
        case: "gauge" as const,
        value: {
          dataPoints: [
            { timeUnixNano: 1n, value: { case: "asDouble" as const, value: -Infinity } },
            { timeUnixNano: 2n, value: { case: "asInt" as const, value: -9223372036854775808n } },
            { timeUnixNano: 3n, value: { case: "asDouble" as const, value: 0 } },
          ],
        },
      },
    }),
    create(MetricSchema, {
      name: "sum",
      unit: "By",
      data: {
        case: "sum" as const,
        value: {
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          isMonotonic: true,
          dataPoints: [{
            attributes: edgeAttributes(),
            startTimeUnixNano: 1n,
            timeUnixNano: MAX_UINT64,
            value: { case: "asInt" as const, value: 9223372036854775807n },
            exemplars: [exemplar],
            flags: 1,
          }],
        },
      },
    }),
    create(MetricSchema, {
      name: "histogram",
      data: {
        case: "histogram" as const,
        value: {
          aggregationTemporality: AggregationTemporality.DELTA,
          dataPoints: [{
            count: MAX_UINT64,
            sum: NaN,
            bucketCounts: [0n, 1n, MAX_UINT64],
            explicitBounds: [-Infinity, 0.5],
            min: -1.5,
            max: Infinity,
            exemplars: [exemplar],
          }, {
            count: 0n,
            // sum, min and max unset: they have explicit presence.
          }],
        },
      },
    }),
    create(MetricSchema, {
      name: "exponential",
      data: {
        case: "exponentialHistogram" as const,
        value: {
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPoints: [{
            count: 10n,
            sum: 0,
            scale: -10,
            zeroCount: MAX_UINT64,
            positive: { offset: -2147483648, bucketCounts: [1n, MAX_UINT64] },
            negative: { offset: 2147483647, bucketCounts: [] },
            zeroThreshold: 1e-300,
            min: 0,
            max: 0,
          }],
        },
      },
    }),
    create(MetricSchema, {
      name: "summary",
      data: {
        case: "summary" as const,
        value: {
          dataPoints: [{
            count: 3n,
            sum: Infinity,
            quantileValues: [{ quantile: 0, value: NaN }, { quantile: 1, value: -0.5 }],
          }],
        },
      },
    }),
    // A metric without data: zero points, still carried.
    create(MetricSchema, { name: "no data" }),
  ];
  return create(MetricsDataSchema, {
    resourceMetrics: [{
      resource: { attributes: [str("service.name", "metrics")] },
      scopeMetrics: [{ scope: { name: "meter" }, metrics }],
    }],
  });
}

/** Logs with edge values, including nested bodies. */
export function edgeLogs(): Logs {
  return create(LogsDataSchema, {
    resourceLogs: [{
      resource: { attributes: [str("service.name", "logs")] },
      scopeLogs: [{
        scope: { name: "logger" },
        logRecords: [
          {
            timeUnixNano: MAX_UINT64,
            observedTimeUnixNano: 1n,
            severityNumber: SeverityNumber.FATAL4,
            severityText: "FATAL",
            body: { value: { case: "kvlistValue" as const, value: { values: edgeAttributes() } } },
            attributes: edgeAttributes(),
            droppedAttributesCount: 1,
            flags: 1,
            traceId: bytes(16, 7),
            spanId: bytes(8, 7),
            eventName: "evt",
          },
          { body: { value: { case: "stringValue" as const, value: "plain ✓" } } },
          { body: { value: { case: "bytesValue" as const, value: bytes(5) } } },
          {},
        ],
      }],
    }],
  });
}

/** A small deterministic pseudo-random generator (mulberry32), for reproducible property tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shape of generated data: group counts are drawn up to these bounds. */
export interface Shape {
  /** Largest number of resource groups. */
  resources: number;
  /** Largest number of scope groups per resource. */
  scopes: number;
  /** Largest number of items per scope. */
  items: number;
  /** Attributes per item. */
  attributes: number;
}

function randomId(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

function randomAttributes(random: () => number, count: number, prefix: string): KeyValue[] {
  const out: KeyValue[] = [];
  for (let i = 0; i < count; i++) {
    const pick = Math.floor(random() * 3);
    out.push(
      pick === 0
        ? str(`${prefix}.${i}`, `value-${Math.floor(random() * 1e6)}`)
        : pick === 1
        ? kv(`${prefix}.${i}`, {
          case: "intValue" as const,
          value: BigInt(Math.floor(random() * 1e9)),
        })
        : kv(`${prefix}.${i}`, { case: "doubleValue" as const, value: random() }),
    );
  }
  return out;
}

function count(random: () => number, max: number, exact: boolean): number {
  return exact ? max : Math.floor(random() * (max + 1));
}

/**
 * Random traces. With `exact`, every level has exactly its bound (so the span count is the
 * product), otherwise counts are drawn from 0 to the bound.
 */
export function randomTraces(random: () => number, shape: Shape, exact = false): Traces {
  let n = 0;
  return create(TracesDataSchema, {
    resourceSpans: Array.from({ length: count(random, shape.resources, exact) }, (_, r) => ({
      resource: {
        attributes: [str("service.name", `svc-${r}`), ...randomAttributes(random, 2, "res")],
      },
      scopeSpans: Array.from({ length: count(random, shape.scopes, exact) }, (_, s) => ({
        scope: { name: `scope-${r}-${s}`, version: "1" },
        spans: Array.from({ length: count(random, shape.items, exact) }, () => ({
          traceId: randomId(random, 16),
          spanId: randomId(random, 8),
          parentSpanId: randomId(random, 8),
          name: `span-${n++}`,
          kind: Span_SpanKind.INTERNAL,
          startTimeUnixNano: 1700000000000000000n + BigInt(n),
          endTimeUnixNano: 1700000000000001000n + BigInt(n),
          attributes: randomAttributes(random, shape.attributes, "attr"),
          status: { code: Status_StatusCode.OK },
        })),
      })),
    })),
  });
}

/** Random logs, shaped like {@link randomTraces}. */
export function randomLogs(random: () => number, shape: Shape, exact = false): Logs {
  let n = 0;
  return create(LogsDataSchema, {
    resourceLogs: Array.from({ length: count(random, shape.resources, exact) }, (_, r) => ({
      resource: { attributes: [str("service.name", `svc-${r}`)] },
      scopeLogs: Array.from({ length: count(random, shape.scopes, exact) }, (_, s) => ({
        scope: { name: `scope-${r}-${s}` },
        logRecords: Array.from({ length: count(random, shape.items, exact) }, () => ({
          timeUnixNano: 1700000000000000000n + BigInt(n),
          severityNumber: SeverityNumber.INFO,
          severityText: "INFO",
          body: { value: { case: "stringValue" as const, value: `log line ${n++}` } },
          attributes: randomAttributes(random, shape.attributes, "attr"),
          traceId: randomId(random, 16),
          spanId: randomId(random, 8),
        })),
      })),
    })),
  });
}

/**
 * Random metrics of all five types; `shape.items` bounds the metrics per scope and `points` the
 * data points per metric.
 */
export function randomMetrics(
  random: () => number,
  shape: Shape,
  points: number,
  exact = false,
): Metrics {
  let n = 0;
  const metric = (): Metric => {
    const type = Math.floor(random() * 5);
    const pointCount = count(random, points, exact);
    const common = () => ({
      attributes: randomAttributes(random, shape.attributes, "attr"),
      startTimeUnixNano: 1700000000000000000n,
      timeUnixNano: 1700000000000000000n + BigInt(n++),
    });
    const base = { name: `metric-${n}`, description: `desc ${n}`, unit: "ms" };
    switch (type) {
      case 0:
        return create(MetricSchema, {
          ...base,
          data: {
            case: "gauge" as const,
            value: {
              dataPoints: Array.from({ length: pointCount }, () => ({
                ...common(),
                value: { case: "asDouble" as const, value: random() },
              })),
            },
          },
        });
      case 1:
        return create(MetricSchema, {
          ...base,
          data: {
            case: "sum" as const,
            value: {
              aggregationTemporality: AggregationTemporality.DELTA,
              isMonotonic: true,
              dataPoints: Array.from({ length: pointCount }, () => ({
                ...common(),
                value: { case: "asInt" as const, value: BigInt(Math.floor(random() * 1000)) },
              })),
            },
          },
        });
      case 2:
        return create(MetricSchema, {
          ...base,
          data: {
            case: "histogram" as const,
            value: {
              aggregationTemporality: AggregationTemporality.CUMULATIVE,
              dataPoints: Array.from({ length: pointCount }, () => ({
                ...common(),
                count: 6n,
                sum: random() * 100,
                bucketCounts: [1n, 2n, 3n],
                explicitBounds: [1, 10],
              })),
            },
          },
        });
      case 3:
        return create(MetricSchema, {
          ...base,
          data: {
            case: "exponentialHistogram" as const,
            value: {
              aggregationTemporality: AggregationTemporality.DELTA,
              dataPoints: Array.from({ length: pointCount }, () => ({
                ...common(),
                count: 3n,
                scale: 2,
                positive: { offset: 1, bucketCounts: [1n, 2n] },
              })),
            },
          },
        });
      default:
        return create(MetricSchema, {
          ...base,
          data: {
            case: "summary" as const,
            value: {
              dataPoints: Array.from({ length: pointCount }, () => ({
                ...common(),
                count: 2n,
                sum: 3,
                quantileValues: [{ quantile: 0.5, value: 1 }, { quantile: 1, value: 2 }],
              })),
            },
          },
        });
    }
  };
  return create(MetricsDataSchema, {
    resourceMetrics: Array.from({ length: count(random, shape.resources, exact) }, (_, r) => ({
      resource: { attributes: [str("service.name", `svc-${r}`)] },
      scopeMetrics: Array.from({ length: count(random, shape.scopes, exact) }, (_, s) => ({
        scope: { name: `scope-${r}-${s}` },
        metrics: Array.from({ length: count(random, shape.items, exact) }, metric),
      })),
    })),
  });
}
