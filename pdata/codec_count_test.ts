// How often data is decoded and encoded on its way receiver → batch → exporter, counted on a
// traces descriptor whose binary codec counts its calls: OTLP/JSON input is decoded once (its
// JSON) and encoded once, whether it is batched alone or merged with protobuf requests still in
// their encoded form (which are never decoded); OTLP/JSON output of encoded data decodes nothing.

import assert from "node:assert/strict";
import { randomTraces, seededRandom } from "@denocol/pdata/pdatatest";
import {
  defineSignal,
  type ProtoCodec,
  traces,
  TracesDataSchema,
  tracesFromRequest,
  tracesToRequest,
} from "./mod.ts";
import {
  ExportTraceServiceRequestSchema,
  ExportTraceServiceResponseSchema,
  TraceService,
} from "./gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { Traces } from "./traces.ts";
import { encodedForm } from "./encoded.ts";
import { createWireCodec, createWireScan } from "./wire/codec.ts";
import { createJsonTranscoder } from "./wire/json_transcode.ts";
import {
  decodeTracesData,
  scanTracesData,
  sizeTracesData,
  writeTracesData,
} from "./wire/gen/otlp_wire.ts";
import { jsonTracesData } from "./wire/gen/otlp_json.ts";

/** The traces descriptor's parts, with a binary codec that counts its calls. */
function countingTraces() {
  const calls = { decode: 0, encode: 0 };
  const wire = createWireCodec({
    typeName: TracesDataSchema.typeName,
    decode: decodeTracesData,
    size: sizeTracesData,
    write: writeTracesData,
  });
  const proto: ProtoCodec<Traces> = {
    decode(bytes, options, cost) {
      calls.decode++;
      return wire.decode(bytes, options, cost);
    },
    encode(data) {
      calls.encode++;
      return wire.encode(data);
    },
  };
  const signal = defineSignal({
    name: "traces",
    itemName: "spans",
    schema: TracesDataSchema,
    otlp: {
      httpPath: "/v1/traces",
      service: TraceService,
      requestSchema: ExportTraceServiceRequestSchema,
      responseSchema: ExportTraceServiceResponseSchema,
      toRequest: tracesToRequest,
      fromRequest: tracesFromRequest,
      rejectedField: "rejectedSpans",
    },
    proto,
    mergesByConcatenation: true,
    scan: createWireScan(scanTracesData),
    jsonFromProto: createJsonTranscoder(TracesDataSchema.typeName, jsonTracesData),
    // Merging objects is what the traces descriptor does for parts that are all objects.
    count: (data) => traces.count(data),
    split: (data, maxItems) => traces.split(data, maxItems),
    merge: (parts) => traces.merge(parts),
  });
  return { signal, calls };
}

const random = seededRandom(5);
const shape = { resources: 2, scopes: 2, items: 3, attributes: 2 };
const jsonBody = traces.encodeJson(randomTraces(random, shape, true));
const protoBodies = [0, 1].map(() => traces.encodeProto(randomTraces(random, shape, true)));

Deno.test("pipeline codec calls: OTLP/JSON input batched alone is encoded once, at export", () => {
  const { signal, calls } = countingTraces();
  const received = signal.decodeJson(jsonBody); // the receiver
  const batch = signal.merge([received]); // the batch processor, with a batch of one
  const sent = signal.encodeProto(batch); // the exporter
  assert.deepStrictEqual(calls, { decode: 0, encode: 1 });
  assert.deepStrictEqual(traces.decodeProto(sent), traces.decodeJson(jsonBody));
});

Deno.test("pipeline codec calls: OTLP/JSON input merged with encoded requests is encoded once", () => {
  const { signal, calls } = countingTraces();
  const parts = [
    signal.fromProto(protoBodies[0]),
    signal.decodeJson(jsonBody),
    signal.fromProto(protoBodies[1]),
  ];
  const batch = signal.merge(parts);
  // Encoded in the merge, which concatenates it with the other requests' bytes ...
  assert.deepStrictEqual(calls, { decode: 0, encode: 1 });
  assert.ok(encodedForm(batch) !== undefined, "the batch keeps its encoded form");
  // ... and not again at export: the exporter sends the batch's bytes as they are.
  const sent = signal.encodeProto(batch);
  assert.equal(sent, encodedForm(batch)!.bytes);
  // OTLP/JSON out (otlphttp `encoding: json`) is written from those bytes.
  const json = signal.encodeJson(batch);
  assert.deepStrictEqual(calls, { decode: 0, encode: 1 });
  const expected = traces.merge([
    traces.decodeProto(protoBodies[0]),
    traces.decodeJson(jsonBody),
    traces.decodeProto(protoBodies[1]),
  ]);
  assert.deepStrictEqual(traces.decodeProto(sent), expected);
  assert.equal(json, traces.encodeJson(expected));
});
