/**
 * Groups of statements or conditions as processors configure them: a context named or inferred
 * from the paths, optional conditions that guard the statements, and an error mode. Compiled
 * once; run on each item of the group's context.
 *
 * @module
 */

import {
  type CacheHolder,
  compileCondition,
  compileStatement,
  type Condition,
  contextEnums,
  type OttlContext,
  type Statement,
} from "./compile.ts";
import { OttlCompileError, OttlRuntimeError } from "./errors.ts";
import type { FunctionTable } from "./functions.ts";
import { parseCondition, parseStatement } from "./grammar.ts";
import { collectHints } from "./hints.ts";

/**
 * What happens when a statement or condition fails on an item: `ignore` logs it and goes on,
 * `silent` goes on without logging, `propagate` fails the whole request.
 */
export type ErrorMode = "ignore" | "silent" | "propagate";

/** The error modes, for validating configuration. */
export const ERROR_MODES: readonly ErrorMode[] = ["ignore", "silent", "propagate"];

/** Where a group logs the failures it ignores. */
export interface OttlLogger {
  /** Logs a warning. */
  warn(message: string, attributes?: Record<string, string>): void;
}

/** The contexts a signal offers, and what each may call. */
export interface SignalContexts<T extends CacheHolder> {
  /** The contexts by name. */
  readonly contexts: ReadonlyMap<string, OttlContext<T>>;
  /** Context names from the innermost (preferred when inferring) to the outermost. */
  readonly priority: readonly string[];
  /** The functions statements and conditions of `context` may call. */
  functions(context: string): FunctionTable<T>;
}

/** A statement or condition that does not compile, with its place in the group. */
export class OttlGroupError extends Error {
  /** `statements` or `conditions`. */
  readonly list: "statements" | "conditions" | undefined;
  /** Its index in that list. */
  readonly index: number | undefined;
  /** The compile error, when there is one. */
  readonly compileError: OttlCompileError | undefined;

  /** Creates the error. */
  constructor(
    message: string,
    where?: { list: "statements" | "conditions"; index: number },
    cause?: OttlCompileError,
  ) {
    super(message, { cause });
    this.name = "OttlGroupError";
    this.list = where?.list;
    this.index = where?.index;
    this.compileError = cause;
  }
}

/** A group as configured. */
export interface GroupConfig {
  /** The context to run in; inferred from the paths when absent. */
  readonly context?: string;
  /** Statements (`transform`); empty for a group of conditions. */
  readonly statements?: readonly string[];
  /** Conditions, ORed: for `transform` they guard the statements, for `filter` they drop. */
  readonly conditions?: readonly string[];
}

function wrap<R>(list: "statements" | "conditions", index: number, compile: () => R): R {
  try {
    return compile();
  } catch (error) {
    if (error instanceof OttlCompileError) {
      throw new OttlGroupError(error.message, { list, index }, error);
    }
    throw error;
  }
}

/**
 * The context of a group written without one: the innermost context any path names, or, when
 * that context lacks a function or enum the group uses, the first of its inner contexts that
 * has them all.
 *
 * @throws {OttlGroupError} when a path names no context, or no context fits.
 */
export function inferContext<T extends CacheHolder>(
  signal: SignalContexts<T>,
  group: GroupConfig,
): string {
  const statements = group.statements ?? [];
  const conditions = group.conditions ?? [];
  const parsed = [
    ...statements.map((s, i) => wrap("statements", i, () => parseStatement(s))),
    ...conditions.map((c, i) => wrap("conditions", i, () => parseCondition(c))),
  ];
  const hints = collectHints(parsed);
  const names = [...signal.contexts.keys()];
  let best: number | undefined;
  for (const path of hints.paths) {
    const head = path.fields[0].name === "instrumentation_scope" ? "scope" : path.fields[0].name;
    const rank = signal.priority.indexOf(head);
    if (rank < 0 || path.fields.length < 2) {
      const index = findSource(statements, conditions, path.text);
      throw new OttlGroupError(
        `path ${JSON.stringify(path.text)} must start with a context name (${
          names.join(", ")
        }), such as ${JSON.stringify(`${signal.priority[0]}.${path.text}`)}; or give the ` +
          `group a context`,
        index,
      );
    }
    if (best === undefined || rank < best) best = rank;
  }
  if (best === undefined) {
    throw new OttlGroupError(
      `cannot infer the context: no path names one; give the group a context (one of ${
        names.join(", ")
      })`,
    );
  }
  const chosen = signal.priority[best];
  const fits = (name: string): boolean => {
    const functions = signal.functions(name);
    const enums = contextEnums(signal.contexts.get(name)!);
    return [...hints.functions].every((f) => functions.has(f)) &&
      [...hints.enums].every((e) => enums.has(e));
  };
  if (fits(chosen)) return chosen;
  const inner = signal.priority.filter((name) =>
    name !== chosen && signal.contexts.get(name)!.levels.some((l) => l.name === chosen)
  );
  const fallback = inner.find(fits);
  // Without a fitting inner context, the chosen one compiles and names what it lacks.
  return fallback ?? chosen;
}

function findSource(
  statements: readonly string[],
  conditions: readonly string[],
  text: string,
): { list: "statements" | "conditions"; index: number } | undefined {
  const s = statements.findIndex((source) => source.includes(text));
  if (s >= 0) return { list: "statements", index: s };
  const c = conditions.findIndex((source) => source.includes(text));
  return c >= 0 ? { list: "conditions", index: c } : undefined;
}

/** A compiled group: its context, statements and conditions, and how it handles failures. */
export class CompiledGroup<T extends CacheHolder> {
  /** The context the group runs in. */
  readonly context: string;
  /** The statements, in order. */
  readonly statements: readonly Statement<T>[];
  /** The conditions (ORed). */
  readonly conditions: readonly Condition<T>[];
  /** The error mode. */
  readonly errorMode: ErrorMode;
  readonly #logger: OttlLogger | undefined;

  /** Creates a group of compiled statements and conditions. */
  constructor(
    context: string,
    statements: readonly Statement<T>[],
    conditions: readonly Condition<T>[],
    errorMode: ErrorMode,
    logger?: OttlLogger,
  ) {
    this.context = context;
    this.statements = statements;
    this.conditions = conditions;
    this.errorMode = errorMode;
    this.#logger = logger;
  }

  #failed(error: unknown, kind: string, source: string): void {
    if (!(error instanceof OttlRuntimeError) && !(error instanceof RangeError)) throw error;
    const message = `failed to execute ${kind}: ${source}: ${(error as Error).message}`;
    if (this.errorMode === "propagate") throw new OttlRuntimeError(message, { cause: error });
    if (this.errorMode === "ignore") {
      this.#logger?.warn(`failed to execute ${kind}`, {
        error: (error as Error).message,
        [kind]: source,
      });
    }
  }

  /**
   * Whether any condition holds for the item (false without conditions). A failing condition
   * counts as false unless the error mode is `propagate`.
   */
  matches(tctx: T): boolean {
    for (const condition of this.conditions) {
      try {
        if (condition.evaluate(tctx)) return true;
      } catch (error) {
        this.#failed(error, "condition", condition.source);
      }
    }
    return false;
  }

  /** Runs the statements on the item, when there are no conditions or one holds. */
  execute(tctx: T): void {
    if (this.conditions.length > 0 && !this.matches(tctx)) return;
    for (const statement of this.statements) {
      try {
        statement.execute(tctx);
      } catch (error) {
        this.#failed(error, "statement", statement.source);
      }
    }
  }
}

/** Options of {@link compileGroup}. */
export interface CompileGroupOptions {
  /** The error mode of the group. */
  readonly errorMode: ErrorMode;
  /** Where ignored failures are logged. */
  readonly logger?: OttlLogger;
}

/**
 * Compiles a group for a signal: in its named context (where paths may leave the context out,
 * as in configurations written before contexts were inferred), or in the inferred one.
 *
 * @throws {OttlGroupError} naming the statement or condition that does not compile.
 */
export function compileGroup<T extends CacheHolder>(
  signal: SignalContexts<T>,
  group: GroupConfig,
  options: CompileGroupOptions,
): CompiledGroup<T> {
  let name = group.context?.toLowerCase();
  if (name !== undefined && !signal.contexts.has(name)) {
    throw new OttlGroupError(
      `unknown context ${JSON.stringify(group.context)}; contexts of this signal: ${
        [...signal.contexts.keys()].join(", ")
      }`,
    );
  }
  const implicitContext = name !== undefined;
  name ??= inferContext(signal, group);
  const compileOptions = {
    context: signal.contexts.get(name)!,
    functions: signal.functions(name),
    implicitContext,
  };
  const statements = (group.statements ?? []).map((source, i) =>
    wrap("statements", i, () => compileStatement(source, compileOptions))
  );
  const conditions = (group.conditions ?? []).map((source, i) =>
    wrap("conditions", i, () => compileCondition(source, compileOptions))
  );
  return new CompiledGroup(name, statements, conditions, options.errorMode, options.logger);
}
