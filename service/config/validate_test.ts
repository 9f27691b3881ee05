import assert from "node:assert/strict";
import { resolveConfig, validateConfig } from "./validate.ts";
import { parseConfig } from "./model.ts";
import { parseYaml } from "./yaml.ts";
import { fromPlain } from "./node.ts";
import { newFeatureGateRegistry } from "./featuregate.ts";
import { at, configErrorsOf, coreCatalog, expectProblem } from "./testutil_test.ts";

const FILE = "config.yaml";

function resolve(text: string, gates: string[] = []) {
  const featureGates = newFeatureGateRegistry();
  for (const gate of gates) featureGates.applyFlag(gate);
  return resolveConfig(parseYaml(text, FILE), coreCatalog(), { featureGates });
}

function errorsOf(text: string, gates: string[] = []) {
  return configErrorsOf(() => resolve(text, gates));
}

const VALID = `receivers:
  otlp:
    protocols:
      grpc:
processors:
  batch:
exporters:
  debug:
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
`;

Deno.test("a valid config resolves to its model and merged component configs", () => {
  const { config, components, warnings } = resolve(VALID);
  assert.deepEqual(warnings, []);
  const traces = config.service.pipelines.get("traces")!;
  assert.equal(traces.signal, "traces");
  assert.deepEqual(traces.receivers.map((r) => r.id.toString()), ["otlp"]);
  assert.equal((components.processor.get("batch") as { timeout: string }).timeout, "200ms");
  const otlp = components.receiver.get("otlp") as { protocols: { grpc: { endpoint: string } } };
  assert.equal(otlp.protocols.grpc.endpoint, "localhost:4317");
  assert.equal(config.service.telemetry.metrics.address, "localhost:8888");
  assert.equal(config.service.telemetry.logs.level, "info");
});

Deno.test("unknown top-level, service and pipeline keys are errors with path and position", async () => {
  const text = VALID.replace("service:\n", "exporter:\n  debug:\nservice:\n  extension: []\n")
    .replace("      exporters: [debug]\n", "      exporters: [debug]\n      processor: [batch]\n");
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'unknown key "exporter" (did you mean "exporters"?)',
    "exporter",
    at(FILE, text, "exporter:"),
  );
  expectProblem(
    errors,
    'unknown key "extension" (did you mean "extensions"?)',
    "service.extension",
    at(FILE, text, "extension:"),
  );
  expectProblem(
    errors,
    'unknown key "processor" (did you mean "processors"?)',
    "service.pipelines.traces.processor",
    at(FILE, text, "processor:"),
  );
  assert.match(
    errors.errors[0].detail,
    /valid keys: receivers, processors, exporters, connectors, extensions, service/,
  );
});

Deno.test("malformed component and pipeline IDs are errors", async () => {
  const text = VALID.replace("  debug:\n", "  debug:\n  9lives:\n  debug/:\n")
    .replace(
      "    traces:\n",
      "    trace/x:\n      receivers: [otlp]\n      exporters: [debug]\n    metrics/:\n      receivers: [otlp]\n      exporters: [debug]\n    traces:\n",
    );
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'invalid component type "9lives"',
    "exporters.9lives",
    at(FILE, text, "9lives"),
  );
  expectProblem(
    errors,
    'empty component name in ID "debug/"',
    "exporters.debug/",
    at(FILE, text, "debug/:"),
  );
  expectProblem(
    errors,
    'the signal "trace" is not one of traces, metrics, logs, profiles',
    "service.pipelines.trace/x",
    at(FILE, text, "trace/x"),
  );
  expectProblem(
    errors,
    'invalid pipeline ID "metrics/"',
    "service.pipelines.metrics/",
    at(FILE, text, "metrics/:"),
  );
});

Deno.test("an unknown component type is an error listing the known types of its kind", async () => {
  const text = VALID.replace("  batch:\n", "  batch:\n  bacth:\n").replace(
    "[batch]",
    "[batch, bacth]",
  );
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'unknown processor type "bacth" (did you mean "batch"?); known processor types: batch, memory_limiter',
    "processors.bacth",
    at(FILE, text, "bacth:"),
  );
});

Deno.test("a component used by a pipeline but not configured is an error", async () => {
  const text = VALID.replace("exporters: [debug]", "exporters: [debug, otlphttp/backend]")
    .replace("processors: [batch]", "processors: [batch, memory_limiter]");
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'exporter "otlphttp/backend" is used by pipeline "traces" but not configured; configured exporters: debug; no connectors are configured',
    "service.pipelines.traces.exporters[1]",
    at(FILE, text, "otlphttp/backend"),
  );
  expectProblem(
    errors,
    'processor "memory_limiter" is used by pipeline "traces" but not configured',
    "service.pipelines.traces.processors[1]",
    at(FILE, text, "memory_limiter"),
  );
});

Deno.test("an extension listed in service.extensions must be configured, once", async () => {
  const text = VALID.replace(
    "service:\n",
    "extensions:\n  zpages:\nservice:\n  extensions: [zpages, health_check, zpages]\n",
  );
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'extension "health_check" is not configured; configured extensions: zpages',
    "service.extensions[1]",
    at(FILE, text, "health_check"),
  );
  expectProblem(
    errors,
    'extension "zpages" is listed more than once',
    "service.extensions[2]",
    at(FILE, text, "zpages]"),
  );
});

Deno.test("components configured but unused are warnings, not errors", () => {
  const text = VALID.replace("  debug:\n", "  debug:\n  otlp/unused:\n    endpoint: backend:4317\n")
    .replace("service:\n", "extensions:\n  zpages:\nconnectors:\n  forward:\nservice:\n");
  const { warnings } = resolve(text);
  const byPath = new Map(warnings.map((warning) => [warning.path, warning]));
  assert.deepEqual([...byPath.keys()].sort(), [
    "connectors.forward",
    "exporters.otlp/unused",
    "extensions.zpages",
  ]);
  assert.ok(
    byPath.get("exporters.otlp/unused")!.message.startsWith(
      `${
        at(FILE, text, "otlp/unused")
      }: exporters.otlp/unused: exporter "otlp/unused" is configured but not used in any pipeline`,
    ),
  );
  assert.match(byPath.get("extensions.zpages")!.detail, /not used in service\.extensions/);
});

Deno.test("a pipeline needs at least one receiver and one exporter; a config needs a pipeline", async () => {
  const text = VALID.replace(
    "    traces:\n      receivers: [otlp]\n",
    "    traces:\n      receivers: []\n",
  )
    .replace(
      "      exporters: [debug]\n",
      "      exporters: [debug]\n    logs:\n      receivers: [otlp]\n",
    );
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    "must have at least one receiver",
    "service.pipelines.traces",
    at(FILE, text, "traces:"),
  );
  expectProblem(
    errors,
    "must have at least one exporter",
    "service.pipelines.logs",
    at(FILE, text, "logs:"),
  );

  const noPipelines = "receivers:\n  otlp:\nservice:\n  pipelines: {}\n";
  const none = await errorsOf(noPipelines);
  expectProblem(
    none,
    "at least one pipeline is required",
    "service.pipelines",
    at(FILE, noPipelines, "service:"),
  );
});

Deno.test("a processor listed twice in one pipeline is an error at the second mention", async () => {
  const text = VALID.replace("processors: [batch]", "processors: [batch, batch]");
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'processor "batch" is listed more than once in pipeline "traces"',
    "service.pipelines.traces.processors[1]",
    at(FILE, text, "batch]"),
  );
});

Deno.test("a component used for a signal it does not support is an error", async () => {
  const catalog = coreCatalog();
  const text = VALID + "    metrics:\n      receivers: [zipkin]\n      exporters: [debug]\n";
  const withZipkin = text.replace("receivers:\n  otlp:\n", "receivers:\n  zipkin:\n  otlp:\n");
  (catalog.kinds.receiver as Map<string, unknown>).set("zipkin", { signals: new Set(["traces"]) });
  const errors = await configErrorsOf(() => resolveConfig(parseYaml(withZipkin, FILE), catalog));
  expectProblem(
    errors,
    'receiver "zipkin" does not support the metrics signal of pipeline "metrics"; it supports traces',
    "service.pipelines.metrics.receivers[0]",
    at(FILE, withZipkin, "zipkin]"),
  );
});

const CONNECTED = `receivers:
  otlp:
exporters:
  debug:
connectors:
  count:
  forward:
service:
  pipelines:
    traces/in:
      receivers: [otlp]
      exporters: [count, forward]
    metrics/out:
      receivers: [count]
      exporters: [debug]
    traces/out:
      receivers: [forward]
      exporters: [debug]
`;

Deno.test("connectors link pipelines of supported signal pairs", () => {
  const { warnings } = resolve(CONNECTED);
  assert.deepEqual(warnings, []);
});

Deno.test("a connector used on one side only is an error", async () => {
  const text = CONNECTED.replace("      receivers: [forward]\n", "      receivers: [otlp]\n");
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'connector "forward" is used as an exporter (in traces/in) but not as a receiver of any pipeline',
    "connectors.forward",
    at(FILE, text, "forward:"),
  );
  const other = CONNECTED.replace("exporters: [count, forward]", "exporters: [count, debug]");
  const errors2 = await errorsOf(other);
  expectProblem(
    errors2,
    'connector "forward" is used as a receiver (in traces/out) but not as an exporter of any pipeline',
    "connectors.forward",
    at(FILE, other, "forward:"),
  );
});

Deno.test("an unsupported signal pair on a connector is an error naming the supported pairs", async () => {
  const text = CONNECTED.replace(
    "    traces/out:\n      receivers: [forward]",
    "    logs/out:\n      receivers: [forward]",
  );
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'connector "forward" cannot take traces from pipeline "traces/in" to any pipeline it feeds (logs/out: logs); supported signal pairs: traces->traces, metrics->metrics, logs->logs',
    "service.pipelines.traces/in.exporters[1]",
    at(FILE, text, "forward]"),
  );
  expectProblem(
    errors,
    'connector "forward" cannot produce logs for pipeline "logs/out"',
    "service.pipelines.logs/out.receivers[0]",
    at(FILE, text, "forward]", 2),
  );
});

Deno.test("a cycle through connectors is an error naming the cycle", async () => {
  const text = `receivers:
  otlp:
processors:
  batch:
exporters:
  debug:
connectors:
  forward:
  forward/back:
service:
  pipelines:
    traces/a:
      receivers: [otlp, forward/back]
      processors: [batch]
      exporters: [forward]
    traces/b:
      receivers: [forward]
      exporters: [debug, forward/back]
`;
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    "cycle through connectors: traces/a -> forward -> traces/b -> forward/back -> traces/a",
    "service.pipelines.traces/a.exporters[0]",
    at(FILE, text, "forward]"),
  );
  assert.equal(errors.errors.length, 1, errors.message);
});

Deno.test("a pipeline that feeds itself through a connector is a cycle", async () => {
  const text =
    "receivers:\n  otlp:\nexporters:\n  debug:\nconnectors:\n  forward:\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp, forward]\n      exporters: [debug, forward]\n";
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    "cycle through connectors: logs -> forward -> logs",
    "service.pipelines.logs.exporters[1]",
    at(FILE, text, "forward]", 2),
  );
});

Deno.test("the same ID for a receiver and a connector is ambiguous", async () => {
  const text = CONNECTED.replace("receivers:\n  otlp:\n", "receivers:\n  otlp:\n  forward:\n");
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'ambiguous ID "forward": both a receiver and a connector have it',
    "connectors.forward",
    at(FILE, text, "forward:", 2),
  );
});

Deno.test("profiles pipelines are refused unless service.profilesSupport is enabled", async () => {
  const text = VALID + "    profiles:\n      receivers: [otlp]\n      exporters: [debug]\n";
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    "profiles pipelines are experimental and need the feature gate service.profilesSupport; enable it with --feature-gates=service.profilesSupport",
    "service.pipelines.profiles",
    at(FILE, text, "profiles:"),
  );
  assert.equal(errors.errors.length, 1);
  const { config } = resolve(text, ["service.profilesSupport"]);
  assert.equal(config.service.pipelines.get("profiles")?.signal, "profiles");
});

Deno.test("component config errors carry the component's path and position", async () => {
  const text = `receivers:
  otlp:
    protocols:
      grpcc:
        endpoint: 0.0.0.0:4317
processors:
  memory_limiter:
    limit_mib: 400
  memory_limiter/2:
    check_interval: 1s
exporters:
  debug:
    verbosity: loud
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, memory_limiter/2]
      exporters: [debug]
`;
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'unknown key "grpcc" (did you mean "grpc"?); valid keys: grpc, http',
    "receivers.otlp.protocols.grpcc",
    at(FILE, text, "grpcc"),
  );
  // A factory error with a configPath points at that key...
  expectProblem(
    errors,
    'invalid processor "memory_limiter" configuration: check_interval must be greater than zero',
    "processors.memory_limiter.check_interval",
    at(FILE, text, "memory_limiter:"),
  );
  expectProblem(
    errors,
    'invalid exporter "debug" configuration: verbosity must be basic, normal or detailed, got "loud"',
    "exporters.debug.verbosity",
    at(FILE, text, "verbosity"),
  );
  // ...one without points at the component.
  expectProblem(
    errors,
    "either limit_mib or limit_percentage must be set",
    "processors.memory_limiter/2",
    at(FILE, text, "memory_limiter/2:"),
  );
  assert.equal(errors.errors.length, 4, errors.message);
});

Deno.test("service.telemetry is checked and resolved", async () => {
  const text = VALID + `  telemetry:
    logs:
      level: verbose
      encodings: json
    metrics:
      level: detailed
      readers:
        - pull:
            exporter:
              prometheus:
                host: 0.0.0.0
                port: 9999
`;
  const errors = await errorsOf(text);
  expectProblem(
    errors,
    'invalid value "verbose"; expected one of debug, info, warn, error',
    "service.telemetry.logs.level",
    at(FILE, text, "verbose"),
  );
  expectProblem(
    errors,
    'unknown key "encodings" (did you mean "encoding"?)',
    "service.telemetry.logs.encodings",
    at(FILE, text, "encodings"),
  );
  const fixed = text.replace("verbose", "debug").replace("encodings", "encoding");
  const { config } = resolve(fixed);
  assert.equal(config.service.telemetry.logs.level, "debug");
  assert.equal(config.service.telemetry.logs.encoding, "json");
  assert.equal(config.service.telemetry.metrics.level, "detailed");
  assert.equal(config.service.telemetry.metrics.address, "0.0.0.0:9999");
  const off = resolve(VALID + "  telemetry:\n    metrics:\n      level: none\n");
  assert.equal(off.config.service.telemetry.metrics.address, null);
});

Deno.test("configs built in code validate the same way, without positions", async () => {
  const root = fromPlain({
    receivers: { otlp: {} },
    exporters: { debug: {} },
    service: { pipelines: { traces: { receivers: ["otlp"], exporters: ["debgu"] } } },
  });
  const errors = await configErrorsOf(() => validateConfig(parseConfig(root), coreCatalog()));
  expectProblem(
    errors,
    'exporter "debgu" is used by pipeline "traces" but not configured (did you mean "debug"?)',
    "service.pipelines.traces.exporters[0]",
    undefined,
  );
  assert.equal(errors.errors[0].file, undefined);
  assert.ok(errors.errors[0].message.startsWith("service.pipelines.traces.exporters[0]: "));
});

Deno.test("all problems of a config are reported at once, in source order", async () => {
  const text = VALID.replace("  batch:\n", "  batch:\n    timeout: [1s]\n")
    .replace("receivers: [otlp]", "receivers: [otlp/missing]")
    .replace("exporters: [debug]", "exporters: []");
  const errors = await errorsOf(text);
  assert.equal(errors.errors.length, 3, errors.message);
  const lines = errors.errors.map((error) => error.line!);
  assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
  assert.ok(errors.message.startsWith("invalid configuration: 3 errors\n  - config.yaml:"));
});
