// Loading a script module and calling its functions: errors name the module, and the line and
// column of the throw in it, read from the error's stack.

import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** A failure of the script module: loading it, its `init`, or one of its functions. */
export class ScriptError extends Error {
  /** The module's URL. */
  readonly module: string;

  /** Creates the error; `message` already names the module and where. */
  constructor(module: string, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "ScriptError";
    this.module = module;
  }
}

/** A loaded, initialised module, giving a function per signal. */
export interface LoadedScript {
  /** The module's URL. */
  readonly url: string;
  /**
   * The exported function `name`, wrapped so that a throw becomes a {@link ScriptError} and a
   * result of `undefined` means the data given.
   *
   * @throws {ScriptError} when the module does not export `name`.
   */
  bind<T>(name: string, signal: string): (data: T, context: object) => Promise<T | null>;
}

/** The URL of `module`: a `file:` URL as it is, a path resolved from the working directory. */
export function moduleUrl(module: string): string {
  if (/^file:/.test(module)) return new URL(module).href;
  return pathToFileURL(isAbsolute(module) ? module : resolve(Deno.cwd(), module)).href;
}

/** Where in `url` `error` was thrown (`line:column` of the first stack frame there). */
export function throwSite(error: unknown, url: string): string | undefined {
  const stack = error instanceof Error ? error.stack ?? "" : "";
  for (const line of stack.split("\n")) {
    const at = line.indexOf(url);
    if (at < 0) continue;
    const place = /^:(\d+):(\d+)/.exec(line.slice(at + url.length));
    if (place !== null) return `${place[1]}:${place[2]}`;
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function scriptError(url: string, what: string, error: unknown): ScriptError {
  const site = throwSite(error, url);
  return new ScriptError(
    url,
    `${url}${site === undefined ? "" : `:${site}`}: ${what}: ${describe(error)}`,
    error,
  );
}

/**
 * Imports `module` and runs its `init(settings)`.
 *
 * @throws {ScriptError} when the module cannot be loaded or its `init` throws.
 */
export async function loadScript(
  module: string,
  settings: Record<string, unknown>,
): Promise<LoadedScript> {
  const url = moduleUrl(module);
  let exports: Record<string, unknown>;
  try {
    // The module is the user's, named only by the configuration: nothing can analyse it ahead.
    exports = await import(url);
  } catch (error) {
    throw scriptError(url, "cannot load the module", error);
  }
  if (typeof exports.init === "function") {
    try {
      await exports.init(settings);
    } catch (error) {
      throw scriptError(url, "init threw", error);
    }
  }
  return {
    url,
    bind<T>(name: string, signal: string) {
      const fn = exports[name];
      if (typeof fn !== "function") {
        const offered = Object.keys(exports).filter((key) => typeof exports[key] === "function");
        throw new ScriptError(
          url,
          `${url}: the module exports no ${name} function for a ${signal} pipeline; it exports ${
            offered.length === 0 ? "no function" : offered.join(", ")
          }`,
        );
      }
      return async (data: T, context: object): Promise<T | null> => {
        let result: unknown;
        try {
          result = await fn(data, context);
        } catch (error) {
          throw scriptError(url, `${name} threw`, error);
        }
        if (result === undefined) return data;
        if (result === null) return null;
        if (typeof result !== "object") {
          throw new ScriptError(
            url,
            `${url}: ${name} returned ${typeof result}; expected the data, null or nothing`,
          );
        }
        return result as T;
      };
    },
  };
}
