/**
 * The pipeline graph: every component of every pipeline, created once from a validated
 * configuration, wired into consumers, started downstream first and shut down in reverse.
 *
 * - A receiver is created once per (ID, signal) and fans out to every pipeline of that signal
 *   that lists it; a factory using `SharedComponents` may return one instance for all signals,
 *   which the graph then starts and shuts down once.
 * - An exporter is created once per (ID, signal) and is fed by every pipeline listing it.
 * - Each pipeline gets its own processor instances.
 * - A connector is created once per (ID, exporter-side signal, receiver-side signal) pair: the
 *   exporter of the pipelines of the first signal, the receiver of the pipelines of the second.
 * - Fan-outs copy data for consumers that mutate it, so no branch sees another's changes.
 */

import type { Component, Host, ID, Kind, Settings } from "@denocol/component";
import { type Consumer, fanOut } from "@denocol/consumer";
import { isPipelineWatcher } from "@denocol/extension";
import type { PipelineConfig, ValidatedConfig } from "./config/mod.ts";
import type { FactoryIndex, FactoryOfKind } from "./factories.ts";
import type { SignalDescriptor } from "@denocol/pdata";
import { type SignalName, SIGNALS } from "./signals.ts";

/** Identity attributes of one graph node, also added to its logger. */
export interface NodeAttributes {
  /** The component's ID as text. */
  readonly "otelcol.component.id": string;
  /** The component's kind. */
  readonly "otelcol.component.kind": Kind;
  /** The signal of a receiver, processor or exporter node. */
  readonly "otelcol.signal"?: string;
  /** The pipeline of a processor node. */
  readonly "otelcol.pipeline.id"?: string;
  /** The exporter-side signal of a connector node. */
  readonly "otelcol.signal.output"?: string;
}

/** One component instance of the graph. */
export interface GraphNode {
  /** Unique key, such as `receiver otlp traces` or `processor batch in traces/2`. */
  readonly key: string;
  /** The component's kind. */
  readonly kind: Kind;
  /** The component's configured ID. */
  readonly id: ID;
  /** Identity attributes (component, kind, signal, pipeline). */
  readonly attributes: NodeAttributes;
  /** The instance. */
  readonly component: Component;
}

/** Makes the settings of one component instance. */
export type SettingsFactory = (kind: Kind, id: ID, attributes: NodeAttributes) => Settings;

/** What {@linkcode PipelineGraph} is built from. */
export interface GraphOptions {
  /** The factories, indexed. */
  readonly factories: FactoryIndex;
  /** The validated configuration, with each component's final config. */
  readonly config: ValidatedConfig;
  /** Settings of each instance (logger, meter, build info). */
  readonly settings: SettingsFactory;
}

/** Thrown when a component cannot be created; names the component and its pipeline. */
export class GraphBuildError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GraphBuildError";
  }
}

/** Thrown by `start` when a component fails to start; names the component. */
export class ComponentStartError extends Error {
  /** The node that failed. */
  readonly node: GraphNode;

  /** Creates the error for `node`, wrapping `cause`. */
  constructor(node: GraphNode, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`failed to start ${describeNode(node)}: ${detail}`, { cause });
    this.name = "ComponentStartError";
    this.node = node;
  }
}

/** `receiver "otlp" (traces)`, `processor "batch" in pipeline "traces/2"`. */
export function describeNode(node: GraphNode): string {
  const a = node.attributes;
  const where = a["otelcol.pipeline.id"] !== undefined
    ? ` in pipeline ${JSON.stringify(a["otelcol.pipeline.id"])}`
    : a["otelcol.signal.output"] !== undefined
    ? ` (${a["otelcol.signal"]} to ${a["otelcol.signal.output"]})`
    : a["otelcol.signal"] !== undefined
    ? ` (${a["otelcol.signal"]})`
    : "";
  return `${node.kind} ${JSON.stringify(node.id.toString())}${where}`;
}

/** A consumer with its node, if it is a graph component (fan-outs are not). */
interface Wired {
  readonly consumer: Consumer<unknown>;
  /** Nodes this consumer leads to first (itself, or the heads of a fan-out). */
  readonly nodes: readonly string[];
  /** For a fan-out into pipelines: the pipeline heads it feeds. */
  readonly heads: readonly Consumer<unknown>[];
}

/**
 * Extensions and pipelines of one configuration, built and ready to start. `start` starts
 * extensions (in `service.extensions` order), exporters, processors and connectors (downstream
 * first), then receivers; `shutdown` stops everything that was created in exactly the reverse
 * order, each component once, also after a failed or partial start.
 */
export class PipelineGraph {
  readonly #options: GraphOptions;
  readonly #nodes = new Map<string, GraphNode>();
  /** Node key → keys of the nodes it hands data to. */
  readonly #edges = new Map<string, string[]>();
  readonly #pipelineHeads = new Map<string, Wired>();
  readonly #connectorInputs = new Map<string, Wired>();
  readonly #extensions: GraphNode[] = [];
  readonly #extensionsById = new Map<string, Component>();
  #order: GraphNode[] = [];
  #shutdown: Promise<Error[]> | undefined;
  #started = false;

  /**
   * Creates every component. Throws {@linkcode GraphBuildError} naming the component when a
   * factory is missing or its create function throws; components created before the failure
   * are shut down by {@linkcode PipelineGraph.shutdown}, which the caller must still call.
   */
  constructor(options: GraphOptions) {
    this.#options = options;
    try {
      this.#build();
    } finally {
      this.#order = this.#startOrder();
    }
  }

  /** Every node, in start order. */
  nodes(): readonly GraphNode[] {
    return this.#order;
  }

  /**
   * The extensions by ID text, for {@linkcode Host.extensions}; they start before any other
   * component, so a component finds them started.
   */
  extensions(): ReadonlyMap<string, Component> {
    return this.#extensionsById;
  }

  /**
   * Starts every component in order and then tells pipeline-watching extensions that the
   * pipelines are ready. Rejects with {@linkcode ComponentStartError} on the first failure,
   * leaving the rest unstarted; call `shutdown` afterwards in every case.
   */
  async start(host: Host): Promise<void> {
    if (this.#shutdown !== undefined) throw new Error("the pipeline graph has been shut down");
    if (this.#started) throw new Error("the pipeline graph has already been started");
    this.#started = true;
    const started = new Set<Component>();
    for (const node of this.#order) {
      if (started.has(node.component)) continue;
      started.add(node.component);
      try {
        await node.component.start(host);
      } catch (error) {
        throw new ComponentStartError(node, error);
      }
    }
    for (const extension of this.#extensions) {
      if (isPipelineWatcher(extension.component)) await extension.component.ready();
    }
  }

  /**
   * Shuts every created component down once, in exactly the reverse of the start order,
   * whether or not it started; pipeline-watching extensions hear `notReady` first. Resolves with
   * the errors of the components that failed to stop (each naming its component); later calls
   * return the same outcome.
   */
  shutdown(): Promise<Error[]> {
    this.#shutdown ??= this.#shutdownAll();
    return this.#shutdown;
  }

  /** Keys of the nodes that started and have not finished shutting down, for diagnostics. */
  pending(): string[] {
    return [...this.#pendingShutdown];
  }

  readonly #pendingShutdown = new Set<string>();

  async #shutdownAll(): Promise<Error[]> {
    const errors: Error[] = [];
    for (const extension of this.#extensions) {
      if (!isPipelineWatcher(extension.component)) continue;
      try {
        await extension.component.notReady();
      } catch (error) {
        errors.push(wrapShutdownError(extension, error, "notReady"));
      }
    }
    const stopped = new Set<Component>();
    const reversed = [...this.#order].reverse();
    for (const node of reversed) {
      if (!stopped.has(node.component)) this.#pendingShutdown.add(node.key);
    }
    for (const node of reversed) {
      if (stopped.has(node.component)) continue;
      stopped.add(node.component);
      try {
        await node.component.shutdown();
      } catch (error) {
        errors.push(wrapShutdownError(node, error, "shut down"));
      } finally {
        this.#pendingShutdown.delete(node.key);
      }
    }
    return errors;
  }

  #build(): void {
    const { config } = this.#options.config;
    for (const reference of config.service.extensions) {
      const id = reference.id;
      const attributes: NodeAttributes = {
        "otelcol.component.id": id.toString(),
        "otelcol.component.kind": "extension",
      };
      const factory = this.#factory("extension", id);
      const component = this.#create(
        "extension",
        id,
        attributes,
        () =>
          factory.create(
            this.#options.settings("extension", id, attributes),
            this.#componentConfig("extension", id),
          ),
      );
      this.#extensions.push(
        this.#addNode(`extension ${id}`, "extension", id, attributes, component),
      );
      this.#extensionsById.set(id.toString(), component);
    }
    for (const pipeline of config.service.pipelines.values()) {
      for (const reference of pipeline.receivers) {
        if (this.#isConnector(reference.id)) continue;
        this.#receiver(reference.id, pipeline.signal);
      }
    }
    // Pipelines fed only by connectors are reached through their connectors; any pipeline not
    // yet wired (no receivers at all cannot pass validation) is built for completeness.
    for (const pipeline of config.service.pipelines.values()) this.#pipelineHead(pipeline);
  }

  #isConnector(id: ID): boolean {
    return this.#options.config.config.components.connector.has(id.toString());
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

  #create<T>(kind: Kind, id: ID, attributes: NodeAttributes, create: () => T): T {
    try {
      return create();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const pipeline = attributes["otelcol.pipeline.id"];
      throw new GraphBuildError(
        `failed to create ${kind} ${JSON.stringify(id.toString())}` +
          (pipeline !== undefined ? ` in pipeline ${JSON.stringify(pipeline)}` : "") +
          (attributes["otelcol.signal"] !== undefined
            ? ` for ${attributes["otelcol.signal"]}`
            : "") +
          `: ${detail}`,
        { cause: error },
      );
    }
  }

  #addNode(
    key: string,
    kind: Kind,
    id: ID,
    attributes: NodeAttributes,
    component: Component,
  ): GraphNode {
    const node: GraphNode = { key, kind, id, attributes, component };
    this.#nodes.set(key, node);
    return node;
  }

  #pipelinesOf(signal: SignalName, receiver: ID): PipelineConfig[] {
    const key = receiver.toString();
    return [...this.#options.config.config.service.pipelines.values()].filter((pipeline) =>
      pipeline.signal === signal &&
      pipeline.receivers.some((reference) => reference.id.toString() === key)
    );
  }

  /** Fan-out to the heads of `pipelines`, and the nodes it leads to. */
  #feed(signal: SignalName, pipelines: readonly PipelineConfig[]): Wired {
    const heads = pipelines.map((pipeline) => this.#pipelineHead(pipeline));
    return {
      consumer: fanOutOf(signal, heads.map((head) => head.consumer)),
      nodes: heads.flatMap((head) => head.nodes),
      heads: heads.map((head) => head.consumer),
    };
  }

  #receiver(id: ID, signal: SignalName): void {
    const key = `receiver ${id} ${signal}`;
    if (this.#nodes.has(key)) return;
    const next = this.#feed(signal, this.#pipelinesOf(signal, id));
    const attributes: NodeAttributes = {
      "otelcol.component.id": id.toString(),
      "otelcol.component.kind": "receiver",
      "otelcol.signal": signal,
    };
    const factory = this.#factory("receiver", id);
    const component = this.#create("receiver", id, attributes, () =>
      factory.create(
        signal,
        this.#options.settings("receiver", id, attributes),
        this.#componentConfig("receiver", id),
        next.consumer,
      ));
    this.#addNode(key, "receiver", id, attributes, component);
    this.#edges.set(key, [...next.nodes]);
  }

  #exporter(id: ID, signal: SignalName): Wired {
    const key = `exporter ${id} ${signal}`;
    const existing = this.#nodes.get(key);
    if (existing !== undefined) {
      return {
        consumer: existing.component as unknown as Consumer<unknown>,
        nodes: [key],
        heads: [],
      };
    }
    const attributes: NodeAttributes = {
      "otelcol.component.id": id.toString(),
      "otelcol.component.kind": "exporter",
      "otelcol.signal": signal,
    };
    const factory = this.#factory("exporter", id);
    const component = this.#create("exporter", id, attributes, () =>
      factory.create(
        signal,
        this.#options.settings("exporter", id, attributes),
        this.#componentConfig("exporter", id),
      ));
    this.#addNode(key, "exporter", id, attributes, component);
    this.#edges.set(key, []);
    return { consumer: component, nodes: [key], heads: [] };
  }

  #connector(id: ID, from: SignalName, to: SignalName): Wired {
    const key = `connector ${id} ${from} ${to}`;
    const existing = this.#connectorInputs.get(key);
    if (existing !== undefined) return existing;
    const next = this.#feed(to, this.#pipelinesOf(to, id));
    const attributes: NodeAttributes = {
      "otelcol.component.id": id.toString(),
      "otelcol.component.kind": "connector",
      "otelcol.signal": from,
      "otelcol.signal.output": to,
    };
    const factory = this.#factory("connector", id);
    const component = this.#create<Component & Consumer<unknown>>(
      "connector",
      id,
      attributes,
      () =>
        factory.create(
          from,
          to,
          this.#options.settings("connector", id, attributes),
          this.#componentConfig("connector", id),
          next.consumer,
        ),
    );
    this.#addNode(key, "connector", id, attributes, component);
    this.#edges.set(key, [...next.nodes]);
    // A connector may pass the very data it was given to the pipelines it feeds, so it mutates
    // data, for the fan-out in front of it, when any of those pipelines does.
    const mutates = component.capabilities().mutatesData ||
      next.heads.some((head) => head.capabilities().mutatesData);
    const input: Wired = {
      consumer: {
        capabilities: () => ({ mutatesData: mutates }),
        consume: (data, context) => component.consume(data, context),
      },
      nodes: [key],
      heads: [],
    };
    this.#connectorInputs.set(key, input);
    return input;
  }

  /** The consumer at the start of `pipeline`: its first processor, or its exporters' fan-out. */
  #pipelineHead(pipeline: PipelineConfig): Wired {
    const existing = this.#pipelineHeads.get(pipeline.id);
    if (existing !== undefined) return existing;
    const signal = pipeline.signal;
    const ends: Wired[] = [];
    for (const reference of pipeline.exporters) {
      if (!this.#isConnector(reference.id)) {
        ends.push(this.#exporter(reference.id, signal));
        continue;
      }
      const factory = this.#factory("connector", reference.id);
      const targets = new Set<SignalName>();
      for (const target of this.#options.config.config.service.pipelines.values()) {
        const feeds = target.receivers.some((r) => r.id.equals(reference.id));
        if (feeds && factory.stability(signal, target.signal) !== "undefined") {
          targets.add(target.signal);
        }
      }
      for (const to of targets) ends.push(this.#connector(reference.id, signal, to));
    }
    let next: Wired = {
      consumer: fanOutOf(signal, ends.map((end) => end.consumer)),
      nodes: ends.flatMap((end) => end.nodes),
      heads: [],
    };
    let mutates = ends.some((end) => end.consumer.capabilities().mutatesData);
    for (let index = pipeline.processors.length - 1; index >= 0; index--) {
      const id = pipeline.processors[index].id;
      const key = `processor ${id} in ${pipeline.id}`;
      const attributes: NodeAttributes = {
        "otelcol.component.id": id.toString(),
        "otelcol.component.kind": "processor",
        "otelcol.signal": signal,
        "otelcol.pipeline.id": pipeline.id,
      };
      const factory = this.#factory("processor", id);
      const downstream = next;
      const component = this.#create(
        "processor",
        id,
        attributes,
        () =>
          factory.create(
            signal,
            this.#options.settings("processor", id, attributes),
            this.#componentConfig("processor", id),
            downstream.consumer,
          ),
      );
      this.#addNode(key, "processor", id, attributes, component);
      this.#edges.set(key, [...downstream.nodes]);
      mutates ||= component.capabilities().mutatesData;
      next = { consumer: component, nodes: [key], heads: [] };
    }
    // The head speaks for the whole pipeline, so that a receiver's fan-out copies data for a
    // pipeline whose later processors mutate it even when its first one does not.
    const inner = next.consumer;
    const head: Wired = {
      consumer: {
        capabilities: () => ({ mutatesData: mutates }),
        consume: (data, context) => inner.consume(data, context),
      },
      nodes: next.nodes,
      heads: [],
    };
    this.#pipelineHeads.set(pipeline.id, head);
    return head;
  }

  /**
   * Extensions first, then exporters, then processors and connectors from the most downstream,
   * then receivers. Downstream-first is a depth-first post-order over the data edges, so a
   * component starts only after everything it hands data to.
   */
  #startOrder(): GraphNode[] {
    const postOrder: string[] = [];
    const visited = new Set<string>();
    const visit = (key: string) => {
      if (visited.has(key)) return;
      visited.add(key);
      for (const next of this.#edges.get(key) ?? []) visit(next);
      postOrder.push(key);
    };
    for (const key of this.#nodes.keys()) visit(key);
    const nodes = postOrder.map((key) => this.#nodes.get(key)!);
    const ofKinds = (...kinds: Kind[]) => nodes.filter((node) => kinds.includes(node.kind));
    return [
      ...this.#extensions,
      ...ofKinds("exporter"),
      ...ofKinds("processor", "connector"),
      ...ofKinds("receiver"),
    ];
  }
}

function wrapShutdownError(node: GraphNode, error: unknown, what: string): Error {
  const detail = error instanceof Error ? error.message : String(error);
  return new Error(`failed to ${what} ${describeNode(node)}: ${detail}`, { cause: error });
}

/** A consumer handing `signal`'s data to every one of `consumers`, copying it with its descriptor. */
function fanOutOf(signal: SignalName, consumers: readonly Consumer<unknown>[]): Consumer<unknown> {
  const descriptor: SignalDescriptor = SIGNALS[signal];
  return fanOut(consumers, (data) => descriptor.clone(data));
}
