/**
 * What the OTLP/JSON reader and writer share: the id fields, the nesting limit, the per-message
 * plans (field names and kinds, computed once per message type) and hex ids.
 *
 * @module
 */

import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";

/**
 * Bytes fields that OTLP/JSON writes as hex instead of base64, by protobuf field name
 * (`trace_id`), with the byte length a non-empty id must have.
 */
export type IdFields = Readonly<Record<string, number>>;

/** The id fields of the stable OTLP signals: trace ids are 16 bytes, span ids 8. */
export const OTLP_ID_FIELDS: IdFields = Object.freeze({
  trace_id: 16,
  span_id: 8,
  parent_span_id: 8,
});

/**
 * How deeply messages may nest in a decoded document. OTLP itself nests about six levels before
 * attribute values; the rest is room for nested `AnyValue` arrays and maps. Deeper input is
 * rejected with a `DecodeError` rather than risking the call stack.
 */
export const MAX_NESTING_DEPTH = 256;

// Plans are computed once per message type and id-field set: walking descriptors on every
// message would dominate the cost of small messages.
export interface FieldPlan {
  readonly field: DescField;
  readonly localName: string;
  readonly jsonName: string;
  /** Byte length of a hex id field, 0 when the field is not an id. */
  readonly idLength: number;
  readonly oneof: string | undefined;
  /** Set for implicit-presence scalars, which proto3 JSON omits when zero. */
  readonly omitZero: boolean;
  plan?: MessagePlan;
}

export interface MessagePlan {
  readonly desc: DescMessage;
  readonly fields: FieldPlan[];
  /** By JSON name and by protobuf name, since OTLP/JSON receivers accept both. */
  readonly byName: Map<string, FieldPlan>;
}

export function buildPlan(
  desc: DescMessage,
  idFields: IdFields,
  cache: Map<string, MessagePlan>,
): MessagePlan {
  const existing = cache.get(desc.typeName);
  if (existing) return existing;
  const plan: MessagePlan = { desc, fields: [], byName: new Map() };
  cache.set(desc.typeName, plan);
  for (const field of desc.fields) {
    const isBytes = field.fieldKind === "scalar" && field.scalar === ScalarType.BYTES;
    const fieldPlan: FieldPlan = {
      field,
      localName: field.localName,
      jsonName: field.jsonName,
      idLength: isBytes && Object.hasOwn(idFields, field.name) ? idFields[field.name] : 0,
      oneof: field.oneof?.localName,
      omitZero: field.oneof === undefined && field.presence === 2, // IMPLICIT
    };
    plan.fields.push(fieldPlan);
    plan.byName.set(field.jsonName, fieldPlan);
    plan.byName.set(field.name, fieldPlan);
  }
  for (const fieldPlan of plan.fields) {
    const { field } = fieldPlan;
    const child = field.fieldKind === "message"
      ? field.message
      : field.fieldKind === "list" && field.listKind === "message"
      ? field.message
      : undefined;
    if (child) fieldPlan.plan = buildPlan(child, idFields, cache);
  }
  return plan;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lower-case hex of the bytes, as OTLP/JSON writes ids. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]];
  return out;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/**
 * Parses case-insensitive hex into bytes; returns undefined when the text has an odd length or a
 * character that is not a hex digit.
 */
export function hexToBytes(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = hexDigit(text.charCodeAt(2 * i));
    const low = hexDigit(text.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) return undefined;
    out[i] = (high << 4) | low;
  }
  return out;
}
