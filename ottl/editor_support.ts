// What the editors share: reading the map a target holds, storing it back, compiling patterns.

import { AttributeMap } from "@denocol/pdata";
import { OttlRuntimeError } from "./errors.ts";
import type { FunctionEnv } from "./functions.ts";
import type { GetSetter, Getter } from "./paths.ts";
import { compileGlob, compileRegex } from "./patterns.ts";
import { expected } from "./values.ts";

/** The map a target path holds; throws when it holds anything else. */
export function targetMap<T>(target: GetSetter<T>, tctx: T): AttributeMap {
  const value = target.get(tctx);
  if (!(value instanceof AttributeMap)) throw expected("pcommon.Map", value);
  return value;
}

/** Stores a changed map back (a no-op for a live map, a write for a profile's attributes). */
export function commit<T>(target: GetSetter<T>, tctx: T, map: AttributeMap): void {
  target.set?.(tctx, map);
}

export function writable<T>(target: GetSetter<T>, env: FunctionEnv): GetSetter<T> {
  if (target.set === undefined) env.fail("the target path cannot be written", 0);
  return target;
}

export function regex(pattern: string, env: FunctionEnv, argument: number, global = false): RegExp {
  try {
    return compileRegex(pattern, global);
  } catch (error) {
    return env.fail(
      `the regex pattern supplied is not a valid pattern: ${(error as Error).message}`,
      argument,
    );
  }
}

export function glob(pattern: string, env: FunctionEnv, argument: number): RegExp {
  try {
    return compileGlob(pattern);
  } catch (error) {
    return env.fail(
      `the glob pattern supplied is not a valid pattern: ${(error as Error).message}`,
      argument,
    );
  }
}

export function stringArg<T>(getter: Getter<T>, tctx: T, name: string): string {
  const value = getter(tctx);
  if (typeof value !== "string") {
    throw new OttlRuntimeError(`${name}: ${expected("string", value).message}`);
  }
  return value;
}
