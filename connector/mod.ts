/**
 * Connector factories. A connector joins two pipelines: it is the exporter of one and the
 * receiver of another, possibly of another signal (for example, counting spans into metrics).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { newComponent } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import * as pdata from "@denocol/pdata";
 * import { newFactory, withTracesToLogs } from "@denocol/connector";
 * import { nopSettings } from "@denocol/component/componenttest";
 * import { SinkConsumer } from "@denocol/consumer/consumertest";
 *
 * // Emits one log record per batch of spans, saying how many spans it had.
 * export const factory = newFactory(
 *   "spancount",
 *   () => ({}),
 *   withTracesToLogs((_settings, _config, next) => ({
 *     ...newComponent(),
 *     ...newConsumer<pdata.Traces>((traces, context) =>
 *       next.consume(pdata.logs.decodeJson(JSON.stringify({
 *         resourceLogs: [{ scopeLogs: [{ logRecords: [{
 *           body: { intValue: String(pdata.traces.count(traces)) },
 *         }] }] }],
 *       })), context)
 *     ),
 *   }), "development"),
 * );
 * assert.equal(factory.tracesToLogsStability, "development");
 * assert.equal(factory.stability("logs", "traces"), "undefined");
 *
 * const sink = new SinkConsumer<pdata.Logs>({ countItems: pdata.logs.count });
 * const connector = factory.createTracesToLogs(nopSettings("connector", "spancount"), {}, sink);
 * const twoSpans = '{"resourceSpans":[{"scopeSpans":[{"spans":[{},{}]}]}]}';
 * await connector.consume(pdata.traces.decodeJson(twoSpans));
 * const record = sink.all[0].resourceLogs[0].scopeLogs[0].logRecords[0];
 * assert.deepEqual(record.body?.value, { case: "intValue", value: 2n });
 * ```
 *
 * @module
 */

export {
  type Connector,
  type CreateFunc,
  type Factory,
  type FactoryOption,
  newFactory,
  type Signatures,
  stablePairMembers,
  withLogsToLogs,
  withLogsToMetrics,
  withLogsToTraces,
  withMetricsToLogs,
  withMetricsToMetrics,
  withMetricsToTraces,
  withTracesToLogs,
  withTracesToMetrics,
  withTracesToTraces,
} from "./factory.ts";
export {
  newPairFactory,
  type PairFactory,
  type PairMembers,
  type PairOption,
  pairOption,
  type PairOptionFrom,
  type PairOptionOf,
  type PairSignatureMap,
  type SignalPair,
} from "./pairs.ts";
export { isPipelineRouter, newPipelineRouter, type PipelineRouter } from "./router.ts";
