// `include` and `exclude` of the Go contrib `attributes` processor (its `filterconfig`,
// `filterset`, `filtermatcher`, `filterspan`, `filterlog` and `filtermetric` packages): which
// items the actions apply to. Matchers read the item through the OTTL transform context the walk
// points at, and its attributes through the data API.

import type { MetricTransformContext, TransformContext } from "@denocol/ottl";
import { compileRegex, formatFloat } from "@denocol/ottl";
import { AttributeMap, type AttributeValue, readValue } from "@denocol/pdata";
import { ActionConfigError, asString, fromConfigValue } from "./actions.ts";

/** An attribute to match: its key, and a value (strict) or pattern (regexp) when given. */
export interface AttributeMatch {
  /** The attribute key (required). */
  key: string;
  /** The value (`strict`, same type) or pattern (`regexp`, a string); any value when absent. */
  value?: unknown;
}

/** Match properties (`include` or `exclude`); keys as in the Go collector. */
export interface MatchProperties {
  /** `strict` or `regexp` (required). */
  match_type?: string;
  /** Cache options of `regexp` (accepted; denocol compiles patterns once and caches nothing). */
  regexp?: Record<string, unknown> | null;
  /** Service names (`service.name` of the resource); spans only. */
  services?: string[] | null;
  /** Span names. */
  span_names?: string[] | null;
  /** Span kinds, such as `SPAN_KIND_SERVER`. */
  span_kinds?: string[] | null;
  /** Log bodies, as text. */
  log_bodies?: string[] | null;
  /** Log severity texts. */
  log_severity_texts?: string[] | null;
  /** The lowest severity number to match, and whether an unset severity matches. */
  log_severity_number?: { min?: number | string; match_undefined?: boolean } | null;
  /** Metric names. */
  metric_names?: string[] | null;
  /** Attributes of the item, all of which must match. */
  attributes?: AttributeMatch[] | null;
  /** Resource attributes, all of which must match. */
  resources?: AttributeMatch[] | null;
  /** Instrumentation scopes (name, and version when given), all of which must match. */
  libraries?: { name: string; version?: string | null }[] | null;
}

/** The signals a matcher is built for. */
export type MatchSignal = "traces" | "metrics" | "logs" | "profiles";

/** Whether an item (the one `t` points at, with `attributes`) is matched. */
export type ItemMatcher = (t: MetricTransformContext, attributes: () => AttributeMap) => boolean;

const SPAN_KINDS = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"].map(
  (k) => `SPAN_KIND_${k}`,
);
const SEVERITIES = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

/** A set of strings matched strictly or by any of its patterns (Go's `filterset`). */
type StringSet = (text: string) => boolean;

function stringSet(
  error: (detail: string, key?: string) => ActionConfigError,
  matchType: string,
  items: readonly string[],
  field: string,
): StringSet {
  if (matchType === "strict") {
    const set = new Set(items);
    return (text) => set.has(text);
  }
  const patterns = items.map((item) => {
    try {
      return compileRegex(item);
    } catch (cause) {
      throw error(`${field}: invalid pattern ${JSON.stringify(item)}: ${(cause as Error).message}`);
    }
  });
  return (text) => patterns.some((p) => p.test(text));
}

/** Go's `attributeStringValue`: text of a string, bool, int or double; other types match none. */
function attributeText(value: AttributeValue): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "number") return formatFloat(value);
  return undefined;
}

function sameValue(expected: AttributeValue, actual: AttributeValue): boolean {
  if (typeof expected !== typeof actual) return false;
  if (typeof expected !== "object") return expected === actual;
  if (expected instanceof Uint8Array || actual instanceof Uint8Array) {
    return expected instanceof Uint8Array && actual instanceof Uint8Array &&
      asString(expected) === asString(actual);
  }
  // Lists and maps: equal when their JSON is (maps with sorted keys).
  return (expected === undefined) === (actual === undefined) &&
    asString(expected) === asString(actual);
}

/** Go's `AttributesMatcher`: every listed attribute is present and matches. */
function attributesMatcher(
  error: (detail: string, key?: string) => ActionConfigError,
  matchType: string,
  list: readonly AttributeMatch[],
  field: string,
): (attributes: AttributeMap) => boolean {
  const checks = list.map((item, i) => {
    if (
      item === null || typeof item !== "object" || typeof item.key !== "string" || item.key === ""
    ) {
      throw error(`${field}[${i}]: expected a non-empty "key"`);
    }
    const { key } = item;
    if (item.value === undefined || item.value === null) {
      return (attributes: AttributeMap) => attributes.has(key);
    }
    if (matchType === "regexp") {
      if (typeof item.value !== "string") {
        throw error(
          `${field}[${i}]: match_type=regexp for ${
            JSON.stringify(key)
          } only supports a string value`,
        );
      }
      const matches = stringSet(error, matchType, [item.value], field);
      return (attributes: AttributeMap) => {
        if (!attributes.has(key)) return false;
        const text = attributeText(attributes.get(key));
        return text !== undefined && matches(text);
      };
    }
    const expected = readValue(
      new AttributeMap().put("v", fromConfigValue(item.value)).getAnyValue("v"),
    );
    return (attributes: AttributeMap) =>
      attributes.has(key) && sameValue(expected, attributes.get(key));
  });
  return (attributes) =>
    checks.length === 0 || (attributes.size > 0 && checks.every((check) => check(attributes)));
}

function severityNumber(
  error: (detail: string, key?: string) => ActionConfigError,
  min: number | string | undefined,
): number {
  if (min === undefined) return 0;
  if (typeof min === "number" && Number.isInteger(min) && min >= 0 && min <= 24) return min;
  if (typeof min === "string") {
    const match = /^([A-Za-z]+)([234])?$/.exec(min);
    const base = match === null ? -1 : SEVERITIES.indexOf(match[1].toUpperCase());
    if (base >= 0) return base * 4 + 1 + (match![2] === undefined ? 0 : Number(match![2]) - 1);
  }
  throw error(
    `log_severity_number.min: expected a severity number 0..24 or a name such as INFO or WARN2, got ${
      JSON.stringify(min)
    }`,
  );
}

function nonEmpty(list: readonly unknown[] | null | undefined): boolean {
  return Array.isArray(list) && list.length > 0;
}

/** The fields each signal must not use, and those of which it needs one (Go's validations). */
const RULES: Record<
  MatchSignal,
  { refused: (keyof MatchProperties)[]; needs: (keyof MatchProperties)[] }
> = {
  traces: {
    refused: ["log_bodies", "log_severity_texts", "log_severity_number"],
    needs: ["services", "span_names", "attributes", "libraries", "resources", "span_kinds"],
  },
  logs: {
    refused: ["span_names", "services", "span_kinds"],
    needs: [
      "attributes",
      "libraries",
      "resources",
      "log_bodies",
      "log_severity_texts",
      "log_severity_number",
    ],
  },
  metrics: {
    refused: [
      "log_bodies",
      "log_severity_texts",
      "log_severity_number",
      "services",
      "span_names",
      "span_kinds",
    ],
    needs: [],
  },
  profiles: {
    refused: [
      "log_bodies",
      "log_severity_texts",
      "log_severity_number",
      "span_names",
      "span_kinds",
      "metric_names",
    ],
    needs: ["services", "attributes", "libraries", "resources"],
  },
};

/**
 * The matcher of `properties` (found at `path`) for `signal`, or `undefined` when it matches
 * nothing (metrics without `metric_names`, as in Go). Without a signal, only what every signal
 * checks is checked (the match type, the patterns, the form of each field).
 *
 * @throws {ActionConfigError} for a field the signal does not use, a missing match type, an
 * invalid pattern, or properties that match on nothing.
 */
export function compileMatcher(
  component: string,
  path: (string | number)[],
  properties: MatchProperties,
  signal: MatchSignal | undefined,
): ItemMatcher | undefined {
  const error = (detail: string, key?: string) =>
    new ActionConfigError(component, key === undefined ? path : [...path, key], detail);
  if (properties === null || typeof properties !== "object" || Array.isArray(properties)) {
    throw error("expected match properties: a map with match_type and what to match");
  }
  const rules = signal === undefined ? { refused: [], needs: [] } : RULES[signal];
  for (const field of rules.refused) {
    const value = properties[field];
    if (Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null) {
      throw error(`${field} should not be specified for ${signal}`, field);
    }
  }
  if (
    rules.needs.length > 0 &&
    !rules.needs.some((f) =>
      f === "log_severity_number" ? properties[f] != null : nonEmpty(properties[f] as unknown[])
    )
  ) {
    throw error(
      `at least one of ${
        rules.needs.map((f) => `"${f}"`).join(", ")
      } must be specified for ${signal}`,
    );
  }
  const matchType = properties.match_type ?? "";
  if (matchType !== "strict" && matchType !== "regexp") {
    throw error(
      `unrecognized match_type: ${JSON.stringify(matchType)}, valid types are: [regexp strict]`,
      "match_type",
    );
  }
  const set = (
    field:
      | "services"
      | "span_names"
      | "span_kinds"
      | "log_bodies"
      | "log_severity_texts"
      | "metric_names",
  ) => {
    const items = properties[field];
    if (!nonEmpty(items)) return undefined;
    if (items!.some((item) => typeof item !== "string")) {
      throw error(`expected a list of strings`, field);
    }
    return stringSet(error, matchType, items!, field);
  };
  if (signal === "metrics") {
    const names = set("metric_names");
    return names === undefined ? undefined : (t) => names(t.metric!.name);
  }
  if (matchType === "strict" && nonEmpty(properties.span_kinds)) {
    const unknown = properties.span_kinds!.find((kind) => !SPAN_KINDS.slice(1).includes(kind));
    if (unknown !== undefined) {
      throw error(
        `span_kinds string must match one of the standard span kinds when match_type=strict: ${
          SPAN_KINDS.slice(1).sort().join(" ")
        }`,
        "span_kinds",
      );
    }
  }
  const services = set("services");
  const spanNames = set("span_names");
  const spanKinds = set("span_kinds");
  const bodies = set("log_bodies");
  const severityTexts = set("log_severity_texts");
  const severity = properties.log_severity_number;
  const minSeverity = severity == null ? undefined : severityNumber(error, severity.min);
  const libraries = (properties.libraries ?? []).map((library, i) => {
    if (library === null || typeof library !== "object" || typeof library.name !== "string") {
      throw error(`libraries[${i}]: expected a "name"`, "libraries");
    }
    const name = stringSet(error, matchType, [library.name], "libraries");
    const version = library.version === undefined || library.version === null
      ? undefined
      : stringSet(error, matchType, [String(library.version)], "libraries");
    return { name, version };
  });
  const attributes = attributesMatcher(error, matchType, properties.attributes ?? [], "attributes");
  const resources = nonEmpty(properties.resources)
    ? attributesMatcher(error, matchType, properties.resources!, "resources")
    : undefined;
  return (t: TransformContext, itemAttributes) => {
    if (services !== undefined) {
      const resource = new AttributeMap(t.resource.attributes);
      const name = resource.has("service.name")
        ? asString(resource.get("service.name"))
        : "<nil-service-name>";
      if (!services(name)) return false;
    }
    if (spanNames !== undefined && !spanNames(t.span!.name)) return false;
    if (spanKinds !== undefined && !spanKinds(SPAN_KINDS[t.span!.kind] ?? "")) return false;
    if (bodies !== undefined && !bodies(asString(readValue(t.log!.body)))) return false;
    if (severityTexts !== undefined && !severityTexts(t.log!.severityText)) return false;
    if (minSeverity !== undefined) {
      const number = t.log!.severityNumber;
      if (number === 0 ? !severity!.match_undefined : number < minSeverity) return false;
    }
    for (const library of libraries) {
      if (!library.name(t.scope.name)) return false;
      if (library.version !== undefined && !library.version(t.scope.version)) return false;
    }
    if (resources !== undefined && !resources(new AttributeMap(t.resource.attributes))) {
      return false;
    }
    return attributes(itemAttributes());
  };
}

/**
 * Whether to skip an item, from `include` and `exclude` as Go's `NewSkipExpr` combines them: an
 * item is skipped when `include` is given and does not match, or `exclude` matches.
 */
export function compileSkip(
  component: string,
  include: MatchProperties | null | undefined,
  exclude: MatchProperties | null | undefined,
  signal: MatchSignal,
): ItemMatcher | undefined {
  const included = include == null
    ? undefined
    : compileMatcher(component, ["include"], include, signal);
  const excluded = exclude == null
    ? undefined
    : compileMatcher(component, ["exclude"], exclude, signal);
  if (included === undefined && excluded === undefined) return undefined;
  return (t, attributes) =>
    (included !== undefined && !included(t, attributes)) ||
    (excluded !== undefined && excluded(t, attributes));
}
