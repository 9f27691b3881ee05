/**
 * The `forward` connector: passes data from the pipelines it exports for to the pipelines it
 * receives for, of the same signal, unchanged. It joins pipelines: several pipelines can feed one
 * (fan-in), and one can feed several (fan-out, where the service gives each its own copy when
 * a consumer changes data).
 *
 * ```yaml
 * connectors:
 *   forward:
 * service:
 *   pipelines:
 *     traces/in:  { receivers: [otlp], processors: [memory_limiter], exporters: [forward] }
 *     traces/out: { receivers: [forward], processors: [batch], exporters: [otlp] }
 * ```
 *
 * @module
 */

import type { ConsumeContext, Consumer } from "@denocol/consumer";
import { newComponent, type Settings } from "@denocol/component";
import {
  type Connector,
  withLogsToLogs,
  withMetricsToMetrics,
  withTracesToTraces,
} from "@denocol/connector";
import {
  newFactory,
  type ProfilesFactory,
  withProfilesToProfiles,
} from "@denocol/connector-experimental";

/** The `forward` connector has no settings. */
export type Config = Record<string, never>;

/** The component type. */
export const TYPE = "forward";

/**
 * A connector that hands every batch, with its context, to `next`, and returns `next`'s outcome
 * to the caller.
 */
export function createForwardConnector<T>(
  _settings: Settings,
  _config: Config,
  next: Consumer<T>,
): Connector<T> {
  return {
    ...newComponent(),
    capabilities: () => ({ mutatesData: false }),
    consume: (data: T, context?: ConsumeContext) => next.consume(data, context),
  };
}

/**
 * The factory of the `forward` connector: traces, metrics and logs to the same signal beta,
 * profiles to profiles alpha.
 *
 * # Experimental
 *
 * `createProfilesToProfiles` and its stability are EXPERIMENTAL and may be changed or removed in
 * a later release.
 */
export const factory: ProfilesFactory<Config> = newFactory<Config>(
  TYPE,
  () => ({}),
  withTracesToTraces(createForwardConnector, "beta"),
  withMetricsToMetrics(createForwardConnector, "beta"),
  withLogsToLogs(createForwardConnector, "beta"),
  withProfilesToProfiles(createForwardConnector, "alpha"),
);
