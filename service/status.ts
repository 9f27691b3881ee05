/**
 * The status of every component instance (what components report through their host, and what
 * the graph records around their lifecycle), and the taps that let an extension see the data
 * entering a pipeline. Both are read through the service's introspection.
 *
 * Internal to the service: `mod.ts` does not export this file.
 */

import type { StatusEvent } from "@denocol/component";
import type { ComponentStatusView, PipelineTap, TapListener } from "@denocol/extension";
import type { SignalDescriptor } from "@denocol/pdata";
import { type ComponentNode, type ExtensionNode, labelOf } from "./graph_nodes.ts";

type Entry = { -readonly [K in keyof ComponentStatusView]: ComponentStatusView[K] };

/** The status of each component instance, by its node's label. */
export class StatusBoard {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  /** @param now The clock, ms since the epoch. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Records `event` for `node`. */
  report(node: ComponentNode | ExtensionNode, event: StatusEvent): void {
    const key = labelOf(node);
    const now = this.#now();
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { ...identityOf(node), status: event.status, sinceMs: now, failures: 0 };
      this.#entries.set(key, entry);
    } else if (entry.status !== event.status) {
      entry.status = event.status;
      entry.sinceMs = now;
    }
    const failed = event.status === "recoverable_error" || event.status === "permanent_error" ||
      event.status === "fatal_error";
    if (failed) {
      entry.failures++;
      entry.failingSinceMs ??= now;
      entry.error = event.error?.message ?? event.status;
    } else if (event.status === "ok") {
      entry.failures = 0;
      delete entry.failingSinceMs;
      delete entry.error;
    }
  }

  /** Every instance's status, in the order first reported. */
  views(): ComponentStatusView[] {
    return [...this.#entries.values()].map((entry) => ({ ...entry }));
  }
}

function identityOf(node: ComponentNode | ExtensionNode): Pick<
  ComponentStatusView,
  "kind" | "id" | "signal" | "outputSignal" | "pipeline"
> {
  const base = { kind: node.kind, id: node.id.toString() };
  switch (node.kind) {
    case "extension":
      return base;
    case "receiver":
    case "exporter":
      return { ...base, signal: node.signal };
    case "processor":
      return { ...base, signal: node.signal, pipeline: node.pipeline };
    case "connector":
      return { ...base, signal: node.from, outputSignal: node.to };
  }
}

/** The listeners of one pipeline; the pipeline's entry reads `listeners` on every request. */
export interface TapPoint {
  /** Listeners in the order they were added; empty while nobody watches. */
  listeners: readonly TapListener[];
}

/** The taps of every pipeline. */
export class PipelineTaps {
  readonly #points = new Map<string, TapPoint>();

  /** The tap point of `pipeline`, created on first use (by the graph, for each pipeline). */
  point(pipeline: string): TapPoint {
    let point = this.#points.get(pipeline);
    if (point === undefined) this.#points.set(pipeline, point = { listeners: [] });
    return point;
  }

  /** Adds `listener` to `pipeline`; throws a `RangeError` when the graph has no such pipeline. */
  open(pipeline: string, listener: TapListener): PipelineTap {
    const point = this.#points.get(pipeline);
    if (point === undefined) {
      throw new RangeError(`no pipeline ${JSON.stringify(pipeline)} to tap`);
    }
    // A new array each time, so that a request going through the old one is not disturbed.
    point.listeners = [...point.listeners, listener];
    let closed = false;
    return {
      close: () => {
        if (closed) return;
        closed = true;
        point.listeners = point.listeners.filter((l) => l !== listener);
      },
    };
  }
}

/**
 * Hands `data` to each listener of `point`; a listener that throws is skipped, since watching a
 * pipeline must never fail it.
 */
export function notifyTaps(point: TapPoint, data: unknown, signal: SignalDescriptor): void {
  for (const listener of point.listeners) {
    try {
      listener(data, signal);
    } catch {
      // the watcher's problem, not the pipeline's
    }
  }
}
