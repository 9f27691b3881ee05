/**
 * Processor factories and the processor helper. A processor sits in a pipeline between receivers
 * and exporters: it consumes data, changes, filters or batches it, and passes it on.
 *
 * A processor that drops spans named `health`:
 *
 * ```ts
 * import { newFactory, newTracesProcessor, withTraces } from "@denocol/processor";
 *
 * export const factory = newFactory(
 *   "drophealth",
 *   () => ({}),
 *   withTraces((_settings, _config, next) =>
 *     newTracesProcessor(next, (traces) => {
 *       for (const resource of traces.resourceSpans) {
 *         for (const scope of resource.scopeSpans) {
 *           scope.spans = scope.spans.filter((span) => span.name !== "health");
 *         }
 *       }
 *       return traces;
 *     }, { capabilities: { mutatesData: true } }), "development"),
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
  type Processor,
  type Signatures,
  withLogs,
  withMetrics,
  withTraces,
} from "./factory.ts";
export {
  newLogsProcessor,
  newMetricsProcessor,
  newProcessor,
  newTracesProcessor,
  type ProcessFunc,
  type ProcessorOptions,
} from "./helper.ts";
