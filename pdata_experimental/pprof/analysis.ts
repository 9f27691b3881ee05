// Views of one OTLP profile for people and for metrics: the values per function (flat: where
// the sample was taken; cumulative: anywhere on its stack), as `pprof -top` shows them, and the
// collapsed stacks (`root;caller;leaf value`) that flame graph tools read.

import { create } from "@bufbuild/protobuf";
import { type Profile, type ProfilesDictionary, ProfilesDictionarySchema } from "../mod.ts";
import { sampleTotal } from "./from_otlp.ts";

/** One function's share of a profile. */
export interface FunctionValue {
  /** The function's name (its system name, or `(unknown)`, when it has none). */
  name: string;
  /** Sum of the samples taken in this function (it was the leaf). */
  flat: bigint;
  /** Sum of the samples with this function anywhere on the stack. */
  cum: bigint;
}

/** The per-function values of a profile. */
export interface ProfileTop {
  /** Sum of every sample. */
  total: bigint;
  /** Functions by flat value (largest first), then cumulative value, then name. */
  functions: FunctionValue[];
}

/** Name of the function at `functionIndex`. */
function functionName(dictionary: ProfilesDictionary, functionIndex: number): string {
  const f = dictionary.functionTable[functionIndex];
  const strings = dictionary.stringTable;
  return strings[f?.nameStrindex ?? 0] || strings[f?.systemNameStrindex ?? 0] || "(unknown)";
}

/**
 * The function names of stack `stackIndex`, leaf first, with inlined functions before the
 * function they were inlined into. Indices out of range give `?` rather than an error: these
 * are views for reading.
 */
export function stackFunctionNames(
  dictionary: ProfilesDictionary,
  stackIndex: number,
): string[] {
  const names: string[] = [];
  for (const locationIndex of dictionary.stackTable[stackIndex]?.locationIndices ?? []) {
    const location = dictionary.locationTable[locationIndex];
    if (location === undefined) {
      names.push("?");
      continue;
    }
    if (location.lines.length === 0) {
      names.push(`0x${location.address.toString(16)}`);
      continue;
    }
    for (const line of location.lines) names.push(functionName(dictionary, line.functionIndex));
  }
  return names;
}

/** Caches the function names of each stack of one dictionary. */
class StackNames {
  readonly #cache = new Map<number, string[]>();
  readonly #dictionary: ProfilesDictionary;
  constructor(dictionary: ProfilesDictionary) {
    this.#dictionary = dictionary;
  }
  of(stackIndex: number): string[] {
    let names = this.#cache.get(stackIndex);
    if (names === undefined) {
      names = stackFunctionNames(this.#dictionary, stackIndex);
      this.#cache.set(stackIndex, names);
    }
    return names;
  }
}

/** Flat and cumulative values per function of `profile`, like `pprof -top`. */
export function profileTop(
  dictionary: ProfilesDictionary | undefined,
  profile: Pick<Profile, "samples">,
): ProfileTop {
  const stacks = new StackNames(dictionary ?? emptyDictionary());
  const byName = new Map<string, FunctionValue>();
  const entry = (name: string) => {
    let value = byName.get(name);
    if (value === undefined) byName.set(name, value = { name, flat: 0n, cum: 0n });
    return value;
  };
  let total = 0n;
  for (const sample of profile.samples) {
    const value = sampleTotal(sample);
    total += value;
    const names = stacks.of(sample.stackIndex);
    if (names.length === 0) {
      entry("(no stack)").flat += value;
      entry("(no stack)").cum += value;
      continue;
    }
    entry(names[0]).flat += value;
    // A recursive function counts once per sample in its cumulative value.
    for (const name of new Set(names)) entry(name).cum += value;
  }
  const functions = [...byName.values()].sort((a, b) =>
    a.flat !== b.flat
      ? (b.flat > a.flat ? 1 : -1)
      : a.cum !== b.cum
      ? (b.cum > a.cum ? 1 : -1)
      : a.name < b.name
      ? -1
      : a.name > b.name
      ? 1
      : 0
  );
  return { total, functions };
}

/**
 * The samples of `profile` as collapsed stacks: `root;…;leaf value`, one line per distinct stack
 * with its summed value, sorted, leaving out stacks whose sum is 0. A `;` inside a function
 * name is written as `:` so that the line still splits into the right frames.
 */
export function collapsedStacks(
  dictionary: ProfilesDictionary | undefined,
  profile: Pick<Profile, "samples">,
): string[] {
  const stacks = new StackNames(dictionary ?? emptyDictionary());
  const sums = new Map<string, bigint>();
  for (const sample of profile.samples) {
    const names = stacks.of(sample.stackIndex);
    const key = names.length === 0
      ? "(no stack)"
      : names.map((n) => n.replaceAll(";", ":")).reverse().join(";");
    sums.set(key, (sums.get(key) ?? 0n) + sampleTotal(sample));
  }
  return [...sums].filter(([, v]) => v !== 0n).map(([k, v]) => `${k} ${v}`).sort();
}

function emptyDictionary(): ProfilesDictionary {
  return create(ProfilesDictionarySchema, { stringTable: [""] });
}
