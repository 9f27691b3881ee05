/**
 * The schema-specific binary protobuf codec behind `traces`, `metrics` and `logs` of
 * `@denocol/pdata`: a reader and a writer over one buffer, and generated `decode*`, `size*` and
 * `write*` functions per OTLP message (`tools/gen_wire.ts`). It builds exactly the objects
 * protobuf-es builds (`$typeName`, the same field names, `bigint` for 64-bit integers,
 * `Uint8Array` for bytes, `{ case, value }` for oneofs, `$unknown` for unknown fields), several
 * times faster than protobuf-es's reflection.
 *
 * Beside it, generated `json*` functions write OTLP/JSON straight from the protobuf bytes
 * (`createJsonTranscoder`), giving the text the JSON encoder gives for the decoded message.
 *
 * Most code wants the signal helpers instead (`traces.decodeProto`). This entry point exists for
 * other OTLP message sets built on the same messages, such as the profiles of
 * `@denocol/pdata-experimental`, whose generated codec calls the common ones here.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { createWireCodec, decodeKeyValue, sizeKeyValue, writeKeyValue } from "@denocol/pdata/wire";
 *
 * const codec = createWireCodec({
 *   typeName: "opentelemetry.proto.common.v1.KeyValue",
 *   decode: decodeKeyValue,
 *   size: sizeKeyValue,
 *   write: writeKeyValue,
 * });
 * assert.equal(codec.decode(new Uint8Array([0x0a, 0x01, 0x6b])).key, "k");
 * ```
 *
 * @module
 */

export {
  annotate,
  EMPTY_BYTES,
  idLengthError,
  keepUnknown,
  type UnknownField,
  WireError,
  type WireErrorKind,
  WireReader,
} from "./reader.ts";
export {
  int32Size,
  sint32Size,
  sint64Size,
  SizeStack,
  unknownSize,
  utf8Length,
  varint64Size,
  varintSize,
  WireWriter,
} from "./writer.ts";
export { jsonKey, JsonWriter } from "./json_writer.ts";
export { gather, readTag, skipField } from "./json_walk.ts";
export { createJsonTranscoder, type JsonTranscode } from "./json_transcode.ts";
export {
  createWireCodec,
  createWireScan,
  type WireCodecOptions,
  type WireMessage,
} from "./codec.ts";
// The common and resource messages every OTLP signal shares; the signal-specific ones stay
// internal.
export {
  decodeAnyValue,
  decodeArrayValue,
  decodeEntityRef,
  decodeInstrumentationScope,
  decodeKeyValue,
  decodeKeyValueList,
  decodeResource,
  scanAnyValue,
  scanArrayValue,
  scanEntityRef,
  scanInstrumentationScope,
  scanKeyValue,
  scanKeyValueList,
  scanResource,
  sizeAnyValue,
  sizeArrayValue,
  sizeEntityRef,
  sizeInstrumentationScope,
  sizeKeyValue,
  sizeKeyValueList,
  sizeResource,
  writeAnyValue,
  writeArrayValue,
  writeEntityRef,
  writeInstrumentationScope,
  writeKeyValue,
  writeKeyValueList,
  writeResource,
} from "./gen/otlp_wire.ts";
export {
  jsonAnyValue,
  jsonArrayValue,
  jsonEntityRef,
  jsonInstrumentationScope,
  jsonKeyValue,
  jsonKeyValueList,
  jsonResource,
} from "./gen/otlp_json.ts";
export type {
  AnyValue,
  ArrayValue,
  EntityRef,
  InstrumentationScope,
  KeyValue,
  KeyValueList,
} from "../gen/opentelemetry/proto/common/v1/common_pb.ts";
export type { Resource } from "../gen/opentelemetry/proto/resource/v1/resource_pb.ts";
export type { ProtoCodec } from "../proto.ts";
export type { Message } from "@bufbuild/protobuf";
