// Contexts, inference, the grammar's operators and the errors that name what exists.

import assert from "node:assert/strict";
import { AttributeMap, idToHex, metrics, traces } from "@denocol/pdata";
import {
  compileGroup,
  dataPointsOf,
  type ErrorMode,
  type GroupConfig,
  metricContexts,
  newTransformContext,
  OttlGroupError,
  OttlRuntimeError,
  standardFunctions,
  traceContexts,
  walkMetrics,
  walkTraces,
} from "@denocol/ottl";
import { run } from "./test_helpers.ts";

function spans() {
  return traces.decodeJson(JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "cart" } }] },
      schemaUrl: "https://r",
      scopeSpans: [{
        scope: { name: "lib", version: "1.0" },
        spans: [{
          traceId: "0102030405060708090a0b0c0d0e0f10",
          spanId: "0102030405060708",
          name: "GET /",
          kind: 2,
          startTimeUnixNano: "1000",
          endTimeUnixNano: "3000",
          traceState: "a=1,b=2",
          status: { code: 2, message: "boom" },
          events: [{ name: "e1", timeUnixNano: "5" }, { name: "e2" }],
        }],
      }],
    }],
  }));
}

function runTraces(group: GroupConfig, errorMode: ErrorMode = "propagate") {
  const data = spans();
  const compiled = compileGroup(traceContexts(standardFunctions()), group, { errorMode });
  walkTraces(data, compiled.context, newTransformContext(), (t) => compiled.execute(t));
  return { data, span: data.resourceSpans[0].scopeSpans[0].spans[0], context: compiled.context };
}

Deno.test("span context: reads every kind of path and writes them back", () => {
  const { span, data, context } = runTraces({
    statements: [
      'set(span.attributes["id"], span.trace_id.string) where span.span_id == SpanID("0102030405060708")',
      'set(span.attributes["kind"], span.kind.string) where span.kind == SPAN_KIND_SERVER',
      'set(span.attributes["kind_old"], span.kind.deprecated_string)',
      'set(span.attributes["duration"], span.end_time_unix_nano - span.start_time_unix_nano)',
      'set(span.attributes["ts_b"], span.trace_state["b"])',
      'set(span.trace_state["c"], "3")',
      'set(span.attributes["status"], Concat([span.status.code, span.status.message], ":"))',
      'set(span.attributes["scope"], Concat([scope.name, instrumentation_scope.version], "@"))',
      'set(span.attributes["service"], resource.attributes["service.name"])',
      'set(span.attributes["events"], Len(span.events))',
      'set(resource.schema_url, "https://changed")',
      'set(span.span_id.string, "0a0b0c0d0e0f0102")',
      "set(span.kind, SPAN_KIND_CLIENT)",
      "set(span.status.code, STATUS_CODE_OK)",
      'set(span.end_time, span.start_time + Duration("1s"))',
      'set(span.cache["x"], "only for this span")',
      'set(span.name, span.cache["x"])',
    ],
  });
  assert.equal(context, "span");
  assert.deepEqual(new AttributeMap(span.attributes).toObject(), {
    id: "0102030405060708090a0b0c0d0e0f10",
    kind: "Server",
    kind_old: "SPAN_KIND_SERVER",
    duration: 2000n,
    ts_b: "2",
    status: "2:boom",
    scope: "lib@1.0",
    service: "cart",
    events: 2n,
  });
  assert.equal(span.traceState, "c=3,a=1,b=2");
  assert.equal(data.resourceSpans[0].schemaUrl, "https://changed");
  assert.equal(idToHex(span.spanId), "0a0b0c0d0e0f0102");
  assert.equal(span.kind, 3);
  assert.equal(span.status?.code, 1);
  assert.equal(span.endTimeUnixNano, 1_000_001_000n);
  assert.equal(span.name, "only for this span");
});

Deno.test("spanevent context: runs once per event, reaching the span above it", () => {
  const { span, context } = runTraces({
    statements: [
      'set(spanevent.attributes["of"], Concat([span.name, spanevent.name, spanevent.event_index], "/"))',
      'set(spanevent.name, "renamed") where spanevent.time_unix_nano > 0',
    ],
  });
  assert.equal(context, "spanevent");
  assert.deepEqual(span.events.map((e) => [e.name, new AttributeMap(e.attributes).get("of")]), [
    ["renamed", "GET //e1/0"],
    ["e2", "GET //e2/1"],
  ]);
});

Deno.test("a named context takes paths without the context name, as older configs write them", () => {
  const { span } = runTraces({
    context: "span",
    statements: ['set(attributes["n"], name) where status.code == STATUS_CODE_ERROR and kind > 0'],
  });
  assert.equal(new AttributeMap(span.attributes).get("n"), "GET /");
});

Deno.test("metric and datapoint contexts", () => {
  const data = metrics.decodeJson(JSON.stringify({
    resourceMetrics: [{
      scopeMetrics: [{
        metrics: [
          {
            name: "m.sum",
            sum: { dataPoints: [{ asInt: "5" }], isMonotonic: true, aggregationTemporality: 2 },
          },
          {
            name: "m.hist",
            histogram: {
              dataPoints: [{ count: "3", sum: 6, bucketCounts: ["1", "2"], explicitBounds: [1] }],
            },
          },
          {
            name: "m.gauge",
            gauge: {
              dataPoints: [{
                asDouble: 1.5,
                attributes: [{ key: "k", value: { stringValue: "v" } }],
              }],
            },
          },
        ],
      }],
    }],
  }));
  const contexts = metricContexts(standardFunctions());
  const group = compileGroup(contexts, {
    statements: [
      'set(datapoint.attributes["type"], metric.type)',
      'set(datapoint.attributes["sum"], datapoint.value_int * 2) where metric.type == METRIC_DATA_TYPE_SUM',
      'set(datapoint.attributes["mono"], metric.is_monotonic) where metric.aggregation_temporality == AGGREGATION_TEMPORALITY_CUMULATIVE',
      'set(datapoint.attributes["hist"], Concat([datapoint.count, datapoint.sum, Len(datapoint.bucket_counts)], ",")) where metric.type == METRIC_DATA_TYPE_HISTOGRAM',
      'set(datapoint.value_double, datapoint.value_double * 2.0) where metric.name == "m.gauge"',
      'set(metric.description, "seen")',
    ],
  }, { errorMode: "propagate" });
  assert.equal(group.context, "datapoint");
  walkMetrics(data, group.context, newTransformContext(), (t) => group.execute(t));
  const ms = data.resourceMetrics[0].scopeMetrics[0].metrics;
  const attrs = (i: number) =>
    new AttributeMap(
      dataPointsOf(ms[i])![0].attributes,
    )
      .toObject();
  assert.deepEqual(attrs(0), { type: 2n, sum: 10n, mono: true });
  assert.deepEqual(attrs(1), { type: 3n, hist: "3,6,2" });
  assert.deepEqual(attrs(2), { k: "v", type: 1n });
  assert.equal(
    (ms[2].data.value as { dataPoints: { value: { value: number } }[] }).dataPoints[0].value.value,
    3,
  );
  assert.ok(ms.every((m) => m.description === "seen"));
  const metricGroup = compileGroup(contexts, {
    statements: ['set(metric.name, Concat([resource.attributes["x"], metric.name], ""))'],
  }, { errorMode: "propagate" });
  assert.equal(metricGroup.context, "metric");
});

Deno.test("log context: body, severity, times and ids", () => {
  assert.deepEqual(
    run(
      [
        'set(log.attributes["body"], log.body["k"])',
        "set(log.severity_number, SEVERITY_NUMBER_WARN2) where IsMap(log.body)",
        'set(log.attributes["sev"], log.severity_number)',
        'set(log.attributes["text"], log.body.string)',
        'set(log.body["added"], 1)',
        'set(log.attributes["after"], Len(log.body))',
        'set(log.attributes["trace"], log.trace_id.string)',
      ],
      {},
      { k: "v" },
    ),
    {
      body: "v",
      sev: 14n,
      text: '{"k":"v"}',
      after: 2n,
      trace: "00000000000000000000000000000000",
    },
  );
});

Deno.test("comparisons, math and boolean operators follow OTTL's rules", () => {
  const truth = (condition: string) =>
    run([`set(log.attributes["r"], true) where ${condition}`], {
      s: "b",
      i: 2n,
      d: 2.0,
      m: { a: 1n },
    })
      .r === true;
  for (
    const condition of [
      'log.attributes["i"] == log.attributes["d"]',
      'log.attributes["i"] < 2.5',
      'log.attributes["s"] > "a"',
      'log.attributes["missing"] == nil',
      'log.attributes["m"] == {"a": 1}',
      "not false and (true or false)",
      "false or true and true",
      "(1 + 2) * 3 == 9",
      "7 / 2 == 3",
      "1.5 + 1.5 == 3",
      "true > false",
      'log.attributes["s"] != 1',
      "[1, 2] == [1, 2]",
    ]
  ) assert.equal(truth(condition), true, condition);
  for (
    const condition of [
      'log.attributes["s"] < 1',
      "nil < 1",
      "not true or false",
      'log.attributes["m"] == {"a": 2}',
      "[1] == [1.0]",
    ]
  ) assert.equal(truth(condition), false, condition);
  assert.throws(() => run(['set(log.attributes["r"], 1 + 1.0)']), /unsupported math operation/);
  assert.throws(() => run(['set(log.attributes["r"], 1 / 0)']), /divide by 0/);
});

Deno.test("error modes: propagate fails, ignore and silent go on to the next statement", () => {
  const statements = ["set(span.name, 1)", 'set(span.attributes["after"], true)'];
  assert.throws(() => runTraces({ statements }, "propagate"), OttlRuntimeError);
  for (const mode of ["ignore", "silent"] as const) {
    const { span } = runTraces({ statements }, mode);
    assert.equal(new AttributeMap(span.attributes).get("after"), true);
    assert.equal(span.name, "GET /");
  }
  // Group conditions are ORed and guard every statement of the group.
  const guarded = runTraces({
    conditions: ['span.name == "nope"', "span.kind == SPAN_KIND_SERVER"],
    statements: ['set(span.attributes["guarded"], true)'],
  });
  assert.equal(new AttributeMap(guarded.span.attributes).get("guarded"), true);
  const skipped = runTraces({
    conditions: ['span.name == "nope"'],
    statements: ['set(span.attributes["guarded"], true)'],
  });
  assert.equal(skipped.span.attributes.length, 0);
});

Deno.test("unknown paths, functions, enums and contexts are errors naming what exists", () => {
  const contexts = traceContexts(standardFunctions());
  const fails = (group: GroupConfig, message: RegExp) =>
    assert.throws(
      () => compileGroup(contexts, group, { errorMode: "propagate" }),
      (error: unknown) => error instanceof OttlGroupError && message.test(error.message),
      JSON.stringify(group),
    );
  fails(
    { statements: ['set(span.nmae, "x")'] },
    /unknown path "span.nmae" in the span context; paths here: .*span\.name.*column 10/,
  );
  fails(
    { statements: ['sett(span.name, "x")'] },
    /unknown editor "sett"; editors available here: .*set.*column 1 of/,
  );
  fails(
    { statements: ["set(span.name, Upper(span.name))"] },
    /unknown converter "Upper"; converters available here: .*ToUpperCase/,
  );
  fails(
    { statements: ["set(span.kind, SPAN_KIND_NOPE)"] },
    /unknown enum symbol "SPAN_KIND_NOPE" in the span context; enums here: .*SPAN_KIND_SERVER/,
  );
  fails({ statements: ['set(name, "x")'] }, /must start with a context name \(spanevent, span/);
  fails({ context: "log", statements: ['set(name, "x")'] }, /unknown context "log"; contexts/);
  fails({ statements: ['set(span.name, "x"'] }, /expected "," or "\)", found the end/);
  fails({ statements: ['Set(span.name, "x")'] }, /editor names must start with a lowercase letter/);
  fails({ statements: ['set(span.name, concat(["x"], ""))'] }, /converter names must start with/);
  fails({ statements: ['set(span.name, "x", "y")'] }, /too many arguments to set/);
  fails(
    { statements: ['replace_pattern(span.name, regexx = "a", replacement = "b")'] },
    /replace_pattern has no parameter "regexx"/,
  );
  fails({ statements: ["set(span.name)"] }, /missing argument "value" of set/);
  // The error says which statement of the group failed.
  assert.throws(
    () =>
      compileGroup(contexts, { statements: ['set(span.name, "a")', "set(span.bad, 1)"] }, {
        errorMode: "ignore",
      }),
    (error: unknown) =>
      error instanceof OttlGroupError && error.list === "statements" && error.index === 1,
  );
});
