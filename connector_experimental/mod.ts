/**
 * EXPERIMENTAL: profiles support for connector factories: the seven signal pairs that involve
 * profiles. May change or be removed in a later release.
 *
 * `newFactory` here takes every option of `@denocol/connector`'s `newFactory` plus
 * `withTracesToProfiles`, …, `withProfilesToProfiles`, and builds a stable connector factory with
 * the profiles pairs added. Its `stability(from, to)` and `create(from, to, …)` answer for any
 * pair, so the service can ask whether a connector joins two pipelines of any signals.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { newComponent } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import type { Profiles } from "@denocol/pdata-experimental";
 * import { newFactory, withProfilesToProfiles } from "@denocol/connector-experimental";
 *
 * const factory = newFactory(
 *   "forward",
 *   () => ({}),
 *   withProfilesToProfiles((_s, _c, next) => ({
 *     ...newComponent(),
 *     ...newConsumer<Profiles>((data, context) => next.consume(data, context)),
 *   }), "development"),
 * );
 * assert.equal(factory.profilesToProfilesStability, "development");
 * assert.equal(factory.stability("traces", "profiles"), "undefined");
 * ```
 *
 * # Experimental
 *
 * This API is EXPERIMENTAL and may be changed or removed in a later release.
 *
 * @module
 */

export {
  isProfilesFactory,
  newFactory,
  type ProfilesFactory,
  type ProfilesPairOption,
  type ProfilesSignatures,
  withLogsToProfiles,
  withMetricsToProfiles,
  withProfilesToLogs,
  withProfilesToMetrics,
  withProfilesToProfiles,
  withProfilesToTraces,
  withTracesToProfiles,
} from "./factory.ts";
