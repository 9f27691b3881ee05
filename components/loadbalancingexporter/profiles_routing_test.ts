// Each part of a routed profiles request carries a dictionary of its own: correct (every index
// resolves as in the request), holding only what the part references (a backend sees no other
// service's stacks and strings), its entries 0 the request's (zero values, kept exactly as sent:
// an empty link id stays empty, a zero-filled one zero-filled), and shared with no other part.

import assert from "node:assert/strict";
import { create, equals } from "@bufbuild/protobuf";
import {
  FunctionSchema,
  KeyValueAndUnitSchema,
  LinkSchema,
  LocationSchema,
  MappingSchema,
  type Profiles,
  profiles,
  type ProfilesDictionary,
  resolveSample,
  StackSchema,
  validateProfiles,
} from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import { HashRing } from "./ring.ts";
import { splitFor } from "./routing.ts";

const RING = new HashRing(["gw-1:4317", "gw-2:4317", "gw-3:4317"]);

function request(): Profiles {
  const data = profiles.merge(
    Array.from({ length: 6 }, (_, i) => generateProfiles({ seed: 40 + i, maxResources: 2 })),
  );
  data.resourceProfiles.forEach((rp, i) => {
    rp.resource!.attributes = [{
      $typeName: "opentelemetry.proto.common.v1.KeyValue",
      key: "service.name",
      keyStrindex: 0,
      value: {
        $typeName: "opentelemetry.proto.common.v1.AnyValue",
        value: { case: "stringValue", value: `service-${i}` },
      },
    }];
  });
  return data;
}

/** Every sample resolved, in order, with its resource's service. */
function resolved(data: Profiles) {
  return data.resourceProfiles.flatMap((rp) =>
    rp.scopeProfiles.flatMap((sp) =>
      sp.profiles.flatMap((p) => p.samples.map((s) => resolveSample(data.dictionary, s)))
    )
  );
}

/** Entry 0 of each table as the request has it: the zero values, kept exactly as sent. */
function assertEntriesZero(dictionary: ProfilesDictionary, sent: ProfilesDictionary): void {
  assert.equal(dictionary.stringTable[0], "");
  const tables = [
    [FunctionSchema, "functionTable"],
    [LocationSchema, "locationTable"],
    [MappingSchema, "mappingTable"],
    [StackSchema, "stackTable"],
    [LinkSchema, "linkTable"],
    [KeyValueAndUnitSchema, "attributeTable"],
  ] as const;
  for (const [schema, table] of tables) {
    const entry = dictionary[table][0];
    const expected = sent[table][0] ?? create(schema);
    // deno-lint-ignore no-explicit-any
    assert.ok(equals(schema as any, entry as any, expected as any), `${table}[0] as sent`);
  }
}

Deno.test("routing profiles gives each part a dictionary of its own with what it references", () => {
  for (const key of ["service", "resource"] as const) {
    const data = request();
    const before = profiles.encodeProto(data);
    const parts = [
      ...splitFor<Profiles>("profiles", key)(data, (k) => RING.endpointFor(k)!)
        .values(),
    ];
    assert.ok(parts.length > 1, "the request goes to several backends");
    // The request itself is left as it was.
    assert.deepEqual(profiles.encodeProto(data), before);
    const dictionaries = new Set(parts.map((part) => part.dictionary));
    assert.equal(dictionaries.size, parts.length, "no two parts share a dictionary");
    assert.ok(!dictionaries.has(data.dictionary), "no part shares the request's dictionary");
    let samples = 0;
    for (const part of parts) {
      validateProfiles(part);
      assertEntriesZero(part.dictionary!, data.dictionary!);
      // Nothing unreferenced: rebuilding the dictionary from the part's own references
      // (what merge does) finds nothing to leave out.
      const rebuilt = profiles.merge([part, profiles.empty()]).dictionary!;
      for (
        const table of ["stringTable", "stackTable", "locationTable", "functionTable"] as const
      ) {
        assert.equal(part.dictionary![table].length, rebuilt[table].length, table);
      }
      samples += profiles.count(part);
    }
    assert.equal(samples, profiles.count(data));
    // Every sample resolves in its part exactly as in the request.
    const original = new Map<string, number>();
    for (const sample of resolved(data)) {
      const k = JSON.stringify(sample, (_k, v) => typeof v === "bigint" ? `${v}` : v);
      original.set(k, (original.get(k) ?? 0) + 1);
    }
    for (const part of parts) {
      for (const sample of resolved(part)) {
        const k = JSON.stringify(sample, (_k, v) => typeof v === "bigint" ? `${v}` : v);
        const left = original.get(k) ?? 0;
        assert.ok(left > 0, "a part's sample resolves as one of the request");
        original.set(k, left - 1);
      }
    }
  }
});
