/**
 * Parsing YAML text into a {@linkcode ConfigNode} tree that keeps every value's position.
 */

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import { ConfigErrors, type Position, ProblemCollector } from "./errors.ts";
import type { PathSegment } from "./errors.ts";
import {
  type ConfigNode,
  listNode,
  type MapEntry,
  type MapNode,
  mapNode,
  scalarNode,
} from "./node.ts";
import { mergeNodes } from "./merge.ts";

/**
 * The separator that nests keys in every source, as in the Go collector's confmap:
 * `exporters::otlp::endpoint: x` is the same as three nested maps. `--set` turns its dots into it.
 */
export const KEY_DELIMITER = "::";

/** Path used for problems that are about the YAML text itself rather than a value in it. */
const SYNTAX_PATH = "<yaml syntax>";

/** Aliases may refer to aliases; this bounds the depth so that a malicious document cannot loop. */
const MAX_DEPTH = 1000;

/**
 * Parses one YAML document. `file` names the source in positions (a path, or `<env:NAME>`...).
 * An empty document yields the null scalar. Throws {@linkcode ConfigErrors} listing every syntax
 * error, duplicate key and unsupported construct, each with its position.
 */
export function parseYaml(text: string, file: string): ConfigNode {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const problems = new ProblemCollector();
  const positionOf = (offset: number | undefined): Position | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  for (const error of document.errors) {
    const detail = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    problems.error(SYNTAX_PATH, positionOf(error.pos[0]), detail);
  }
  if (problems.errors.length > 0) throw new ConfigErrors(problems.errors);
  const converter = new Converter(document, positionOf, problems);
  const root = document.contents === null
    ? scalarNode(null, { file, line: 1, column: 1 })
    : converter.convert(document.contents as YamlNode, [], 0);
  problems.throwIfAny();
  return root;
}

class Converter {
  constructor(
    private readonly document: Document,
    private readonly positionOf: (offset: number | undefined) => Position | undefined,
    private readonly problems: ProblemCollector,
  ) {}

  convert(node: YamlNode, path: PathSegment[], depth: number): ConfigNode {
    const position = this.positionOf(node.range?.[0]);
    if (depth > MAX_DEPTH) {
      this.problems.error(path, position, `nesting deeper than ${MAX_DEPTH} levels`);
      return scalarNode(null, position);
    }
    if (isAlias(node)) {
      const target = node.resolve(this.document);
      if (target === undefined) {
        this.problems.error(path, position, `alias *${node.source} refers to no anchor`);
        return scalarNode(null, position);
      }
      return this.convert(target as YamlNode, path, depth + 1);
    }
    if (isScalar(node)) {
      const value = node.value;
      if (
        value === null || typeof value === "string" || typeof value === "number" ||
        typeof value === "boolean"
      ) {
        return scalarNode(value, position);
      }
      this.problems.error(
        path,
        position,
        `unsupported YAML value of tag ${node.tag ?? typeof value}; ` +
          "use a string, number, boolean or null",
      );
      return scalarNode(null, position);
    }
    if (isSeq(node)) {
      return listNode(
        node.items.map((item, index) =>
          this.convert(item as YamlNode, [...path, index], depth + 1)
        ),
        position,
      );
    }
    if (isMap(node)) return this.convertMap(node.items, position, path, depth);
    this.problems.error(path, position, "unsupported YAML construct");
    return scalarNode(null, position);
  }

  private convertMap(
    pairs: readonly { key: unknown; value: unknown }[],
    position: Position | undefined,
    path: PathSegment[],
    depth: number,
  ): MapNode {
    let result = mapNode([], position);
    const mergeSources: MapNode[] = [];
    const seenKeys = new Set<string>();
    for (const pair of pairs) {
      const keyNode = pair.key as YamlNode | null;
      const keyPosition = this.positionOf(keyNode?.range?.[0]) ?? position;
      let key: string;
      if (keyNode === null) key = "";
      else if (isScalar(keyNode)) key = keyNode.value === null ? "" : String(keyNode.value);
      else {
        this.problems.error(path, keyPosition, "map keys must be strings or numbers");
        continue;
      }
      const valueNode = pair.value as YamlNode | null;
      if (key === "<<" && isScalar(keyNode) && keyNode.type === "PLAIN") {
        this.collectMergeSources(valueNode, path, depth, keyPosition, mergeSources);
        continue;
      }
      // Checked here rather than by the parser, which reports the pair's range, not the key's.
      if (seenKeys.has(key)) {
        this.problems.error(
          [...path, key],
          keyPosition,
          `duplicate key ${JSON.stringify(key)}: a key may appear only once in a map`,
        );
        continue;
      }
      seenKeys.add(key);
      const segments = key.includes(KEY_DELIMITER) ? key.split(KEY_DELIMITER) : [key];
      const valuePath = [...path, ...segments];
      const value = valueNode === null
        ? scalarNode(null, keyPosition)
        : this.convert(valueNode, valuePath, depth + 1);
      result = mergeNodes(result, nest(segments, value, keyPosition)) as MapNode;
    }
    // YAML merge keys (`<<: *defaults`) only fill in keys the map does not set itself; among
    // several sources the first wins.
    for (const source of mergeSources) {
      const added: MapEntry[] = [];
      for (const [key, entry] of source.entries) {
        if (!result.entries.has(key)) added.push(entry);
      }
      result = mapNode([...result.entries.values(), ...added], position);
    }
    return result;
  }

  private collectMergeSources(
    valueNode: YamlNode | null,
    path: PathSegment[],
    depth: number,
    keyPosition: Position | undefined,
    into: MapNode[],
  ): void {
    const converted = valueNode === null
      ? scalarNode(null, keyPosition)
      : this.convert(valueNode, path, depth + 1);
    const candidates = converted.kind === "list" ? converted.items : [converted];
    for (const candidate of candidates) {
      if (candidate.kind === "map") into.push(candidate);
      else {
        this.problems.error(
          path,
          keyPosition,
          "a merge key (<<) must refer to a map or a list of maps",
        );
      }
    }
  }
}

/** Wraps `value` in one map per segment: `["a", "b"]` gives `{a: {b: value}}`. */
function nest(
  segments: readonly string[],
  value: ConfigNode,
  position: Position | undefined,
): MapNode {
  let node: ConfigNode = value;
  for (let i = segments.length - 1; i >= 0; i--) {
    node = mapNode([{ key: segments[i], keyPosition: position, value: node }], position);
  }
  return node as MapNode;
}
