/**
 * EXPERIMENTAL: consumers of profiles. May change or be removed in a later release.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { fanOutProfiles, newProfiles } from "@denocol/consumer-experimental";
 * import { profiles } from "@denocol/pdata-experimental";
 *
 * let samples = 0;
 * const counter = newProfiles((data) => void (samples += profiles.count(data)));
 * await fanOutProfiles([counter]).consume(profiles.empty());
 * assert.equal(samples, 0);
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

import {
  type ConsumeFunc,
  type Consumer,
  type ConsumerOptions,
  fanOut,
  newConsumer,
} from "@denocol/consumer";
import * as pdataExperimental from "@denocol/pdata-experimental";

/** A consumer of profiles. */
export type Profiles = Consumer<pdataExperimental.Profiles>;

/** A profiles consumer backed by `consume`; see `newConsumer` in `@denocol/consumer`. */
export function newProfiles(
  consume: ConsumeFunc<pdataExperimental.Profiles>,
  options?: ConsumerOptions,
): Profiles {
  return newConsumer(consume, options);
}

/** `fanOut` of `@denocol/consumer` for profiles, cloning with `profiles.clone`. */
export function fanOutProfiles(consumers: readonly Profiles[]): Profiles {
  return fanOut(consumers, (data) => pdataExperimental.profiles.clone(data));
}
