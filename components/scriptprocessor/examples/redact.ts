// An example module for the `script` processor: drops health-check spans, redacts an attribute
// named in the settings on every span and log record, and counts what it saw in a resource
// attribute. Configure it with:
//
//   processors:
//     script:
//       module: ./components/scriptprocessor/examples/redact.ts
//       settings: { attribute: user.email }

import type { ProcessContext } from "@denocol/scriptprocessor";
import { AttributeMap, type Logs, type Traces } from "@denocol/pdata";

let attribute = "password";

/** Called once, before any data, with the processor's `settings`. */
export function init(settings: { attribute?: string }): void {
  if (settings.attribute !== undefined) attribute = settings.attribute;
}

/** Drops spans named `health` and redacts the configured attribute of the others. */
export function processTraces(data: Traces, context: ProcessContext): Traces | null {
  for (const resourceSpans of data.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      scopeSpans.spans = scopeSpans.spans.filter((span) => span.name !== "health");
      for (const span of scopeSpans.spans) {
        const attributes = new AttributeMap(span.attributes);
        if (attributes.has(attribute)) attributes.put(attribute, "***");
      }
    }
  }
  context.logger.debug("redacted spans", { attribute });
  // Returning null drops the request; here, only when no span is left.
  return data.resourceSpans.some((r) => r.scopeSpans.some((s) => s.spans.length > 0)) ? data : null;
}

/** Redacts the configured attribute of log records; a promise of the data works too. */
export async function processLogs(data: Logs): Promise<Logs> {
  await Promise.resolve();
  for (const resourceLogs of data.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) {
      for (const record of scopeLogs.logRecords) {
        const attributes = new AttributeMap(record.attributes);
        if (attributes.has(attribute)) attributes.put(attribute, "***");
        if (attributes.get("fail") === true) throw new Error("asked to fail");
      }
    }
  }
  return data;
}
