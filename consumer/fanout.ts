import type { Capabilities, ConsumeContext, Consumer } from "./consumer.ts";
import { FanOutError } from "./errors.ts";

/**
 * A consumer that hands each item to every consumer in `consumers`. Consumers that do not mutate
 * data share the original; each mutating consumer gets its own `clone`, except that the last
 * mutating one gets the original when no consumer shares it. Copies are made before any consumer
 * runs, and all consumers run concurrently.
 *
 * The result rejects when any consumer rejects: with that error when only one failed, otherwise
 * with a {@linkcode FanOutError} holding all of them. A fan-out of one consumer is that consumer.
 *
 * @param consumers The consumers to feed, at least one.
 * @param clone Deep copy of one item of data.
 */
export function fanOut<T>(consumers: readonly Consumer<T>[], clone: (data: T) => T): Consumer<T> {
  if (consumers.length === 0) {
    throw new RangeError("fanOut needs at least one consumer");
  }
  if (consumers.length === 1) return consumers[0];
  const mutating = consumers.filter((c) => c.capabilities().mutatesData);
  const readOnly = consumers.filter((c) => !c.capabilities().mutatesData);
  const capabilities: Capabilities = { mutatesData: false };
  return {
    capabilities: () => ({ ...capabilities }),
    async consume(data: T, context?: ConsumeContext): Promise<void> {
      const deliveries: Array<[Consumer<T>, T]> = [];
      mutating.forEach((consumer, index) => {
        const ownsOriginal = index === mutating.length - 1 && readOnly.length === 0;
        deliveries.push([consumer, ownsOriginal ? data : clone(data)]);
      });
      for (const consumer of readOnly) deliveries.push([consumer, data]);
      const results = await Promise.allSettled(
        deliveries.map(async ([consumer, item]) => await consumer.consume(item, context)),
      );
      const errors = results.flatMap((r) => r.status === "rejected" ? [r.reason] : []);
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new FanOutError(errors);
    },
  };
}
