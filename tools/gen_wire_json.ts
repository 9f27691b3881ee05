/**
 * Generates the protobuf → OTLP/JSON transcoder of a set of messages: one `json<Message>`
 * function per message, writing through the runtime of `pdata/wire/json_writer.ts`. Called by
 * `tools/gen_wire.ts`, which writes its output beside the binary codec of the same messages.
 *
 * Each function walks its message twice. The first pass checks tags and wire types as the
 * decoder does and notes where each field is: the value of a singular scalar's last occurrence,
 * the tags of the first and last occurrence of a list or message field, and which member of a
 * oneof was sent last. The second pass writes the fields in the order pdata's JSON encoder
 * writes them (declaration order, not field numbers, which is why one pass cannot do), omitting
 * what it omits: implicit-presence scalars at their zero value, empty lists, absent messages,
 * unknown fields. A message field sent more than once is the merge of its occurrences, as
 * decoding makes it; it is transcoded from their concatenated payloads.
 *
 * @module
 */

import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";

/** The messages of one generated file and where its imports come from. */
export interface JsonUnit {
  /** Every message of the unit, with the name its functions get. */
  messages: { desc: DescMessage; name: string }[];
  /** The name of a message's functions (of this unit or another). */
  nameOf(desc: DescMessage): string;
  /**
   * Where the runtime comes from: `WireReader` (`reader`), `JsonWriter` and `jsonKey` (`json`),
   * `readTag`, `skipField` and `gather` (`walk`).
   */
  runtime: { reader: string; json: string; walk: string };
  /** Where the `json*` functions of other units' messages come from. */
  external: string;
  /** Bytes fields (by protobuf name) written as hex ids, with their length. */
  idFields: Record<string, number>;
  /** The file's first line. */
  header: string;
}

const IMPLICIT = 2;

function scalarOf(field: DescField): ScalarType {
  if (field.fieldKind === "scalar") return field.scalar;
  if (field.fieldKind === "list" && field.listKind === "scalar") return field.scalar;
  return ScalarType.INT32; // enums travel as int32
}

function isMessage(field: DescField): boolean {
  return field.fieldKind === "message" ||
    (field.fieldKind === "list" && field.listKind === "message");
}

function wireTypeOf(field: DescField): number {
  if (isMessage(field)) return 2;
  switch (scalarOf(field)) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 1;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 5;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return 2;
    default:
      return 0;
  }
}

/** The `JsonWriter` method reading and writing one value of a scalar type. */
function valueMethod(scalar: ScalarType): string {
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

/** Skips the value of a known field in the first pass (its wire type is already checked). */
function skipValue(wireType: number): string {
  switch (wireType) {
    case 0:
      return "skipField(r, tag, 0);";
    case 1:
      return "if ((r.pos += 8) > r.len) r.eof();";
    case 5:
      return "if ((r.pos += 4) > r.len) r.eof();";
    default:
      return "r.pos = r.lengthEnd();";
  }
}

/** Emits `json<Name>` for one message. */
function emitMessage(lines: string[], unit: JsonUnit, desc: DescMessage, name: string): void {
  const keys: string[] = [];
  const keyOf = (field: DescField) => {
    keys.push(`const K_${name}_${field.number} = jsonKey("${field.jsonName}");`);
    return `K_${name}_${field.number}`;
  };
  const wires = desc.fields.map((f) => `${f.number}: ${wireTypeOf(f)}`).join(", ");
  const pass1: string[] = [];
  const pass2: string[] = [];
  const locals: string[] = [];
  let needsAt = false;
  const oneofs = new Set<string>();

  // Writes the message value found at tag `first` (merged up to tag `last` when they differ).
  const writeMessage = (field: DescField, first: string, last: string, indent: string) => {
    const child = `json${unit.nameOf(field.message!)}`;
    const tag = (field.number << 3) | 2;
    pass2.push(`${indent}if (${first} === ${last}) {`);
    pass2.push(`${indent}  r.pos = ${first};`);
    pass2.push(`${indent}  r.tag();`);
    pass2.push(`${indent}  ${child}(r, r.lengthEnd(), depth + 1, out);`);
    pass2.push(`${indent}} else {`);
    pass2.push(`${indent}  const merged = gather(r, ${first}, ${last}, ${tag});`);
    pass2.push(`${indent}  ${child}(merged, merged.len, depth + 1, out);`);
    pass2.push(`${indent}}`);
  };

  for (const field of desc.fields) {
    const n = field.number;
    const wire = wireTypeOf(field);
    const tag = (n << 3) | wire;
    const key = keyOf(field);
    if (field.fieldKind === "map") throw new Error(`gen_wire_json: map field ${field} unsupported`);
    if (field.oneof !== undefined) {
      const o = field.oneof.localName;
      if (!oneofs.has(o)) {
        oneofs.add(o);
        locals.push(`let case_${o} = 0;`, `let first_${o} = -1;`, `let last_${o} = -1;`);
      }
      needsAt = true;
      pass1.push(`      case ${tag}:`);
      pass1.push(`        if (case_${o} !== ${n}) {`);
      pass1.push(`          case_${o} = ${n};`);
      pass1.push(`          first_${o} = at;`);
      pass1.push(`        }`);
      pass1.push(`        last_${o} = at;`);
      pass1.push(`        ${skipValue(wire)}`);
      pass1.push(`        break;`);
      pass2.push(`  if (case_${o} === ${n}) {`);
      pass2.push(`    out.key(${key});`);
      if (isMessage(field)) {
        writeMessage(field, `first_${o}`, `last_${o}`, "    ");
      } else {
        // A oneof member is written whatever its value, as the encoder writes it.
        pass2.push(`    r.pos = last_${o};`);
        pass2.push(`    r.tag();`);
        pass2.push(`    ${scalarWrite(unit, field)};`);
      }
      pass2.push(`  }`);
      continue;
    }
    if (field.fieldKind === "list" || field.fieldKind === "message") {
      needsAt = true;
      locals.push(`let first${n} = -1;`, `let last${n} = -1;`);
      pass1.push(`      case ${tag}:`);
      pass1.push(`        if (first${n} < 0) first${n} = at;`);
      pass1.push(`        last${n} = at;`);
      pass1.push(`        ${skipValue(wire)}`);
      pass1.push(`        break;`);
      const packable = field.fieldKind === "list" && wire !== 2;
      const packedTag = (n << 3) | 2;
      if (packable) {
        // Packed: an empty run adds no element, so it does not make the list present.
        pass1.push(`      case ${packedTag}: {`);
        pass1.push(`        const listEnd = r.lengthEnd();`);
        pass1.push(`        if (listEnd > r.pos) {`);
        pass1.push(`          if (first${n} < 0) first${n} = at;`);
        pass1.push(`          last${n} = at;`);
        pass1.push(`        }`);
        pass1.push(`        r.pos = listEnd;`);
        pass1.push(`        break;`);
        pass1.push(`      }`);
      }
      pass2.push(`  if (first${n} >= 0) {`);
      pass2.push(`    out.key(${key});`);
      if (field.fieldKind === "message") {
        writeMessage(field, `first${n}`, `last${n}`, "    ");
        pass2.push(`  }`);
        continue;
      }
      pass2.push(`    out.byte(0x5b);`);
      pass2.push(`    r.pos = first${n};`);
      pass2.push(`    for (;;) {`);
      pass2.push(`      const at = r.pos;`);
      pass2.push(`      const tag = readTag(r);`);
      pass2.push(`      if (tag === ${tag}) {`);
      pass2.push(`        out.item();`);
      if (field.listKind === "message") {
        pass2.push(`        json${unit.nameOf(field.message)}(r, r.lengthEnd(), depth + 1, out);`);
      } else {
        pass2.push(`        out.${valueMethod(scalarOf(field))}(r);`);
      }
      if (packable) {
        const method = valueMethod(scalarOf(field));
        pass2.push(`      } else if (tag === ${packedTag}) {`);
        pass2.push(`        const listEnd = r.lengthEnd();`);
        pass2.push(`        while (r.pos < listEnd) {`);
        pass2.push(`          out.item();`);
        pass2.push(`          out.${method}(r);`);
        pass2.push(`        }`);
        pass2.push(`        if (r.pos !== listEnd) r.overrun(listEnd);`);
      }
      pass2.push(`      } else {`);
      pass2.push(`        skipField(r, tag, r.maxDepth - depth);`);
      pass2.push(`      }`);
      pass2.push(`      if (at === last${n}) break;`);
      pass2.push(`    }`);
      pass2.push(`    out.byte(0x5d);`);
      pass2.push(`  }`);
      continue;
    }
    // A singular scalar or enum: the last occurrence counts.
    locals.push(`let at${n} = -1;`);
    pass1.push(`      case ${tag}:`);
    pass1.push(`        at${n} = r.pos;`);
    pass1.push(`        ${skipValue(wire)}`);
    pass1.push(`        break;`);
    pass2.push(`  if (at${n} >= 0) {`);
    pass2.push(`    r.pos = at${n};`);
    if (field.presence === IMPLICIT) {
      pass2.push(`    const mark = out.key(${key});`);
      pass2.push(`    if (${scalarWrite(unit, field)}) out.pos = mark;`);
    } else {
      pass2.push(`    out.key(${key});`);
      pass2.push(`    ${scalarWrite(unit, field)};`);
    }
    pass2.push(`  }`);
  }

  lines.push(...keys);
  lines.push(`const WIRE_${name}: Readonly<Record<number, number>> = { ${wires} };`);
  lines.push("");
  lines.push(`/** Writes the \`${desc.typeName}\` from \`r.pos\` to \`end\` as OTLP/JSON. */`);
  lines.push(
    `export function json${name}(r: WireReader, end: number, depth: number, out: JsonWriter): void {`,
  );
  lines.push(`  if (depth > r.maxDepth) r.tooDeep();`);
  lines.push(...locals.map((l) => `  ${l}`));
  lines.push(`  while (r.pos < end) {`);
  if (needsAt) lines.push(`    const at = r.pos;`);
  lines.push(`    const tag = readTag(r);`);
  lines.push(`    switch (tag) {`);
  lines.push(...pass1);
  lines.push(`      default:`);
  lines.push(
    `        if (WIRE_${name}[tag >>> 3] !== undefined) r.wrongWireType(tag, WIRE_${name}[tag >>> 3]);`,
  );
  lines.push(`        r.skip(tag, r.maxDepth - depth);`);
  lines.push(`    }`);
  lines.push(`  }`);
  lines.push(`  if (r.pos !== end) r.overrun(end);`);
  lines.push(`  out.byte(0x7b);`);
  lines.push(...pass2);
  lines.push(`  out.byte(0x7d);`);
  lines.push(`  r.pos = end;`);
  lines.push(`}`);
  lines.push("");
}

/** The call writing a singular scalar at `r.pos`; true when it wrote the zero value. */
function scalarWrite(unit: JsonUnit, field: DescField): string {
  const scalar = scalarOf(field);
  const idLength = unit.idFields[field.name];
  if (scalar === ScalarType.BYTES && idLength !== undefined) {
    return `out.id(r, ${idLength}, "${field.localName}")`;
  }
  return `out.${valueMethod(scalar)}(r)`;
}

/** The text of the generated file (before formatting). */
export function generateJsonUnit(unit: JsonUnit): string {
  const body: string[] = [];
  const own = new Set(unit.messages.map((m) => m.desc.typeName));
  const externals = new Set<string>();
  for (const { desc, name } of unit.messages) {
    for (const field of desc.fields) {
      if (isMessage(field) && !own.has(field.message!.typeName)) {
        externals.add(unit.nameOf(field.message!));
      }
    }
    emitMessage(body, unit, desc, name);
  }
  const head = [
    unit.header,
    "// @generated by tools/gen_wire_json.ts from the protobuf-es descriptors; do not edit.",
    "// Regenerate with `deno task gen`.",
    "",
    `import type { WireReader } from "${unit.runtime.reader}";`,
    `import { type JsonWriter, jsonKey } from "${unit.runtime.json}";`,
    `import { gather, readTag, skipField } from "${unit.runtime.walk}";`,
  ];
  if (externals.size > 0) {
    const names = [...externals].sort().map((n) => `json${n}`);
    head.push(`import { ${names.join(", ")} } from "${unit.external}";`);
  }
  head.push("");
  return [...head, ...body].join("\n");
}
