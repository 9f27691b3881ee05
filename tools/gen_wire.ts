/**
 * Generates the schema-specific protobuf decoders and encoders of `@denocol/pdata` (traces,
 * metrics, logs and their common messages) and `@denocol/pdata-experimental` (profiles) from the
 * protobuf-es descriptors of the generated `*_pb.ts` files. The output is plain straight-line
 * TypeScript (one `decode*`, `size*` and `write*` function per message) over the hand-written
 * runtime in `pdata/wire/reader.ts` and `pdata/wire/writer.ts`. Beside each codec it writes the
 * protobuf → OTLP/JSON transcoder of the same messages (`json*`, from `tools/gen_wire_json.ts`).
 *
 * Run by `deno task gen` after protoc-gen-es; `--check` compares with the committed files
 * instead of writing them.
 *
 * @module
 */

import { type DescField, type DescFile, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { ROOT } from "./workspace.ts";
import { generateJsonUnit } from "./gen_wire_json.ts";

/** One output file: the schema files it covers and how it reaches its imports. */
interface Unit {
  out: string;
  files: { desc: DescFile; module: string; namespace: string }[];
  /** Where the runtime (reader, writer) is imported from. */
  runtime: { reader: string; writer: string };
  /** Messages of other units this one references, by type name: module exporting their codecs. */
  external: string;
  /** Bytes fields (by protobuf name) checked as ids, with their length. */
  idFields: Record<string, number>;
  /** Message types (full names) that are the signal's counted items, for the scan. */
  itemTypes: string[];
  header: string;
  /** The protobuf → OTLP/JSON transcoder of the same messages (`tools/gen_wire_json.ts`). */
  json: { out: string; runtime: { reader: string; json: string; walk: string }; external: string };
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const IMPLICIT = 2;

function wireTypeOf(field: DescField): number {
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
const LONG_SCALARS = new Set([
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
function objectCost(desc: DescMessage): number {
  let cost = 24 + 8; // header, and $typeName
  for (const member of desc.members) {
    cost += 8;
    if (member.kind === "oneof") cost += 32;
    else if (member.fieldKind === "list") cost += 32;
    else if (member.fieldKind === "scalar" && LONG_SCALARS.has(member.scalar)) cost += 24;
  }
  return cost;
}

function scalarOf(field: DescField): ScalarType {
  if (field.fieldKind === "scalar") return field.scalar;
  if (field.fieldKind === "list" && field.listKind === "scalar") return field.scalar;
  if (field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum")) {
    return ScalarType.INT32;
  }
  throw new Error(`gen_wire: ${field} is not a scalar`);
}

/** The reader method for a scalar type. */
function readMethod(scalar: ScalarType): string {
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
function writeMethod(scalar: ScalarType): string {
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
function scalarSize(scalar: ScalarType, v: string): string {
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

function fixedWidth(scalar: ScalarType): number | undefined {
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

function varintLength(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** The TypeScript name protoc-gen-es gives a message: nested names joined with `_`. */
function tsName(desc: DescMessage): string {
  return desc.typeName.slice(desc.file.proto.package.length + 1).replaceAll(".", "_");
}

function allMessages(file: DescFile): DescMessage[] {
  const out: DescMessage[] = [];
  const visit = (message: DescMessage) => {
    out.push(message);
    for (const nested of message.nestedMessages) visit(nested);
  };
  for (const message of file.messages) visit(message);
  return out;
}

/** The expression of a scalar field's zero value in a fresh message. */
function zeroValue(field: DescField): string {
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
function isSet(field: DescField, v: string): string {
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

class Emitter {
  lines: string[] = [];
  line(text = ""): void {
    this.lines.push(text);
  }
}

/**
 * Emits `scan<Name>`: walks a message as its decoder does (tags, wire types of known fields,
 * lengths, nesting, UTF-8 of strings, lengths of id fields, packed lists, unknown fields) without
 * allocating the message, and returns how many of the signal's items it holds. It may refuse
 * input the decoder accepts (an id field repeated with a bad first value), never the reverse:
 * callers decode whatever the scan refuses, which also gives them the decoder's error message.
 */
function emitScan(
  body: Emitter,
  desc: DescMessage,
  name: string,
  unit: Unit,
  codecName: (desc: DescMessage) => string,
): void {
  const isItem = unit.itemTypes.includes(desc.typeName);
  const ids = desc.fields.filter((f) =>
    unit.idFields[f.name] !== undefined && f.fieldKind === "scalar" && !f.oneof
  );
  body.line(
    `/** Validates a \`${desc.typeName}\` from \`r.pos\` to \`end\`; returns its items. */`,
  );
  body.line(`export function scan${name}(r: WireReader, end: number, depth: number): number {`);
  // Charged as the decoder would be, so that admission judges what decoding would cost.
  body.line(
    `  if (depth > r.maxDepth || (r.budget -= ${objectCost(desc)}) < 0) r.limit(depth);`,
  );
  body.line(`  let items = 0;`);
  for (const f of ids) body.line(`  let ${f.localName}Length = 0;`);
  body.line(`  while (r.pos < end) {`);
  body.line(`    const tag = r.tag();`);
  body.line(`    switch (tag) {`);
  for (const f of desc.fields) {
    const tag = (f.number << 3) | wireTypeOf(f);
    const isMessage = f.fieldKind === "message" ||
      (f.fieldKind === "list" && f.listKind === "message");
    if (isMessage) {
      const child = codecName(f.message!);
      body.line(`      case ${tag}: items += scan${child}(r, r.lengthEnd(), depth + 1); break;`);
      continue;
    }
    const scalar = scalarOf(f);
    if (scalar === ScalarType.STRING) {
      body.line(`      case ${tag}: r.skipString(); break;`);
    } else if (scalar === ScalarType.BYTES) {
      if (ids.includes(f)) {
        body.line(`      case ${tag}: ${f.localName}Length = r.skipBytes(); break;`);
      } else {
        body.line(`      case ${tag}: r.skipBytes(); break;`);
      }
    } else {
      const skip = wireTypeOf(f) === WIRE_I64
        ? "skipFixed64"
        : wireTypeOf(f) === WIRE_I32
        ? "skipFixed32"
        : "skipVarint";
      body.line(`      case ${tag}: r.${skip}(); break;`);
      if (f.fieldKind === "list") {
        const width = wireTypeOf(f) === WIRE_I64 ? 8 : wireTypeOf(f) === WIRE_I32 ? 4 : 0;
        body.line(`      case ${(f.number << 3) | WIRE_LEN}: {`);
        body.line(`        const listEnd = r.lengthEnd();`);
        if (width > 0) {
          body.line(`        if ((listEnd - r.pos) % ${width} !== 0) r.overrun(listEnd);`);
          body.line(`        r.pos = listEnd;`);
        } else {
          body.line(`        while (r.pos < listEnd) r.skipVarint();`);
          body.line(`        if (r.pos !== listEnd) r.overrun(listEnd);`);
        }
        body.line(`        break;`);
        body.line(`      }`);
      }
    }
  }
  body.line(`      default:`);
  body.line(
    `        if (WIRE_${name}[tag >>> 3] !== undefined) r.wrongWireType(tag, WIRE_${name}[tag >>> 3]);`,
  );
  body.line(`        r.skip(tag, r.maxDepth - depth);`);
  body.line(`    }`);
  body.line(`  }`);
  body.line(`  if (r.pos !== end) r.overrun(end);`);
  for (const f of ids) {
    const length = unit.idFields[f.name];
    const v = `${f.localName}Length`;
    body.line(
      `  if (${v} !== 0 && ${v} !== ${length}) throw idLengthError("${f.localName}", ${length}, ${v});`,
    );
  }
  body.line(`  return ${isItem ? "1" : "items"};`);
  body.line(`}`);
  body.line();
}

/** The statement writing a tag: one byte for field numbers up to 15. */
function writeTag(tag: number): string {
  return tag < 0x80 ? `w.byte(${tag});` : `w.uint32(${tag});`;
}

function generateUnit(unit: Unit): string {
  const own = new Map<string, { desc: DescMessage; type: string }>();
  for (const file of unit.files) {
    for (const desc of allMessages(file.desc)) {
      own.set(desc.typeName, { desc, type: `${file.namespace}.${tsName(desc)}` });
    }
  }
  const externals = new Set<string>();
  const codecName = (desc: DescMessage): string => {
    if (!own.has(desc.typeName)) externals.add(tsName(desc));
    return tsName(desc);
  };
  const out = new Emitter();
  const body = new Emitter();

  for (const { desc, type } of own.values()) {
    const name = tsName(desc);
    const fields = desc.fields;
    const sorted = fields.concat().sort((a, b) => a.number - b.number);
    const names = fields.map((f) => `${f.number}: "${f.localName}"`).join(", ");
    const wires = fields.map((f) => `${f.number}: ${wireTypeOf(f)}`).join(", ");
    body.line(`const NAMES_${name}: Readonly<Record<number, string>> = { ${names} };`);
    body.line(`const WIRE_${name}: Readonly<Record<number, number>> = { ${wires} };`);
    body.line();

    // Decoder.
    body.line(`/** Decodes a \`${desc.typeName}\` from \`r.pos\` to \`end\`. */`);
    body.line(
      `export function decode${name}(r: WireReader, end: number, depth: number, into?: ${type}): ${type} {`,
    );
    body.line(
      `  if (depth > r.maxDepth || (r.budget -= ${objectCost(desc)}) < 0) r.limit(depth);`,
    );
    const init: string[] = [`$typeName: "${desc.typeName}"`];
    for (const member of desc.members) {
      if (member.kind === "oneof") {
        init.push(`${member.localName}: { case: undefined }`);
        continue;
      }
      if (member.fieldKind === "message") continue;
      if (member.fieldKind === "map") throw new Error(`gen_wire: map field ${member} unsupported`);
      if (member.fieldKind === "list") {
        init.push(`${member.localName}: []`);
        continue;
      }
      if (member.presence !== IMPLICIT) continue;
      init.push(`${member.localName}: ${zeroValue(member)}`);
    }
    body.line(`  const m: ${type} = into ?? { ${init.join(", ")} };`);
    body.line(`  let field = 0;`);
    body.line(`  try {`);
    body.line(`    while (r.pos < end) {`);
    body.line(`      const tag = r.tag();`);
    body.line(`      field = tag >>> 3;`);
    body.line(`      switch (tag) {`);
    for (const f of fields) {
      const tag = (f.number << 3) | wireTypeOf(f);
      const target = `m.${f.localName}`;
      if (f.fieldKind === "message") {
        const child = codecName(f.message);
        if (f.oneof) {
          const o = `m.${f.oneof.localName}`;
          body.line(`        case ${tag}: {`);
          body.line(
            `          const previous = ${o}.case === "${f.localName}" ? ${o}.value : undefined;`,
          );
          body.line(
            `          ${o} = { case: "${f.localName}", value: decode${child}(r, r.lengthEnd(), depth + 1, previous) };`,
          );
          body.line(`          break;`);
          body.line(`        }`);
        } else {
          body.line(
            `        case ${tag}: ${target} = decode${child}(r, r.lengthEnd(), depth + 1, ${target}); break;`,
          );
        }
      } else if (f.fieldKind === "list") {
        if (f.listKind === "message") {
          const child = codecName(f.message);
          body.line(
            `        case ${tag}: ${target}.push(decode${child}(r, r.lengthEnd(), depth + 1)); break;`,
          );
        } else {
          const scalar = scalarOf(f);
          const method = readMethod(scalar);
          body.line(`        case ${tag}: ${target}.push(r.${method}()); break;`);
          if (scalar !== ScalarType.STRING && scalar !== ScalarType.BYTES) {
            // Packed: both encodings of a repeated number must decode.
            body.line(`        case ${(f.number << 3) | WIRE_LEN}: {`);
            body.line(`          const listEnd = r.lengthEnd();`);
            body.line(`          const list = ${target};`);
            body.line(`          while (r.pos < listEnd) list.push(r.${method}());`);
            body.line(`          if (r.pos !== listEnd) r.overrun(listEnd);`);
            body.line(`          break;`);
            body.line(`        }`);
          }
        }
      } else {
        const method = readMethod(scalarOf(f));
        if (f.oneof) {
          body.line(
            `        case ${tag}: m.${f.oneof.localName} = { case: "${f.localName}", value: r.${method}() }; break;`,
          );
        } else {
          body.line(`        case ${tag}: ${target} = r.${method}(); break;`);
        }
      }
    }
    body.line(`        default:`);
    body.line(
      `          if (WIRE_${name}[field] !== undefined) r.wrongWireType(tag, WIRE_${name}[field]);`,
    );
    body.line(`          keepUnknown(m, tag, r.skip(tag, r.maxDepth - depth));`);
    body.line(`      }`);
    body.line(`    }`);
    body.line(`    if (r.pos !== end) r.overrun(end);`);
    body.line(`  } catch (error) {`);
    body.line(`    throw annotate(error, m, field, NAMES_${name});`);
    body.line(`  }`);
    for (const f of fields) {
      const length = unit.idFields[f.name];
      if (length === undefined || f.fieldKind !== "scalar" || f.oneof) continue;
      const v = `m.${f.localName}`;
      body.line(`  if (${v}.length !== 0 && ${v}.length !== ${length}) {`);
      body.line(`    throw idLengthError("${f.localName}", ${length}, ${v}.length);`);
      body.line(`  }`);
    }
    body.line(`  return m;`);
    body.line(`}`);
    body.line();

    // Validating scan: the decoder's checks without building a message; returns the items.
    emitScan(body, desc, name, unit, codecName);

    // Size pass.
    body.line(
      `/** The encoded length of a \`${desc.typeName}\`; stores nested lengths in \`s\`. */`,
    );
    body.line(`export function size${name}(m: ${type}, s: SizeStack): number {`);
    body.line(`  let n = 0;`);
    for (const f of sorted) {
      const tagSize = varintLength((f.number << 3) | wireTypeOf(f));
      const emitValue = (v: string, indent: string) => {
        if (f.fieldKind === "message" || (f.fieldKind === "list" && f.listKind === "message")) {
          const child = codecName(f.message!);
          body.line(`${indent}const slot = s.reserve();`);
          body.line(`${indent}const length = size${child}(${v}, s);`);
          body.line(`${indent}s.values[slot] = length;`);
          body.line(`${indent}n += ${tagSize} + varintSize(length) + length;`);
          return;
        }
        const scalar = scalarOf(f);
        if (scalar === ScalarType.STRING) {
          body.line(`${indent}const length = s.string(${v});`);
          body.line(`${indent}n += ${tagSize} + varintSize(length) + length;`);
        } else if (scalar === ScalarType.BYTES) {
          body.line(`${indent}n += ${tagSize} + varintSize(${v}.length) + ${v}.length;`);
        } else {
          body.line(`${indent}n += ${tagSize} + ${scalarSize(scalar, v)};`);
        }
      };
      const v = `m.${f.localName}`;
      if (f.oneof) {
        const o = `m.${f.oneof.localName}`;
        body.line(`  if (${o}.case === "${f.localName}") {`);
        body.line(`    const v = ${o}.value;`);
        emitValue("v", "    ");
        body.line(`  }`);
      } else if (f.fieldKind === "message") {
        body.line(`  if (${v} !== undefined) {`);
        emitValue(v, "    ");
        body.line(`  }`);
      } else if (f.fieldKind === "list") {
        const scalar = f.listKind === "message" ? undefined : scalarOf(f);
        if (scalar !== undefined && f.packed) {
          const width = fixedWidth(scalar);
          body.line(`  if (${v}.length !== 0) {`);
          if (width !== undefined) {
            body.line(`    const length = ${v}.length * ${width};`);
          } else {
            body.line(`    const list = ${v};`);
            body.line(`    let length = 0;`);
            body.line(
              `    for (let i = 0; i < list.length; i++) length += ${
                scalarSize(scalar, "list[i]")
              };`,
            );
            body.line(`    s.push(length);`);
          }
          body.line(
            `    n += ${varintLength((f.number << 3) | WIRE_LEN)} + varintSize(length) + length;`,
          );
          body.line(`  }`);
        } else {
          body.line(`  {`);
          body.line(`    const list = ${v};`);
          body.line(`    for (let i = 0; i < list.length; i++) {`);
          emitValue("list[i]", "      ");
          body.line(`    }`);
          body.line(`  }`);
        }
      } else if (f.presence !== IMPLICIT) {
        body.line(`  if (${v} !== undefined) {`);
        emitValue(v, "    ");
        body.line(`  }`);
      } else {
        body.line(`  if (${isSet(f, v)}) {`);
        emitValue(v, "    ");
        body.line(`  }`);
      }
    }
    body.line(`  if (m.$unknown !== undefined) n += unknownSize(m.$unknown);`);
    body.line(`  return n;`);
    body.line(`}`);
    body.line();

    // Write pass.
    body.line(`/** Writes a \`${desc.typeName}\` whose lengths \`size${name}\` stored. */`);
    body.line(`export function write${name}(m: ${type}, w: WireWriter): void {`);
    for (const f of sorted) {
      const tag = (f.number << 3) | wireTypeOf(f);
      const emitValue = (v: string, indent: string) => {
        if (f.fieldKind === "message" || (f.fieldKind === "list" && f.listKind === "message")) {
          const child = codecName(f.message!);
          body.line(`${indent}${writeTag(tag)}`);
          body.line(`${indent}w.uint32(w.size());`);
          body.line(`${indent}write${child}(${v}, w);`);
          return;
        }
        body.line(`${indent}${writeTag(tag)}`);
        body.line(`${indent}w.${writeMethod(scalarOf(f))}(${v});`);
      };
      const v = `m.${f.localName}`;
      if (f.oneof) {
        const o = `m.${f.oneof.localName}`;
        body.line(`  if (${o}.case === "${f.localName}") {`);
        emitValue(`${o}.value`, "    ");
        body.line(`  }`);
      } else if (f.fieldKind === "message") {
        body.line(`  if (${v} !== undefined) {`);
        emitValue(v, "    ");
        body.line(`  }`);
      } else if (f.fieldKind === "list") {
        const scalar = f.listKind === "message" ? undefined : scalarOf(f);
        if (scalar !== undefined && f.packed) {
          const width = fixedWidth(scalar);
          body.line(`  if (${v}.length !== 0) {`);
          body.line(`    const list = ${v};`);
          body.line(`    ${writeTag((f.number << 3) | WIRE_LEN)}`);
          body.line(
            `    w.uint32(${width !== undefined ? `list.length * ${width}` : "w.size()"});`,
          );
          body.line(
            `    for (let i = 0; i < list.length; i++) w.${writeMethod(scalar)}(list[i]);`,
          );
          body.line(`  }`);
        } else {
          body.line(`  {`);
          body.line(`    const list = ${v};`);
          body.line(`    for (let i = 0; i < list.length; i++) {`);
          emitValue("list[i]", "      ");
          body.line(`    }`);
          body.line(`  }`);
        }
      } else if (f.presence !== IMPLICIT) {
        body.line(`  if (${v} !== undefined) {`);
        emitValue(v, "    ");
        body.line(`  }`);
      } else {
        body.line(`  if (${isSet(f, v)}) {`);
        emitValue(v, "    ");
        body.line(`  }`);
      }
    }
    body.line(`  if (m.$unknown !== undefined) w.unknown(m.$unknown);`);
    body.line(`}`);
    body.line();
  }

  out.line(unit.header);
  out.line("// @generated by tools/gen_wire.ts from the protobuf-es descriptors; do not edit.");
  out.line("// Regenerate with `deno task gen`.");
  out.line();
  for (const file of unit.files) {
    out.line(`import type * as ${file.namespace} from "${file.module}";`);
  }
  out.line(
    `import { annotate, EMPTY_BYTES, idLengthError, keepUnknown, type WireReader } from "${unit.runtime.reader}";`,
  );
  out.line(
    `import { int32Size, sint32Size, sint64Size, type SizeStack, unknownSize, varint64Size, varintSize, type WireWriter } from "${unit.runtime.writer}";`,
  );
  if (externals.size > 0) {
    const names = [...externals].sort().flatMap((n) => [
      `decode${n}`,
      `scan${n}`,
      `size${n}`,
      `write${n}`,
    ]);
    out.line(`import { ${names.join(", ")} } from "${unit.external}";`);
  }
  out.line();
  out.line("// Every runtime helper is imported whether or not this file's messages use it.");
  out.line(
    "void [EMPTY_BYTES, idLengthError, int32Size, sint32Size, sint64Size, varint64Size];",
  );
  out.line();
  return [...out.lines, ...body.lines].join("\n");
}

/** The units, built from the generated descriptors of the committed `*_pb.ts` files. */
async function units(): Promise<Unit[]> {
  const pdata = `${ROOT}pdata/gen/opentelemetry/proto`;
  const experimental = `${ROOT}pdata_experimental/gen/opentelemetry/proto`;
  const common = await import(`file://${pdata}/common/v1/common_pb.ts`);
  const resource = await import(`file://${pdata}/resource/v1/resource_pb.ts`);
  const trace = await import(`file://${pdata}/trace/v1/trace_pb.ts`);
  const metrics = await import(`file://${pdata}/metrics/v1/metrics_pb.ts`);
  const logs = await import(`file://${pdata}/logs/v1/logs_pb.ts`);
  const profiles = await import(`file://${experimental}/profiles/v1development/profiles_pb.ts`);
  const otlpIds = { trace_id: 16, span_id: 8, parent_span_id: 8 };
  const header = (what: string) => `// Binary protobuf codec of the OTLP ${what} messages.`;
  const gen = "../../gen/opentelemetry/proto";
  return [
    {
      out: "pdata/wire/gen/otlp_wire.ts",
      files: [
        {
          desc: common.file_opentelemetry_proto_common_v1_common,
          module: `${gen}/common/v1/common_pb.ts`,
          namespace: "common",
        },
        {
          desc: resource.file_opentelemetry_proto_resource_v1_resource,
          module: `${gen}/resource/v1/resource_pb.ts`,
          namespace: "resource",
        },
        {
          desc: trace.file_opentelemetry_proto_trace_v1_trace,
          module: `${gen}/trace/v1/trace_pb.ts`,
          namespace: "trace",
        },
        {
          desc: metrics.file_opentelemetry_proto_metrics_v1_metrics,
          module: `${gen}/metrics/v1/metrics_pb.ts`,
          namespace: "metrics",
        },
        {
          desc: logs.file_opentelemetry_proto_logs_v1_logs,
          module: `${gen}/logs/v1/logs_pb.ts`,
          namespace: "logs",
        },
      ],
      runtime: { reader: "../reader.ts", writer: "../writer.ts" },
      external: "",
      idFields: otlpIds,
      itemTypes: [
        "opentelemetry.proto.trace.v1.Span",
        "opentelemetry.proto.logs.v1.LogRecord",
        "opentelemetry.proto.metrics.v1.NumberDataPoint",
        "opentelemetry.proto.metrics.v1.HistogramDataPoint",
        "opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint",
        "opentelemetry.proto.metrics.v1.SummaryDataPoint",
      ],
      header: header("common, resource, trace, metrics and logs"),
      json: {
        out: "pdata/wire/gen/otlp_json.ts",
        runtime: { reader: "../reader.ts", json: "../json_writer.ts", walk: "../json_walk.ts" },
        external: "",
      },
    },
    {
      out: "pdata_experimental/wire/gen/profiles_wire.ts",
      files: [{
        desc: profiles.file_opentelemetry_proto_profiles_v1development_profiles,
        module: `${gen}/profiles/v1development/profiles_pb.ts`,
        namespace: "profiles",
      }],
      runtime: { reader: "@denocol/pdata/wire", writer: "@denocol/pdata/wire" },
      external: "@denocol/pdata/wire",
      idFields: { ...otlpIds, profile_id: 16 },
      itemTypes: ["opentelemetry.proto.profiles.v1development.Sample"],
      header: header("profiles (v1development)"),
      json: {
        out: "pdata_experimental/wire/gen/profiles_json.ts",
        runtime: {
          reader: "@denocol/pdata/wire",
          json: "@denocol/pdata/wire",
          walk: "@denocol/pdata/wire",
        },
        external: "@denocol/pdata/wire",
      },
    },
  ];
}

/** Formats generated text the way `deno fmt` would, so that the files read normally. */
async function format(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--line-width=100", "--ext=ts", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const output = await child.output();
  if (!output.success) {
    throw new Error(`gen_wire: deno fmt failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  return new TextDecoder().decode(output.stdout);
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  const stale: string[] = [];
  const outputs = (await units()).flatMap((unit) => [
    { out: unit.out, text: generateUnit(unit) },
    {
      out: unit.json.out,
      text: generateJsonUnit({
        messages: unit.files.flatMap((file) =>
          allMessages(file.desc).map((desc) => ({ desc, name: tsName(desc) }))
        ),
        nameOf: tsName,
        runtime: unit.json.runtime,
        external: unit.json.external,
        idFields: unit.idFields,
        header: unit.header.replace("Binary protobuf codec", "Protobuf to OTLP/JSON transcoder"),
      }),
    },
  ]);
  for (const output of outputs) {
    const text = await format(output.text);
    const path = `${ROOT}${output.out}`;
    if (check) {
      let committed: string | undefined;
      try {
        committed = Deno.readTextFileSync(path);
      } catch {
        committed = undefined;
      }
      if (committed !== text) stale.push(output.out);
    } else {
      Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      Deno.writeTextFileSync(path, text);
    }
  }
  if (stale.length > 0) {
    console.error(
      `gen_wire: generated codecs are stale; run \`deno task gen\` and commit:\n  ${
        stale.join("\n  ")
      }`,
    );
    Deno.exit(1);
  }
  console.log(check ? "gen_wire: generated codecs are current" : "gen_wire: wrote the codecs");
}
