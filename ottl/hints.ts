// What context inference reads from parsed statements and conditions: their paths, function
// names and enum symbols.

import type { BoolNode, KeyNode, StatementNode, ValueNode } from "./grammar.ts";

/** Every path, function name and enum symbol in a parsed statement or condition. */
export interface Hints {
  readonly paths: (ValueNode & { kind: "path" })[];
  readonly functions: Set<string>;
  readonly enums: Set<string>;
}

/** Collects the {@link Hints} of `nodes` (context inference reads them). */
export function collectHints(
  nodes: readonly (StatementNode | BoolNode)[],
): Hints {
  const hints: Hints = { paths: [], functions: new Set(), enums: new Set() };
  const visitValue = (node: ValueNode): void => {
    switch (node.kind) {
      case "path":
        hints.paths.push(node);
        for (const field of node.fields) field.keys.forEach(visitKey);
        break;
      case "call":
        hints.functions.add(node.name);
        node.args.forEach((arg) => visitValue(arg.value));
        node.keys.forEach(visitKey);
        break;
      case "enum":
        hints.enums.add(node.name);
        break;
      case "list":
        node.items.forEach(visitValue);
        break;
      case "map":
        node.entries.forEach(([, value]) => visitValue(value));
        break;
      case "math":
        visitValue(node.left);
        visitValue(node.right);
        break;
    }
  };
  const visitKey = (key: KeyNode): void => {
    if (key.kind === "expr") visitValue(key.expr);
  };
  const visitBool = (node: BoolNode): void => {
    switch (node.kind) {
      case "or":
      case "and":
        node.items.forEach(visitBool);
        break;
      case "not":
        visitBool(node.item);
        break;
      case "compare":
        visitValue(node.left);
        visitValue(node.right);
        break;
      case "converter":
        visitValue(node.call);
        break;
    }
  };
  for (const node of nodes) {
    if ("editor" in node) {
      hints.functions.add(node.editor.name);
      node.editor.args.forEach((arg) => visitValue(arg.value));
      if (node.where) visitBool(node.where);
    } else {
      visitBool(node);
    }
  }
  return hints;
}
