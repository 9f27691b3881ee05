/**
 * Counts the items of an encoded `Export*ServiceRequest` by walking the protobuf wire format
 * (field tags and lengths only, nothing decoded), for the benchmark's backend, whose own cost
 * must stay small next to the collector's.
 *
 * @module
 */

import type { SignalName } from "./signals.ts";

/**
 * Field numbers from the request down to the repeated item field. For metrics the data points
 * sit one level deeper, inside whichever of the metric's data fields is set.
 */
const PATHS: Record<SignalName, number[]> = {
  // resource_spans(1) > scope_spans(2) > spans(2)
  traces: [1, 2, 2],
  // resource_logs(1) > scope_logs(2) > log_records(2)
  logs: [1, 2, 2],
  // resource_profiles(1) > scope_profiles(2) > profiles(2) > samples(2)
  profiles: [1, 2, 2, 2],
  // resource_metrics(1) > scope_metrics(2) > metrics(2) > gauge(5)|sum(7)|histogram(9)|
  // exponential_histogram(10)|summary(11) > data_points(1)
  metrics: [1, 2, 2, -1, 1],
};

const METRIC_DATA_FIELDS = new Set([5, 7, 9, 10, 11]);

function readVarint(bytes: Uint8Array, at: { pos: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (at.pos >= bytes.length) throw new RangeError("truncated varint");
    const byte = bytes[at.pos++];
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7;
    if (shift > 63) throw new RangeError("varint too long");
  }
}

function countIn(
  bytes: Uint8Array,
  start: number,
  end: number,
  path: number[],
  depth: number,
): number {
  const at = { pos: start };
  let count = 0;
  const want = path[depth];
  const last = depth === path.length - 1;
  while (at.pos < end) {
    const tag = readVarint(bytes, at);
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType === 2) {
      const length = readVarint(bytes, at);
      const bodyStart = at.pos;
      at.pos += length;
      if (at.pos > end) throw new RangeError("length beyond the message");
      const matches = want === -1 ? METRIC_DATA_FIELDS.has(field) : field === want;
      if (!matches) continue;
      count += last ? 1 : countIn(bytes, bodyStart, bodyStart + length, path, depth + 1);
    } else if (wireType === 0) {
      readVarint(bytes, at);
    } else if (wireType === 1) {
      at.pos += 8;
    } else if (wireType === 5) {
      at.pos += 4;
    } else {
      throw new RangeError(`unsupported wire type ${wireType}`);
    }
  }
  return count;
}

/** The number of items (spans, data points, log records, samples) in an encoded request. */
export function countItemsOnWire(signal: SignalName, bytes: Uint8Array): number {
  return countIn(bytes, 0, bytes.length, PATHS[signal], 0);
}
