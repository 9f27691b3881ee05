/**
 * Consumers: the interface through which data moves from receivers through processors and
 * connectors to exporters, their fan-out, and the error model (permanent vs retryable, with
 * retry-after hints) that carries failures back to receivers.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { fanOut, newConsumer, PermanentError, isPermanent } from "@denocol/consumer";
 *
 * const seen: string[][] = [];
 * const upper = newConsumer<string[]>((data) => {
 *   data[0] = data[0].toUpperCase();
 *   seen.push(data);
 * }, { capabilities: { mutatesData: true } });
 * const plain = newConsumer<string[]>((data) => void seen.push(data));
 * await fanOut([upper, plain], (data) => [...data]).consume(["span"]);
 * assert.deepEqual(seen, [["SPAN"], ["span"]]); // the mutating consumer got its own copy
 * assert.equal(isPermanent(new PermanentError("bad request")), true);
 * ```
 *
 * @module
 */

export {
  type Capabilities,
  type ClientInfo,
  clientMetadata,
  type ConsumeContext,
  type ConsumeFunc,
  type Consumer,
  type ConsumerOptions,
  newConsumer,
} from "./consumer.ts";
export {
  FanOutError,
  isPermanent,
  PermanentError,
  RetryableError,
  type RetryableErrorOptions,
  retryAfterOf,
} from "./errors.ts";
export { fanOut } from "./fanout.ts";
export {
  fanOutLogs,
  fanOutMetrics,
  fanOutTraces,
  type Logs,
  type Metrics,
  newLogs,
  newMetrics,
  newTraces,
  type Traces,
} from "./signals.ts";
