// The validating scan of each message (`scan<Name>`), emitted beside the decoders by
// tools/gen_wire.ts.

import type { DescMessage } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import {
  type Emitter,
  objectCost,
  scalarOf,
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  wireTypeOf,
} from "./gen_wire_schema.ts";

/** What a scan needs to know about its output unit. */
export interface ScanUnit {
  /** Bytes fields (by protobuf name) checked as ids, with their length. */
  idFields: Record<string, number>;
  /** Message types (full names) that are the signal's counted items. */
  itemTypes: string[];
}

/**
 * Emits `scan<Name>`: walks a message as its decoder does (tags, wire types of known fields,
 * lengths, nesting, UTF-8 of strings, lengths of id fields, packed lists, unknown fields) without
 * allocating the message, and returns how many of the signal's items it holds. It may refuse
 * input the decoder accepts (an id field repeated with a bad first value), never the reverse:
 * callers decode whatever the scan refuses, which also gives them the decoder's error message.
 */
export function emitScan(
  body: Emitter,
  desc: DescMessage,
  name: string,
  unit: ScanUnit,
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
