// A small program run with Deno's built-in OpenTelemetry (`OTEL_DENO=true`) by
// `deno_otel_test.ts`: one span, one counter, one console line inside the span.
import { metrics, trace } from "@opentelemetry/api";

const tracer = trace.getTracer("deno-otel-app");
metrics.getMeter("deno-otel-app").createCounter("app.requests").add(3, { route: "/checkout" });
tracer.startActiveSpan("checkout", (span) => {
  console.log("hello from a deno program");
  span.setAttribute("app.items", 2);
  span.end();
});
