import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import {
  AnyValueSchema,
  bytesToHex,
  KeyValueSchema,
  type Logs,
  logs,
  type Metrics,
  metrics,
  type Traces,
  traces,
} from "@denocol/pdata";
import { randomMetrics, seededRandom } from "@denocol/pdata/pdatatest";
import {
  type Profiles,
  profiles,
  resolveKeyValues,
  validateProfiles,
} from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import { HashRing } from "./ring.ts";
import { type EndpointOf, splitFor } from "./routing.ts";
import { SERVICES, tracesBatch } from "./testutil_test.ts";

const RING = new HashRing(["gw-1:4317", "gw-2:4317", "gw-3:4317"]);
const endpointOf: EndpointOf = (key) => RING.endpointFor(key)!;

function serviceOf(attributes: { key: string; value?: { value: { value?: unknown } } }[] = []) {
  return String(attributes.find((kv) => kv.key === "service.name")?.value?.value.value ?? "");
}

function sampleTraces(): Traces {
  return traces.decodeJson(JSON.stringify(tracesBatch(1, 6, 8, 5)));
}

Deno.test("routing traces by trace ID: each trace whole on the backend the ring gives it", () => {
  const data = sampleTraces();
  const total = traces.count(data);
  // Received as protobuf, the data is still bytes until the split reads it.
  const parts = splitFor<Traces>("traces", "traceID")(
    traces.fromProto(traces.encodeProto(data)),
    endpointOf,
  );
  assert.equal(parts.size, 3);
  const placed = new Map<string, string>();
  let spans = 0;
  for (const [endpoint, part] of parts) {
    // Each part is a request of its own that encodes and decodes to itself.
    const again = traces.decodeProto(traces.encodeProto(part));
    for (const resource of again.resourceSpans) {
      const service = serviceOf(resource.resource?.attributes);
      for (const scope of resource.scopeSpans) {
        assert.match(scope.scope?.name ?? "", /^scope-[01]$/);
        for (const span of scope.spans) {
          spans++;
          const trace = bytesToHex(span.traceId);
          assert.equal(endpoint, RING.endpointFor(span.traceId));
          assert.equal(placed.get(trace) ?? endpoint, endpoint, `trace ${trace} split`);
          placed.set(trace, endpoint);
          // The span kept its resource: the service its trace number was made for.
          const traceNumber = parseInt(trace, 16) - 1;
          assert.equal(service, SERVICES[Math.floor((traceNumber - 6 * 8) / 8)]);
        }
      }
    }
  }
  assert.equal(spans, total);
  assert.equal(placed.size, 6 * 8);
});

Deno.test("routing traces by service: each service's spans on one backend", () => {
  const parts = splitFor<Traces>("traces", "service")(sampleTraces(), endpointOf);
  const services = new Map<string, string>();
  for (const [endpoint, part] of parts) {
    for (const resource of part.resourceSpans) {
      const service = serviceOf(resource.resource?.attributes);
      assert.equal(endpoint, RING.endpointFor(service));
      assert.equal(services.get(service) ?? endpoint, endpoint);
      services.set(service, endpoint);
    }
  }
  assert.equal(services.size, 6);
  assert.equal([...parts.values()].reduce((n, part) => n + traces.count(part), 0), 6 * 8 * 5);
});

function sampleLogs(): Logs {
  const record = (trace: number | undefined, n: number) => ({
    ...(trace === undefined ? {} : { traceId: trace.toString(16).padStart(32, "0") }),
    body: { stringValue: `line ${n}` },
  });
  return logs.decodeJson(JSON.stringify({
    resourceLogs: Array.from({ length: 4 }, (_, s) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: SERVICES[s] } }] },
      scopeLogs: [{
        scope: { name: "app" },
        logRecords: Array.from(
          { length: 30 },
          (_, i) => record(i % 3 === 0 ? undefined : (i % 10) + 1, s * 100 + i),
        ),
      }],
    })),
  }));
}

Deno.test("routing logs by trace ID: records of a trace together, untraced ones together", () => {
  const parts = splitFor<Logs>("logs", "traceID")(sampleLogs(), endpointOf);
  const untraced = new Set<string>();
  let records = 0;
  for (const [endpoint, part] of parts) {
    for (const resource of part.resourceLogs) {
      for (const record of resource.scopeLogs.flatMap((s) => s.logRecords)) {
        records++;
        if (record.traceId.length === 0) untraced.add(endpoint);
        else assert.equal(endpoint, RING.endpointFor(record.traceId));
      }
    }
  }
  assert.equal(records, 120);
  assert.equal(untraced.size, 1, "records without a trace ID share one backend per request");
});

Deno.test("routing logs by service", () => {
  const parts = splitFor<Logs>("logs", "service")(sampleLogs(), endpointOf);
  for (const [endpoint, part] of parts) {
    for (const resource of part.resourceLogs) {
      assert.equal(endpoint, RING.endpointFor(serviceOf(resource.resource?.attributes)));
    }
  }
  assert.equal([...parts.values()].reduce((n, part) => n + logs.count(part), 0), 120);
});

function sampleMetrics(seed: number): Metrics {
  const data = randomMetrics(
    seededRandom(seed),
    { resources: 4, scopes: 2, items: 6, attributes: 0 },
    6,
    true,
  );
  // Data points of a stream are told apart by their attributes: a few values, so that streams
  // repeat across requests.
  let n = 0;
  for (const resource of data.resourceMetrics) {
    for (const metric of resource.scopeMetrics.flatMap((s) => s.metrics)) {
      const value = metric.data.value as { dataPoints: { attributes: unknown[] }[] } | undefined;
      for (const point of value?.dataPoints ?? []) {
        point.attributes = [
          create(KeyValueSchema, {
            key: "host",
            value: create(AnyValueSchema, { value: { case: "stringValue", value: `h${n++ % 5}` } }),
          }),
        ];
      }
    }
  }
  return data;
}

Deno.test("routing metrics by service, resource and metric name", () => {
  const byService = splitFor<Metrics>("metrics", "service")(sampleMetrics(1), endpointOf);
  for (const [endpoint, part] of byService) {
    for (const resource of part.resourceMetrics) {
      assert.equal(endpoint, RING.endpointFor(serviceOf(resource.resource?.attributes)));
    }
  }
  // A resource is its attributes, whatever their order.
  const a = sampleMetrics(2);
  const b = sampleMetrics(2);
  for (const resource of b.resourceMetrics) resource.resource?.attributes.reverse();
  const byResource = splitFor<Metrics>("metrics", "resource");
  const placeOf = (parts: Map<string, Metrics>) =>
    [...parts].flatMap(([endpoint, part]) =>
      part.resourceMetrics.map((r) => `${serviceOf(r.resource?.attributes)}@${endpoint}`)
    ).sort();
  assert.deepEqual(placeOf(byResource(a, endpointOf)), placeOf(byResource(b, endpointOf)));

  const byName = splitFor<Metrics>("metrics", "metric")(sampleMetrics(3), endpointOf);
  let points = 0;
  for (const [endpoint, part] of byName) {
    points += metrics.count(part);
    for (
      const metric of part.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
    ) {
      assert.equal(endpoint, RING.endpointFor(metric.name));
    }
  }
  assert.equal(points, metrics.count(sampleMetrics(3)));
});

Deno.test("routing metrics by stream: a stream's points follow it; one metric may split", () => {
  const split = splitFor<Metrics>("metrics", "streamID");
  /** Where each stream (metric in its resource and scope, and the point's host) went. */
  const streams = (data: Metrics) => {
    const placed = new Map<string, Set<string>>();
    for (const [endpoint, part] of split(data, endpointOf)) {
      for (const resource of part.resourceMetrics) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            const value = metric.data.value as {
              dataPoints: { attributes: { value?: { value: { value: unknown } } }[] }[];
            };
            for (const point of value.dataPoints) {
              const stream = `${
                serviceOf(resource.resource?.attributes)
              }/${scope.scope?.name}/${metric.name}/${point.attributes[0].value?.value.value}`;
              const set = placed.get(stream) ?? new Set();
              set.add(endpoint);
              placed.set(stream, set);
            }
          }
        }
      }
    }
    return placed;
  };
  const first = streams(sampleMetrics(4));
  const second = streams(sampleMetrics(4));
  let splitMetrics = 0;
  const metricsAt = new Map<string, Set<string>>();
  for (const [stream, endpoints] of first) {
    assert.equal(endpoints.size, 1, `stream ${stream} went to ${[...endpoints]}`);
    assert.deepEqual(second.get(stream), endpoints);
    const metric = stream.slice(0, stream.lastIndexOf("/"));
    const set = metricsAt.get(metric) ?? new Set();
    set.add([...endpoints][0]);
    metricsAt.set(metric, set);
  }
  for (const set of metricsAt.values()) if (set.size > 1) splitMetrics++;
  assert.ok(splitMetrics > 0, "the points of some metric went to several backends");
  const parts = split(sampleMetrics(4), endpointOf);
  assert.equal(
    [...parts.values()].reduce((n, part) => n + metrics.count(part), 0),
    metrics.count(sampleMetrics(4)),
  );
});

function sampleProfiles(): Profiles {
  const data = generateProfiles({ seed: 11, maxResources: 1 });
  const merged = profiles.merge(
    Array.from({ length: 8 }, (_, i) => generateProfiles({ seed: 20 + i, maxResources: 2 })).concat(
      data,
    ),
  );
  // Give every resource a service, its key a string of the dictionary (as profiles may).
  const table = merged.dictionary!.stringTable;
  const keyIndex = table.push("service.name") - 1;
  merged.resourceProfiles.forEach((resource, i) => {
    resource.resource!.attributes = [
      create(KeyValueSchema, {
        keyStrindex: keyIndex,
        value: create(AnyValueSchema, { value: { case: "stringValue", value: SERVICES[i % 6] } }),
      }),
    ];
  });
  return merged;
}

Deno.test("routing profiles by service (a dictionary key) and by resource", () => {
  const data = sampleProfiles();
  const samples = profiles.count(data);
  for (const key of ["service", "resource"] as const) {
    const parts = splitFor<Profiles>("profiles", key)(sampleProfiles(), endpointOf);
    assert.ok(parts.size > 1);
    let counted = 0;
    for (const [endpoint, part] of parts) {
      // Every part is valid on its own: its indices point into the dictionary it carries.
      validateProfiles(profiles.decodeProto(profiles.encodeProto(part)));
      counted += profiles.count(part);
      for (const resource of part.resourceProfiles) {
        const attributes = resolveKeyValues(part.dictionary, resource.resource!.attributes);
        if (key === "service") assert.equal(endpoint, RING.endpointFor(serviceOf(attributes)));
      }
    }
    assert.equal(counted, samples);
  }
});
