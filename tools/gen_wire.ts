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

import { type DescFile, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { ROOT } from "./workspace.ts";
import { generateJsonUnit } from "./gen_wire_json.ts";
import {
  allMessages,
  Emitter,
  IMPLICIT,
  objectCost,
  readMethod,
  scalarOf,
  tsName,
  WIRE_LEN,
  wireTypeOf,
  zeroValue,
} from "./gen_wire_schema.ts";
import { emitScan } from "./gen_wire_scan.ts";
import { emitSizeAndWrite } from "./gen_wire_encode.ts";

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

    emitSizeAndWrite(body, desc, name, type, sorted, codecName);
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
