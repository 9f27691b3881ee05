/**
 * The pipeline graph: every component of every pipeline, created once from a validated
 * configuration, wired into consumers, started downstream first and shut down in reverse.
 *
 * It is built in two phases. {@linkcode planGraph} turns the pipelines into nodes and edges with
 * typed identities and {@linkcode sortTopologically} orders them, refusing a cycle before any
 * component exists; then {@linkcode ComponentBuilder} creates the components in reverse order,
 * so each is handed next consumers that are already built.
 *
 * - A receiver is created once per (ID, signal) and fans out to every pipeline of that signal
 *   that lists it; a factory using `SharedComponents` may return one instance for all signals,
 *   which the graph then starts and shuts down once.
 * - An exporter is created once per (ID, signal) and is fed by every pipeline listing it.
 * - Each pipeline gets its own processor instances.
 * - A connector is created once per (ID, exporter-side signal, receiver-side signal) pair: the
 *   exporter of the pipelines of the first signal, the receiver of the pipelines of the second.
 * - Fan-outs copy data for consumers that mutate it, so no branch sees another's changes.
 *
 * Internal to the service: `mod.ts` does not export this file.
 */

import type { Component, Host, Kind, StatusEvent, StatusReportingHost } from "@denocol/component";
import { isPipelineWatcher } from "@denocol/extension";
import { ComponentStartError } from "./errors.ts";
import { type BuildOptions, ComponentBuilder } from "./graph_build.ts";
import { type DataNode, describeNode, type GraphComponent, labelOf } from "./graph_nodes.ts";
import { planGraph, sortTopologically } from "./graph_plan.ts";
import type { StatusBoard } from "./status.ts";

/**
 * Extensions and pipelines of one configuration. `build` creates them, `start` starts
 * extensions (in `service.extensions` order), exporters, processors and connectors (downstream
 * first), then receivers; `shutdown` stops everything that was created in exactly the reverse
 * order, each component once, also after a failed build or start.
 */
export class PipelineGraph {
  readonly #options: BuildOptions;
  readonly #extensions: GraphComponent[] = [];
  readonly #extensionsById = new Map<string, Component>();
  #order: GraphComponent[] = [];
  readonly #pendingShutdown = new Set<string>();
  #shutdown: Promise<Error[]> | undefined;
  #built = false;
  #started = false;

  /** A graph of the components `options` describe; {@linkcode PipelineGraph.build} creates them. */
  constructor(options: BuildOptions) {
    this.#options = options;
  }

  /**
   * Creates every component. Throws `GraphBuildError` naming the component when a factory is
   * missing or its create function throws, or naming the components of a cycle (then no
   * pipeline component is created); what was created before a failure is shut down by
   * {@linkcode PipelineGraph.shutdown}, which the caller must still call.
   */
  build(): void {
    if (this.#built) throw new Error("the pipeline graph has already been built");
    this.#built = true;
    const options = this.#options;
    const created: GraphComponent[] = [];
    let sorted: readonly DataNode[] = [];
    try {
      const builder = new ComponentBuilder(options, created);
      for (const reference of options.config.config.service.extensions) {
        builder.extension({ kind: "extension", id: reference.id });
      }
      const plan = planGraph(
        options.config.config,
        (id, from, to) => builder.connectorSupports(id, from, to),
      );
      sorted = sortTopologically(plan);
      builder.pipelines(plan, sorted);
    } finally {
      for (const extension of created) {
        if (extension.node.kind !== "extension") continue;
        this.#extensions.push(extension);
        this.#extensionsById.set(extension.node.id.toString(), extension.component);
      }
      this.#order = [...this.#extensions, ...startOrder(created, sorted)];
    }
  }

  /** Every created component, in start order. */
  components(): readonly GraphComponent[] {
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
   * pipelines are ready. Rejects with `ComponentStartError` on the first failure, leaving the
   * rest unstarted; call `shutdown` afterwards in every case.
   */
  async start(host: Host): Promise<void> {
    if (this.#shutdown !== undefined) throw new Error("the pipeline graph has been shut down");
    if (!this.#built) throw new Error("the pipeline graph has not been built");
    if (this.#started) throw new Error("the pipeline graph has already been started");
    this.#started = true;
    const started = new Set<Component>();
    const status = this.#options.status;
    for (const { node, component } of this.#order) {
      if (started.has(component)) continue;
      started.add(component);
      try {
        status?.report(node, { status: "starting" });
        await component.start(status === undefined ? host : componentHost(host, node, status));
        status?.report(node, { status: "ok" });
      } catch (error) {
        status?.report(node, { status: "permanent_error", error: asError(error) });
        throw new ComponentStartError(
          { kind: node.kind, id: node.id, description: describeNode(node) },
          error,
        );
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

  /**
   * The components that are shutting down and have not finished, for diagnostics, such as
   * `exporter otlp traces`.
   */
  pending(): string[] {
    return [...this.#pendingShutdown];
  }

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
    const reversed = this.#order.toReversed();
    for (const { node, component } of reversed) {
      if (!stopped.has(component)) this.#pendingShutdown.add(labelOf(node));
    }
    const status = this.#options.status;
    for (const entry of reversed) {
      if (stopped.has(entry.component)) continue;
      stopped.add(entry.component);
      try {
        status?.report(entry.node, { status: "stopping" });
        await entry.component.shutdown();
        status?.report(entry.node, { status: "stopped" });
      } catch (error) {
        status?.report(entry.node, { status: "permanent_error", error: asError(error) });
        errors.push(wrapShutdownError(entry, error, "shut down"));
      } finally {
        this.#pendingShutdown.delete(labelOf(entry.node));
      }
    }
    return errors;
  }
}

/**
 * The pipeline components of `created` in start order: exporters, then processors and
 * connectors, then receivers, each group downstream first (the reverse of `sorted`, a
 * topological order), so a component starts only after everything it hands data to.
 */
function startOrder(
  created: readonly GraphComponent[],
  sorted: readonly DataNode[],
): GraphComponent[] {
  const byNode = new Map<DataNode, GraphComponent>();
  for (const entry of created) {
    if (entry.node.kind !== "extension") byNode.set(entry.node, entry);
  }
  const downstreamFirst = sorted.toReversed().flatMap((node) => byNode.get(node) ?? []);
  const ofKinds = (...kinds: Kind[]) =>
    downstreamFirst.filter((entry) => kinds.includes(entry.node.kind));
  return [...ofKinds("exporter"), ...ofKinds("processor", "connector"), ...ofKinds("receiver")];
}

/**
 * The host one component is started with: the service's, plus status reports (and fatal errors)
 * recorded under that component.
 */
function componentHost(
  host: Host,
  node: GraphComponent["node"],
  status: StatusBoard,
): Host & StatusReportingHost {
  return Object.assign(Object.create(host) as Host, {
    reportStatus: (event: StatusEvent) => status.report(node, event),
    reportFatalError: (error: Error) => {
      status.report(node, { status: "fatal_error", error });
      host.reportFatalError(error);
    },
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function wrapShutdownError(entry: GraphComponent, error: unknown, what: string): Error {
  const detail = error instanceof Error ? error.message : String(error);
  return new Error(`failed to ${what} ${describeNode(entry.node)}: ${detail}`, { cause: error });
}
