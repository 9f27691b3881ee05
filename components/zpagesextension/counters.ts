// The live counters of each node of the pipeline graph, gathered from the internal metrics by
// the component attribute each series carries (`receiver`, `processor`, `exporter`,
// `connector`) and by signal (the `data_type` attribute, or the item a metric name ends with).

import type { InstrumentSnapshot } from "@denocol/component";
import type { PipelineView } from "@denocol/extension";

/** Counters of one node, by short name (`accepted`, `sent`, `send_failed`, `queue_size`, …). */
export type Counters = Record<string, number>;

/** Signal `*`: a series that belongs to every signal of its component. */
export const ANY_SIGNAL = "*";

const COMPONENT_KINDS = ["receiver", "processor", "exporter", "connector"] as const;

/** The key of a node's counters: `kind|id|signal`. */
export function counterKey(kind: string, id: string, signal: string): string {
  return `${kind}|${id}|${signal}`;
}

/**
 * The counters of every component, keyed by {@linkcode counterKey}: each series of a metric
 * named `otelcol_<kind>_<name>` with a `<kind>` attribute adds to `<name>` of that component,
 * for the signal of its `data_type` attribute or of the item its name ends with
 * (`accepted_spans` counts as `accepted` of traces), else for {@linkcode ANY_SIGNAL}. Series
 * of one name that differ in other attributes (transports, reasons) are summed.
 */
export function nodeCounters(
  metrics: readonly InstrumentSnapshot[],
  pipelines: readonly PipelineView[],
): Record<string, Counters> {
  const signalOfItem = new Map(pipelines.map((p) => [p.itemName, p.signal]));
  const result: Record<string, Counters> = {};
  for (const instrument of metrics) {
    for (const series of instrument.series) {
      const kind = COMPONENT_KINDS.find((k) => typeof series.attributes[k] === "string");
      if (kind === undefined) continue;
      const id = String(series.attributes[kind]);
      const prefix = `otelcol_${kind}_`;
      let name = instrument.name.startsWith(prefix)
        ? instrument.name.slice(prefix.length)
        : instrument.name.replace(/^otelcol_/, "");
      let signal = typeof series.attributes.data_type === "string"
        ? series.attributes.data_type
        : ANY_SIGNAL;
      for (const [item, itemSignal] of signalOfItem) {
        if (name.endsWith(`_${item}`)) {
          name = name.slice(0, -item.length - 1);
          signal = itemSignal;
          break;
        }
      }
      const counters = result[counterKey(kind, id, signal)] ??= {};
      counters[name] = (counters[name] ?? 0) + series.value;
    }
  }
  return result;
}
