// Encoded fixtures of every stable signal for differential tests: the edge cases of each signal
// and random data of one shape, as the tests that compare two paths through the same bytes use.

import { logs, metrics, type SignalDescriptor, traces } from "@denocol/pdata";
import {
  edgeLogs,
  edgeMetrics,
  edgeTraces,
  randomLogs,
  randomMetrics,
  randomTraces,
} from "./mod.ts";
import type { Shape } from "./mod.ts";

/** What {@linkcode encodedFixtures} makes. */
export interface FixtureOptions {
  /** Random requests per signal, after the edge cases. */
  count: number;
  /** Data points per metric. */
  points: number;
  /** How many of the random requests have exactly the shape's counts (the rest up to them). */
  exact?: number;
}

/**
 * For traces, metrics and logs: the signal and a function returning the encoded edge-case
 * request and `count` random requests of `shape` (new ones at each call).
 *
 * @param random the random source (`seededRandom`)
 * @param shape the largest counts at each level
 * @param options how many requests, points per metric, and how many of exactly the shape
 */
export function encodedFixtures(
  random: () => number,
  shape: Shape,
  options: FixtureOptions,
): [SignalDescriptor<never>, () => Uint8Array[]][] {
  const exact = (i: number) => i < (options.exact ?? 0);
  const make = <T>(signal: SignalDescriptor<T>, edge: () => T, one: (i: number) => T) =>
    [
      signal as SignalDescriptor<never>,
      () => [
        signal.encodeProto(edge()),
        ...Array.from({ length: options.count }, (_, i) => signal.encodeProto(one(i))),
      ],
    ] as [SignalDescriptor<never>, () => Uint8Array[]];
  return [
    make(traces, edgeTraces, (i) => randomTraces(random, shape, exact(i))),
    make(metrics, edgeMetrics, (i) => randomMetrics(random, shape, options.points, exact(i))),
    make(logs, edgeLogs, (i) => randomLogs(random, shape, exact(i))),
  ];
}
