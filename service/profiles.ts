/**
 * Everything the service does with the experimental profiles signal, in one place, reached only
 * through the `_experimental` twins.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */

import type { Kind, StabilityLevel } from "@denocol/component";
import { fanOutProfiles, type Profiles as ProfilesConsumer } from "@denocol/consumer-experimental";
import { profiles } from "@denocol/pdata-experimental";
import * as processorExperimental from "@denocol/processor-experimental";
import * as receiverExperimental from "@denocol/receiver-experimental";
import type { Consumer } from "@denocol/consumer";
import type * as processor from "@denocol/processor";
import type * as receiver from "@denocol/receiver";
import type { SignalOps } from "./signals.ts";

/**
 * How the graph copies, counts and fans out profiles.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export const PROFILES_OPS: SignalOps = {
  signal: "profiles",
  clone: (data) => profiles.clone(data as never),
  count: (data) => profiles.count(data as never),
  fanOut: (consumers) => fanOutProfiles(consumers as ProfilesConsumer[]) as Consumer<unknown>,
};

/**
 * The profiles stability of a receiver, processor or exporter factory: the twins' guards tell
 * receiver and processor factories apart; the exporter twin has no factory yet, so an exporter
 * factory counts when it has `createProfiles` and `profilesStability` (the twins' shape).
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function profilesStabilityOf(kind: Kind, factory: unknown): StabilityLevel {
  if (kind === "receiver") {
    const candidate = factory as receiver.Factory;
    return receiverExperimental.isProfilesFactory(candidate)
      ? candidate.profilesStability
      : "undefined";
  }
  if (kind === "processor") {
    const candidate = factory as processor.Factory;
    return processorExperimental.isProfilesFactory(candidate)
      ? candidate.profilesStability
      : "undefined";
  }
  if (kind === "exporter") {
    const candidate = factory as { createProfiles?: unknown; profilesStability?: unknown };
    return typeof candidate.createProfiles === "function" &&
        typeof candidate.profilesStability === "string"
      ? candidate.profilesStability as StabilityLevel
      : "undefined";
  }
  return "undefined";
}
