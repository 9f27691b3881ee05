// What tools/gen_wire.ts and tools/gen_wire_scan.ts share: wire types and scalar kinds of fields,
// the memory a decoded message is charged, names, and the line emitter.

import { type DescField, type DescFile, type DescMessage, ScalarType } from "@bufbuild/protobuf";

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;
export const IMPLICIT = 2;

export function wireTypeOf(field: DescField): number {
  if (field.fieldKind === "message") return WIRE_LEN;
  if (field.fieldKind === "list" && field.listKind === "message") return WIRE_LEN;
  if (field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum")) {
    return WIRE_VARINT;
  }
  const scalar = scalarOf(field);
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WIRE_I64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WIRE_I32;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WIRE_LEN;
    default:
      return WIRE_VARINT;
  }
}

/** The scalar type of a scalar or enum field (enums travel as int32). */
export const LONG_SCALARS = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

/**
 * Bytes of V8 heap a decoded message of this type is charged against the reader's budget: the
 * object header and one slot per property, an empty array per list, an object per oneof, and a
 * BigInt per 64-bit integer field (strings and bytes are charged by the reader as they are read).
 */
export function objectCost(desc: DescMessage): number {
  let cost = 24 + 8; // header, and $typeName
  for (const member of desc.members) {
    cost += 8;
    if (member.kind === "oneof") cost += 32;
    else if (member.fieldKind === "list") cost += 32;
    else if (member.fieldKind === "scalar" && LONG_SCALARS.has(member.scalar)) cost += 24;
  }
  return cost;
}

export function scalarOf(field: DescField): ScalarType {
  if (field.fieldKind === "scalar") return field.scalar;
  if (field.fieldKind === "list" && field.listKind === "scalar") return field.scalar;
  if (field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum")) {
    return ScalarType.INT32;
  }
  throw new Error(`gen_wire: ${field} is not a scalar`);
}

/** The reader method for a scalar type. */
export function readMethod(scalar: ScalarType): string {
  const methods: Record<number, string> = {
    [ScalarType.DOUBLE]: "double",
    [ScalarType.FLOAT]: "float",
    [ScalarType.INT64]: "int64",
    [ScalarType.UINT64]: "uint64",
    [ScalarType.INT32]: "int32",
    [ScalarType.FIXED64]: "fixed64",
    [ScalarType.FIXED32]: "fixed32",
    [ScalarType.BOOL]: "bool",
    [ScalarType.STRING]: "string",
    [ScalarType.BYTES]: "bytes",
    [ScalarType.UINT32]: "uint32",
    [ScalarType.SFIXED32]: "sfixed32",
    [ScalarType.SFIXED64]: "sfixed64",
    [ScalarType.SINT32]: "sint32",
    [ScalarType.SINT64]: "sint64",
  };
  return methods[scalar];
}

/** The writer method for a scalar type. */
export function writeMethod(scalar: ScalarType): string {
  switch (scalar) {
    case ScalarType.INT64:
    case ScalarType.UINT64:
      return "varint64";
    case ScalarType.SFIXED64:
      return "fixed64";
    default:
      return readMethod(scalar);
  }
}

/** An expression for the encoded size of scalar `v` (without tag), or a fixed number. */
export function scalarSize(scalar: ScalarType, v: string): string {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return "8";
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return "4";
    case ScalarType.BOOL:
      return "1";
    case ScalarType.INT32:
      return `int32Size(${v})`;
    case ScalarType.UINT32:
      return `varintSize(${v})`;
    case ScalarType.SINT32:
      return `sint32Size(${v})`;
    case ScalarType.INT64:
    case ScalarType.UINT64:
      return `varint64Size(${v})`;
    case ScalarType.SINT64:
      return `sint64Size(${v})`;
  }
  throw new Error(`gen_wire: no fixed size for scalar ${scalar}`);
}

export function fixedWidth(scalar: ScalarType): number | undefined {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 8;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 4;
  }
  return undefined;
}

export function varintLength(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** The TypeScript name protoc-gen-es gives a message: nested names joined with `_`. */
export function tsName(desc: DescMessage): string {
  return desc.typeName.slice(desc.file.proto.package.length + 1).replaceAll(".", "_");
}

export function allMessages(file: DescFile): DescMessage[] {
  const out: DescMessage[] = [];
  const visit = (message: DescMessage) => {
    out.push(message);
    for (const nested of message.nestedMessages) visit(nested);
  };
  for (const message of file.messages) visit(message);
  return out;
}

/** The expression of a scalar field's zero value in a fresh message. */
export function zeroValue(field: DescField): string {
  if (field.fieldKind === "enum") return String(field.enum.values[0].number);
  switch (scalarOf(field)) {
    case ScalarType.STRING:
      return '""';
    case ScalarType.BOOL:
      return "false";
    case ScalarType.BYTES:
      return "EMPTY_BYTES";
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.SINT64:
      return "0n";
    default:
      return "0";
  }
}

/** The condition under which protobuf-es writes an implicit-presence scalar `v`. */
export function isSet(field: DescField, v: string): string {
  if (field.fieldKind === "enum") return `${v} !== ${field.enum.values[0].number}`;
  switch (scalarOf(field)) {
    case ScalarType.STRING:
      return `${v} !== ""`;
    case ScalarType.BOOL:
      return `${v} !== false`;
    case ScalarType.BYTES:
      return `${v}.length !== 0`;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      // -0 is written, like protobuf-es (Object.is(v, 0) is false for it).
      return `(${v} !== 0 || 1 / ${v} < 0)`;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.SINT64:
      return `${v} !== 0n`;
    default:
      return `${v} !== 0`;
  }
}

export class Emitter {
  lines: string[] = [];
  line(text = ""): void {
    this.lines.push(text);
  }
}
