// What a person reads of a profile at `detailed` verbosity: the functions with the largest
// values, flat and cumulative with their shares as `pprof -top` prints them, and the collapsed
// stacks (`root;caller;leaf value`) that flame graph tools read.

import type { Profile, ProfilesDictionary } from "@denocol/pdata-experimental";
import { collapsedStacks, profileTop } from "@denocol/pdata-experimental/pprof";
import type { TextBuilder } from "./text.ts";

/** Functions listed in a profile's top table. */
export const TOP_FUNCTIONS = 20;

function percent(part: bigint, total: bigint): string {
  if (total === 0n) return "0%";
  const value = Number((part * 1_000_000n) / total) / 10_000;
  return `${Number.isInteger(value) ? value : value.toFixed(2)}%`;
}

/**
 * Writes the top table and the collapsed stacks of `profile` at `indent`.
 *
 * @param unit The unit of the profile's values, for the table's heading.
 */
export function writeProfileTop(
  out: TextBuilder,
  indent: number,
  dictionary: ProfilesDictionary | undefined,
  profile: Pick<Profile, "samples">,
  unit: string,
): void {
  const top = profileTop(dictionary, profile);
  const shown = top.functions.slice(0, TOP_FUNCTIONS);
  out.line(
    indent,
    `Top functions (${shown.length} of ${top.functions.length}; total ${top.total}${
      unit ? ` ${unit}` : ""
    }):`,
  );
  const rows = [["flat", "flat%", "sum%", "cum", "cum%"]];
  let sum = 0n;
  for (const f of shown) {
    sum += f.flat;
    rows.push([
      String(f.flat),
      percent(f.flat, top.total),
      percent(sum, top.total),
      String(f.cum),
      percent(f.cum, top.total),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  rows.forEach((row, r) => {
    const cells = row.map((cell, c) => cell.padStart(widths[c])).join(" ");
    out.line(indent + 1, r === 0 ? `${cells}  function` : `${cells}  ${shown[r - 1].name}`);
  });
  const stacks = collapsedStacks(dictionary, profile);
  out.line(indent, `Collapsed stacks (${stacks.length}):`);
  for (const line of stacks) out.line(indent + 1, line);
}
