/**
 * The `nop` receiver: a receiver that produces nothing, for pipelines whose data comes from
 * connectors only, or to keep a pipeline valid while its real receiver is disabled.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { factory } from "@denocol/nopreceiver";
 * import { nopHost, nopSettings } from "@denocol/component/componenttest";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 * import type { Traces } from "@denocol/pdata";
 *
 * const sink = new SinkConsumer<Traces>();
 * const receiver = factory.createTraces(nopSettings("receiver", "nop"), factory.createDefaultConfig(), sink);
 * await receiver.start(nopHost());
 * await receiver.shutdown();
 * assert.equal(sink.all.length, 0); // it never produces data
 * ```
 *
 * @module
 */

import { type Component, newComponent } from "@denocol/component";
import { withLogs, withMetrics, withTraces } from "@denocol/receiver";
import { newFactory, type ProfilesFactory, withProfiles } from "@denocol/receiver-experimental";

/** The `nop` receiver has no settings. */
export type Config = Record<string, never>;

/** The component type. */
export const TYPE = "nop";

/** A receiver that never calls its next consumer. */
export function createNopReceiver(): Component {
  return newComponent();
}

/**
 * The factory of the `nop` receiver: traces, metrics and logs beta, profiles alpha.
 *
 * # Experimental
 *
 * `createProfiles` and `profilesStability` are EXPERIMENTAL and may be changed or removed in a
 * later release.
 */
export const factory: ProfilesFactory<Config> = newFactory<Config>(
  TYPE,
  () => ({}),
  withTraces(createNopReceiver, "beta"),
  withMetrics(createNopReceiver, "beta"),
  withLogs(createNopReceiver, "beta"),
  withProfiles(createNopReceiver, "alpha"),
);
