/**
 * The second phase of building the pipeline graph: creating the components of a planned graph,
 * downstream first, so each one is given next consumers that already exist.
 *
 * Internal to the service: `mod.ts` does not export this file.
 */

import type { Component, ID, Kind, Settings } from "@denocol/component";
import { newPipelineRouter } from "@denocol/connector";
import { type Consumer, fanOut } from "@denocol/consumer";
import type { SignalDescriptor } from "@denocol/pdata";
import type { ValidatedConfig } from "./config/mod.ts";
import { GraphBuildError } from "./errors.ts";
import type { FactoryIndex, FactoryOfKind } from "./factories.ts";
import {
  attributesOf,
  type ComponentNode,
  type ConnectorNode,
  type DataNode,
  type EntryNode,
  type ExtensionNode,
  type FanOutNode,
  type GraphComponent,
  type NodeAttributes,
} from "./graph_nodes.ts";
import type { GraphPlan } from "./graph_plan.ts";
import { type SignalName, SIGNALS } from "./signals.ts";
import { notifyTaps, type PipelineTaps, type StatusBoard, type TapPoint } from "./status.ts";

/** Makes the settings of one component instance. */
export type SettingsFactory = (kind: Kind, id: ID, attributes: NodeAttributes) => Settings;

/** What components are created from. */
export interface BuildOptions {
  /** The factories, indexed. */
  readonly factories: FactoryIndex;
  /** The validated configuration, with each component's final config. */
  readonly config: ValidatedConfig;
  /** Settings of each instance (logger, meter, build info). */
  readonly settings: SettingsFactory;
  /** Where extensions watch the data entering pipelines; default none. */
  readonly taps?: PipelineTaps;
  /** Where components' status is recorded; default nowhere. */
  readonly status?: StatusBoard;
}

/** What a built node hands to the nodes in front of it. */
interface Built {
  /** The consumer to hand data to. */
  readonly consumer: Consumer<unknown>;
  /** Whether the data handed to `consumer` may be changed by it or anything after it. */
  readonly mutatesData: boolean;
}

/**
 * Creates components, recording each in `created` as soon as it exists, so that after a
 * failure the caller still knows everything it must shut down.
 */
export class ComponentBuilder {
  readonly #options: BuildOptions;
  readonly #created: GraphComponent[];

  /** A builder recording what it creates in `created`. */
  constructor(options: BuildOptions, created: GraphComponent[]) {
    this.#options = options;
    this.#created = created;
  }

  /** Creates the extension of `node`. */
  extension(node: ExtensionNode): void {
    const factory = this.#factory("extension", node.id);
    this.#create(node, (settings, config) => factory.create(settings, config));
  }

  /**
   * Creates the components of `plan`, going through `order` (a topological order) backwards, so
   * each node's next consumers are built before it: a receiver or connector gets a fan-out to
   * the pipelines it feeds, copying data for those that mutate it; a processor gets the next
   * processor or its pipeline's fan-out to exporters and connectors.
   */
  pipelines(plan: GraphPlan, order: readonly DataNode[]): void {
    const built = new Map<DataNode, Built>();
    for (const node of order.toReversed()) {
      const targets = plan.next.get(node) ?? [];
      const next = targets.map((target) => built.get(target)!);
      const result = node.kind === "connector"
        ? this.#connector(node, next, targets)
        : this.#build(node, next, plan, built);
      if (result !== undefined) built.set(node, result);
    }
  }

  /**
   * Whether connector `id` can take `from` data and produce `to` data. Throws
   * `GraphBuildError` when the connector's type has no factory.
   */
  connectorSupports(id: ID, from: SignalName, to: SignalName): boolean {
    return this.#factory("connector", id).stability(from, to) !== "undefined";
  }

  #build(
    node: DataNode,
    next: readonly Built[],
    plan: GraphPlan,
    built: ReadonlyMap<DataNode, Built>,
  ): Built | undefined {
    switch (node.kind) {
      case "receiver": {
        const factory = this.#factory("receiver", node.id);
        const consumer = fanOutOf(node.signal, next);
        this.#create(
          node,
          (settings, config) => factory.create(node.signal, settings, config, consumer),
        );
        return undefined;
      }
      case "processor": {
        const factory = this.#factory("processor", node.id);
        const component = this.#create(
          node,
          (settings, config) => factory.create(node.signal, settings, config, next[0].consumer),
        );
        return { consumer: component, mutatesData: component.capabilities().mutatesData };
      }
      case "exporter": {
        const factory = this.#factory("exporter", node.id);
        const component = this.#create(
          node,
          (settings, config) => factory.create(node.signal, settings, config),
        );
        return { consumer: component, mutatesData: component.capabilities().mutatesData };
      }
      case "connector":
        throw new GraphBuildError("connectors are built with the pipelines they feed");
      case "fanout":
        return this.#fanOut(node, next);
      case "entry":
        return entryOf(node, next[0], plan, built, this.#options.taps?.point(node.pipeline));
    }
  }

  /**
   * A connector is given a router over the pipelines it feeds (each an entry node), so that a
   * connector such as `routing` can send data to some of them only.
   */
  #connector(node: ConnectorNode, next: readonly Built[], targets: readonly DataNode[]): Built {
    const factory = this.#factory("connector", node.id);
    const pipelines = new Map<string, Consumer<unknown>>();
    targets.forEach((target, i) => {
      if (target.kind === "entry") pipelines.set(target.pipeline, next[i].consumer);
    });
    const descriptor: SignalDescriptor = SIGNALS[node.to];
    const consumer = pipelines.size === next.length && next.length > 0
      ? newPipelineRouter(pipelines, (data) => descriptor.clone(data))
      : fanOutOf(node.to, next);
    const component = this.#create<Component & Consumer<unknown>>(
      node,
      (settings, config) => factory.create(node.from, node.to, settings, config, consumer),
    );
    // A connector may pass the very data it was given to the pipelines it feeds, so it mutates
    // data, for the fan-out in front of it, when any of those pipelines does.
    const mutatesData = component.capabilities().mutatesData || next.some((n) => n.mutatesData);
    return {
      consumer: {
        capabilities: () => ({ mutatesData }),
        consume: (data, context) => component.consume(data, context),
      },
      mutatesData,
    };
  }

  #fanOut(node: FanOutNode, next: readonly Built[]): Built {
    if (next.length === 0) {
      throw new GraphBuildError(
        `pipeline ${JSON.stringify(node.pipeline)} has no exporter or connector to send to`,
      );
    }
    return { consumer: fanOutOf(node.signal, next), mutatesData: next.some((n) => n.mutatesData) };
  }

  #factory<K extends Kind>(kind: K, id: ID): FactoryOfKind[K] {
    const factory = this.#options.factories.get(kind, id.type);
    if (factory === undefined) {
      throw new GraphBuildError(
        `no ${kind} factory for ${JSON.stringify(id.toString())} (type ${JSON.stringify(id.type)})`,
      );
    }
    return factory;
  }

  #componentConfig(kind: Kind, id: ID): unknown {
    const components = this.#options.config.components[kind];
    if (components.has(id.toString())) return components.get(id.toString());
    return this.#factory(kind, id).createDefaultConfig();
  }

  /** Runs `create` with the node's settings and config; records the component it returns. */
  #create<T extends Component>(
    node: ComponentNode | ExtensionNode,
    create: (settings: Settings, config: unknown) => T,
  ): T {
    const { kind, id } = node;
    const attributes = attributesOf(node);
    let component: T;
    try {
      component = create(
        this.#options.settings(kind, id, attributes),
        this.#componentConfig(kind, id),
      );
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const pipeline = attributes["otelcol.pipeline.id"];
      const signal = attributes["otelcol.signal"];
      throw new GraphBuildError(
        `failed to create ${kind} ${JSON.stringify(id.toString())}` +
          (pipeline !== undefined ? ` in pipeline ${JSON.stringify(pipeline)}` : "") +
          (signal !== undefined ? ` for ${signal}` : "") + `: ${detail}`,
        { cause: error },
      );
    }
    this.#created.push({ node, attributes, component });
    return component;
  }
}

/**
 * The start of a pipeline answers for the whole pipeline: it mutates data when any of its
 * processors does or anything its fan-out feeds does.
 */
function entryOf(
  node: EntryNode,
  first: Built,
  plan: GraphPlan,
  built: ReadonlyMap<DataNode, Built>,
  tap: TapPoint | undefined,
): Built {
  const { processors, fanOut } = plan.pipelines.get(node.pipeline)!;
  const mutatesData = [...processors, fanOut].some((n) => built.get(n)!.mutatesData);
  const descriptor: SignalDescriptor = SIGNALS[node.signal];
  return {
    consumer: {
      capabilities: () => ({ mutatesData }),
      consume: (data, context) => {
        if (tap !== undefined && tap.listeners.length > 0) notifyTaps(tap, data, descriptor);
        return first.consumer.consume(data, context);
      },
    },
    mutatesData,
  };
}

/** A consumer handing `signal`'s data to every one of `next`, copying it with its descriptor. */
function fanOutOf(signal: SignalName, next: readonly Built[]): Consumer<unknown> {
  const descriptor: SignalDescriptor = SIGNALS[signal];
  return fanOut(next.map((n) => n.consumer), (data) => descriptor.clone(data));
}
