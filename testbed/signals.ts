/**
 * What the testbed sends and checks, per OTLP signal: requests whose every item (span, metric data
 * point, log record, profile sample) carries a unique `testbed.seq` attribute plus attributes and
 * a payload derived from that number, and the inspection that reads each item back, says which
 * sequence number it carries, and whether everything derived from the number is intact.
 *
 * Because every attribute is a function of the sequence number, the receiving side needs no copy
 * of what was sent to detect corruption, mixed-up attributes or items rebuilt wrongly by a batch
 * merge or a profiles dictionary rebuild.
 *
 * @module
 */

import {
  create,
  type DescMessage,
  type DescService,
  fromBinary,
  toBinary,
} from "@bufbuild/protobuf";
import {
  type AnyValue,
  AnyValueSchema,
  ExportLogsServiceRequestSchema,
  ExportLogsServiceResponseSchema,
  ExportMetricsServiceRequestSchema,
  ExportMetricsServiceResponseSchema,
  ExportTraceServiceRequestSchema,
  ExportTraceServiceResponseSchema,
  type KeyValue,
  KeyValueSchema,
  LogsService,
  MetricsService,
  TraceService,
} from "@denocol/pdata";
import {
  ExportProfilesServiceRequestSchema,
  ExportProfilesServiceResponseSchema,
  ProfilesService,
  resolveAttributes,
  validateProfiles,
} from "@denocol/pdata-experimental";

/** The four OTLP signals the testbed drives. */
export type SignalName = "traces" | "metrics" | "logs" | "profiles";

/** Every signal, in the order scenarios run them. */
export const SIGNALS: readonly SignalName[] = ["traces", "metrics", "logs", "profiles"];

/** The attribute that carries an item's sequence number. */
export const SEQ_KEY = "testbed.seq";

/** Resource attribute every generated request carries; checked on every received item. */
export const SERVICE_NAME = "testbed-loadgen";

/** Called once per item found in a request: its sequence number (-1 if it has none) and, when
 * something derived from the number differs from what the generator sends, what differs. */
export type ItemVisitor = (seq: number, problem: string | undefined) => void;

/** How one signal is built, encoded, served and inspected. */
export interface TestbedSignal {
  /** The signal. */
  readonly name: SignalName;
  /** OTLP/HTTP path, such as `/v1/traces`. */
  readonly httpPath: string;
  /** The generated gRPC service with its `Export` method. */
  readonly service: DescService;
  /** The `Export*ServiceRequest` message type. */
  readonly requestSchema: DescMessage;
  /** The `Export*ServiceResponse` message type. */
  readonly responseSchema: DescMessage;
  /** Builds the request message for items `firstSeq` to `firstSeq + count - 1`. */
  build(firstSeq: number, count: number): unknown;
  /** Encodes a request message built by {@link TestbedSignal.build}. */
  encode(request: unknown): Uint8Array;
  /** Decodes an encoded `Export*ServiceRequest`; throws on malformed input. */
  decode(bytes: Uint8Array): unknown;
  /** Visits every item of a decoded request. */
  inspect(request: unknown, visit: ItemVisitor): void;
}

// ---- what every item carries, derived from its sequence number ----

/** A small deterministic hash of the sequence number, so that derived values look unrelated. */
function mix(seq: number): number {
  let h = (seq ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

type Expected =
  | { key: string; kind: "intValue"; value: bigint }
  | { key: string; kind: "stringValue"; value: string }
  | { key: string; kind: "doubleValue"; value: number }
  | { key: string; kind: "boolValue"; value: boolean };

/** The attributes item `seq` carries, in order. */
function expectedAttributes(seq: number): Expected[] {
  const h = mix(seq);
  return [
    { key: SEQ_KEY, kind: "intValue", value: BigInt(seq) },
    { key: "testbed.text", kind: "stringValue", value: `item-${seq}-${h.toString(36)}` },
    { key: "testbed.ratio", kind: "doubleValue", value: (h % 100_000) / 1000 },
    { key: "testbed.even", kind: "boolValue", value: seq % 2 === 0 },
    { key: "testbed.check", kind: "intValue", value: BigInt(h) },
  ];
}

function anyValue(e: Expected): AnyValue {
  return create(AnyValueSchema, { value: { case: e.kind, value: e.value } as AnyValue["value"] });
}

function attributesOf(seq: number): KeyValue[] {
  return expectedAttributes(seq).map((e) =>
    create(KeyValueSchema, { key: e.key, value: anyValue(e) })
  );
}

/** The sequence number in `attributes`, or -1. */
function seqOf(attributes: readonly { key: string; value?: AnyValue }[]): number {
  for (const kv of attributes) {
    if (kv.key === SEQ_KEY && kv.value?.value.case === "intValue") {
      return Number(kv.value.value.value);
    }
  }
  return -1;
}

/** What in `attributes` differs from what item `seq` was sent with, or undefined. */
function attributeProblem(
  seq: number,
  attributes: readonly { key: string; value?: AnyValue }[],
): string | undefined {
  const expected = expectedAttributes(seq);
  if (attributes.length !== expected.length) {
    return `${attributes.length} attributes, sent ${expected.length}`;
  }
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const got = attributes[i];
    if (got.key !== e.key) return `attribute ${i} is ${got.key}, sent ${e.key}`;
    const value = got.value?.value;
    if (value?.case !== e.kind || value.value !== e.value) {
      return `attribute ${e.key} is ${String(value?.value)} (${value?.case}), sent ${
        String(e.value)
      }`;
    }
  }
  return undefined;
}

function resourceProblem(resource: { attributes: KeyValue[] } | undefined): string | undefined {
  const name = resource?.attributes.find((kv) => kv.key === "service.name")?.value?.value;
  return name?.case === "stringValue" && name.value === SERVICE_NAME
    ? undefined
    : "resource lost its service.name";
}

function visitItem(
  visit: ItemVisitor,
  attributes: readonly { key: string; value?: AnyValue }[],
  resourceIssue: string | undefined,
  payloadIssue: (seq: number) => string | undefined,
): void {
  const seq = seqOf(attributes);
  if (seq < 0) {
    visit(-1, "item without testbed.seq");
    return;
  }
  visit(seq, resourceIssue ?? attributeProblem(seq, attributes) ?? payloadIssue(seq));
}

const resource = () => ({
  attributes: [
    create(KeyValueSchema, {
      key: "service.name",
      value: create(AnyValueSchema, { value: { case: "stringValue", value: SERVICE_NAME } }),
    }),
  ],
});
const scope = { name: "denocol.testbed", version: "1" };

/** 8 bytes: the sequence number big-endian in the last 6, a tag in the first. */
function idBytes(seq: number, length: number, tag: number): Uint8Array {
  const out = new Uint8Array(length);
  out[0] = tag;
  let n = seq;
  for (let i = length - 1; i > 0 && n > 0; i--) {
    out[i] = n % 256;
    n = Math.floor(n / 256);
  }
  return out;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---- the signals ----

// deno-lint-ignore no-explicit-any
type AnyMessage = any;

const tracesSignal: TestbedSignal = {
  name: "traces",
  httpPath: "/v1/traces",
  service: TraceService,
  requestSchema: ExportTraceServiceRequestSchema,
  responseSchema: ExportTraceServiceResponseSchema,
  build(firstSeq, count) {
    const spans = [];
    for (let seq = firstSeq; seq < firstSeq + count; seq++) {
      spans.push({
        traceId: idBytes(seq, 16, 0x7b),
        spanId: idBytes(seq, 8, 0x5b),
        name: `span ${seq}`,
        kind: 2,
        startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(seq),
        endTimeUnixNano: 1_700_000_000_000_001_000n + BigInt(seq),
        attributes: attributesOf(seq),
      });
    }
    return create(ExportTraceServiceRequestSchema, {
      resourceSpans: [{ resource: resource(), scopeSpans: [{ scope, spans }] }],
    });
  },
  encode: (request) => toBinary(ExportTraceServiceRequestSchema, request as AnyMessage),
  decode: (bytes) => fromBinary(ExportTraceServiceRequestSchema, bytes),
  inspect(request, visit) {
    for (const rs of (request as AnyMessage).resourceSpans) {
      const issue = resourceProblem(rs.resource);
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          visitItem(
            visit,
            span.attributes,
            issue,
            (seq) =>
              span.name !== `span ${seq}`
                ? `span name ${span.name}`
                : !bytesEqual(span.spanId, idBytes(seq, 8, 0x5b))
                ? "span id differs"
                : undefined,
          );
        }
      }
    }
  },
};

const metricsSignal: TestbedSignal = {
  name: "metrics",
  httpPath: "/v1/metrics",
  service: MetricsService,
  requestSchema: ExportMetricsServiceRequestSchema,
  responseSchema: ExportMetricsServiceResponseSchema,
  build(firstSeq, count) {
    const dataPoints = [];
    for (let seq = firstSeq; seq < firstSeq + count; seq++) {
      dataPoints.push({
        attributes: attributesOf(seq),
        timeUnixNano: 1_700_000_000_000_000_000n + BigInt(seq),
        value: { case: "asInt" as const, value: BigInt(seq) * 3n },
      });
    }
    return create(ExportMetricsServiceRequestSchema, {
      resourceMetrics: [{
        resource: resource(),
        scopeMetrics: [{
          scope,
          metrics: [{
            name: "testbed.gauge",
            unit: "1",
            data: { case: "gauge", value: { dataPoints } },
          }],
        }],
      }],
    });
  },
  encode: (request) => toBinary(ExportMetricsServiceRequestSchema, request as AnyMessage),
  decode: (bytes) => fromBinary(ExportMetricsServiceRequestSchema, bytes),
  inspect(request, visit) {
    for (const rm of (request as AnyMessage).resourceMetrics) {
      const issue = resourceProblem(rm.resource);
      for (const sm of rm.scopeMetrics) {
        for (const metric of sm.metrics) {
          if (metric.data.case !== "gauge") {
            visit(-1, `metric ${metric.name} is a ${metric.data.case}, sent a gauge`);
            continue;
          }
          for (const point of metric.data.value.dataPoints) {
            visitItem(
              visit,
              point.attributes,
              issue,
              (seq) =>
                metric.name !== "testbed.gauge"
                  ? `metric name ${metric.name}`
                  : point.value.case !== "asInt" || point.value.value !== BigInt(seq) * 3n
                  ? `data point value ${point.value.value}`
                  : undefined,
            );
          }
        }
      }
    }
  },
};

const logsSignal: TestbedSignal = {
  name: "logs",
  httpPath: "/v1/logs",
  service: LogsService,
  requestSchema: ExportLogsServiceRequestSchema,
  responseSchema: ExportLogsServiceResponseSchema,
  build(firstSeq, count) {
    const logRecords = [];
    for (let seq = firstSeq; seq < firstSeq + count; seq++) {
      logRecords.push({
        timeUnixNano: 1_700_000_000_000_000_000n + BigInt(seq),
        severityNumber: 9,
        severityText: "INFO",
        body: { value: { case: "stringValue" as const, value: `log record ${seq}` } },
        attributes: attributesOf(seq),
      });
    }
    return create(ExportLogsServiceRequestSchema, {
      resourceLogs: [{ resource: resource(), scopeLogs: [{ scope, logRecords }] }],
    });
  },
  encode: (request) => toBinary(ExportLogsServiceRequestSchema, request as AnyMessage),
  decode: (bytes) => fromBinary(ExportLogsServiceRequestSchema, bytes),
  inspect(request, visit) {
    for (const rl of (request as AnyMessage).resourceLogs) {
      const issue = resourceProblem(rl.resource);
      for (const sl of rl.scopeLogs) {
        for (const record of sl.logRecords) {
          visitItem(visit, record.attributes, issue, (seq) => {
            const body = record.body?.value;
            return body?.case === "stringValue" && body.value === `log record ${seq}`
              ? undefined
              : `log body ${String(body?.value)}`;
          });
        }
      }
    }
  },
};

const profilesSignal: TestbedSignal = {
  name: "profiles",
  httpPath: "/v1development/profiles",
  service: ProfilesService,
  requestSchema: ExportProfilesServiceRequestSchema,
  responseSchema: ExportProfilesServiceResponseSchema,
  build(firstSeq, count) {
    // Index 0 of every table is its zero value; each sample points at its own attribute entries.
    const stringTable = ["", "samples", "count", "service.name"];
    const keyIndex = new Map<string, number>();
    const attributeTable: AnyMessage[] = [{}];
    const samples = [];
    for (let seq = firstSeq; seq < firstSeq + count; seq++) {
      const attributeIndices = [];
      for (const e of expectedAttributes(seq)) {
        let k = keyIndex.get(e.key);
        if (k === undefined) {
          k = stringTable.push(e.key) - 1;
          keyIndex.set(e.key, k);
        }
        attributeIndices.push(attributeTable.push({ keyStrindex: k, value: anyValue(e) }) - 1);
      }
      samples.push({
        stackIndex: 0,
        attributeIndices,
        values: [BigInt(seq) * 7n],
        timestampsUnixNano: [1_700_000_000_000_000_000n + BigInt(seq)],
      });
    }
    return create(ExportProfilesServiceRequestSchema, {
      resourceProfiles: [{
        resource: resource(),
        scopeProfiles: [{
          scope,
          profiles: [{
            sampleType: { typeStrindex: 1, unitStrindex: 2 },
            samples,
            timeUnixNano: 1_700_000_000_000_000_000n,
            profileId: idBytes(firstSeq, 16, 0x9f),
          }],
        }],
      }],
      dictionary: {
        stringTable,
        attributeTable,
        stackTable: [{}],
        mappingTable: [{}],
        locationTable: [{}],
        functionTable: [{}],
        linkTable: [{}],
      },
    });
  },
  encode: (request) => toBinary(ExportProfilesServiceRequestSchema, request as AnyMessage),
  decode: (bytes) => fromBinary(ExportProfilesServiceRequestSchema, bytes),
  inspect(request, visit) {
    const data = request as AnyMessage;
    try {
      validateProfiles(data);
    } catch (error) {
      visit(-1, `invalid profiles dictionary: ${(error as Error).message}`);
      return;
    }
    for (const rp of data.resourceProfiles) {
      const issue = resourceProblem(rp.resource);
      for (const sp of rp.scopeProfiles) {
        for (const profile of sp.profiles) {
          for (const sample of profile.samples) {
            const attributes = resolveAttributes(data.dictionary, sample.attributeIndices);
            visitItem(
              visit,
              attributes,
              issue,
              (seq) =>
                sample.values.length === 1 && sample.values[0] === BigInt(seq) * 7n
                  ? undefined
                  : `sample values ${sample.values.join(",")}`,
            );
          }
        }
      }
    }
  },
};

/** The testbed's description of each signal. */
export const TESTBED_SIGNALS: Readonly<Record<SignalName, TestbedSignal>> = {
  traces: tracesSignal,
  metrics: metricsSignal,
  logs: logsSignal,
  profiles: profilesSignal,
};

/** Parses a signal name given on a command line or in options. */
export function parseSignal(text: string): SignalName {
  if ((SIGNALS as readonly string[]).includes(text)) return text as SignalName;
  throw new Error(
    `testbed: unknown signal ${JSON.stringify(text)}: expected ${SIGNALS.join(", ")}`,
  );
}

/**
 * How many items an `Export*ServiceResponse` says were rejected (its `partial_success`), 0 when
 * it has none.
 */
export function rejectedItems(response: unknown): number {
  const partial = (response as { partialSuccess?: Record<string, unknown> }).partialSuccess;
  if (partial === undefined) return 0;
  for (const value of Object.values(partial)) {
    if (typeof value === "bigint") return Number(value);
  }
  return 0;
}
