/**
 * The first phase of building the pipeline graph: the nodes and edges a configuration describes,
 * and their topological order. Nothing is created here, so a graph that cannot be built in order
 * (a cycle) is refused before any component exists.
 *
 * Internal to the service: `mod.ts` does not export this file.
 */

import type { ID } from "@denocol/component";
import type { Config, PipelineConfig } from "./config/mod.ts";
import { GraphBuildError } from "./errors.ts";
import {
  type ConnectorNode,
  type DataNode,
  describeNode,
  type EntryNode,
  type ExporterNode,
  type FanOutNode,
  type ProcessorNode,
  type ReceiverNode,
} from "./graph_nodes.ts";
import type { SignalName } from "./signals.ts";

/** The nodes of one pipeline, in the order data passes them. */
export interface PipelineNodes {
  /** Where the pipeline's receivers and connectors hand data in. */
  readonly entry: EntryNode;
  /** Its processors, in configuration order. */
  readonly processors: readonly ProcessorNode[];
  /** Where it hands data to its exporters and connectors. */
  readonly fanOut: FanOutNode;
}

/** The nodes and edges of a configuration's pipelines. */
export interface GraphPlan {
  /** Every node, receivers and pipelines in configuration order. */
  readonly nodes: readonly DataNode[];
  /** The nodes each node hands data to, in the order its fan-out feeds them. */
  readonly next: ReadonlyMap<DataNode, readonly DataNode[]>;
  /** The nodes of each pipeline, by pipeline ID. */
  readonly pipelines: ReadonlyMap<string, PipelineNodes>;
}

/** Whether connector `id` can take `from` data and produce `to` data. */
export type ConnectorSupport = (id: ID, from: SignalName, to: SignalName) => boolean;

/**
 * Thrown when the pipelines cannot be built in order because data would come back to where it
 * was: names each component and pipeline on the way round.
 */
export class GraphCycleError extends GraphBuildError {
  /** The nodes of the cycle as errors name them, the first repeated at the end. */
  readonly cycle: readonly string[];

  /** Creates the error for the nodes of `cycle`, the first repeated at the end. */
  constructor(cycle: readonly string[]) {
    super(`the pipelines form a cycle, so data would loop forever: ${cycle.join(" -> ")}`);
    this.name = "GraphCycleError";
    this.cycle = cycle;
  }
}

/**
 * The nodes and edges of `config`'s pipelines. A receiver feeds the entry of every pipeline
 * listing it; an entry feeds the first processor, each processor the next, the last the fan-out;
 * the fan-out feeds the pipeline's exporters and, for a connector, one connector node per signal
 * of the pipelines the connector feeds that `supports` allows; a connector feeds the entries of
 * the pipelines of its receiver-side signal listing it.
 */
export function planGraph(config: Config, supports: ConnectorSupport): GraphPlan {
  return new Planner(config, supports).plan();
}

/** Nodes found again by their typed identity: the component ID, then the rest of the key. */
class NodeTable<N extends { readonly id: ID }> {
  readonly #byId = new Map<string, N[]>();

  /**
   * The node with `id` that `same` accepts, or else a new one made by `make` and handed to
   * `created`.
   */
  intern(id: ID, same: (node: N) => boolean, make: () => N, created?: (node: N) => void): N {
    const candidates = this.#byId.get(id.toString()) ?? [];
    const found = candidates.find(same);
    if (found !== undefined) return found;
    const node = make();
    candidates.push(node);
    this.#byId.set(id.toString(), candidates);
    created?.(node);
    return node;
  }
}

class Planner {
  readonly #config: Config;
  readonly #supports: ConnectorSupport;
  readonly #nodes: DataNode[] = [];
  readonly #next = new Map<DataNode, DataNode[]>();
  readonly #pipelines = new Map<string, PipelineNodes>();
  readonly #receivers = new NodeTable<ReceiverNode>();
  readonly #exporters = new NodeTable<ExporterNode>();
  readonly #connectors = new NodeTable<ConnectorNode>();
  /** The pipelines listing each connector, by the connector's ID, in configuration order. */
  readonly #fedBy = new Map<string, PipelineConfig[]>();

  constructor(config: Config, supports: ConnectorSupport) {
    this.#config = config;
    this.#supports = supports;
  }

  plan(): GraphPlan {
    const pipelines = [...this.#config.service.pipelines.values()];
    for (const pipeline of pipelines) {
      for (const reference of pipeline.receivers) {
        if (!this.#isConnector(reference.id)) continue;
        const key = reference.id.toString();
        this.#fedBy.set(key, [...this.#fedBy.get(key) ?? [], pipeline]);
      }
    }
    // Every pipeline's ends exist before any edge, since a connector may feed a later one.
    for (const pipeline of pipelines) {
      const { id, signal } = pipeline;
      const processors = pipeline.processors.map((reference): ProcessorNode => ({
        kind: "processor",
        id: reference.id,
        signal,
        pipeline: id,
      }));
      this.#pipelines.set(id, {
        entry: { kind: "entry", pipeline: id, signal },
        processors,
        fanOut: { kind: "fanout", pipeline: id, signal },
      });
    }
    for (const pipeline of pipelines) this.#planPipeline(pipeline);
    return { nodes: this.#nodes, next: this.#next, pipelines: this.#pipelines };
  }

  #planPipeline(pipeline: PipelineConfig): void {
    const { entry, processors, fanOut } = this.#pipelines.get(pipeline.id)!;
    const signal = pipeline.signal;
    for (const reference of pipeline.receivers) {
      // A connector's edge into this pipeline is drawn when the connector's node is made.
      if (this.#isConnector(reference.id)) continue;
      const receiver = this.#receivers.intern(
        reference.id,
        (node) => node.signal === signal,
        () => ({ kind: "receiver", id: reference.id, signal }),
      );
      this.#edge(receiver, entry);
    }
    let previous: DataNode = entry;
    for (const next of [...processors, fanOut]) {
      this.#edge(previous, next);
      previous = next;
    }
    for (const reference of pipeline.exporters) {
      if (!this.#isConnector(reference.id)) {
        const exporter = this.#exporters.intern(
          reference.id,
          (node) => node.signal === signal,
          () => ({ kind: "exporter", id: reference.id, signal }),
        );
        this.#edge(fanOut, exporter);
        continue;
      }
      for (const to of this.#targetSignals(reference.id, signal)) {
        this.#edge(fanOut, this.#connector(reference.id, signal, to));
      }
    }
  }

  /** The signals of the pipelines connector `id` feeds that it can produce from `from`. */
  #targetSignals(id: ID, from: SignalName): SignalName[] {
    const targets = new Set<SignalName>();
    for (const target of this.#fedBy.get(id.toString()) ?? []) {
      if (this.#supports(id, from, target.signal)) targets.add(target.signal);
    }
    return [...targets];
  }

  #connector(id: ID, from: SignalName, to: SignalName): ConnectorNode {
    return this.#connectors.intern(
      id,
      (node) => node.from === from && node.to === to,
      () => ({ kind: "connector", id, from, to }),
      (node) => {
        this.#add(node);
        for (const target of this.#fedBy.get(id.toString()) ?? []) {
          if (target.signal === to) this.#edge(node, this.#pipelines.get(target.id)!.entry);
        }
      },
    );
  }

  #isConnector(id: ID): boolean {
    return this.#config.components.connector.has(id.toString());
  }

  /** Adds `node` once, in order of first mention. */
  #add(node: DataNode): void {
    if (this.#next.has(node)) return;
    this.#nodes.push(node);
    this.#next.set(node, []);
  }

  /** Adds the edge once, and its ends if new. */
  #edge(from: DataNode, to: DataNode): void {
    this.#add(from);
    this.#add(to);
    const next = this.#next.get(from)!;
    if (!next.includes(to)) next.push(to);
  }
}

/**
 * The nodes of `plan` in topological order: every node before the nodes it hands data to, so
 * creating them in the reverse order gives each component its next consumers already made.
 * Ties keep the order of {@linkcode GraphPlan.nodes}. Throws {@linkcode GraphCycleError} naming
 * the components and pipelines of a cycle.
 */
export function sortTopologically(plan: GraphPlan): DataNode[] {
  const state = new Map<DataNode, "visiting" | "done">();
  const path: DataNode[] = [];
  const postOrder: DataNode[] = [];
  const visit = (node: DataNode): void => {
    state.set(node, "visiting");
    path.push(node);
    for (const next of plan.next.get(node) ?? []) {
      const seen = state.get(next);
      if (seen === "done") continue;
      if (seen === "visiting") throw new GraphCycleError(namesOfCycle(path, next));
      visit(next);
    }
    path.pop();
    state.set(node, "done");
    postOrder.push(node);
  };
  for (const node of plan.nodes) {
    if (!state.has(node)) visit(node);
  }
  return postOrder.reverse();
}

/**
 * The cycle that closes at `back` on `path`, as errors name its nodes: each component, and each
 * pipeline once, by its entry (its fan-out would name it again after its processors).
 */
function namesOfCycle(path: readonly DataNode[], back: DataNode): string[] {
  return [...path.slice(path.indexOf(back)), back]
    .filter((node) => node.kind !== "fanout")
    .map(describeNode);
}
