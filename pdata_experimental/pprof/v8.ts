// V8 CPU profiles (`.cpuprofile`: `node --cpu-prof`, Chrome DevTools, the inspector's
// `Profiler.stop`) -> OTLP profiles. V8 records a tree of call frames and, for each tick, the
// node that was running and the microseconds since the previous tick; each node with ticks
// becomes one sample per sample type whose values and timestamps are its ticks.

import { create } from "@bufbuild/protobuf";
import { AnyValueSchema } from "@denocol/pdata";
import { type Profiles, ProfileSchema, SampleSchema, ValueTypeSchema } from "../mod.ts";
import { DEFAULT_SAMPLE_TYPE_KEY, GROUP_KEY, SAMPLE_TYPE_INDEX_KEY } from "./attributes.ts";
import { type ConvertOptions, newProfilesData, randomId } from "./to_otlp.ts";

/** Where a V8 profile node's function is. */
export interface CpuProfileCallFrame {
  /** The function's name, `""` for an anonymous function. */
  functionName: string;
  /** The script's id in the isolate. */
  scriptId?: string | number;
  /** The script's URL or path, `""` for native and synthetic frames. */
  url: string;
  /** 0-based line of the function, -1 when unknown. */
  lineNumber: number;
  /** 0-based column of the function, -1 when unknown. */
  columnNumber: number;
}

/** A node of the call tree. */
export interface CpuProfileNode {
  /** Unique id, referenced by `samples`, `children` and `parent`. */
  id: number;
  /** The function. */
  callFrame: CpuProfileCallFrame;
  /** Ids of the nodes this one called. */
  children?: number[];
  /** Id of the caller (some writers give this instead of `children`). */
  parent?: number;
}

/** A V8 CPU profile (`Profiler.Profile` of the inspector protocol). */
export interface CpuProfile {
  /** The call tree; the first node without a parent is the root. */
  nodes: CpuProfileNode[];
  /** Start, in microseconds of V8's clock. */
  startTime: number;
  /** End, in microseconds of V8's clock. */
  endTime: number;
  /** Node id of each tick. */
  samples: number[];
  /** Microseconds from the previous tick (from `startTime` for the first) to each tick. */
  timeDeltas: number[];
}

/** A `.cpuprofile` that cannot be read; the message says what is wrong. */
export class CpuProfileError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "CpuProfileError";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numbers(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new CpuProfileError(`V8 CPU profile: ${what} must be a list of numbers`);
  }
  return value as number[];
}

/**
 * Reads the JSON of a V8 CPU profile and checks its shape: nodes with ids and call frames,
 * ticks that name existing nodes, one time delta per tick.
 *
 * @throws {CpuProfileError} naming what is wrong.
 */
export function parseCpuProfile(text: string): CpuProfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CpuProfileError(`V8 CPU profile: not JSON: ${(error as Error).message}`);
  }
  if (!isObject(json) || !Array.isArray(json.nodes)) {
    throw new CpuProfileError("V8 CPU profile: expected an object with a nodes list");
  }
  const ids = new Set<number>();
  json.nodes.forEach((node: unknown, i: number) => {
    if (!isObject(node) || typeof node.id !== "number" || !isObject(node.callFrame)) {
      throw new CpuProfileError(`V8 CPU profile: nodes[${i}] needs an id and a callFrame`);
    }
    const frame = node.callFrame;
    if (typeof frame.functionName !== "string") {
      throw new CpuProfileError(`V8 CPU profile: nodes[${i}].callFrame.functionName is missing`);
    }
    if (ids.has(node.id)) throw new CpuProfileError(`V8 CPU profile: node id ${node.id} repeats`);
    ids.add(node.id);
    if (node.children !== undefined) numbers(node.children, `nodes[${i}].children`);
  });
  if (typeof json.startTime !== "number" || typeof json.endTime !== "number") {
    throw new CpuProfileError("V8 CPU profile: startTime and endTime must be numbers");
  }
  const samples = numbers(json.samples ?? [], "samples");
  const timeDeltas = numbers(json.timeDeltas ?? [], "timeDeltas");
  if (samples.length !== timeDeltas.length) {
    throw new CpuProfileError(
      `V8 CPU profile: ${samples.length} samples but ${timeDeltas.length} timeDeltas`,
    );
  }
  samples.forEach((id, i) => {
    if (!ids.has(id)) {
      throw new CpuProfileError(`V8 CPU profile: samples[${i}] names node ${id}, which is missing`);
    }
  });
  return json as unknown as CpuProfile;
}

/** Whether `text` looks like a V8 CPU profile (JSON object with `nodes`), without parsing it. */
export function looksLikeCpuProfile(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || (bytes[i] >= 0x09 && bytes[i] <= 0x0d))) i++;
  if (bytes[i] !== 0x7b /* { */) return false;
  const head = new TextDecoder().decode(bytes.subarray(i, i + 4096));
  return /"(nodes|startTime|samples|timeDeltas)"\s*:/.test(head);
}

/** V8's clock counts from an arbitrary origin; values past 2001 in microseconds are epoch time. */
const EPOCH_MICROS_FLOOR = 1e15;

/** Options of {@linkcode cpuProfileToProfiles}. */
export interface CpuProfileOptions extends ConvertOptions {
  /**
   * When the profile ended, nanoseconds since the UNIX epoch, to place a profile whose clock has
   * another origin (V8's usually has); default now.
   */
  endTimeUnixNano?: bigint;
}

/**
 * Converts a V8 CPU profile into two OTLP profiles, `samples/count` and `cpu/nanoseconds`: one
 * sample per node that has ticks, its stack the node and its callers up to the root (the root
 * itself left out), one value and timestamp per tick. A tick's time is the delta V8 recorded
 * before it. `(program)`, `(idle)` and `(garbage collector)` stay frames as V8 names them.
 */
export function cpuProfileToProfiles(cpu: CpuProfile, options: CpuProfileOptions = {}): Profiles {
  const { data, writer, profiles } = newProfilesData({
    ...options,
    scopeName: options.scopeName ?? "denocol/v8",
  });
  const nodes = new Map(cpu.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const node of cpu.nodes) {
    for (const child of node.children ?? []) parents.set(child, node.id);
    if (node.parent !== undefined) parents.set(node.id, node.parent);
  }
  const durationMicros = Math.max(0, cpu.endTime - cpu.startTime);
  const startNanos = cpu.startTime > EPOCH_MICROS_FLOOR
    ? BigInt(Math.round(cpu.startTime)) * 1000n
    : (options.endTimeUnixNano ?? BigInt(Date.now()) * 1_000_000n) -
      BigInt(Math.round(durationMicros)) * 1000n;
  const toNanos = (micros: number) => BigInt(Math.round(micros * 1000));

  // The location of each node, and the stack of each node that has ticks, made on first use.
  const locations = new Map<number, number>();
  const locationOf = (node: CpuProfileNode): number => {
    let index = locations.get(node.id);
    if (index === undefined) {
      const frame = node.callFrame;
      const line = frame.lineNumber >= 0 ? BigInt(frame.lineNumber + 1) : 0n;
      const column = frame.columnNumber >= 0 ? BigInt(frame.columnNumber + 1) : 0n;
      const functionIndex = writer.function(
        frame.functionName || "(anonymous)",
        frame.functionName,
        frame.url ?? "",
        line,
      );
      index = writer.location(0, 0n, [{ functionIndex, line, column }]);
      locations.set(node.id, index);
    }
    return index;
  };
  const ticks = new Map<number, { times: bigint[]; nanos: bigint[] }>();
  let elapsed = 0;
  cpu.samples.forEach((id, i) => {
    const delta = cpu.timeDeltas[i];
    elapsed += delta;
    let entry = ticks.get(id);
    if (entry === undefined) ticks.set(id, entry = { times: [], nanos: [] });
    entry.times.push(startNanos + toNanos(elapsed));
    entry.nanos.push(toNanos(Math.max(0, delta)));
  });
  const stacks = new Map<number, number>();
  for (const id of ticks.keys()) {
    const chain: number[] = [];
    const seen = new Set<number>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      // A node without a parent is the root, which is not a frame; a cycle ends the walk.
      if (!parents.has(at) || seen.has(at)) break;
      seen.add(at);
      chain.push(locationOf(nodes.get(at)!));
    }
    stacks.set(id, writer.stack(chain));
  }

  const sortedDeltas = cpu.timeDeltas.filter((d) => d > 0).sort((a, b) => a - b);
  const period = sortedDeltas.length === 0
    ? 0n
    : toNanos(sortedDeltas[Math.floor(sortedDeltas.length / 2)]);
  const random = options.random ?? ((b: Uint8Array) => crypto.getRandomValues(b));
  const group = Array.from(randomId(random), (b) => b.toString(16).padStart(2, "0")).join("");
  const groupIndex = writer.attribute(
    GROUP_KEY,
    create(AnyValueSchema, { value: { case: "stringValue", value: group } }),
  );
  const defaultIndex = writer.attribute(
    DEFAULT_SAMPLE_TYPE_KEY,
    create(AnyValueSchema, { value: { case: "stringValue", value: "cpu" } }),
  );
  const valueType = (type: string, unit: string) =>
    create(ValueTypeSchema, {
      typeStrindex: writer.string(type),
      unitStrindex: writer.string(unit),
    });
  const types: [string, string, (t: { nanos: bigint[] }) => bigint[]][] = [
    ["samples", "count", (t) => t.nanos.map(() => 1n)],
    ["cpu", "nanoseconds", (t) => t.nanos],
  ];
  types.forEach(([type, unit, valuesOf], t) => {
    profiles.push(create(ProfileSchema, {
      sampleType: valueType(type, unit),
      samples: [...ticks].map(([id, tick]) =>
        create(SampleSchema, {
          stackIndex: stacks.get(id)!,
          values: valuesOf(tick),
          timestampsUnixNano: tick.times.slice(),
        })
      ),
      timeUnixNano: startNanos,
      durationNano: toNanos(durationMicros),
      periodType: valueType("cpu", "nanoseconds"),
      period,
      profileId: randomId(random),
      attributeIndices: [
        groupIndex,
        defaultIndex,
        writer.attribute(
          SAMPLE_TYPE_INDEX_KEY,
          create(AnyValueSchema, { value: { case: "intValue", value: BigInt(t) } }),
        ),
      ],
    }));
  });
  return data;
}
