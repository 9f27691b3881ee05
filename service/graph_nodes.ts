/**
 * The nodes of the pipeline graph, each identified by typed fields (kind, component ID, signals,
 * pipeline) rather than by text, and the names they go by in logs and errors.
 *
 * Internal to the service: `mod.ts` does not export this file.
 */

import type { Component, ID, Kind } from "@denocol/component";
import type { SignalName } from "./signals.ts";

/** A receiver: one instance per (ID, signal), feeding every pipeline of that signal listing it. */
export interface ReceiverNode {
  /** The node's kind. */
  readonly kind: "receiver";
  /** The configured component ID. */
  readonly id: ID;
  /** The signal it receives. */
  readonly signal: SignalName;
}

/** A processor: one instance per use in a pipeline. */
export interface ProcessorNode {
  /** The node's kind. */
  readonly kind: "processor";
  /** The configured component ID. */
  readonly id: ID;
  /** The signal of its pipeline. */
  readonly signal: SignalName;
  /** The ID of its pipeline, such as `traces/2`. */
  readonly pipeline: string;
}

/** An exporter: one instance per (ID, signal), fed by every pipeline of that signal listing it. */
export interface ExporterNode {
  /** The node's kind. */
  readonly kind: "exporter";
  /** The configured component ID. */
  readonly id: ID;
  /** The signal it exports. */
  readonly signal: SignalName;
}

/**
 * A connector: one instance per (ID, exporter-side signal, receiver-side signal), the exporter of
 * the pipelines of `from` that list it and the receiver of the pipelines of `to` that list it.
 */
export interface ConnectorNode {
  /** The node's kind. */
  readonly kind: "connector";
  /** The configured component ID. */
  readonly id: ID;
  /** The signal it takes, from the pipelines listing it as an exporter. */
  readonly from: SignalName;
  /** The signal it produces, for the pipelines listing it as a receiver. */
  readonly to: SignalName;
}

/**
 * The start of a pipeline, where its receivers and connectors hand data in. It creates nothing;
 * it answers for the whole pipeline's capabilities, so that a fan-out in front of it copies data
 * for a pipeline whose later processors mutate it even when its first one does not.
 */
export interface EntryNode {
  /** The node's kind. */
  readonly kind: "entry";
  /** The pipeline's ID. */
  readonly pipeline: string;
  /** The pipeline's signal. */
  readonly signal: SignalName;
}

/** The end of a pipeline: hands its data to each of its exporters and connectors. */
export interface FanOutNode {
  /** The node's kind. */
  readonly kind: "fanout";
  /** The pipeline's ID. */
  readonly pipeline: string;
  /** The pipeline's signal. */
  readonly signal: SignalName;
}

/** A node of the data graph that is a component instance. */
export type ComponentNode = ReceiverNode | ProcessorNode | ExporterNode | ConnectorNode;

/** Any node of the data graph. */
export type DataNode = ComponentNode | EntryNode | FanOutNode;

/** An extension: outside the data graph, one instance per ID in `service.extensions`. */
export interface ExtensionNode {
  /** The node's kind. */
  readonly kind: "extension";
  /** The configured component ID. */
  readonly id: ID;
}

/** Identity attributes of one component instance, also added to its logger. */
export interface NodeAttributes {
  /** The component's ID as text. */
  readonly "otelcol.component.id": string;
  /** The component's kind. */
  readonly "otelcol.component.kind": Kind;
  /** The signal of a receiver, processor or exporter, the exporter-side one of a connector. */
  readonly "otelcol.signal"?: string;
  /** The pipeline of a processor. */
  readonly "otelcol.pipeline.id"?: string;
  /** The receiver-side signal of a connector. */
  readonly "otelcol.signal.output"?: string;
}

/** A created component and the node it was created for. */
export interface GraphComponent {
  /** The node. */
  readonly node: ComponentNode | ExtensionNode;
  /** Its identity attributes. */
  readonly attributes: NodeAttributes;
  /** The instance. */
  readonly component: Component;
}

/** The identity attributes of `node`. */
export function attributesOf(node: ComponentNode | ExtensionNode): NodeAttributes {
  const base = { "otelcol.component.id": node.id.toString(), "otelcol.component.kind": node.kind };
  switch (node.kind) {
    case "extension":
      return base;
    case "receiver":
    case "exporter":
      return { ...base, "otelcol.signal": node.signal };
    case "processor":
      return { ...base, "otelcol.signal": node.signal, "otelcol.pipeline.id": node.pipeline };
    case "connector":
      return { ...base, "otelcol.signal": node.from, "otelcol.signal.output": node.to };
  }
}

/**
 * `node` as the shutdown reports it while it is still stopping: `receiver otlp traces`,
 * `processor batch in traces/2`, `connector count traces metrics`, `extension file_storage`.
 */
export function labelOf(node: ComponentNode | ExtensionNode): string {
  switch (node.kind) {
    case "extension":
      return `extension ${node.id}`;
    case "receiver":
    case "exporter":
      return `${node.kind} ${node.id} ${node.signal}`;
    case "processor":
      return `processor ${node.id} in ${node.pipeline}`;
    case "connector":
      return `connector ${node.id} ${node.from} ${node.to}`;
  }
}

/**
 * `node` as errors name it: `receiver "otlp" (traces)`, `processor "batch" in pipeline
 * "traces/2"`, `connector "count" (traces to metrics)`, `pipeline "traces/2"` for the start and
 * end of a pipeline.
 */
export function describeNode(node: DataNode | ExtensionNode): string {
  switch (node.kind) {
    case "extension":
      return `extension ${JSON.stringify(node.id.toString())}`;
    case "receiver":
    case "exporter":
      return `${node.kind} ${JSON.stringify(node.id.toString())} (${node.signal})`;
    case "processor":
      return `processor ${JSON.stringify(node.id.toString())} in pipeline ${
        JSON.stringify(node.pipeline)
      }`;
    case "connector":
      return `connector ${JSON.stringify(node.id.toString())} (${node.from} to ${node.to})`;
    case "entry":
    case "fanout":
      return `pipeline ${JSON.stringify(node.pipeline)}`;
  }
}
