/**
 * The OTTL contexts of traces and logs and the levels they share: `resource`, `scope`, `span`,
 * `spanevent`, `log`. Each reads and writes the `@denocol/pdata` messages of the item a
 * {@link TransformContext} points at.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import {
  type AnyValue,
  AnyValueSchema,
  AttributeMap,
  type InstrumentationScope,
  type LogRecord,
  readValue,
  type Resource,
  type Span,
  type Span_Event,
  SpanStatusSchema,
} from "@denocol/pdata";
import type { CacheHolder, ContextLevel, OttlContext } from "./compile.ts";
import { OttlRuntimeError } from "./errors.ts";
import {
  bigintField,
  expect,
  field,
  idField,
  intField,
  mapPath,
  messagesField,
  stringField,
  timeField,
  valuePath,
  withSubfields,
} from "./paths.ts";
import { stringLike } from "./values.ts";

/**
 * Where OTTL statements find the item they run on: the resource and scope of its group, and
 * the item itself at the context's level (a span, a span event, a metric and data point, a log
 * record). Processors reuse one object, setting the fields as they walk the data.
 */
export interface TransformContext extends CacheHolder {
  /** The resource of the item's group. */
  resource: Resource;
  /** The resource group (for its `schemaUrl`). */
  resourceGroup: { schemaUrl: string };
  /** The instrumentation scope of the item's group. */
  scope: InstrumentationScope;
  /** The scope group (for its `schemaUrl`). */
  scopeGroup: { schemaUrl: string };
  /** The span, in the `span` and `spanevent` contexts. */
  span?: Span;
  /** The span event, in the `spanevent` context. */
  spanEvent?: Span_Event;
  /** The index of the span event in its span. */
  eventIndex?: number;
  /** The log record, in the `log` context. */
  log?: LogRecord;
}

/** The `resource` level: `attributes`, `dropped_attributes_count`, `schema_url`. */
export const resourceLevel: ContextLevel<TransformContext> = {
  name: "resource",
  paths: {
    attributes: mapPath((t) => new AttributeMap(t.resource.attributes)),
    dropped_attributes_count: intField(
      (t) => t.resource.droppedAttributesCount,
      (t, v) => (t.resource.droppedAttributesCount = v),
    ),
    schema_url: stringField(
      (t) => t.resourceGroup.schemaUrl,
      (t, v) => (t.resourceGroup.schemaUrl = v),
    ),
  },
};

/** The `scope` level (also named `instrumentation_scope`). */
export const scopeLevel: ContextLevel<TransformContext> = {
  name: "scope",
  aliases: ["instrumentation_scope"],
  paths: {
    name: stringField((t) => t.scope.name, (t, v) => (t.scope.name = v)),
    version: stringField((t) => t.scope.version, (t, v) => (t.scope.version = v)),
    attributes: mapPath((t) => new AttributeMap(t.scope.attributes)),
    dropped_attributes_count: intField(
      (t) => t.scope.droppedAttributesCount,
      (t, v) => (t.scope.droppedAttributesCount = v),
    ),
    schema_url: stringField((t) => t.scopeGroup.schemaUrl, (t, v) => (t.scopeGroup.schemaUrl = v)),
  },
};

const SPAN_KINDS = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"];
const SPAN_KIND_SYMBOLS = SPAN_KINDS.map((k) => `SPAN_KIND_${k.toUpperCase()}`);

function kindFrom(names: readonly string[], value: unknown): number {
  const index = names.indexOf(expect<string>("string", value));
  if (index < 0) throw new OttlRuntimeError(`unknown span kind ${JSON.stringify(value)}`);
  return index;
}

/** A W3C `tracestate` as its list of `key=value` members. */
function traceStateMembers(text: string): [string, string][] {
  return text.split(",").map((m) => m.trim()).filter((m) => m !== "").map((m) => {
    const eq = m.indexOf("=");
    return eq < 0 ? [m, ""] : [m.slice(0, eq), m.slice(eq + 1)];
  });
}

const span = (t: TransformContext): Span => t.span!;

/** The `span` level. */
export const spanLevel: ContextLevel<TransformContext> = {
  name: "span",
  paths: {
    trace_id: idField(16, (t) => span(t).traceId, (t, v) => (span(t).traceId = v)),
    span_id: idField(8, (t) => span(t).spanId, (t, v) => (span(t).spanId = v)),
    parent_span_id: idField(8, (t) => span(t).parentSpanId, (t, v) => (span(t).parentSpanId = v)),
    trace_state: {
      type: "string",
      resolve(rest, keys, env) {
        if (rest.length > 0) env.fail(`unknown field ${JSON.stringify(rest[0].name)}`);
        if (keys.length === 0) {
          return stringField<TransformContext>(
            (t) => span(t).traceState,
            (t, v) => (span(t).traceState = v),
          ).resolve(rest, keys, env);
        }
        if (keys.length !== 1) env.fail("must provide exactly 1 key when accessing trace_state");
        const key = keys[0];
        return {
          get: (t) => {
            const k = key(t);
            if (typeof k !== "string") throw new OttlRuntimeError("trace_state keys are strings");
            return traceStateMembers(span(t).traceState).find(([m]) => m === k)?.[1] ?? null;
          },
          set: (t, value) => {
            const k = key(t);
            if (typeof k !== "string") throw new OttlRuntimeError("trace_state keys are strings");
            const text = expect<string>("string", value);
            const others = traceStateMembers(span(t).traceState).filter(([m]) => m !== k);
            span(t).traceState = [[k, text], ...others].map(([m, v]) => `${m}=${v}`).join(",");
          },
        };
      },
    },
    name: stringField((t) => span(t).name, (t, v) => (span(t).name = v)),
    kind: withSubfields(
      intField((t) => span(t).kind, (t, v) => (span(t).kind = v)),
      {
        string: field(
          "string",
          (t) => SPAN_KINDS[span(t).kind] ?? "",
          (t, v) => (span(t).kind = kindFrom(SPAN_KINDS, v)),
        ),
        deprecated_string: field(
          "string",
          (t) => SPAN_KIND_SYMBOLS[span(t).kind] ?? "",
          (t, v) => (span(t).kind = kindFrom(SPAN_KIND_SYMBOLS, v)),
        ),
      },
    ),
    start_time_unix_nano: bigintField(
      (t) => span(t).startTimeUnixNano,
      (t, v) => (span(t).startTimeUnixNano = v),
    ),
    end_time_unix_nano: bigintField(
      (t) => span(t).endTimeUnixNano,
      (t, v) => (span(t).endTimeUnixNano = v),
    ),
    start_time: timeField(
      (t) => span(t).startTimeUnixNano,
      (t, v) => (span(t).startTimeUnixNano = v),
    ),
    end_time: timeField((t) => span(t).endTimeUnixNano, (t, v) => (span(t).endTimeUnixNano = v)),
    attributes: mapPath((t) => new AttributeMap(span(t).attributes)),
    dropped_attributes_count: intField(
      (t) => span(t).droppedAttributesCount,
      (t, v) => (span(t).droppedAttributesCount = v),
    ),
    events: messagesField("ptrace.SpanEventSlice", (t) => span(t).events),
    dropped_events_count: intField(
      (t) => span(t).droppedEventsCount,
      (t, v) => (span(t).droppedEventsCount = v),
    ),
    links: messagesField("ptrace.SpanLinkSlice", (t) => span(t).links),
    dropped_links_count: intField(
      (t) => span(t).droppedLinksCount,
      (t, v) => (span(t).droppedLinksCount = v),
    ),
    flags: intField((t) => span(t).flags, (t, v) => (span(t).flags = v)),
    status: withSubfields(undefined, {
      code: intField(
        (t) => span(t).status?.code ?? 0,
        (t, v) => ((span(t).status ??= create(SpanStatusSchema)).code = v),
      ),
      message: stringField(
        (t) => span(t).status?.message ?? "",
        (t, v) => ((span(t).status ??= create(SpanStatusSchema)).message = v),
      ),
    }),
  },
  enums: {
    ...Object.fromEntries(SPAN_KIND_SYMBOLS.map((name, i) => [name, BigInt(i)])),
    STATUS_CODE_UNSET: 0n,
    STATUS_CODE_OK: 1n,
    STATUS_CODE_ERROR: 2n,
  },
};

const event = (t: TransformContext): Span_Event => t.spanEvent!;

/** The `spanevent` level. */
export const spanEventLevel: ContextLevel<TransformContext> = {
  name: "spanevent",
  paths: {
    time_unix_nano: bigintField(
      (t) => event(t).timeUnixNano,
      (t, v) => (event(t).timeUnixNano = v),
    ),
    time: timeField((t) => event(t).timeUnixNano, (t, v) => (event(t).timeUnixNano = v)),
    name: stringField((t) => event(t).name, (t, v) => (event(t).name = v)),
    attributes: mapPath((t) => new AttributeMap(event(t).attributes)),
    dropped_attributes_count: intField(
      (t) => event(t).droppedAttributesCount,
      (t, v) => (event(t).droppedAttributesCount = v),
    ),
    event_index: intField((t) => t.eventIndex ?? 0),
  },
};

const SEVERITIES = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

const log = (t: TransformContext): LogRecord => t.log!;

function body(t: TransformContext): AnyValue {
  return (log(t).body ??= create(AnyValueSchema));
}

/** The `log` level. */
export const logLevel: ContextLevel<TransformContext> = {
  name: "log",
  paths: {
    time_unix_nano: bigintField((t) => log(t).timeUnixNano, (t, v) => (log(t).timeUnixNano = v)),
    observed_time_unix_nano: bigintField(
      (t) => log(t).observedTimeUnixNano,
      (t, v) => (log(t).observedTimeUnixNano = v),
    ),
    time: timeField((t) => log(t).timeUnixNano, (t, v) => (log(t).timeUnixNano = v)),
    observed_time: timeField(
      (t) => log(t).observedTimeUnixNano,
      (t, v) => (log(t).observedTimeUnixNano = v),
    ),
    severity_number: intField((t) => log(t).severityNumber, (t, v) => (log(t).severityNumber = v)),
    severity_text: stringField((t) => log(t).severityText, (t, v) => (log(t).severityText = v)),
    body: valuePath((t) => log(t).body, body, {
      string: field(
        "string",
        (t) => stringLike(readValue(log(t).body) ?? null) ?? "",
        (t, v) => (body(t).value = { case: "stringValue", value: expect("string", v) }),
      ),
    }),
    attributes: mapPath((t) => new AttributeMap(log(t).attributes)),
    dropped_attributes_count: intField(
      (t) => log(t).droppedAttributesCount,
      (t, v) => (log(t).droppedAttributesCount = v),
    ),
    flags: intField((t) => log(t).flags, (t, v) => (log(t).flags = v)),
    trace_id: idField(16, (t) => log(t).traceId, (t, v) => (log(t).traceId = v)),
    span_id: idField(8, (t) => log(t).spanId, (t, v) => (log(t).spanId = v)),
    event_name: stringField((t) => log(t).eventName, (t, v) => (log(t).eventName = v)),
  },
  enums: {
    SEVERITY_NUMBER_UNSPECIFIED: 0n,
    ...Object.fromEntries(
      SEVERITIES.flatMap((name, i) =>
        [1, 2, 3, 4].map((n) => [
          `SEVERITY_NUMBER_${name}${n === 1 ? "" : n}`,
          BigInt(i * 4 + n),
        ])
      ),
    ),
  },
};

/** A context of the given levels, outermost first. */
export function context(
  ...levels: ContextLevel<TransformContext>[]
): OttlContext<TransformContext> {
  return { levels };
}

/** The `resource` context. */
export const resourceContext: OttlContext<TransformContext> = context(resourceLevel);
/** The `scope` context. */
export const scopeContext: OttlContext<TransformContext> = context(resourceLevel, scopeLevel);
/** The `span` context. */
export const spanContext: OttlContext<TransformContext> = context(
  resourceLevel,
  scopeLevel,
  spanLevel,
);
/** The `spanevent` context. */
export const spanEventContext: OttlContext<TransformContext> = context(
  resourceLevel,
  scopeLevel,
  spanLevel,
  spanEventLevel,
);
/** The `log` context. */
export const logContext: OttlContext<TransformContext> = context(
  resourceLevel,
  scopeLevel,
  logLevel,
);
