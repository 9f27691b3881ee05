/**
 * Everything the service does with the experimental profiles signal, in one place, reached only
 * through the `_experimental` twins.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */

import type { Component, Kind, Settings, StabilityLevel } from "@denocol/component";
import type { SignalWithProfiles } from "@denocol/component-experimental";
import { fanOutProfiles, type Profiles as ProfilesConsumer } from "@denocol/consumer-experimental";
import { profiles } from "@denocol/pdata-experimental";
import * as connectorExperimental from "@denocol/connector-experimental";
import * as exporterExperimental from "@denocol/exporter-experimental";
import * as processorExperimental from "@denocol/processor-experimental";
import * as receiverExperimental from "@denocol/receiver-experimental";
import type { Consumer } from "@denocol/consumer";
import type * as connector from "@denocol/connector";
import type * as exporter from "@denocol/exporter";
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
 * The profiles stability of a receiver, processor or exporter factory, as the twins' factory
 * guards tell it; `"undefined"` for a factory built without a twin.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function profilesStabilityOf(kind: Kind, factory: unknown): StabilityLevel {
  switch (kind) {
    case "receiver": {
      const candidate = factory as receiver.Factory;
      return receiverExperimental.isProfilesFactory(candidate)
        ? candidate.profilesStability
        : "undefined";
    }
    case "processor": {
      const candidate = factory as processor.Factory;
      return processorExperimental.isProfilesFactory(candidate)
        ? candidate.profilesStability
        : "undefined";
    }
    case "exporter": {
      const candidate = factory as exporter.Factory;
      return exporterExperimental.isProfilesFactory(candidate)
        ? candidate.profilesStability
        : "undefined";
    }
    default:
      return "undefined";
  }
}

/**
 * The stability of a connector factory for a pair with profiles on one or both sides.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function profilesPairStability(factory: unknown, from: string, to: string): StabilityLevel {
  return connectorExperimental.pairStability(
    factory as connector.Factory,
    from as SignalWithProfiles,
    to as SignalWithProfiles,
  );
}

/**
 * Creates a connector for a pair with profiles on one or both sides.
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 */
export function createProfilesPair(
  factory: unknown,
  from: string,
  to: string,
  settings: Settings,
  config: unknown,
  next: Consumer<unknown>,
): Component {
  return connectorExperimental.createPair(
    factory as connector.Factory,
    from as SignalWithProfiles,
    to as SignalWithProfiles,
    settings,
    config,
    next,
  );
}
