import assert from "node:assert/strict";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { logs, metrics, traces } from "@denocol/pdata";
import { profiles } from "@denocol/pdata-experimental";
import { type Config, createDefaultConfig, createFactory, Sampler, validateConfig } from "./mod.ts";

const TRACES = traces.decodeJson(JSON.stringify({
  resourceSpans: [{
    resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
    schemaUrl: "https://opentelemetry.io/schemas/1.26.0",
    scopeSpans: [{
      scope: { name: "http", version: "1.2.0" },
      spans: [{
        traceId: "5b8efff798038103d269b633813fc60c",
        spanId: "eee19b7ec3c1b174",
        parentSpanId: "eee19b7ec3c1b173",
        name: "GET /cart",
        kind: 2,
        startTimeUnixNano: "1700000000123456789",
        endTimeUnixNano: "1700000001000000000",
        attributes: [
          { key: "http.status_code", value: { intValue: "200" } },
          { key: "retry", value: { boolValue: true } },
        ],
        events: [{
          name: "cache miss",
          timeUnixNano: "1700000000500000000",
          attributes: [{ key: "key", value: { stringValue: "cart:42" } }],
        }],
        links: [{ traceId: "0102030405060708090a0b0c0d0e0f10", spanId: "0102030405060708" }],
        status: { code: 2, message: "upstream timeout" },
      }, {
        name: "SELECT",
        traceId: "5b8efff798038103d269b633813fc60c",
        spanId: "aaaaaaaaaaaaaaaa",
      }],
    }],
  }],
}));

const METRICS = metrics.decodeJson(JSON.stringify({
  resourceMetrics: [{
    resource: { attributes: [{ key: "host.name", value: { stringValue: "h1" } }] },
    scopeMetrics: [{
      scope: { name: "meter" },
      metrics: [
        {
          name: "requests",
          unit: "{request}",
          sum: {
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: [{
              asInt: "7",
              timeUnixNano: "1700000000000000000",
              attributes: [{ key: "route", value: { stringValue: "/cart" } }],
            }],
          },
        },
        { name: "temperature", gauge: { dataPoints: [{ asDouble: 21.5 }] } },
        {
          name: "latency",
          histogram: {
            aggregationTemporality: 1,
            dataPoints: [{
              count: "3",
              sum: 0.6,
              bucketCounts: ["1", "2"],
              explicitBounds: [0.1],
            }],
          },
        },
        {
          name: "sizes",
          exponentialHistogram: {
            aggregationTemporality: 2,
            dataPoints: [{
              count: "2",
              scale: 0,
              zeroCount: "1",
              positive: { offset: 1, bucketCounts: ["1"] },
            }],
          },
        },
        {
          name: "rpc",
          summary: {
            dataPoints: [{ count: "4", sum: 10, quantileValues: [{ quantile: 0.5, value: 2 }] }],
          },
        },
      ],
    }],
  }],
}));

const LOGS = logs.decodeJson(JSON.stringify({
  resourceLogs: [{
    resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }] },
    scopeLogs: [{
      scope: { name: "logger" },
      logRecords: [{
        timeUnixNano: "1700000000000000000",
        severityNumber: 17,
        severityText: "ERROR",
        body: { stringValue: "payment failed" },
        attributes: [{ key: "order", value: { intValue: "42" } }],
        traceId: "5b8efff798038103d269b633813fc60c",
        spanId: "eee19b7ec3c1b174",
      }, {
        body: { kvlistValue: { values: [{ key: "a", value: { doubleValue: 1.5 } }] } },
      }],
    }],
  }],
}));

const PROFILES = profiles.decodeJson(JSON.stringify({
  dictionary: {
    stringTable: ["", "main", "main.go", "handle", "server.go", "cpu", "nanoseconds", "thread"],
    mappingTable: [{}],
    functionTable: [{}, { nameStrindex: 1, filenameStrindex: 2 }, {
      nameStrindex: 3,
      filenameStrindex: 4,
    }],
    locationTable: [{}, { lines: [{ functionIndex: 2, line: "17" }] }, {
      lines: [{ functionIndex: 1, line: "42", column: "3" }],
    }],
    stackTable: [{}, { locationIndices: [1, 2] }],
    attributeTable: [{}, { keyStrindex: 7, value: { stringValue: "worker-1" } }],
    linkTable: [{}],
  },
  resourceProfiles: [{
    resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }] },
    scopeProfiles: [{
      profiles: [{
        profileId: "0102030405060708090a0b0c0d0e0f10",
        sampleType: { typeStrindex: 5, unitStrindex: 6 },
        samples: [{ stackIndex: 1, values: ["1500"], attributeIndices: [1] }, {
          stackIndex: 9,
          values: ["7"],
        }],
      }],
    }],
  }],
}));

function exporterSettings() {
  return nopSettings("exporter", "debug");
}

async function writeOnce(
  config: Partial<Config>,
  signal: "traces" | "metrics" | "logs" | "profiles",
): Promise<string> {
  const out: string[] = [];
  const factory = createFactory({ write: (text) => out.push(text) });
  {
    const full = { ...createDefaultConfig(), ...config };
    validateConfig(full);
    const settings = exporterSettings();
    const exporter = signal === "traces"
      ? factory.createTraces(settings, full)
      : signal === "metrics"
      ? factory.createMetrics(settings, full)
      : signal === "logs"
      ? factory.createLogs(settings, full)
      : factory.createProfiles(settings, full);
    await exporter.start(nopHost());
    const data = { traces: TRACES, metrics: METRICS, logs: LOGS, profiles: PROFILES }[signal];
    // deno-lint-ignore no-explicit-any
    await (exporter.consume as (d: any) => Promise<void>)(data);
    await exporter.shutdown();
  }
  assert.equal(out.length, 1);
  if (Deno.env.get("SHOW_DEBUG")) console.log(out[0]);
  return out[0];
}

Deno.test("debug exporter: basic writes one line of counts per batch", async () => {
  assert.equal(await writeOnce({}, "traces"), "Traces: 1 resource, 2 spans");
  assert.equal(await writeOnce({}, "metrics"), "Metrics: 1 resource, 5 metrics, 5 data points");
  assert.equal(await writeOnce({}, "logs"), "Logs: 1 resource, 2 log records");
  assert.equal(await writeOnce({}, "profiles"), "Profiles: 1 resource, 1 profile, 2 samples");
});

Deno.test("debug exporter: normal writes one line per item", async () => {
  const t = (await writeOnce({ verbosity: "normal" }, "traces")).split("\n");
  assert.equal(t.length, 5);
  assert.equal(
    t[1],
    "ResourceSpans #0 [https://opentelemetry.io/schemas/1.26.0] service.name=checkout",
  );
  assert.equal(t[2], "  ScopeSpans #0 http@1.2.0");
  assert.equal(
    t[3],
    "    GET /cart 5b8efff798038103d269b633813fc60c eee19b7ec3c1b174 http.status_code=200 retry=true",
  );
  assert.equal(t[4], "    SELECT 5b8efff798038103d269b633813fc60c aaaaaaaaaaaaaaaa");

  const m = (await writeOnce({ verbosity: "normal" }, "metrics")).split("\n");
  assert.deepEqual(m.slice(3), [
    "    requests{route=/cart} 7",
    "    temperature{} 21.5",
    "    latency{} count=3 sum=0.6 le0.1=1 le+Inf=2",
    "    sizes{} count=2 scale=0 zero=1 le4=1",
    "    rpc{} count=4 sum=10 q0.5=2",
  ]);

  const l = (await writeOnce({ verbosity: "normal" }, "logs")).split("\n");
  assert.deepEqual(l.slice(3), ["    payment failed order=42", "    {a=1.5}"]);

  const p = (await writeOnce({ verbosity: "normal" }, "profiles")).split("\n");
  assert.equal(p[3], "    0102030405060708090a0b0c0d0e0f10 cpu/nanoseconds samples=2 total=1507");
});

Deno.test("debug exporter: detailed traces show attributes, events, links and status", async () => {
  const text = await writeOnce({ verbosity: "detailed" }, "traces");
  for (
    const expected of [
      "-> service.name: Str(checkout)",
      "Scope: http@1.2.0",
      "Name: GET /cart",
      "Parent ID: eee19b7ec3c1b173",
      "Kind: SERVER",
      "Start time: 2023-11-14T22:13:20.123456789Z",
      "Status: ERROR (upstream timeout)",
      "-> http.status_code: Int(200)",
      "-> retry: Bool(true)",
      "Event #0: cache miss at 2023-11-14T22:13:20.500000000Z",
      "-> key: Str(cart:42)",
      "Link #0: trace 0102030405060708090a0b0c0d0e0f10 span 0102030405060708",
    ]
  ) {
    assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in\n${text}`);
  }
});

Deno.test("debug exporter: detailed metrics show type, temporality and every point", async () => {
  const text = await writeOnce({ verbosity: "detailed" }, "metrics");
  for (
    const expected of [
      "-> host.name: Str(h1)",
      "Name: requests",
      "Unit: {request}",
      "Type: Sum (CUMULATIVE, monotonic)",
      "-> route: Str(/cart)",
      "Value: 7",
      "Type: Gauge",
      "Value: 21.5",
      "Type: Histogram (DELTA)",
      "Value: count=3 sum=0.6 le0.1=1 le+Inf=2",
      "Type: Summary",
    ]
  ) {
    assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in\n${text}`);
  }
});

Deno.test("debug exporter: detailed logs show body, severity and trace context", async () => {
  const text = await writeOnce({ verbosity: "detailed" }, "logs");
  for (
    const expected of [
      "Severity: ERROR (ERROR 17)",
      "Body: Str(payment failed)",
      "-> order: Int(42)",
      "Trace ID: 5b8efff798038103d269b633813fc60c",
      'Body: Map({"a": Double(1.5)})',
    ]
  ) {
    assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in\n${text}`);
  }
});

Deno.test("debug exporter: detailed profiles resolve each sample's stack", async () => {
  const lines = (await writeOnce({ verbosity: "detailed" }, "profiles")).split("\n");
  const text = lines.join("\n");
  assert.ok(text.includes("Sample type: cpu (nanoseconds)"), text);
  const sample = lines.findIndex((line) => line.includes("Sample #0"));
  assert.ok(sample >= 0, text);
  assert.equal(lines[sample].trim(), "Sample #0: values [1500] nanoseconds");
  assert.equal(lines[sample + 1].trim(), "Attributes: thread=worker-1");
  assert.equal(lines[sample + 2].trim(), "Stack (leaf first):");
  assert.equal(lines[sample + 3].trim(), "#0 handle server.go:17");
  assert.equal(lines[sample + 4].trim(), "#1 main main.go:42:3");
  const broken = lines.find((line) => line.includes("Sample #1"));
  assert.ok(broken?.includes("values [7]") && broken.includes("stackIndex"), String(broken));
  // The top table and the collapsed stacks, the broken stack counted apart.
  const top = lines.findIndex((line) => line.includes("Top functions"));
  assert.equal(lines[top].trim(), "Top functions (3 of 3; total 1507 nanoseconds):");
  assert.deepEqual(lines.slice(top + 1, top + 5).map((line) => line.trim().split(/\s+/)), [
    ["flat", "flat%", "sum%", "cum", "cum%", "function"],
    ["1500", "99.54%", "99.54%", "1500", "99.54%", "handle"],
    ["7", "0.46%", "100%", "7", "0.46%", "(no", "stack)"],
    ["0", "0%", "100%", "1500", "99.54%", "main"],
  ]);
  assert.deepEqual(lines.slice(top + 5, top + 8).map((line) => line.trim()), [
    "Collapsed stacks (2):",
    "(no stack) 7",
    "main;handle 1500",
  ]);
});

Deno.test("sampler: the first sampling_initial per second, then every sampling_thereafter", () => {
  let now = 0;
  const sampler = new Sampler(2, 3, () => now);
  const first = Array.from({ length: 9 }, () => sampler.allow());
  assert.deepEqual(first, [true, true, false, false, true, false, false, true, false]);
  now = 1000;
  assert.deepEqual([sampler.allow(), sampler.allow(), sampler.allow()], [true, true, false]);
  const none = new Sampler(1, 0, () => 0);
  assert.deepEqual([none.allow(), none.allow(), none.allow()], [true, false, false]);
});

Deno.test("debug exporter: sampling skips batches within a second", async () => {
  const out: string[] = [];
  let now = 0;
  const factory = createFactory({ write: (text) => out.push(text), now: () => now });
  const config = { ...createDefaultConfig(), sampling_initial: 1, sampling_thereafter: 0 };
  const exporter = factory.createLogs(exporterSettings(), config);
  await exporter.start(nopHost());
  await exporter.consume(LOGS);
  await exporter.consume(LOGS);
  now = 1500;
  await exporter.consume(LOGS);
  await exporter.shutdown();
  assert.equal(out.length, 2);
});

Deno.test("debug exporter: use_internal_logger false writes to output_paths files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/debug.txt`;
    const { factory } = await import("./mod.ts");
    const config = {
      ...createDefaultConfig(),
      use_internal_logger: false,
      output_paths: [path],
    };
    validateConfig(config);
    const exporter = factory.createTraces(exporterSettings(), config);
    await exporter.start(nopHost());
    await exporter.consume(TRACES);
    await exporter.consume(TRACES);
    await exporter.shutdown();
    assert.equal(await Deno.readTextFile(path), "Traces: 1 resource, 2 spans\n".repeat(2));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("debug config: defaults and validation errors", () => {
  assert.deepEqual(createDefaultConfig(), {
    verbosity: "basic",
    sampling_initial: 2,
    sampling_thereafter: 1,
    use_internal_logger: true,
    output_paths: null,
  });
  const check = (overrides: Partial<Config>) =>
    validateConfig({ ...createDefaultConfig(), ...overrides });
  assert.throws(
    () => check({ verbosity: "loud" as "basic" }),
    /verbosity: "loud" is not supported/,
  );
  assert.throws(() => check({ sampling_initial: -1 }), /sampling_initial: expected a non-negative/);
  assert.throws(() => check({ sampling_thereafter: 0.5 }), /sampling_thereafter/);
  assert.throws(
    () => check({ output_paths: ["stdout"] }),
    /only used with use_internal_logger: false/,
  );
  assert.throws(
    () => check({ use_internal_logger: false, output_paths: [] }),
    /output_paths: expected a non-empty list/,
  );
  check({ use_internal_logger: false, output_paths: ["stderr"] });
  check({ verbosity: "detailed" });
});
