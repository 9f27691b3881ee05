/**
 * Connector factories. A connector joins two pipelines: it is the exporter of one and the
 * receiver of another, possibly of another signal (for example, counting spans into metrics).
 *
 * ```ts
 * import { newComponent } from "@denocol/component";
 * import { newConsumer } from "@denocol/consumer";
 * import * as pdata from "@denocol/pdata";
 * import { newFactory, withTracesToLogs } from "@denocol/connector";
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
 * console.log(factory.tracesToLogsStability); // "development"
 * console.log(factory.stability("logs", "traces")); // "undefined"
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
