import assert from "node:assert/strict";
import { withValidateConfig } from "@denocol/component";
import { nopHost } from "@denocol/component/componenttest";
import { newFactory, withSignals } from "@denocol/exporter-experimental";
import { checkExporterFactory } from "@denocol/exporter-experimental/exportertest";
import { captureTelemetry, FAST_RETRY, freePort } from "@denocol/exporter/exportertest";
import { bytesToHex, type Traces, traces } from "@denocol/pdata";
import {
  createDefaultConfig,
  createLoadBalancingExporter,
  factory,
  type LoadBalancingConfig,
  STABILITY,
  TYPE,
  validateConfig,
} from "./mod.ts";
import { HashRing } from "./ring.ts";
import { OtlpSink, tracesBatch, waitUntil } from "./testutil_test.ts";

/** A configuration of `hostnames` on loopback, plaintext, with quick retries. */
function configFor(hostnames: string[]): LoadBalancingConfig {
  const config = createDefaultConfig();
  config.resolver.static = { hostnames };
  config.protocol.otlp.tls.insecure = true;
  config.protocol.otlp.retry_on_failure = { ...FAST_RETRY, max_elapsed_time: "0s" };
  return config;
}

/** Where every span of `sinks` went: trace ID → the sinks that got spans of it. */
function traceHomes(sinks: readonly OtlpSink[]): Map<string, Set<number>> {
  const homes = new Map<string, Set<number>>();
  sinks.forEach((sink, index) => {
    for (const data of sink.of<Traces>("traces")) {
      for (const span of data.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))) {
        const trace = bytesToHex(span.traceId);
        homes.set(trace, (homes.get(trace) ?? new Set()).add(index));
      }
    }
  });
  return homes;
}

const spansAt = (sink: OtlpSink) =>
  sink.of<Traces>("traces").reduce((n, d) => n + traces.count(d), 0);

Deno.test("loadbalancing: the exporter contract for every signal (static resolver)", async () => {
  const port = freePort();
  const contractFactory = newFactory(
    TYPE,
    () => configFor([`127.0.0.1:${port}`, `localhost:${port}`]),
    ...withSignals(createLoadBalancingExporter, STABILITY),
    withValidateConfig(validateConfig),
  );
  await checkExporterFactory(contractFactory, {
    consumeEmpty: true,
    invalidConfigs: [
      (c) => ({ ...c, resolver: { ...c.resolver, static: null } }),
      (c) => ({ ...c, routing_key: "span" }),
    ],
  });
  assert.deepEqual(
    [factory.tracesStability, factory.metricsStability, factory.logsStability],
    ["beta", "development", "beta"],
  );
  assert.equal(factory.profilesStability, "development");
});

Deno.test("loadbalancing: every trace whole at one of three backends, each with its own exporter", async () => {
  const sinks = await Promise.all([OtlpSink.start(), OtlpSink.start(), OtlpSink.start()]);
  const { settings, registry } = captureTelemetry("loadbalancing");
  const exporter = createLoadBalancingExporter(
    settings,
    configFor(sinks.map((s) => `127.0.0.1:${s.port}`)),
    traces,
  );
  await exporter.start(nopHost());
  try {
    let sent = 0;
    for (let batch = 0; batch < 20; batch++) {
      const data = traces.decodeJson(JSON.stringify(tracesBatch(batch, 10, 4, 6)));
      sent += traces.count(data);
      // As a receiver hands it over: still bytes.
      await exporter.consume(traces.fromProto(traces.encodeProto(data)));
    }
    const sentByBackends = () =>
      sinks.reduce(
        (n, s) =>
          n + (registry.value("otelcol_exporter_sent_spans", {
            exporter: `otlp/loadbalancing_127.0.0.1:${s.port}`,
          }) ?? 0),
        0,
      );
    // The backends' exporters count a request once its answer arrived, after the sink has it.
    await waitUntil(() => sentByBackends() >= sent, "every span sent");
    assert.equal(sinks.reduce((n, s) => n + spansAt(s), 0), sent);
    const homes = traceHomes(sinks);
    assert.equal(homes.size, 20 * 10 * 4);
    for (const [trace, home] of homes) assert.equal(home.size, 1, `trace ${trace} split`);
    for (const sink of sinks) assert.ok(spansAt(sink) > sent / 6, "each backend has a share");

    assert.equal(registry.value("otelcol_loadbalancer_num_backends", { resolver: "static" }), 3);
    assert.equal(
      registry.value("otelcol_loadbalancer_num_resolutions", { resolver: "static", success: true }),
      1,
    );
    // One outcome per part handed to a backend, and per backend the sent spans of its exporter.
    for (const sink of sinks) {
      const endpoint = `127.0.0.1:${sink.port}`;
      assert.equal(
        registry.value("otelcol_loadbalancer_backend_outcome", { endpoint, success: true }),
        20,
      );
      assert.equal(
        registry.value("otelcol_exporter_sent_spans", {
          exporter: `otlp/loadbalancing_${endpoint}`,
        }),
        spansAt(sink),
      );
      assert.ok(
        registry.value("otelcol_loadbalancer_backend_latency_count", { endpoint })! === 20,
      );
    }
    assert.equal(
      registry.value("otelcol_exporter_sent_spans", { exporter: "loadbalancing" }),
      sent,
    );
  } finally {
    await exporter.shutdown();
    await Promise.all(sinks.map((s) => s.close()));
  }
});

Deno.test("loadbalancing: a backend that is down does not hold back the others and gets its share later", async () => {
  const sinks = [await OtlpSink.start(), await OtlpSink.start()];
  const down = `127.0.0.1:${freePort()}`;
  const endpoints = [...sinks.map((s) => `127.0.0.1:${s.port}`), down];
  const ring = new HashRing(endpoints);
  const { settings } = captureTelemetry("loadbalancing");
  const exporter = createLoadBalancingExporter(settings, configFor(endpoints), traces);
  await exporter.start(nopHost());
  let late: OtlpSink | undefined;
  try {
    let sent = 0;
    let forDown = 0;
    for (let batch = 0; batch < 10; batch++) {
      const data = traces.decodeJson(JSON.stringify(tracesBatch(batch, 10, 4, 3)));
      sent += traces.count(data);
      for (const resource of data.resourceSpans) {
        for (const span of resource.scopeSpans.flatMap((s) => s.spans)) {
          if (ring.endpointFor(span.traceId) === down) forDown++;
        }
      }
      // Accepted at once: the down backend's part waits in its own queue.
      await exporter.consume(data);
    }
    assert.ok(forDown > 0 && forDown < sent);
    await waitUntil(
      () => sinks.reduce((n, s) => n + spansAt(s), 0) === sent - forDown,
      "the two live backends to have their shares",
    );
    // The down backend is retried meanwhile; its share arrives once it is up.
    late = await OtlpSink.start("127.0.0.1", Number(down.split(":")[1]));
    await waitUntil(() => spansAt(late!) === forDown, "the late backend's share");
    assert.equal(sinks.reduce((n, s) => n + spansAt(s), 0), sent - forDown);
    for (const home of traceHomes([...sinks, late]).values()) assert.equal(home.size, 1);
  } finally {
    await exporter.shutdown();
    await Promise.all([...sinks, ...(late ? [late] : [])].map((s) => s.close()));
  }
});

Deno.test("loadbalancing: a backend written with and without its default port is one backend", async () => {
  const { settings, logger } = captureTelemetry("loadbalancing");
  const exporter = createLoadBalancingExporter(
    settings,
    configFor(["127.0.0.1", "127.0.0.1:4317", "localhost:4317"]),
    traces,
  );
  await exporter.start(nopHost());
  await exporter.shutdown();
  const added = logger.records.filter((r) => r.message === "Backend added");
  assert.deepEqual(added.map((r) => r.attributes.endpoint).sort(), [
    "127.0.0.1:4317",
    "localhost:4317",
  ]);
});
