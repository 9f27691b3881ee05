/**
 * How an OTTL function is declared: its name, its parameters and what it does, built once from
 * its compiled arguments. Editors (names starting with a lower-case letter) change data;
 * converters (upper-case) return a value.
 *
 * @module
 */

import type { GetSetter, Getter } from "./paths.ts";

/**
 * What a parameter takes:
 *
 * - `getter`: any value (a literal, a path, a converter call, a math expression, a list, a map);
 * - `getsetter`: a path (the function writes to it);
 * - `string`, `int`, `float`, `bool`: a literal of that type, known when compiling (so that a
 *   pattern is compiled once, a limit checked at start-up);
 * - `strings`: a list literal of strings;
 * - `getters`: a list whose items are any values;
 * - `function`: the name of a converter that takes one value (such as `SHA256`);
 * - `enum`: an enum symbol of the context.
 */
export type ParamKind =
  | "getter"
  | "getsetter"
  | "string"
  | "int"
  | "float"
  | "bool"
  | "strings"
  | "getters"
  | "function"
  | "enum";

/** One parameter: its name (as named arguments give it), kind and whether it may be left out. */
export interface Param {
  /** The name in snake case, such as `replacement_format`. */
  readonly name: string;
  /** What the parameter takes. */
  readonly kind: ParamKind;
  /** Whether it may be left out; optional parameters come after the required ones. */
  readonly optional?: boolean;
}

/** A converter passed by name, applied to one value. */
export type FunctionArgument<T> = (tctx: T, input: unknown) => unknown;

/** The compiled value of an argument, by the kind of its parameter. */
export type Argument<T> =
  | Getter<T>
  | GetSetter<T>
  | string
  | bigint
  | number
  | boolean
  | string[]
  | Getter<T>[]
  | FunctionArgument<T>
  | undefined;

/** What a function is given besides its arguments when it is built. */
export interface FunctionEnv {
  /** The name of the context the statement runs in (such as `span`). */
  readonly contextName: string;
  /**
   * Throws a compile error about the argument at `argument` (its index), such as an invalid
   * pattern or a negative limit.
   */
  fail(detail: string, argument?: number): never;
}

/** An OTTL function: its signature and how to build it from compiled arguments. */
export interface FunctionDefinition<T = unknown> {
  /** The name, such as `set` or `IsMatch`. */
  readonly name: string;
  /** The parameters, in order. */
  readonly params: readonly Param[];
  /**
   * Builds the function for one statement: `args` holds the compiled value of each parameter
   * (`undefined` for an optional one left out); the result runs once per item.
   */
  create(args: readonly Argument<T>[], env: FunctionEnv): (tctx: T) => unknown;
}

/** Functions by name. */
export type FunctionTable<T = unknown> = ReadonlyMap<string, FunctionDefinition<T>>;

/** A table of `definitions` by name. */
export function functionTable<T>(
  ...definitions: readonly FunctionDefinition<T>[][]
): FunctionTable<T> {
  return new Map(definitions.flat().map((definition) => [definition.name, definition]));
}

/** Shorthand for a required parameter. */
export function param(name: string, kind: ParamKind): Param {
  return { name, kind };
}

/** Shorthand for an optional parameter. */
export function optional(name: string, kind: ParamKind): Param {
  return { name, kind, optional: true };
}
