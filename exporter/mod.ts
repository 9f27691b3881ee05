/**
 * Exporter factories and the observability hooks exporters report through. An exporter is a
 * component that consumes the end of a pipeline and delivers the data somewhere. Retries,
 * queues and timeouts live in `@denocol/exporter/exporterhelper`.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { newComponent } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import { nopSettings } from "@denocol/component/componenttest";
 * import { type Logs, logs } from "@denocol/pdata";
 * import { type Exporter, newFactory, withLogs } from "@denocol/exporter";
 *
 * export const factory = newFactory(
 *   "count",
 *   () => ({}),
 *   withLogs((): Exporter<Logs> => ({
 *     ...newComponent(),
 *     ...newConsumer<Logs>((data) => void (records += logs.count(data))),
 *   }), "development"),
 * );
 *
 * let records = 0;
 * const exporter = factory.createLogs(nopSettings("exporter", "count"), {});
 * const oneRecord = '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}';
 * await exporter.consume(logs.decodeJson(oneRecord));
 * assert.equal(records, 1);
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
