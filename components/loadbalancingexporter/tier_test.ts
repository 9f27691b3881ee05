// A load balancing tier end to end, every part a real denocol collector on loopback: a client
// sends OTLP/gRPC to a collector whose pipelines end in `loadbalancing` exporters; three
// backend collectors forward what they get, without a queue (so that what they acknowledge has
// arrived), to a sink that notes which backend each request came through (`x-backend`).
// One backend is killed in the middle of the load and started again.

import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { freePort } from "@denocol/exporter/exportertest";
import { GrpcClient } from "@denocol/config";
import {
  AnyValueSchema,
  KeyValueSchema,
  type Logs,
  logs,
  type Metrics,
  metrics,
  type SignalDescriptor,
  type Traces,
  traces,
} from "@denocol/pdata";
import { type Profiles, profiles, resolveKeyValues } from "@denocol/pdata-experimental";
import { generateProfiles } from "@denocol/pdata-experimental/profilestest";
import {
  CollectorProcess,
  OtlpSink,
  type Received,
  SERVICES,
  tracesBatch,
  waitUntil,
} from "./testutil_test.ts";

/** An `otlp` receiver of OTLP/gRPC on `127.0.0.1:port`. */
const receiverOn = (port: number) => `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${port}`;

function backendConfig(name: string, port: number, sinkPort: number): string {
  return `${receiverOn(port)}
exporters:
  otlp:
    endpoint: 127.0.0.1:${sinkPort}
    tls: { insecure: true }
    headers: { x-backend: ${name} }
    sending_queue: { enabled: false }
service:
  telemetry:
    logs: { level: error }
    metrics: { level: none }
  pipelines:
${
    ["traces", "metrics", "logs", "profiles"].map((signal) =>
      `    ${signal}: { receivers: [otlp], exporters: [otlp] }`
    ).join("\n")
  }
`;
}

function balancerConfig(port: number, metricsPort: number, backends: number[]): string {
  const exporter = (routingKey: string) => `
    routing_key: ${routingKey}
    protocol:
      otlp:
        timeout: 2s
        tls: { insecure: true }
        retry_on_failure: { initial_interval: 50ms, max_interval: 300ms, max_elapsed_time: 0s }
        sending_queue: { queue_size: 100000 }
    resolver:
      static:
        hostnames: [${backends.map((p) => `127.0.0.1:${p}`).join(", ")}]`;
  return `${receiverOn(port)}
exporters:
  loadbalancing:${exporter("traceID")}
  loadbalancing/by_service:${exporter("service")}
service:
  telemetry:
    logs: { level: error }
    metrics: { address: 127.0.0.1:${metricsPort} }
  pipelines:
    traces: { receivers: [otlp], exporters: [loadbalancing] }
    metrics: { receivers: [otlp], exporters: [loadbalancing/by_service] }
    logs: { receivers: [otlp], exporters: [loadbalancing/by_service] }
    profiles: { receivers: [otlp], exporters: [loadbalancing/by_service] }
`;
}

const str = (key: string, value: string) =>
  create(KeyValueSchema, {
    key,
    value: create(AnyValueSchema, { value: { case: "stringValue", value } }),
  });

/** One gauge point per service, named `<batch>/<service>`. */
function metricsBatch(batch: number): Metrics {
  return metrics.decodeJson(JSON.stringify({
    resourceMetrics: SERVICES.map((service) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
      scopeMetrics: [{
        metrics: [{ name: `${batch}/${service}`, gauge: { dataPoints: [{ asInt: "1" }] } }],
      }],
    })),
  }));
}

/** Three records per service, whose bodies are `<batch>/<service>/<i>`. */
function logsBatch(batch: number): Logs {
  return logs.decodeJson(JSON.stringify({
    resourceLogs: SERVICES.map((service) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
      scopeLogs: [{
        logRecords: [0, 1, 2].map((i) => ({ body: { stringValue: `${batch}/${service}/${i}` } })),
      }],
    })),
  }));
}

/** Generated profiles for each service, each resource carrying its `service.name`. */
function profilesBatch(batch: number): Profiles {
  return profiles.merge(SERVICES.map((service, i) => {
    const data = generateProfiles({ seed: batch * 100 + i, maxResources: 1, maxSamples: 5 });
    for (const resource of data.resourceProfiles) {
      resource.resource!.attributes = [str("service.name", service)];
    }
    return data;
  }));
}

/** What the sink got: every item's key, with the backends it came through. */
function itemsAt(received: readonly Received[], signal: string): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  const note = (key: string, backend: string) =>
    seen.set(key, (seen.get(key) ?? new Set()).add(backend));
  for (const { data, metadata, signal: name } of received) {
    if (name !== signal) continue;
    const backend = metadata["x-backend"];
    if (signal === "traces") {
      for (const r of (data as Traces).resourceSpans) {
        for (const span of r.scopeSpans.flatMap((s) => s.spans)) note(span.name, backend);
      }
    } else if (signal === "metrics") {
      for (const r of (data as Metrics).resourceMetrics) {
        for (const m of r.scopeMetrics.flatMap((s) => s.metrics)) note(m.name, backend);
      }
    } else if (signal === "logs") {
      for (const r of (data as Logs).resourceLogs) {
        for (const l of r.scopeLogs.flatMap((s) => s.logRecords)) {
          note(String(l.body?.value.value), backend);
        }
      }
    }
  }
  return seen;
}

/** Profile samples the sink got per service, and the backends each service came through. */
function profilesAt(received: readonly Received[]) {
  const samples = new Map<string, number>();
  const backends = new Map<string, Set<string>>();
  for (const { data, metadata, signal } of received) {
    if (signal !== "profiles") continue;
    const value = data as Profiles;
    for (const resource of value.resourceProfiles) {
      const attributes = resolveKeyValues(value.dictionary, resource.resource?.attributes ?? []);
      const service = String(attributes.find((a) => a.key === "service.name")?.value?.value.value);
      const count = resource.scopeProfiles.flatMap((s) => s.profiles).reduce(
        (n, p) => n + p.samples.length,
        0,
      );
      samples.set(service, (samples.get(service) ?? 0) + count);
      backends.set(service, (backends.get(service) ?? new Set()).add(metadata["x-backend"]));
    }
  }
  return { samples, backends };
}

/** The keys of the items of one request, as {@link itemsAt} names them. */
function keysOf(signal: string, data: unknown): string[] {
  return [...itemsAt([{ signal, data, metadata: { "x-backend": "" } }], signal).keys()];
}

Deno.test({
  name: "loadbalancing tier: three backend collectors, one killed and restarted under load",
  fn: async () => {
    const sink = await OtlpSink.start();
    const ports = [freePort(), freePort(), freePort()];
    const names = ["b0", "b1", "b2"];
    const startBackend = (i: number) =>
      CollectorProcess.start(backendConfig(names[i], ports[i], sink.port), ports[i]);
    const backends = await Promise.all([0, 1, 2].map(startBackend));
    const lbPort = freePort();
    const lbMetricsPort = freePort();
    const balancer = await CollectorProcess.start(
      balancerConfig(lbPort, lbMetricsPort, ports),
      lbPort,
    );
    const client = new GrpcClient({ baseUrl: `http://127.0.0.1:${lbPort}` });
    const acked = new Map<string, Set<string>>(
      ["traces", "metrics", "logs"].map((s) => [s, new Set()]),
    );
    const ackedSamples = new Map<string, number>();
    const send = async <T>(signal: SignalDescriptor<T>, data: T) => {
      try {
        await client.unary(`/${signal.service.typeName}/Export`, signal.encodeProto(data), {
          timeoutMs: 10_000,
        });
      } catch {
        return; // not acknowledged: the client would retry; nothing is owed
      }
      if (signal.name === "profiles") {
        const { samples } = profilesAt([{ signal: "profiles", data, metadata: {} }]);
        for (const [service, n] of samples) {
          ackedSamples.set(service, (ackedSamples.get(service) ?? 0) + n);
        }
      } else {
        for (const key of keysOf(signal.name, data)) acked.get(signal.name)!.add(key);
      }
    };
    try {
      for (let batch = 0; batch < 30; batch++) {
        if (batch === 10) await backends[1].kill();
        if (batch === 20) backends[1] = await startBackend(1);
        await Promise.all([
          send(traces, traces.decodeJson(JSON.stringify(tracesBatch(batch, 10, 3, 5)))),
          send(metrics, metricsBatch(batch)),
          send(logs, logsBatch(batch)),
          send(profiles, profilesBatch(batch)),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      // Nothing was refused: the load balancer queued what was meant for the dead backend.
      assert.equal(acked.get("traces")!.size, 30 * 10 * 3 * 5);
      assert.equal(acked.get("logs")!.size, 30 * SERVICES.length * 3);

      const missing = (signal: string) => {
        const at = itemsAt(sink.received, signal);
        return [...acked.get(signal)!].filter((key) => !at.has(key));
      };
      await waitUntil(
        () =>
          ["traces", "metrics", "logs"].every((s) => missing(s).length === 0) &&
          [...ackedSamples].every(([service, n]) =>
            (profilesAt(sink.received).samples.get(service) ?? 0) >= n
          ),
        () =>
          `every acknowledged item at the sink; missing ${
            ["traces", "metrics", "logs"].map((s) => `${s}: ${missing(s).length}`).join(", ")
          }\n${balancer.output.slice(-2000)}`,
        60_000,
      );

      // Every span of a trace came through one backend, and every backend had traces.
      const spans = itemsAt(sink.received, "traces");
      const traceBackends = new Map<string, Set<string>>();
      for (const [name, through] of spans) {
        const trace = name.split("/")[1];
        for (const backend of through) {
          traceBackends.set(trace, (traceBackends.get(trace) ?? new Set()).add(backend));
        }
      }
      assert.equal(traceBackends.size, 30 * 10 * 3);
      for (const [trace, through] of traceBackends) {
        assert.equal(through.size, 1, `trace ${trace} came through ${[...through]}`);
      }
      assert.deepEqual(
        new Set([...traceBackends.values()].map((b) => [...b][0])),
        new Set(names),
      );
      // Metrics, logs and profiles: every service through one backend, all three used.
      for (const signal of ["metrics", "logs"]) {
        const serviceBackends = new Map<string, Set<string>>();
        for (const [key, through] of itemsAt(sink.received, signal)) {
          const service = key.split("/")[1];
          for (const b of through) {
            serviceBackends.set(service, (serviceBackends.get(service) ?? new Set()).add(b));
          }
        }
        assert.equal(serviceBackends.size, SERVICES.length);
        for (const [service, through] of serviceBackends) {
          assert.equal(through.size, 1, `${signal} of ${service} came through ${[...through]}`);
        }
      }
      const { backends: profileBackends } = profilesAt(sink.received);
      assert.equal(profileBackends.size, SERVICES.length);
      for (const [service, through] of profileBackends) {
        assert.equal(through.size, 1, `profiles of ${service} came through ${[...through]}`);
      }
      // The killed backend's share was held for it, not given to the others.
      const spansOfKilled = [...traceBackends.values()].filter((b) => b.has("b1")).length;
      assert.ok(spansOfKilled > 0);

      const scrape = await (await fetch(`http://127.0.0.1:${lbMetricsPort}/metrics`)).text();
      assert.match(
        scrape,
        /otelcol_loadbalancer_num_backends\{[^}]*exporter="loadbalancing"[^}]*\} 3/,
      );
    } finally {
      client.close();
      await balancer.stop();
      await Promise.all(backends.map((b) => b.stop()));
      await sink.close();
    }
  },
});
