// The attribute actions the Go contrib `attributes` and `resource` processors share (its
// `attraction` package): insert, update, upsert, delete, hash, extract and convert, checked when
// the configuration is validated and applied in order to an attribute map.

import { createHash } from "node:crypto";
import type { Logger } from "@denocol/component";
import type { ConsumeContext } from "@denocol/consumer";
import { compileRegex, goJson, parseGoFloat, parseGoInt } from "@denocol/ottl";
import type { AttributeMap, AttributeValue, PlainValue } from "@denocol/pdata";

/** One action as configured; keys as in the Go collector. */
export interface ActionConfig {
  /** The attribute acted on (required, except for `delete`/`hash` with a `pattern`). */
  key?: string;
  /** The value to write (`insert`, `update`, `upsert`); its YAML type is kept. */
  value?: unknown;
  /** A regular expression (RE2): keys to `delete`/`hash`, or named groups to `extract`. */
  pattern?: string;
  /** Take the value from this attribute of the same item. */
  from_attribute?: string;
  /** Take the value from the request: `metadata.<name>`, `auth.<name>`, `client.address`. */
  from_context?: string;
  /** Target type of `convert`: `int`, `double` or `string`. */
  converted_type?: string;
  /** `insert`, `update`, `upsert`, `delete`, `hash`, `extract` or `convert` (any case). */
  action?: string;
}

/** A configuration error, with the path below the component's configuration it concerns. */
export class ActionConfigError extends Error {
  /** Path below the component's configuration. */
  readonly configPath: (string | number)[];

  /** Creates the error; `component` starts the message (`attributes processor`). */
  constructor(
    component: string,
    configPath: (string | number)[],
    detail: string,
  ) {
    super(`${component}: ${detail}`);
    this.name = "ActionConfigError";
    this.configPath = configPath;
  }
}

const ACTIONS = [
  "insert",
  "update",
  "upsert",
  "delete",
  "hash",
  "extract",
  "convert",
] as const;
type ActionName = typeof ACTIONS[number];
const KEYS = [
  "key",
  "value",
  "pattern",
  "from_attribute",
  "from_context",
  "converted_type",
  "action",
];
const CONVERTED_TYPES = ["int", "double", "string"];

/** What one compiled action does to an attribute map. */
type Apply = (
  attributes: AttributeMap,
  context: ConsumeContext,
  logger: Logger,
) => void;

/** A configuration value as OTLP holds it: whole numbers as ints, as Go's YAML decoding gives. */
export function fromConfigValue(value: unknown): PlainValue {
  if (typeof value === "number" && Number.isInteger(value)) {
    return BigInt(value);
  }
  if (Array.isArray(value)) return value.map(fromConfigValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map((
        [k, v],
      ) => [k, fromConfigValue(v)]),
    );
  }
  return value as PlainValue;
}

/**
 * `value` as text, as Go's `pcommon.Value.AsString` gives it: bytes as base64, lists and maps
 * as JSON, an empty value as `""`.
 */
export function asString(value: AttributeValue): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (typeof value === "number") return String(value);
  if (value instanceof Uint8Array) return btoa(String.fromCharCode(...value));
  return goJson(value);
}

/** The request value `from_context` names, as Go's `attraction` reads it from client info. */
function fromContext(key: string, context: ConsumeContext): string | undefined {
  const client = context.client;
  let values: readonly string[] | undefined;
  if (key === "client.address") {
    // Go's clientutil.Address gives the host without the port.
    const address = client?.address;
    values = address === undefined
      ? []
      : [address.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1")];
  } else if (key.startsWith("auth.")) {
    const attributes = (client?.auth as { attributes?: Record<string, unknown> } | undefined)
      ?.attributes;
    const value = attributes?.[key.slice("auth.".length)];
    if (typeof value === "string") return value;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
      return undefined;
    }
    values = value;
  } else {
    const name = key.startsWith("metadata.") ? key.slice("metadata.".length) : key;
    values = client?.metadata.get(name.toLowerCase());
  }
  return values === undefined || values.length === 0 ? undefined : values.join(";");
}

function hashValue(value: AttributeValue): string {
  let bytes: Uint8Array | undefined;
  if (typeof value === "string") bytes = new TextEncoder().encode(value);
  else if (typeof value === "boolean") bytes = Uint8Array.of(value ? 1 : 0);
  else if (typeof value === "bigint" || typeof value === "number") {
    // Go hashes the 8 little-endian bytes of the int64 or of the float64's bits.
    const view = new DataView(new ArrayBuffer(8));
    if (typeof value === "bigint") view.setBigInt64(0, value, true);
    else view.setFloat64(0, value, true);
    bytes = new Uint8Array(view.buffer);
  }
  // Other types hash to the empty string, as in Go.
  return bytes === undefined ? "" : createHash("sha256").update(bytes).digest("hex");
}

function convertValue(
  attributes: AttributeMap,
  key: string,
  to: string,
  logger: Logger,
): void {
  if (!attributes.has(key)) return;
  const value = attributes.get(key);
  const fail = (reason: string) => logger.debug(reason, { key, value: asString(value), to: to });
  if (to === "string") {
    if (typeof value !== "string") attributes.put(key, asString(value));
    return;
  }
  if (to === "int") {
    if (typeof value === "bigint") return;
    if (typeof value === "number") {
      attributes.putInt(key, BigInt.asIntN(64, BigInt(Math.trunc(value))));
    } else if (typeof value === "boolean") {
      attributes.putInt(key, value ? 1n : 0n);
    } else if (typeof value === "string") {
      const parsed = parseGoInt(value);
      if (parsed === undefined) fail("String could not be converted to int");
      else attributes.putInt(key, parsed);
    } else fail("Unable to convert type");
    return;
  }
  if (typeof value === "number") return;
  if (typeof value === "bigint") attributes.put(key, Number(value));
  else if (typeof value === "boolean") attributes.put(key, value ? 1 : 0);
  else if (typeof value === "string") {
    const parsed = parseGoFloat(value);
    if (parsed === undefined) fail("String could not be converted to double");
    else attributes.put(key, parsed);
  } else fail("Unable to convert type");
}

/** The keys of `attributes` that `regex` matches (anywhere in the key, as Go's MatchString). */
function matchingKeys(
  regex: RegExp | undefined,
  attributes: AttributeMap,
): string[] {
  return regex === undefined ? [] : attributes.keys().filter((key) => regex.test(key));
}

/** The actions of one configuration, compiled; apply them with {@link AttributeActions.apply}. */
export class AttributeActions {
  readonly #actions: readonly Apply[];

  /** Compiled actions, applied in order. */
  constructor(actions: readonly Apply[]) {
    this.#actions = actions;
  }

  /** The number of actions. */
  get size(): number {
    return this.#actions.length;
  }

  /** Applies every action, in order, to `attributes`. */
  apply(
    attributes: AttributeMap,
    context: ConsumeContext,
    logger: Logger,
  ): void {
    for (const action of this.#actions) action(attributes, context, logger);
  }
}

/**
 * Compiles the action list `actions` found at `path`, with the checks of Go's `attraction`:
 * each action names a known type and has exactly the fields it uses.
 *
 * @throws {ActionConfigError} naming the action (its config path) and what it expected.
 */
export function compileActions(
  component: string,
  path: (string | number)[],
  actions: unknown,
): AttributeActions {
  if (actions === null || actions === undefined) {
    return new AttributeActions([]);
  }
  if (!Array.isArray(actions)) {
    throw new ActionConfigError(component, path, "expected a list of actions");
  }
  return new AttributeActions(
    actions.map((raw, i) => compileAction(component, [...path, i], raw)),
  );
}

function compileAction(
  component: string,
  path: (string | number)[],
  raw: unknown,
): Apply {
  const error = (detail: string, key?: string) =>
    new ActionConfigError(
      component,
      key === undefined ? path : [...path, key],
      detail,
    );
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw error("expected an action: a map with key, action and its fields");
  }
  const config = raw as Record<string, unknown>;
  for (const name of Object.keys(config)) {
    if (!KEYS.includes(name)) {
      throw error(
        `unknown field ${JSON.stringify(name)}; an action has ${KEYS.join(", ")}`,
        name,
      );
    }
  }
  for (const name of KEYS.filter((k) => k !== "value")) {
    const v = config[name];
    if (v !== undefined && v !== null && typeof v !== "string") {
      throw error(`expected a string, got ${JSON.stringify(v)}`, name);
    }
  }
  const text = (name: string) => (config[name] as string | null | undefined) ?? "";
  const action = text("action").toLowerCase();
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw error(
      `unsupported action ${JSON.stringify(config.action ?? "")}; expected one of ${
        ACTIONS.join(", ")
      }`,
      "action",
    );
  }
  const key = text("key");
  const pattern = text("pattern");
  const fromAttribute = text("from_attribute");
  const fromContextKey = text("from_context");
  const convertedType = text("converted_type");
  const hasValue = config.value !== undefined && config.value !== null;
  const sources = [hasValue, fromAttribute !== "", fromContextKey !== ""].filter(Boolean)
    .length;
  const name = action as ActionName;
  const notUsed = (field: string) =>
    error(
      `action ${JSON.stringify(name)} does not use the ${JSON.stringify(field)} field`,
      field,
    );
  const compilePattern = (global: boolean) => {
    try {
      return compileRegex(pattern, global);
    } catch (cause) {
      throw error(
        `invalid pattern ${JSON.stringify(pattern)}: ${(cause as Error).message}`,
        "pattern",
      );
    }
  };

  if (
    (name === "delete" || name === "hash") ? key === "" && pattern === "" : key === ""
  ) {
    throw error(
      name === "delete" || name === "hash"
        ? `action ${JSON.stringify(name)} needs "key", "pattern" or both`
        : `action ${JSON.stringify(name)} needs a "key"`,
      name === "delete" || name === "hash" ? undefined : "key",
    );
  }
  if (name !== "convert" && convertedType !== "") {
    throw notUsed("converted_type");
  }

  switch (name) {
    case "insert":
    case "update":
    case "upsert": {
      if (sources === 0) {
        throw error(
          `action ${JSON.stringify(name)} needs one of "value", "from_attribute" or "from_context"`,
        );
      }
      if (sources > 1) {
        throw error(
          `action ${
            JSON.stringify(name)
          } takes only one of "value", "from_attribute" and "from_context"`,
        );
      }
      if (pattern !== "") throw notUsed("pattern");
      const constant = hasValue ? fromConfigValue(config.value) : undefined;
      const source = (attributes: AttributeMap, context: ConsumeContext): {
        value: PlainValue;
      } | undefined => {
        if (hasValue) return { value: constant };
        if (fromContextKey !== "") {
          const value = fromContext(fromContextKey, context);
          return value === undefined ? undefined : { value };
        }
        if (!attributes.has(fromAttribute)) return undefined;
        const value = attributes.get(fromAttribute);
        return { value: value === undefined ? null : value };
      };
      return (attributes, context) => {
        const found = source(attributes, context);
        if (found === undefined) return;
        const exists = attributes.has(key);
        if ((name === "insert" && exists) || (name === "update" && !exists)) {
          return;
        }
        attributes.put(key, found.value);
      };
    }
    case "delete":
    case "hash": {
      if (hasValue) throw notUsed("value");
      if (fromAttribute !== "") throw notUsed("from_attribute");
      const regex = pattern === "" ? undefined : compilePattern(false);
      if (name === "delete") {
        return (attributes) => {
          attributes.remove(key);
          for (const k of matchingKeys(regex, attributes)) attributes.remove(k);
        };
      }
      const hash = (attributes: AttributeMap, k: string) => {
        if (attributes.has(k)) attributes.put(k, hashValue(attributes.get(k)));
      };
      return (attributes) => {
        hash(attributes, key);
        for (const k of matchingKeys(regex, attributes)) hash(attributes, k);
      };
    }
    case "extract": {
      if (sources > 0) {
        throw error(
          `action "extract" does not use "value", "from_attribute" or "from_context"`,
        );
      }
      if (pattern === "") {
        throw error(`action "extract" needs a "pattern"`, "pattern");
      }
      const regex = compilePattern(false);
      // Matching the empty alternative reports every group: their count and names.
      const probe = new RegExp(`${regex.source}|`, regex.flags).exec("")!;
      const groups = probe.length - 1;
      const names = Object.keys(probe.groups ?? {});
      if (groups === 0) throw error(`"pattern" has no named groups`, "pattern");
      if (names.length !== groups) {
        throw error(
          `"pattern" has a group without a name; every group must be named`,
          "pattern",
        );
      }
      return (attributes) => {
        const value = attributes.get(key);
        if (typeof value !== "string") return;
        const match = regex.exec(value);
        if (match === null) return;
        for (const group of names) {
          attributes.put(group, match.groups?.[group] ?? "");
        }
      };
    }
    case "convert": {
      if (sources > 0 || pattern !== "") {
        throw error(`action "convert" does not use value sources or "pattern"`);
      }
      if (convertedType === "") {
        throw error(
          `action "convert" needs "converted_type" (int, double or string)`,
          "converted_type",
        );
      }
      if (!CONVERTED_TYPES.includes(convertedType)) {
        throw error(
          `invalid converted_type ${JSON.stringify(convertedType)}; expected int, double or string`,
          "converted_type",
        );
      }
      return (attributes, _context, logger) => convertValue(attributes, key, convertedType, logger);
    }
  }
}
