import {
  AggregationTemporality,
  type Exemplar,
  type ExponentialHistogramDataPoint,
  type HistogramDataPoint,
  type Logs,
  type Metric,
  type Metrics,
  metrics as metricsHelpers,
  type NumberDataPoint,
  SeverityNumber,
  Span_SpanKind,
  Status_StatusCode,
  type SummaryDataPoint,
  type Traces,
} from "@denocol/pdata";
import {
  formatId,
  formatTime,
  formatValue,
  plainAttributes,
  plainValue,
  resourceHeading,
  scopeHeading,
  TextBuilder,
} from "./text.ts";

/** How much the debug exporter writes per batch. */
export type Verbosity = "basic" | "normal" | "detailed";

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// Traces

/** The one-line summary of a traces batch. */
export function summarizeTraces(data: Traces): string {
  let spans = 0;
  for (const rs of data.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
  return `Traces: ${plural(data.resourceSpans.length, "resource")}, ${plural(spans, "span")}`;
}

/** Lines describing a traces batch at `verbosity` (after the summary line). */
export function describeTraces(data: Traces, verbosity: Verbosity): string[] {
  const out = new TextBuilder();
  data.resourceSpans.forEach((rs, r) => {
    if (verbosity === "normal") {
      out.line(0, resourceHeading("ResourceSpans", r, rs.resource, rs.schemaUrl));
    } else {
      out.line(0, `ResourceSpans #${r}`);
      out.resource(1, rs.resource, rs.schemaUrl);
    }
    rs.scopeSpans.forEach((ss, s) => {
      if (verbosity === "normal") {
        out.line(1, scopeHeading("ScopeSpans", s, ss.scope, ss.schemaUrl));
        for (const span of ss.spans) {
          const attributes = plainAttributes(span.attributes);
          out.line(
            2,
            `${span.name} ${formatId(span.traceId)} ${formatId(span.spanId)}` +
              (attributes === "" ? "" : ` ${attributes}`),
          );
        }
        return;
      }
      out.line(1, `ScopeSpans #${s}`);
      out.scope(2, ss.scope, ss.schemaUrl);
      ss.spans.forEach((span, i) => {
        out.line(2, `Span #${i}`);
        out.line(3, `Name: ${span.name}`);
        out.line(3, `Trace ID: ${formatId(span.traceId)}`);
        out.line(3, `Span ID: ${formatId(span.spanId)}`);
        out.line(3, `Parent ID: ${formatId(span.parentSpanId)}`);
        if (span.traceState !== "") out.line(3, `Trace state: ${span.traceState}`);
        if (span.flags !== 0) out.line(3, `Flags: 0x${span.flags.toString(16)}`);
        out.line(3, `Kind: ${Span_SpanKind[span.kind] ?? span.kind}`);
        out.line(3, `Start time: ${formatTime(span.startTimeUnixNano)}`);
        out.line(3, `End time: ${formatTime(span.endTimeUnixNano)}`);
        const code = span.status?.code ?? Status_StatusCode.UNSET;
        out.line(
          3,
          `Status: ${Status_StatusCode[code] ?? code}` +
            (span.status?.message ? ` (${span.status.message})` : ""),
        );
        out.attributes(3, "Attributes", span.attributes);
        if (span.droppedAttributesCount > 0) {
          out.line(3, `Dropped attributes: ${span.droppedAttributesCount}`);
        }
        if (span.events.length > 0) out.line(3, "Events:");
        span.events.forEach((event, e) => {
          out.line(4, `Event #${e}: ${event.name} at ${formatTime(event.timeUnixNano)}`);
          out.attributes(5, "Attributes", event.attributes);
        });
        if (span.droppedEventsCount > 0) out.line(3, `Dropped events: ${span.droppedEventsCount}`);
        if (span.links.length > 0) out.line(3, "Links:");
        span.links.forEach((link, l) => {
          out.line(
            4,
            `Link #${l}: trace ${formatId(link.traceId)} span ${formatId(link.spanId)}` +
              (link.traceState ? ` state ${link.traceState}` : ""),
          );
          out.attributes(5, "Attributes", link.attributes);
        });
        if (span.droppedLinksCount > 0) out.line(3, `Dropped links: ${span.droppedLinksCount}`);
      });
    });
  });
  return out.lines;
}

// ---------------------------------------------------------------------------------------------
// Metrics

/** The one-line summary of a metrics batch. */
export function summarizeMetrics(data: Metrics): string {
  let count = 0;
  for (const rm of data.resourceMetrics) {
    for (const sm of rm.scopeMetrics) count += sm.metrics.length;
  }
  return `Metrics: ${plural(data.resourceMetrics.length, "resource")}, ${
    plural(count, "metric")
  }, ${plural(metricsHelpers.count(data), "data point")}`;
}

function numberValue(point: NumberDataPoint | Exemplar): string {
  const v = point.value;
  return v.case === undefined ? "(no value)" : String(v.value);
}

function histogramValue(point: HistogramDataPoint): string {
  const parts = [`count=${point.count}`];
  if (point.sum !== undefined) parts.push(`sum=${point.sum}`);
  if (point.min !== undefined) parts.push(`min=${point.min}`);
  if (point.max !== undefined) parts.push(`max=${point.max}`);
  point.bucketCounts.forEach((count, i) => {
    const bound = i < point.explicitBounds.length ? `le${point.explicitBounds[i]}` : "le+Inf";
    parts.push(`${bound}=${count}`);
  });
  return parts.join(" ");
}

function exponentialValue(point: ExponentialHistogramDataPoint): string {
  const parts = [`count=${point.count}`];
  if (point.sum !== undefined) parts.push(`sum=${point.sum}`);
  if (point.min !== undefined) parts.push(`min=${point.min}`);
  if (point.max !== undefined) parts.push(`max=${point.max}`);
  parts.push(`scale=${point.scale}`);
  // Bucket i of a side with offset o covers (base^(o+i), base^(o+i+1)], base = 2^(2^-scale).
  const base = 2 ** (2 ** -point.scale);
  const negative = point.negative;
  if (negative) {
    for (let i = negative.bucketCounts.length - 1; i >= 0; i--) {
      parts.push(`ge${-(base ** (negative.offset + i + 1))}=${negative.bucketCounts[i]}`);
    }
  }
  if (point.zeroCount !== 0n) parts.push(`zero=${point.zeroCount}`);
  const positive = point.positive;
  if (positive) {
    positive.bucketCounts.forEach((count, i) => {
      parts.push(`le${base ** (positive.offset + i + 1)}=${count}`);
    });
  }
  return parts.join(" ");
}

function summaryValue(point: SummaryDataPoint): string {
  const parts = [`count=${point.count}`, `sum=${point.sum}`];
  for (const q of point.quantileValues) parts.push(`q${q.quantile}=${q.value}`);
  return parts.join(" ");
}

type AnyPoint =
  | NumberDataPoint
  | HistogramDataPoint
  | ExponentialHistogramDataPoint
  | SummaryDataPoint;

/** The points of a metric with the text of each point's value. */
function pointsOf(metric: Metric): Array<{ point: AnyPoint; value: string }> {
  const d = metric.data;
  switch (d.case) {
    case "gauge":
    case "sum":
      return d.value.dataPoints.map((point) => ({ point, value: numberValue(point) }));
    case "histogram":
      return d.value.dataPoints.map((point) => ({ point, value: histogramValue(point) }));
    case "exponentialHistogram":
      return d.value.dataPoints.map((point) => ({ point, value: exponentialValue(point) }));
    case "summary":
      return d.value.dataPoints.map((point) => ({ point, value: summaryValue(point) }));
    default:
      return [];
  }
}

function metricType(metric: Metric): string {
  const d = metric.data;
  switch (d.case) {
    case "gauge":
      return "Gauge";
    case "sum":
      return `Sum (${AggregationTemporality[d.value.aggregationTemporality] ?? "?"}, ${
        d.value.isMonotonic ? "monotonic" : "non-monotonic"
      })`;
    case "histogram":
      return `Histogram (${AggregationTemporality[d.value.aggregationTemporality] ?? "?"})`;
    case "exponentialHistogram":
      return `ExponentialHistogram (${
        AggregationTemporality[d.value.aggregationTemporality] ?? "?"
      })`;
    case "summary":
      return "Summary";
    default:
      return "Empty";
  }
}

/** Lines describing a metrics batch at `verbosity` (after the summary line). */
export function describeMetrics(data: Metrics, verbosity: Verbosity): string[] {
  const out = new TextBuilder();
  data.resourceMetrics.forEach((rm, r) => {
    if (verbosity === "normal") {
      out.line(0, resourceHeading("ResourceMetrics", r, rm.resource, rm.schemaUrl));
    } else {
      out.line(0, `ResourceMetrics #${r}`);
      out.resource(1, rm.resource, rm.schemaUrl);
    }
    rm.scopeMetrics.forEach((sm, s) => {
      if (verbosity === "normal") {
        out.line(1, scopeHeading("ScopeMetrics", s, sm.scope, sm.schemaUrl));
        for (const metric of sm.metrics) {
          for (const { point, value } of pointsOf(metric)) {
            out.line(2, `${metric.name}{${plainAttributes(point.attributes, ",")}} ${value}`);
          }
        }
        return;
      }
      out.line(1, `ScopeMetrics #${s}`);
      out.scope(2, sm.scope, sm.schemaUrl);
      sm.metrics.forEach((metric, m) => {
        out.line(2, `Metric #${m}`);
        out.line(3, `Name: ${metric.name}`);
        if (metric.description !== "") out.line(3, `Description: ${metric.description}`);
        if (metric.unit !== "") out.line(3, `Unit: ${metric.unit}`);
        out.line(3, `Type: ${metricType(metric)}`);
        out.attributes(3, "Metadata", metric.metadata);
        pointsOf(metric).forEach(({ point, value }, p) => {
          out.line(3, `Data point #${p}`);
          out.attributes(4, "Attributes", point.attributes);
          out.line(4, `Start time: ${formatTime(point.startTimeUnixNano)}`);
          out.line(4, `Time: ${formatTime(point.timeUnixNano)}`);
          out.line(4, `Value: ${value}`);
          if (point.flags !== 0) out.line(4, `Flags: 0x${point.flags.toString(16)}`);
          const exemplars = "exemplars" in point ? point.exemplars : [];
          exemplars.forEach((exemplar, x) => {
            out.line(
              4,
              `Exemplar #${x}: ${numberValue(exemplar)} at ${formatTime(exemplar.timeUnixNano)}` +
                ` trace ${formatId(exemplar.traceId)} span ${formatId(exemplar.spanId)}`,
            );
            out.attributes(5, "Filtered attributes", exemplar.filteredAttributes);
          });
        });
      });
    });
  });
  return out.lines;
}

// ---------------------------------------------------------------------------------------------
// Logs

/** The one-line summary of a logs batch. */
export function summarizeLogs(data: Logs): string {
  let records = 0;
  for (const rl of data.resourceLogs) {
    for (const sl of rl.scopeLogs) records += sl.logRecords.length;
  }
  return `Logs: ${plural(data.resourceLogs.length, "resource")}, ${plural(records, "log record")}`;
}

/** Lines describing a logs batch at `verbosity` (after the summary line). */
export function describeLogs(data: Logs, verbosity: Verbosity): string[] {
  const out = new TextBuilder();
  data.resourceLogs.forEach((rl, r) => {
    if (verbosity === "normal") {
      out.line(0, resourceHeading("ResourceLogs", r, rl.resource, rl.schemaUrl));
    } else {
      out.line(0, `ResourceLogs #${r}`);
      out.resource(1, rl.resource, rl.schemaUrl);
    }
    rl.scopeLogs.forEach((sl, s) => {
      if (verbosity === "normal") {
        out.line(1, scopeHeading("ScopeLogs", s, sl.scope, sl.schemaUrl));
        for (const record of sl.logRecords) {
          const attributes = plainAttributes(record.attributes);
          out.line(2, `${plainValue(record.body)}${attributes === "" ? "" : ` ${attributes}`}`);
        }
        return;
      }
      out.line(1, `ScopeLogs #${s}`);
      out.scope(2, sl.scope, sl.schemaUrl);
      sl.logRecords.forEach((record, i) => {
        out.line(2, `LogRecord #${i}`);
        out.line(3, `Time: ${formatTime(record.timeUnixNano)}`);
        out.line(3, `Observed time: ${formatTime(record.observedTimeUnixNano)}`);
        out.line(
          3,
          `Severity: ${record.severityText || "(no text)"} (${
            SeverityNumber[record.severityNumber] ?? "?"
          } ${record.severityNumber})`,
        );
        if (record.eventName !== "") out.line(3, `Event name: ${record.eventName}`);
        out.line(3, `Body: ${formatValue(record.body)}`);
        out.attributes(3, "Attributes", record.attributes);
        if (record.droppedAttributesCount > 0) {
          out.line(3, `Dropped attributes: ${record.droppedAttributesCount}`);
        }
        out.line(3, `Trace ID: ${formatId(record.traceId)}`);
        out.line(3, `Span ID: ${formatId(record.spanId)}`);
        out.line(3, `Flags: ${record.flags}`);
      });
    });
  });
  return out.lines;
}
