/**
 * EXPERIMENTAL: test helpers for profiles: a seeded generator of valid, randomly shaped profiles
 * (with dictionaries that use every kind of reference), for property tests and benchmarks.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import {
  type AnyValue,
  AnyValueSchema,
  ArrayValueSchema,
  type KeyValue,
  KeyValueListSchema,
  KeyValueSchema,
  ResourceSchema,
} from "@denocol/pdata";
import { InstrumentationScopeSchema } from "@denocol/pdata";
import {
  FunctionSchema,
  type KeyValueAndUnit,
  KeyValueAndUnitSchema,
  LineSchema,
  LinkSchema,
  LocationSchema,
  MappingSchema,
  type Profiles,
  ProfileSchema,
  ProfilesDataSchema,
  ProfilesDictionarySchema,
  ResourceProfilesSchema,
  type Sample,
  SampleSchema,
  ScopeProfilesSchema,
  StackSchema,
  ValueTypeSchema,
} from "../mod.ts";

/**
 * Shape of the generated profiles. Every count is an upper bound; the generator picks a value
 * between 1 (0 for samples) and the bound.
 */
export interface GenerateOptions {
  /** Seed of the pseudo-random sequence: equal seeds give equal profiles. */
  seed: number;
  /** Most resource groups; default 2. */
  maxResources?: number;
  /** Most scope groups per resource; default 2. */
  maxScopes?: number;
  /** Most profiles per scope; default 2. */
  maxProfiles?: number;
  /** Most samples per profile; default 20. */
  maxSamples?: number;
  /**
   * Exact sample count of every profile, overriding `maxSamples` (for benchmarks that need a
   * known size).
   */
  samplesPerProfile?: number;
  /** Distinct strings to draw names from; default 30. */
  strings?: number;
  /** Function table entries (before index 0); default 20. */
  functions?: number;
  /** Location table entries; default 30. */
  locations?: number;
  /** Stack table entries; default 15. */
  stacks?: number;
  /**
   * Whether to add duplicate entries (equal by value) to every table, which merge is expected to
   * collapse; default false.
   */
  duplicates?: boolean;
  /**
   * Whether to give some entries of every dictionary table, and some resources, scopes, profiles
   * and samples, unknown fields (kept by the binary codec, lost by OTLP/JSON); default false.
   */
  unknownFields?: boolean;
}

/**
 * A small, fast pseudo-random generator (mulberry32): good enough to vary shapes, reproducible
 * from its seed.
 */
export class SeededRandom {
  #state: number;

  /** Starts the sequence of `seed`. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of `items`, which must not be empty. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

const WORDS = [
  "main",
  "run",
  "handle",
  "parse",
  "encode",
  "décoder",
  "读取",
  "emoji🔥",
  "alloc",
  "free",
  "send",
  "recv",
];

/**
 * Generates a valid `Profiles` value: index 0 of every table is its zero value, every index is
 * in range, and the data uses every kind of reference (stacks, links, sample, profile, location
 * and mapping attributes, attribute values by string index, resource and scope attribute keys by
 * string index, and nested values).
 */
export function generateProfiles(options: GenerateOptions): Profiles {
  const random = new SeededRandom(options.seed);
  const duplicates = options.duplicates ?? false;
  // Fields added after the first version draw from their own sequence, so that a seed still
  // gives the shapes and values it always gave.
  const more = new SeededRandom(options.seed ^ 0x5bd1e995);
  const unknownFields = options.unknownFields ?? false;
  /** Gives `message` an unknown varint or bytes field now and then, when asked for. */
  const maybeUnknown = <T extends object>(message: T): T => {
    if (!unknownFields || more.next() < 0.6) return message;
    const no = more.int(100, 120);
    const field = more.next() < 0.5
      ? { no, wireType: 0, data: Uint8Array.of(more.int(0, 127)) }
      : { no, wireType: 2, data: Uint8Array.of(2, more.int(0, 255), more.int(0, 255)) };
    (message as { $unknown?: unknown[] }).$unknown = [field];
    return message;
  };

  const stringTable = [""];
  const stringCount = options.strings ?? 30;
  for (let i = 0; i < stringCount; i++) {
    stringTable.push(`${random.pick(WORDS)}_${options.seed}_${i}`);
  }
  if (duplicates) stringTable.push(stringTable[1], stringTable[2]);
  const anyString = () => random.int(1, stringTable.length - 1);
  const maybeString = () => (random.next() < 0.2 ? 0 : anyString());

  const attributeValue = (depth: number): AnyValue => {
    const kind = random.int(0, depth > 0 ? 5 : 7);
    switch (kind) {
      case 0:
        return create(AnyValueSchema, {
          value: { case: "stringValue", value: random.pick(WORDS) },
        });
      case 1:
        return create(AnyValueSchema, {
          value: { case: "stringValueStrindex", value: anyString() },
        });
      case 2:
        return create(AnyValueSchema, {
          value: { case: "intValue", value: BigInt(random.int(-1000, 1000)) },
        });
      case 3:
        return create(AnyValueSchema, { value: { case: "doubleValue", value: random.next() } });
      case 4:
        return create(AnyValueSchema, { value: { case: "boolValue", value: random.next() < 0.5 } });
      case 5:
        return create(AnyValueSchema, {
          value: { case: "bytesValue", value: new Uint8Array([random.int(0, 255), 0, 255]) },
        });
      case 6:
        return create(AnyValueSchema, {
          value: {
            case: "arrayValue",
            value: create(ArrayValueSchema, {
              values: [attributeValue(depth + 1), attributeValue(depth + 1)],
            }),
          },
        });
      default:
        return create(AnyValueSchema, {
          value: {
            case: "kvlistValue",
            value: create(KeyValueListSchema, {
              values: [create(KeyValueSchema, {
                keyStrindex: anyString(),
                value: attributeValue(depth + 1),
              })],
            }),
          },
        });
    }
  };

  const attributeTable: KeyValueAndUnit[] = [create(KeyValueAndUnitSchema)];
  for (let i = 0; i < 12; i++) {
    attributeTable.push(maybeUnknown(create(KeyValueAndUnitSchema, {
      keyStrindex: anyString(),
      value: maybeUnknown(attributeValue(0)),
      unitStrindex: maybeString(),
    })));
  }
  if (duplicates) attributeTable.push(attributeTable[1], attributeTable[2]);
  // Attribute lists are drawn without repeats: referencing lists must keep keys unique.
  const attributeIndices = (most: number): number[] => {
    const count = random.int(0, most);
    const chosen = new Set<number>();
    for (let i = 0; i < count; i++) chosen.add(random.int(1, attributeTable.length - 1));
    return [...chosen];
  };

  const mappingTable = [create(MappingSchema)];
  for (let i = 0; i < 4; i++) {
    const start = BigInt(random.int(1, 1 << 20)) << 12n;
    mappingTable.push(maybeUnknown(create(MappingSchema, {
      memoryStart: start,
      memoryLimit: start + 0x10000n,
      fileOffset: BigInt(random.int(0, 4096)),
      filenameStrindex: anyString(),
      attributeIndices: attributeIndices(2),
    })));
  }
  if (duplicates) mappingTable.push(mappingTable[1]);

  const functionTable = [create(FunctionSchema)];
  for (let i = 0; i < (options.functions ?? 20); i++) {
    functionTable.push(maybeUnknown(create(FunctionSchema, {
      nameStrindex: anyString(),
      systemNameStrindex: maybeString(),
      filenameStrindex: maybeString(),
      startLine: BigInt(random.int(0, 5000)),
    })));
  }
  if (duplicates) functionTable.push(functionTable[1], functionTable[2]);

  const locationTable = [create(LocationSchema)];
  for (let i = 0; i < (options.locations ?? 30); i++) {
    const lineCount = random.int(0, 3);
    locationTable.push(maybeUnknown(create(LocationSchema, {
      mappingIndex: random.int(0, mappingTable.length - 1),
      address: BigInt(random.int(0, 1 << 30)),
      lines: Array.from({ length: lineCount }, () =>
        maybeUnknown(create(LineSchema, {
          functionIndex: random.int(1, functionTable.length - 1),
          line: BigInt(random.int(0, 9000)),
          column: BigInt(random.int(0, 120)),
        }))),
      attributeIndices: attributeIndices(1),
    })));
  }
  if (duplicates) locationTable.push(locationTable[1], locationTable[2]);

  const stackTable = [create(StackSchema)];
  for (let i = 0; i < (options.stacks ?? 15); i++) {
    stackTable.push(maybeUnknown(create(StackSchema, {
      locationIndices: Array.from(
        { length: random.int(1, 8) },
        () => random.int(1, locationTable.length - 1),
      ),
    })));
  }
  if (duplicates) stackTable.push(stackTable[1]);

  const linkTable = [create(LinkSchema, {
    traceId: new Uint8Array(16),
    spanId: new Uint8Array(8),
  })];
  for (let i = 0; i < 5; i++) {
    linkTable.push(maybeUnknown(create(LinkSchema, {
      traceId: Uint8Array.from({ length: 16 }, () => random.int(0, 255)),
      spanId: Uint8Array.from({ length: 8 }, () => random.int(0, 255)),
    })));
  }
  if (duplicates) linkTable.push(linkTable[1]);

  const keyValues = (): KeyValue[] =>
    Array.from(
      { length: random.int(0, 3) },
      (_, i) =>
        i % 2 === 0
          ? create(KeyValueSchema, { keyStrindex: anyString(), value: attributeValue(0) })
          : create(KeyValueSchema, { key: `key.${i}`, value: attributeValue(0) }),
    );

  const sample = (timeBase: bigint): Sample => {
    const observations = random.int(1, 3);
    return maybeUnknown(create(SampleSchema, {
      stackIndex: random.int(0, stackTable.length - 1),
      attributeIndices: attributeIndices(2),
      linkIndex: random.next() < 0.5 ? 0 : random.int(1, linkTable.length - 1),
      values: Array.from({ length: observations }, () => BigInt(random.int(1, 1_000_000))),
      timestampsUnixNano: random.next() < 0.5
        ? []
        : Array.from({ length: observations }, (_, i) => timeBase + BigInt(i * 1000)),
    }));
  };

  const resourceProfiles = Array.from(
    { length: random.int(1, options.maxResources ?? 2) },
    () =>
      maybeUnknown(create(ResourceProfilesSchema, {
        resource: maybeUnknown(create(ResourceSchema, {
          attributes: keyValues(),
          droppedAttributesCount: more.int(0, 3),
        })),
        schemaUrl: random.next() < 0.5 ? "" : "https://opentelemetry.io/schemas/1.30.0",
        scopeProfiles: Array.from({ length: random.int(1, options.maxScopes ?? 2) }, () =>
          maybeUnknown(create(ScopeProfilesSchema, {
            scope: maybeUnknown(create(InstrumentationScopeSchema, {
              name: random.pick(WORDS),
              version: "1.0.0",
              attributes: keyValues(),
              droppedAttributesCount: more.int(0, 2),
            })),
            schemaUrl: more.next() < 0.5 ? "" : "https://opentelemetry.io/schemas/1.29.0",
            profiles: Array.from({ length: random.int(1, options.maxProfiles ?? 2) }, () => {
              const time = 1_700_000_000_000_000_000n + BigInt(random.int(0, 1_000_000));
              const samples = options.samplesPerProfile ?? random.int(0, options.maxSamples ?? 20);
              const withPayload = more.next() < 0.5;
              return maybeUnknown(create(ProfileSchema, {
                sampleType: maybeUnknown(create(ValueTypeSchema, {
                  typeStrindex: anyString(),
                  unitStrindex: anyString(),
                })),
                periodType: create(ValueTypeSchema, {
                  typeStrindex: maybeString(),
                  unitStrindex: maybeString(),
                }),
                period: BigInt(random.int(1, 100_000)),
                timeUnixNano: time,
                durationNano: BigInt(more.int(1, 60)) * 1_000_000_000n + BigInt(more.int(0, 999)),
                profileId: Uint8Array.from({ length: 16 }, () =>
                  random.int(0, 255)),
                droppedAttributesCount: more.int(0, 4),
                originalPayloadFormat: withPayload ? "pprofext" : "",
                originalPayload: withPayload
                  ? Uint8Array.from({ length: more.int(1, 12) }, () => more.int(0, 255))
                  : new Uint8Array(0),
                attributeIndices: attributeIndices(2),
                samples: Array.from({ length: samples }, () => sample(time)),
              }));
            }),
          }))),
      })),
  );

  return create(ProfilesDataSchema, {
    resourceProfiles,
    dictionary: create(ProfilesDictionarySchema, {
      mappingTable,
      locationTable,
      functionTable,
      linkTable,
      stringTable,
      attributeTable,
      stackTable,
    }),
  });
}

export type { Profiles } from "../mod.ts";
