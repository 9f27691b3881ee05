/**
 * EXPERIMENTAL: test helpers for profiles consumers. May change or be removed in a later
 * release.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { newProfilesSink } from "@denocol/consumer-experimental/consumertest";
 * import { profiles } from "@denocol/pdata-experimental";
 *
 * const sink = newProfilesSink();
 * await sink.consume(profiles.empty());
 * assert.deepEqual([sink.all.length, sink.count], [1, 0]);
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

import { SinkConsumer, type SinkOptions } from "@denocol/consumer/consumertest";
import * as pdataExperimental from "@denocol/pdata-experimental";

/** A sink of profiles whose `count` is the number of samples received. */
export function newProfilesSink(
  options: Omit<SinkOptions<pdataExperimental.Profiles>, "countItems"> = {},
): SinkConsumer<pdataExperimental.Profiles> {
  return new SinkConsumer({
    ...options,
    countItems: (data) => pdataExperimental.profiles.count(data),
  });
}
