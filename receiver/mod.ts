/**
 * Receiver factories and the observability hooks receivers report through. A receiver is a
 * component that brings data into the collector and hands it to the next consumer of its
 * pipeline.
 *
 * ```ts
 * import { newComponent, withValidateConfig } from "@denocol/component";
 * import { newFactory, withTraces } from "@denocol/receiver";
 *
 * interface Config {
 *   interval_ms: number;
 * }
 *
 * export const factory = newFactory<Config>(
 *   "ticker",
 *   () => ({ interval_ms: 1000 }),
 *   withTraces((_settings, _config, _next) => newComponent(), "development"),
 *   withValidateConfig((config) => {
 *     if (config.interval_ms <= 0) throw new Error("interval_ms: expected a positive number");
 *   }),
 * );
 * ```
 *
 * @module
 */

export {
  type CreateFunc,
  type Factory,
  type FactoryOption,
  newFactory,
  type Signatures,
  withLogs,
  withMetrics,
  withTraces,
} from "./factory.ts";
export { ObsReport, type ObsReportOptions } from "./obsreport.ts";
