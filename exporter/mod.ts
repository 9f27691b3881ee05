/**
 * Exporter factories and the observability hooks exporters report through. An exporter is a
 * component that consumes the end of a pipeline and delivers the data somewhere. Retries,
 * queues and timeouts live in `@denocol/exporter/exporterhelper`.
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import type { Logs } from "@denocol/pdata";
 * import { type Exporter, newFactory, withLogs } from "@denocol/exporter";
 *
 * export const factory = newFactory(
 *   "stdout",
 *   () => ({}),
 *   withLogs((): Exporter<Logs> => ({
 *     ...newComponent(),
 *     ...newConsumer<Logs>((data) => console.log(data.resourceLogs.length)),
 *   }), "development"),
 * );
 * ```
 *
 * @module
 */

export {
  type CreateFunc,
  type Exporter,
  type Factory,
  type FactoryOption,
  newFactory,
  type Signatures,
  withLogs,
  withMetrics,
  withTraces,
} from "./factory.ts";
export { type DrainDeadlineHost, drainDeadlineOf } from "./drain.ts";
export { ObsReport, type ObsReportOptions } from "./exporterhelper/telemetry.ts";
