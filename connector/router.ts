import { type Consumer, fanOut } from "@denocol/consumer";

/**
 * The consumer a connector is given when the pipelines it feeds can be told apart: it feeds
 * every one of them, like a fan-out, and also hands out a consumer for some of them only, as
 * the Go collector's `connector.TracesRouterAndConsumer` does. A routing connector uses it to
 * send each part of its input to the pipelines a route names.
 */
export interface PipelineRouter<T> extends Consumer<T> {
  /** The IDs of the pipelines fed (such as `logs/acme`), in configuration order. */
  readonly pipelineIds: readonly string[];
  /**
   * A consumer feeding exactly `pipelineIds` (copying data for those that mutate it, as a
   * fan-out does).
   *
   * @throws {RangeError} naming the IDs that are not fed by this connector, and those that are.
   */
  consumerFor(pipelineIds: readonly string[]): Consumer<T>;
}

/** Whether `consumer` is a {@link PipelineRouter}. */
export function isPipelineRouter<T>(consumer: Consumer<T>): consumer is PipelineRouter<T> {
  const candidate = consumer as Partial<PipelineRouter<T>>;
  return Array.isArray(candidate.pipelineIds) && typeof candidate.consumerFor === "function";
}

/**
 * A {@link PipelineRouter} over `pipelines` (pipeline ID to the consumer at its start), copying
 * data with `clone` for each pipeline that mutates it.
 *
 * @param pipelines At least one pipeline.
 * @param clone Deep copy of one item of data.
 */
export function newPipelineRouter<T>(
  pipelines: ReadonlyMap<string, Consumer<T>>,
  clone: (data: T) => T,
): PipelineRouter<T> {
  const all = fanOut([...pipelines.values()], clone);
  const pipelineIds = [...pipelines.keys()];
  return {
    capabilities: () => all.capabilities(),
    consume: (data, context) => all.consume(data, context),
    pipelineIds,
    consumerFor(ids: readonly string[]): Consumer<T> {
      const unique = [...new Set(ids)];
      const unknown = unique.filter((id) => !pipelines.has(id));
      if (unknown.length > 0 || unique.length === 0) {
        throw new RangeError(
          `${
            unknown.length > 0
              ? `pipelines ${unknown.join(", ")} are not fed by this connector`
              : "no pipeline named"
          }; it feeds ${pipelineIds.join(", ")}`,
        );
      }
      if (unique.length === pipelineIds.length) return all;
      return fanOut(unique.map((id) => pipelines.get(id)!), clone);
    },
  };
}
