/**
 * The pipeline checks of configuration validation: what each pipeline references exists and
 * supports its signal, connectors join pipelines of the signals they support, pipelines through
 * connectors form no cycle, and configured components no pipeline uses are reported.
 */

import type { ID, Kind } from "@denocol/component";
import { closest } from "./component_config.ts";
import type { ProblemCollector } from "./errors.ts";
import { PROFILES_SUPPORT_GATE } from "./featuregate.ts";
import {
  type ComponentReference,
  type Config,
  type PipelineConfig,
  SECTION_OF_KIND,
} from "./model.ts";
import type { ComponentCatalog, ValidateOptions } from "./validate.ts";

export function configuredText(config: Config, kind: Kind): string {
  const ids = [...config.components[kind].keys()];
  return ids.length === 0
    ? `no ${SECTION_OF_KIND[kind]} are configured`
    : `configured ${SECTION_OF_KIND[kind]}: ${ids.join(", ")}`;
}

/** Where each connector is used, and which components pipelines reference. */
export interface Uses {
  readonly referenced: Record<Kind, Set<string>>;
  /** Connector ID → references in exporter lists, with their pipeline. */
  readonly connectorAsExporter: Map<
    string,
    { pipeline: PipelineConfig; reference: ComponentReference }[]
  >;
  /** Connector ID → references in receiver lists, with their pipeline. */
  readonly connectorAsReceiver: Map<
    string,
    { pipeline: PipelineConfig; reference: ComponentReference }[]
  >;
}

export function checkPipelines(
  config: Config,
  catalog: ComponentCatalog,
  options: ValidateOptions,
  problems: ProblemCollector,
): Uses {
  const uses: Uses = {
    referenced: {
      receiver: new Set(),
      processor: new Set(),
      exporter: new Set(),
      connector: new Set(),
      extension: new Set(config.service.extensions.map((r) => r.id.toString())),
    },
    connectorAsExporter: new Map(),
    connectorAsReceiver: new Map(),
  };
  const { pipelines } = config.service;
  if (pipelines.size === 0) {
    const position = config.root.entries.get("service")?.keyPosition ?? config.root.position;
    problems.error(
      ["service", "pipelines"],
      position,
      "at least one pipeline is required (such as traces: {receivers: [otlp], exporters: [debug]})",
    );
  }
  for (const pipeline of pipelines.values()) {
    if (pipeline.signal === "profiles" && !options.featureGates?.isEnabled(PROFILES_SUPPORT_GATE)) {
      problems.error(
        pipeline.path,
        pipeline.position,
        `profiles pipelines are experimental and need the feature gate ${PROFILES_SUPPORT_GATE}; ` +
          `enable it with --feature-gates=${PROFILES_SUPPORT_GATE}`,
      );
    }
    if (pipeline.receivers.length === 0) {
      problems.error(
        pipeline.path,
        pipeline.position,
        "the pipeline must have at least one receiver",
      );
    }
    if (pipeline.exporters.length === 0) {
      problems.error(
        pipeline.path,
        pipeline.position,
        "the pipeline must have at least one exporter",
      );
    }
    checkList(config, catalog, pipeline, "receivers", "receiver", uses, problems);
    checkList(config, catalog, pipeline, "processors", "processor", uses, problems);
    checkList(config, catalog, pipeline, "exporters", "exporter", uses, problems);
  }
  return uses;
}

function checkList(
  config: Config,
  catalog: ComponentCatalog,
  pipeline: PipelineConfig,
  list: "receivers" | "processors" | "exporters",
  kind: "receiver" | "processor" | "exporter",
  uses: Uses,
  problems: ProblemCollector,
): void {
  const seen = new Set<string>();
  for (const reference of pipeline[list]) {
    const key = reference.id.toString();
    if (seen.has(key)) {
      problems.error(
        reference.path,
        reference.position,
        `${kind} ${JSON.stringify(key)} is listed more than once in pipeline ` +
          `${JSON.stringify(pipeline.id)}`,
      );
      continue;
    }
    seen.add(key);
    const entry = config.components[kind].get(key);
    if (entry !== undefined) {
      uses.referenced[kind].add(key);
      checkSignal(catalog, kind, entry.id, pipeline, reference, problems);
      continue;
    }
    if (kind !== "processor" && config.components.connector.has(key)) {
      uses.referenced.connector.add(key);
      const byConnector = kind === "exporter" ? uses.connectorAsExporter : uses.connectorAsReceiver;
      const list = byConnector.get(key) ?? [];
      list.push({ pipeline, reference });
      byConnector.set(key, list);
      continue;
    }
    const configured = kind === "processor"
      ? configuredText(config, kind)
      : `${configuredText(config, kind)}; ${configuredText(config, "connector")}`;
    const candidates = [...config.components[kind].keys()];
    if (kind !== "processor") candidates.push(...config.components.connector.keys());
    const suggestion = closest(key, candidates);
    problems.error(
      reference.path,
      reference.position,
      `${kind} ${JSON.stringify(key)} is used by pipeline ${JSON.stringify(pipeline.id)} but ` +
        "not configured" + (suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : "") +
        `; ${configured}`,
    );
  }
}

function checkSignal(
  catalog: ComponentCatalog,
  kind: Kind,
  id: ID,
  pipeline: PipelineConfig,
  reference: ComponentReference,
  problems: ProblemCollector,
): void {
  const signals = catalog.kinds[kind]?.get(id.type)?.signals;
  if (signals === undefined || signals.has(pipeline.signal)) return;
  const supported = [...signals];
  problems.error(
    reference.path,
    reference.position,
    `${kind} ${JSON.stringify(id.toString())} does not support the ${pipeline.signal} signal ` +
      `of pipeline ${JSON.stringify(pipeline.id)}; it supports ` +
      (supported.length === 0 ? "no signal" : supported.join(", ")),
  );
}

export function checkConnectors(
  config: Config,
  catalog: ComponentCatalog,
  uses: Uses,
  problems: ProblemCollector,
): void {
  /** Pipeline → pipelines it feeds through a connector, with the connector's ID. */
  const edges = new Map<
    string,
    { to: string; connector: string; reference: ComponentReference }[]
  >();
  for (const [key, connector] of config.components.connector) {
    const asExporter = uses.connectorAsExporter.get(key) ?? [];
    const asReceiver = uses.connectorAsReceiver.get(key) ?? [];
    if (asExporter.length === 0 && asReceiver.length === 0) {
      problems.warn(
        connector.path,
        connector.position,
        `connector ${JSON.stringify(key)} is configured but used by no pipeline`,
      );
      continue;
    }
    const namesOf = (list: { pipeline: PipelineConfig }[]) =>
      list.map(({ pipeline }) => pipeline.id).join(", ");
    if (asReceiver.length === 0) {
      problems.error(
        connector.path,
        connector.position,
        `connector ${JSON.stringify(key)} is used as an exporter (in ${namesOf(asExporter)}) ` +
          "but not as a receiver of any pipeline; a connector must be both",
      );
      continue;
    }
    if (asExporter.length === 0) {
      problems.error(
        connector.path,
        connector.position,
        `connector ${JSON.stringify(key)} is used as a receiver (in ${namesOf(asReceiver)}) ` +
          "but not as an exporter of any pipeline; a connector must be both",
      );
      continue;
    }
    const pairs = catalog.kinds.connector?.get(connector.id.type)?.connectorPairs;
    const supports = (from: string, to: string) =>
      pairs === undefined || pairs.has(`${from}->${to}`);
    const pairsText = pairs === undefined || pairs.size === 0 ? "none" : [...pairs].join(", ");
    for (const { pipeline, reference } of asExporter) {
      const targets = asReceiver.filter((use) => supports(pipeline.signal, use.pipeline.signal));
      if (targets.length === 0) {
        problems.error(
          reference.path,
          reference.position,
          `connector ${JSON.stringify(key)} cannot take ${pipeline.signal} from pipeline ` +
            `${JSON.stringify(pipeline.id)} to any pipeline it feeds (${
              asReceiver.map((use) => `${use.pipeline.id}: ${use.pipeline.signal}`).join(", ")
            }); supported signal pairs: ${pairsText}`,
        );
      }
      for (const target of targets) {
        const list = edges.get(pipeline.id) ?? [];
        list.push({ to: target.pipeline.id, connector: key, reference });
        edges.set(pipeline.id, list);
      }
    }
    for (const { pipeline, reference } of asReceiver) {
      if (asExporter.some((use) => supports(use.pipeline.signal, pipeline.signal))) continue;
      problems.error(
        reference.path,
        reference.position,
        `connector ${JSON.stringify(key)} cannot produce ${pipeline.signal} for pipeline ` +
          `${JSON.stringify(pipeline.id)} from any pipeline it is exported from (${
            asExporter.map((use) => `${use.pipeline.id}: ${use.pipeline.signal}`).join(", ")
          }); supported signal pairs: ${pairsText}`,
      );
    }
  }
  checkCycles(config, edges, problems);
}

/** Reports one cycle per group of pipelines that feed each other through connectors. */
function checkCycles(
  config: Config,
  edges: ReadonlyMap<
    string,
    readonly { to: string; connector: string; reference: ComponentReference }[]
  >,
  problems: ProblemCollector,
): void {
  const state = new Map<string, "active" | "done">();
  const stack: { pipeline: string; via?: { connector: string; reference: ComponentReference } }[] =
    [];
  const reported = new Set<string>();
  const visit = (pipeline: string): void => {
    state.set(pipeline, "active");
    for (const edge of edges.get(pipeline) ?? []) {
      const targetState = state.get(edge.to);
      if (targetState === "active") {
        // The stack runs from edge.to to this pipeline; this edge closes the loop.
        const frames = stack.slice(stack.findIndex((frame) => frame.pipeline === edge.to));
        const signature = frames.map((frame) => frame.pipeline).sort().join("\u0000");
        if (reported.has(signature)) continue;
        reported.add(signature);
        const steps = [frames[0].pipeline];
        for (const frame of frames.slice(1)) steps.push(frame.via!.connector, frame.pipeline);
        steps.push(edge.connector, edge.to);
        const at = frames.length > 1 ? frames[1].via!.reference : edge.reference;
        problems.error(
          at.path,
          at.position,
          `cycle through connectors: ${steps.join(" -> ")}; data would loop forever`,
        );
        continue;
      }
      if (targetState === "done") continue;
      stack.push({
        pipeline: edge.to,
        via: { connector: edge.connector, reference: edge.reference },
      });
      visit(edge.to);
      stack.pop();
    }
    state.set(pipeline, "done");
  };
  for (const pipeline of config.service.pipelines.keys()) {
    if (state.has(pipeline)) continue;
    stack.push({ pipeline });
    visit(pipeline);
    stack.pop();
  }
}

export function warnUnused(config: Config, uses: Uses, problems: ProblemCollector): void {
  for (const kind of ["receiver", "processor", "exporter", "extension"] as const) {
    for (const [key, entry] of config.components[kind]) {
      if (uses.referenced[kind].has(key)) continue;
      const where = kind === "extension" ? "service.extensions" : "any pipeline";
      problems.warn(
        entry.path,
        entry.position,
        `${kind} ${
          JSON.stringify(key)
        } is configured but not used in ${where}; it will not be started`,
      );
    }
  }
}
