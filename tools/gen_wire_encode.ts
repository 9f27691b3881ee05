// The size and write passes of each message (`size<Name>`, `write<Name>`), emitted beside the
// decoders by tools/gen_wire.ts.

import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import {
  type Emitter,
  fixedWidth,
  IMPLICIT,
  isSet,
  scalarOf,
  scalarSize,
  varintLength,
  WIRE_LEN,
  wireTypeOf,
  writeMethod,
} from "./gen_wire_schema.ts";

/**
 * Emits the size pass (nested lengths stored in a stack) and the write pass of one message.
 *
 * @param body where the functions go
 * @param desc the message
 * @param name its TypeScript name
 * @param type its TypeScript type expression
 * @param sorted its fields by number (the order they are written in)
 * @param codecName the TypeScript name of a message field's codec
 */
export function emitSizeAndWrite(
  body: Emitter,
  desc: DescMessage,
  name: string,
  type: string,
  sorted: DescField[],
  codecName: (desc: DescMessage) => string,
): void {
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
            `    for (let i = 0; i < list.length; i++) length += ${scalarSize(scalar, "list[i]")};`,
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

/** The statement writing a tag: one byte for field numbers up to 15. */
function writeTag(tag: number): string {
  return tag < 0x80 ? `w.byte(${tag});` : `w.uint32(${tag});`;
}
