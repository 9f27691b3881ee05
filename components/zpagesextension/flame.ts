// Flame graphs of received profiles: each sample's stack, resolved through the profiles
// dictionary, added root first into a tree whose node values sum the samples' first value.

import {
  type Profiles,
  resolveSample,
  resolveValueType,
  validateProfiles,
} from "@denocol/pdata-experimental";

/** A frame of a flame graph and everything called from it. */
export interface FlameNode {
  /** The function (or address, when the stack has no line for it). */
  name: string;
  /** The sum of the values of the samples whose stack passes here. */
  value: number;
  /** The frames called from here, in the order first seen. */
  children: FlameNode[];
}

/** The flame graph of the most recent profiles of one service. */
export interface ServiceFlameGraph {
  /** `service.name` of the resource, or `unknown_service`. */
  service: string;
  /** The sample type and unit, such as `samples/count` or `cpu/nanoseconds`. */
  sampleType: string;
  /** Profiles and samples the graph was built from. */
  profiles: number;
  /** Samples added. */
  samples: number;
  /** When the profiles arrived (ms since the epoch). */
  receivedMs: number;
  /** The root (`all`), whose value is the total. */
  root: FlameNode;
}

/** A graph stops growing past this many frames: a page cannot draw more usefully. */
export const MAX_FLAME_NODES = 5000;

/** Builds {@linkcode ServiceFlameGraph}s, the latest per service, from profiles data. */
export class FlameGraphs {
  readonly #byService = new Map<string, ServiceFlameGraph>();
  readonly #maxServices: number;

  /**
   * An empty set of graphs.
   *
   * @param maxServices Services kept; the one updated longest ago goes first.
   */
  constructor(maxServices = 20) {
    this.#maxServices = maxServices;
  }

  /**
   * Replaces the graph of each service `data` has profiles of by one built from them. Data
   * whose references do not resolve is skipped (the receiver validated it; this is a copy).
   */
  add(data: Profiles, receivedMs: number = Date.now()): void {
    try {
      validateProfiles(data);
    } catch {
      return;
    }
    const dictionary = data.dictionary;
    const built = new Map<string, ServiceFlameGraph>();
    for (const resource of data.resourceProfiles) {
      const service = serviceName(resource.resource?.attributes ?? []);
      let graph = built.get(service);
      for (const scope of resource.scopeProfiles) {
        for (const profile of scope.profiles) {
          const type = resolveValueType(dictionary, profile.sampleType);
          if (graph === undefined) {
            graph = {
              service,
              sampleType: type.type === "" ? "samples" : `${type.type}/${type.unit}`,
              profiles: 0,
              samples: 0,
              receivedMs,
              root: { name: "all", value: 0, children: [] },
            };
            built.set(service, graph);
          }
          graph.profiles++;
          const counter = { nodes: 1 };
          for (const sample of profile.samples) {
            const resolved = resolveSample(dictionary, sample);
            const value = resolved.values.length > 0
              ? Number(resolved.values[0])
              : Math.max(1, resolved.timestampsUnixNano.length);
            const names = resolved.locations.flatMap((location) =>
              location.lines.length > 0
                ? location.lines.map((line) =>
                  line.functionName || line.systemName || line.fileName || "?"
                )
                : [`0x${location.address.toString(16)}`]
            );
            addStack(graph.root, names.reverse(), value, counter);
            graph.samples++;
          }
        }
      }
    }
    for (const [service, graph] of built) {
      this.#byService.delete(service);
      this.#byService.set(service, graph);
    }
    while (this.#byService.size > this.#maxServices) {
      this.#byService.delete(this.#byService.keys().next().value!);
    }
  }

  /** The graphs, the most recently updated first. */
  graphs(): ServiceFlameGraph[] {
    return [...this.#byService.values()].reverse();
  }
}

function addStack(
  root: FlameNode,
  rootFirst: readonly string[],
  value: number,
  counter: { nodes: number },
): void {
  root.value += value;
  let node = root;
  for (const name of rootFirst) {
    let child = node.children.find((c) => c.name === name);
    if (child === undefined) {
      if (counter.nodes >= MAX_FLAME_NODES) {
        child = node.children.find((c) => c.name === "(truncated)");
        if (child === undefined) {
          child = { name: "(truncated)", value: 0, children: [] };
          node.children.push(child);
        }
        child.value += value;
        return;
      }
      counter.nodes++;
      child = { name, value: 0, children: [] };
      node.children.push(child);
    }
    child.value += value;
    node = child;
  }
}

function serviceName(
  attributes: readonly { key: string; value?: { value: { case?: string; value?: unknown } } }[],
): string {
  const entry = attributes.find((kv) => kv.key === "service.name");
  const value = entry?.value?.value;
  return value?.case === "stringValue" && typeof value.value === "string" && value.value !== ""
    ? value.value
    : "unknown_service";
}
