/**
 * Loading the configuration from the sources given on the command line: `--config` URIs
 * merged in order, then `--set` overrides, then `${...}` expansion, as the Go collector does.
 */

import {
  ConfigError,
  ConfigErrors,
  type ConfigWarning,
  type Position,
  ProblemCollector,
} from "./errors.ts";
import { expandNode } from "./expand.ts";
import { mergeNodes } from "./merge.ts";
import { type ConfigNode, type MapNode, mapNode } from "./node.ts";
import { KEY_DELIMITER, parseYaml } from "./yaml.ts";

/** The schemes a `--config` URI may use; a value without a scheme is a file path. */
export const CONFIG_SOURCE_SCHEMES: readonly string[] = ["file", "env", "yaml"];

/** Where configuration sources are read from; tests replace these. */
export interface SourceOptions {
  /** Reads an environment variable. Defaults to `Deno.env.get`. */
  readonly getEnv?: (name: string) => string | undefined;
  /** Reads a text file given to `--config`. Defaults to `Deno.readTextFile`. */
  readonly readTextFile?: (path: string) => Promise<string>;
  /** Reads a text file for a `${file:path}` reference. Defaults to `Deno.readTextFileSync`. */
  readonly readTextFileSync?: (path: string) => string;
}

/** What to load. */
export interface LoadConfigOptions extends SourceOptions {
  /**
   * `--config` values, merged in order (later wins; maps merge deeply, lists are replaced):
   * a file path, `file:path`, `env:NAME` (the variable holds YAML) or `yaml:inline yaml`
   * (keys may nest with `::`, as in `yaml:processors::batch::timeout: 2s`).
   */
  readonly configs: readonly string[];
  /** `--set` values such as `processors.batch.timeout=2s`, applied after all `configs`. */
  readonly sets?: readonly string[];
}

/** A loaded, merged and expanded configuration tree. */
export interface LoadedConfig {
  /** The root map (`receivers`, `service`, ...), every value with its source position. */
  readonly root: MapNode;
  /** Warnings from loading, such as unset environment variables. */
  readonly warnings: readonly ConfigWarning[];
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):([\s\S]*)$/;
const ENV_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Loads, merges and expands the configuration. Throws {@linkcode ConfigErrors} listing every
 * problem found (unreadable sources, YAML syntax, malformed `--set`, bad `${...}`).
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const problems = new ProblemCollector();
  if (options.configs.length === 0) {
    problems.error("--config", undefined, "at least one configuration source is required");
  }
  let merged: ConfigNode = mapNode([]);
  for (const uri of options.configs) {
    try {
      merged = mergeNodes(merged, asRootMap(await readConfigSource(uri, options)));
    } catch (error) {
      problems.absorb(error, { path: "--config" });
    }
  }
  for (const [index, flag] of (options.sets ?? []).entries()) {
    try {
      merged = mergeNodes(merged, parseSetFlag(flag, index));
    } catch (error) {
      problems.absorb(error, { path: "--set" });
    }
  }
  problems.throwIfAny();
  const expanded = expandNode(merged, {
    getEnv: options.getEnv,
    readTextFile: options.readTextFileSync,
  });
  return { root: expanded.node as MapNode, warnings: expanded.warnings };
}

/**
 * Reads one `--config` source into a tree (not yet expanded). See
 * {@linkcode LoadConfigOptions.configs} for the accepted forms.
 */
export async function readConfigSource(
  uri: string,
  options: SourceOptions = {},
): Promise<ConfigNode> {
  const match = SCHEME.exec(uri);
  if (match === null) return await readFileSource(uri, options);
  const [, scheme, rest] = match;
  switch (scheme) {
    case "file":
      return await readFileSource(rest, options);
    case "env": {
      if (!ENV_NAME.test(rest)) {
        throw new ConfigError(
          `invalid environment variable name ${JSON.stringify(rest)} in ${JSON.stringify(uri)}`,
          { path: "--config" },
        );
      }
      const text = (options.getEnv ?? ((name: string) => Deno.env.get(name)))(rest);
      if (text === undefined) {
        throw new ConfigError(`environment variable ${rest} is not set`, {
          path: `--config=${uri}`,
        });
      }
      return parseYaml(text, `<env:${rest}>`);
    }
    case "yaml":
      return parseYaml(rest, "<yaml>");
    default:
      throw new ConfigError(
        `unsupported configuration source scheme "${scheme}" in ${JSON.stringify(uri)} ` +
          `(supported: ${CONFIG_SOURCE_SCHEMES.join(", ")}, or a plain file path)`,
        { path: "--config" },
      );
  }
}

async function readFileSource(path: string, options: SourceOptions): Promise<ConfigNode> {
  let text: string;
  try {
    text = await (options.readTextFile ?? Deno.readTextFile)(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`cannot read configuration file ${JSON.stringify(path)}: ${reason}`, {
      path: "--config",
      cause: error,
    });
  }
  return parseYaml(text, path);
}

function asRootMap(node: ConfigNode): MapNode {
  if (node.kind === "map") return node;
  if (node.kind === "scalar" && node.value === null) return mapNode([], node.position);
  throw new ConfigError(`the configuration must be a map of sections, got a ${node.kind}`, {
    path: [],
    position: node.position,
  });
}

/**
 * Parses one `--set` flag value, `key.path=value`, into a tree to merge over the configuration.
 * As in the Go collector, dots (and `::`) separate the path's keys, so a key that itself
 * contains a dot or `=` cannot be set this way; the value is YAML (`2s`, `10`, `[otlp, zipkin]`).
 * `index` numbers the flag in positions: `<--set #1>:1:column`, the column counted in the flag.
 */
export function parseSetFlag(flag: string, index = 0): MapNode {
  const equals = flag.indexOf("=");
  const position: Position = { file: `<--set #${index + 1}>`, line: 1, column: 1 };
  if (equals < 0) {
    throw new ConfigError(
      `missing "=" in --set ${JSON.stringify(flag)}: expected key.path=value ` +
        "(for example --set=processors.batch.timeout=2s)",
      { path: "--set", position },
    );
  }
  const keyText = flag.slice(0, equals).trim();
  const segments = keyText.replaceAll(".", KEY_DELIMITER).split(KEY_DELIMITER);
  if (keyText === "" || segments.some((segment) => segment === "")) {
    throw new ConfigError(
      `invalid key path ${JSON.stringify(keyText)} in --set ${JSON.stringify(flag)}: ` +
        "expected keys separated by dots, such as processors.batch.timeout",
      { path: "--set", position },
    );
  }
  const valueText = flag.slice(equals + 1).trim();
  const valuePosition: Position = { ...position, column: equals + 2 };
  let value: ConfigNode;
  try {
    value = relabel(parseYaml(valueText, position.file), valuePosition);
  } catch (error) {
    if (error instanceof ConfigErrors) {
      throw new ConfigErrors(
        error.errors.map((inner) =>
          new ConfigError(`invalid value in --set ${JSON.stringify(flag)}: ${inner.detail}`, {
            path: segments,
            position: valuePosition,
          })
        ),
      );
    }
    throw error;
  }
  let node: ConfigNode = value;
  for (let i = segments.length - 1; i >= 0; i--) {
    node = mapNode([{ key: segments[i], keyPosition: position, value: node }], position);
  }
  return node as MapNode;
}

/** Gives every node of a `--set` value the flag's position (its own parse starts at column 1). */
function relabel(node: ConfigNode, position: Position): ConfigNode {
  switch (node.kind) {
    case "scalar":
      return { ...node, position };
    case "list":
      return { kind: "list", items: node.items.map((item) => relabel(item, position)), position };
    case "map":
      return mapNode(
        [...node.entries.values()].map((entry) => ({
          key: entry.key,
          keyPosition: position,
          value: relabel(entry.value, position),
        })),
        position,
      );
  }
}
