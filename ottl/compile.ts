/**
 * Compiling statements and conditions: every path, function and enum is resolved against the
 * context once, when the configuration is loaded, into closures that run on each item. Anything
 * unknown is an {@link OttlCompileError} naming what exists.
 *
 * @module
 */

import { AttributeMap } from "@denocol/pdata";
import { OttlCompileError, OttlRuntimeError } from "./errors.ts";
import type { Argument, FunctionDefinition, FunctionTable, Param } from "./functions.ts";
import {
  type ArgNode,
  type BoolNode,
  type FieldNode,
  type KeyNode,
  parseCondition,
  parseStatement,
  type ValueNode,
} from "./grammar.ts";
import {
  getIndexed,
  type GetSetter,
  type Getter,
  type KeyGetter,
  mapPath,
  type PathEnv,
  type PathSpec,
} from "./paths.ts";
import { applyMath, compareValues, toWritable, typeName } from "./values.ts";

/** One level of the data a context reaches (`resource`, `scope`, `span`…) and its paths. */
export interface ContextLevel<T> {
  /** The context name its paths start with, such as `span`. */
  readonly name: string;
  /** Other names of the level (`instrumentation_scope` for `scope`). */
  readonly aliases?: readonly string[];
  /** Its fields by name. */
  readonly paths: Readonly<Record<string, PathSpec<T>>>;
  /** Its enum symbols. */
  readonly enums?: Readonly<Record<string, bigint>>;
}

/** A transform context with the per-item `cache` map of OTTL. */
export interface CacheHolder {
  /** The item's cache; created on first use and cleared for each item. */
  cache?: AttributeMap;
}

/**
 * An OTTL context: the levels its statements can reach, from the outermost (`resource`) to its
 * own, which is last and gives the context its name.
 */
export interface OttlContext<T extends CacheHolder> {
  /** The levels, outermost first, the context's own last. */
  readonly levels: readonly ContextLevel<T>[];
}

/** The name of a context: its own (last) level's. */
export function contextName<T extends CacheHolder>(context: OttlContext<T>): string {
  return context.levels.at(-1)!.name;
}

/** Options of {@link compileStatement} and {@link compileCondition}. */
export interface CompileOptions<T extends CacheHolder> {
  /** The context the statement runs in. */
  readonly context: OttlContext<T>;
  /** The functions it may call (editors for statements, converters for both). */
  readonly functions: FunctionTable<T>;
  /**
   * Whether a path that does not start with a context name is a field of the context's own
   * level (`attributes` meaning `span.attributes`), as in configurations that name their
   * context; otherwise such a path is an error.
   */
  readonly implicitContext?: boolean;
}

/** A compiled statement. */
export interface Statement<T> {
  /** Its text. */
  readonly source: string;
  /** Runs the editor when the `where` clause holds; returns whether it held. */
  execute(tctx: T): boolean;
}

/** A compiled condition. */
export interface Condition<T> {
  /** Its text. */
  readonly source: string;
  /** Evaluates the condition. */
  evaluate(tctx: T): boolean;
}

/** The names of every path of a context, for error messages and documentation. */
export function describePaths<T extends CacheHolder>(context: OttlContext<T>): string[] {
  const own = contextName(context);
  const names: string[] = [`${own}.cache`];
  for (const level of context.levels) {
    for (const name of Object.keys(level.paths)) names.push(`${level.name}.${name}`);
  }
  return names;
}

/** Every enum symbol a context knows, by name. */
export function contextEnums<T extends CacheHolder>(
  context: OttlContext<T>,
): Map<string, bigint> {
  const enums = new Map<string, bigint>();
  for (const level of context.levels) {
    for (const [name, value] of Object.entries(level.enums ?? {})) enums.set(name, value);
  }
  return enums;
}

function list(names: Iterable<string>): string {
  return [...names].sort().join(", ");
}

class Compiler<T extends CacheHolder> {
  readonly #source: string;
  readonly #options: CompileOptions<T>;
  readonly #enums: Map<string, bigint>;
  readonly #name: string;

  constructor(source: string, options: CompileOptions<T>) {
    this.#source = source;
    this.#options = options;
    this.#enums = contextEnums(options.context);
    this.#name = contextName(options.context);
  }

  fail(detail: string, offset: number): never {
    throw new OttlCompileError(detail, this.#source, offset);
  }

  statement(): Statement<T> {
    const node = parseStatement(this.#source);
    const editor = this.#function(node.editor.name, node.editor.pos, "editor");
    const run = this.#call(editor, node.editor.args, node.editor.pos);
    const where = node.where === undefined ? undefined : this.bool(node.where);
    const source = this.#source;
    return {
      source,
      execute(tctx: T): boolean {
        if (where !== undefined && !where(tctx)) return false;
        run(tctx);
        return true;
      },
    };
  }

  condition(): Condition<T> {
    const evaluate = this.bool(parseCondition(this.#source));
    return { source: this.#source, evaluate };
  }

  #function(name: string, pos: number, kind: "editor" | "converter"): FunctionDefinition<T> {
    const definition = this.#options.functions.get(name);
    if (definition !== undefined) return definition;
    const names = [...this.#options.functions.keys()];
    const editors = names.filter((n) => /^[a-z]/.test(n));
    const converters = names.filter((n) => /^[A-Z]/.test(n));
    const available = kind === "editor"
      ? `editors available here: ${editors.length > 0 ? list(editors) : "none"}`
      : `converters available here: ${list(converters)}`;
    this.fail(`unknown ${kind} ${JSON.stringify(name)}; ${available}`, pos);
  }

  bool(node: BoolNode): (tctx: T) => boolean {
    switch (node.kind) {
      case "const": {
        const value = node.value;
        return () => value;
      }
      case "not": {
        const inner = this.bool(node.item);
        return (t) => !inner(t);
      }
      case "and": {
        const items = node.items.map((item) => this.bool(item));
        return (t) => {
          for (const item of items) if (!item(t)) return false;
          return true;
        };
      }
      case "or": {
        const items = node.items.map((item) => this.bool(item));
        return (t) => {
          for (const item of items) if (item(t)) return true;
          return false;
        };
      }
      case "compare": {
        const left = this.value(node.left);
        const right = this.value(node.right);
        const op = node.op;
        return (t) => compareValues(left(t), op, right(t));
      }
      case "converter": {
        const call = this.value(node.call);
        const name = node.call.name;
        return (t) => {
          const result = call(t);
          if (typeof result !== "boolean") {
            throw new OttlRuntimeError(
              `value returned from ${name} is not a bool but ${typeName(result)}`,
            );
          }
          return result;
        };
      }
    }
  }

  value(node: ValueNode): Getter<T> {
    switch (node.kind) {
      case "literal": {
        const value = node.value;
        return () => value;
      }
      case "enum": {
        const value = this.#enums.get(node.name);
        if (value === undefined) {
          const known = this.#enums.size > 0 ? list(this.#enums.keys()) : "none";
          this.fail(
            `unknown enum symbol ${
              JSON.stringify(node.name)
            } in the ${this.#name} context; enums here: ${known}`,
            node.pos,
          );
        }
        return () => value;
      }
      case "functionName":
        this.fail(
          `${
            JSON.stringify(node.name)
          } is a function name, allowed only as an argument that takes a function`,
          node.pos,
        );
        break;
      case "path":
        return this.path(node).get;
      case "call": {
        const definition = this.#function(node.name, node.pos, "converter");
        const call = this.#call(definition, node.args, node.pos);
        if (node.keys.length === 0) return call;
        const keys = this.#keys(node.keys);
        return (t) => getIndexed(call(t), keys, t);
      }
      case "list": {
        const items = node.items.map((item) => this.value(item));
        return (t) => items.map((item) => item(t));
      }
      case "map": {
        const entries = node.entries.map(([key, value]) => [key, this.value(value)] as const);
        return (t) => {
          const map = new AttributeMap();
          for (const [key, value] of entries) map.put(key, toWritable(value(t)));
          return map;
        };
      }
      case "math": {
        const left = this.value(node.left);
        const right = this.value(node.right);
        const op = node.op;
        return (t) => applyMath(op, left(t), right(t));
      }
    }
  }

  #keys(keys: readonly KeyNode[]): KeyGetter<T>[] {
    return keys.map((key) => {
      if (key.kind === "string" || key.kind === "int") {
        const value = key.value;
        return () => value;
      }
      const expr = this.value(key.expr);
      return (t) => {
        const value = expr(t);
        if (typeof value === "string" || typeof value === "bigint") return value;
        throw new OttlRuntimeError(
          `a key must be a string or an int64 but the expression gave ${typeName(value)}`,
        );
      };
    });
  }

  path(node: ValueNode & { kind: "path" }): GetSetter<T> {
    const levels = this.#options.context.levels;
    const own = levels.at(-1)!;
    const first = node.fields[0];
    let level = levels.find((l) => l.name === first.name || l.aliases?.includes(first.name));
    let fields: readonly FieldNode[];
    if (level !== undefined && node.fields.length > 1) {
      if (first.keys.length > 0) this.fail("a context name cannot be indexed", first.pos);
      fields = node.fields.slice(1);
    } else if (this.#options.implicitContext) {
      level = own;
      fields = node.fields;
    } else {
      const names = levels.map((l) => l.name);
      this.fail(
        level !== undefined
          ? `path ${JSON.stringify(node.text)} names only a context; add a field, such as ${
            JSON.stringify(`${first.name}.attributes`)
          }`
          : `path ${JSON.stringify(node.text)} must start with a context name (${
            names.join(", ")
          }), such as ${JSON.stringify(`${own.name}.${node.text}`)}`,
        node.pos,
      );
    }
    const head = fields[0];
    const env: PathEnv<T> = {
      fail: (detail, offset) =>
        this.fail(`path ${JSON.stringify(node.text)}: ${detail}`, offset ?? node.pos),
      keysOf: (field) => this.#keys(field.keys),
    };
    if (head.name === "cache" && level === own) {
      return mapPath<T>((t) => (t.cache ??= new AttributeMap())).resolve(
        fields.slice(1),
        this.#keys(head.keys),
        env,
      );
    }
    const spec = level.paths[head.name];
    if (spec === undefined) {
      this.fail(
        `unknown path ${JSON.stringify(node.text)} in the ${this.#name} context; paths here: ${
          describePaths(this.#options.context).join(", ")
        }`,
        head.pos,
      );
    }
    return spec.resolve(fields.slice(1), this.#keys(head.keys), env);
  }

  #call(
    definition: FunctionDefinition<T>,
    args: readonly ArgNode[],
    pos: number,
  ): (tctx: T) => unknown {
    const params = definition.params;
    const bound: (ArgNode | undefined)[] = new Array(params.length).fill(undefined);
    const signature = `${definition.name}(${
      params.map((p) => (p.optional ? `Optional[${p.name}]` : p.name)).join(", ")
    })`;
    let named = false;
    args.forEach((arg, i) => {
      if (arg.name === undefined) {
        if (named) this.fail("positional arguments must come before named ones", arg.pos);
        if (i >= params.length) {
          this.fail(
            `too many arguments to ${definition.name}: ${args.length} given, it takes ${signature}`,
            arg.pos,
          );
        }
        bound[i] = arg;
        return;
      }
      named = true;
      const wanted = arg.name.replaceAll("_", "").toLowerCase();
      const index = params.findIndex((p) => p.name.replaceAll("_", "").toLowerCase() === wanted);
      if (index < 0) {
        this.fail(
          `${definition.name} has no parameter ${JSON.stringify(arg.name)}; it takes ${signature}`,
          arg.pos,
        );
      }
      if (bound[index] !== undefined) {
        this.fail(`argument ${JSON.stringify(params[index].name)} given twice`, arg.pos);
      }
      bound[index] = arg;
    });
    const compiled = params.map((p, i) => {
      const arg = bound[i];
      if (arg === undefined) {
        if (!p.optional) {
          this.fail(
            `missing argument ${
              JSON.stringify(p.name)
            } of ${definition.name}; it takes ${signature}`,
            pos,
          );
        }
        return undefined;
      }
      return this.#argument(definition.name, p, arg);
    });
    return definition.create(compiled, {
      contextName: this.#name,
      fail: (detail, argument) => {
        const at = argument === undefined ? pos : bound[argument]?.pos ?? pos;
        this.fail(`${definition.name}: ${detail}`, at);
      },
    });
  }

  #argument(functionName: string, p: Param, arg: ArgNode): Argument<T> {
    const node = arg.value;
    const wrong = (what: string): never =>
      this.fail(`argument ${JSON.stringify(p.name)} of ${functionName} must be ${what}`, arg.pos);
    switch (p.kind) {
      case "getter":
        return this.value(node);
      case "getsetter":
        if (node.kind !== "path") return wrong("a path");
        return this.path(node);
      case "string":
        if (node.kind !== "literal" || typeof node.value !== "string") {
          return wrong("a string literal");
        }
        return node.value;
      case "int":
        if (node.kind !== "literal" || typeof node.value !== "bigint") {
          return wrong("an int literal");
        }
        return node.value;
      case "float":
        if (node.kind !== "literal" || typeof node.value !== "number") {
          return wrong("a float literal");
        }
        return node.value;
      case "bool":
        if (node.kind !== "literal" || typeof node.value !== "boolean") {
          return wrong("true or false");
        }
        return node.value;
      case "enum":
        if (node.kind !== "enum") return wrong("an enum symbol");
        return this.value(node)(undefined as unknown as T) as bigint;
      case "strings":
        if (node.kind !== "list") return wrong("a list of string literals");
        return node.items.map((item) =>
          item.kind === "literal" && typeof item.value === "string"
            ? item.value
            : wrong("a list of string literals")
        );
      case "getters":
        if (node.kind !== "list") return wrong("a list");
        return node.items.map((item) => this.value(item));
      case "function": {
        if (node.kind !== "enum" && node.kind !== "functionName") {
          return wrong("a converter name");
        }
        const name = node.name;
        const definition = this.#function(name, node.pos, "converter");
        const first = definition.params[0];
        if (
          first === undefined || first.kind !== "getter" ||
          definition.params.slice(1).some((q) => !q.optional)
        ) {
          wrong(`a converter that takes one value, which ${name} is not`);
        }
        let input: unknown;
        const call = definition.create(
          [() => input, ...definition.params.slice(1).map(() => undefined)],
          { contextName: this.#name, fail: (detail) => this.fail(`${name}: ${detail}`, node.pos) },
        );
        return (t: T, value: unknown) => {
          input = value;
          return call(t);
        };
      }
    }
  }
}

/**
 * Compiles a statement (`editor(args) where condition`).
 *
 * @throws {OttlCompileError} for a syntax error, an unknown function, path or enum, or
 * arguments the function does not take; the error has the offset in `source`.
 */
export function compileStatement<T extends CacheHolder>(
  source: string,
  options: CompileOptions<T>,
): Statement<T> {
  return new Compiler(source, options).statement();
}

/**
 * Compiles a condition (a boolean expression, as in a `where` clause).
 *
 * @throws {OttlCompileError} as {@link compileStatement}.
 */
export function compileCondition<T extends CacheHolder>(
  source: string,
  options: CompileOptions<T>,
): Condition<T> {
  return new Compiler(source, options).condition();
}
