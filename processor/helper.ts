import { type Host, newComponent } from "@denocol/component";
import type { Capabilities, ConsumeContext, Consumer } from "@denocol/consumer";
import type * as pdata from "@denocol/pdata";
import type { Processor } from "./factory.ts";

/**
 * What a processor does to one item: return the data to pass on (the same object changed in
 * place, or a new one), or `undefined` to drop it. Dropping counts as success. A rejection is
 * passed back to the caller unchanged.
 */
export type ProcessFunc<T> = (
  data: T,
  context: ConsumeContext,
) => T | undefined | Promise<T | undefined>;

/** Options of {@linkcode newProcessor}. */
export interface ProcessorOptions {
  /**
   * Capabilities of the processor. Default `{ mutatesData: false }`: a processor that changes
   * data in place must say `mutatesData: true` so that fan-outs give it a copy.
   */
  capabilities?: Capabilities;
  /** Runs once when the processor starts. */
  start?: (host: Host) => void | Promise<void>;
  /** Runs once when the processor shuts down, also after a failed or missing start. */
  shutdown?: () => void | Promise<void>;
}

/**
 * Builds a processor from a per-item function: each item goes through `process` and what it
 * returns goes to `next`, unless it returned `undefined`. The lifecycle hooks get the guarantees
 * of `newComponent` (each runs at most once; shutdown is safe in every state).
 *
 * Sharing one pair of `start`/`shutdown` hooks between the processors of several signals gives
 * them one shared state, as in the module example.
 */
export function newProcessor<T>(
  next: Consumer<T>,
  process: ProcessFunc<T>,
  options: ProcessorOptions = {},
): Processor<T> {
  const lifecycle = newComponent({ start: options.start, shutdown: options.shutdown });
  const capabilities: Capabilities = { mutatesData: options.capabilities?.mutatesData ?? false };
  return {
    start: lifecycle.start,
    shutdown: lifecycle.shutdown,
    capabilities: () => ({ ...capabilities }),
    async consume(data: T, context: ConsumeContext = {}): Promise<void> {
      const result = await process(data, context);
      if (result === undefined) return;
      await next.consume(result, context);
    },
  };
}

/** {@linkcode newProcessor} for traces. */
export function newTracesProcessor(
  next: Consumer<pdata.Traces>,
  process: ProcessFunc<pdata.Traces>,
  options?: ProcessorOptions,
): Processor<pdata.Traces> {
  return newProcessor(next, process, options);
}

/** {@linkcode newProcessor} for metrics. */
export function newMetricsProcessor(
  next: Consumer<pdata.Metrics>,
  process: ProcessFunc<pdata.Metrics>,
  options?: ProcessorOptions,
): Processor<pdata.Metrics> {
  return newProcessor(next, process, options);
}

/** {@linkcode newProcessor} for logs. */
export function newLogsProcessor(
  next: Consumer<pdata.Logs>,
  process: ProcessFunc<pdata.Logs>,
  options?: ProcessorOptions,
): Processor<pdata.Logs> {
  return newProcessor(next, process, options);
}
