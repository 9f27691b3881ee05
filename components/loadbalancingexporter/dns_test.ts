// The DNS resolver against a DNS server the test runs on 127.0.0.1 (over UDP, asked by
// Deno.resolveDns as it asks the system's servers), with backends on three loopback addresses
// sharing one port, as the pods behind a headless Service do.

import assert from "node:assert/strict";
import { captureTelemetry, FAST_RETRY } from "@denocol/exporter/exportertest";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import {
  createDefaultConfig as createStorageConfig,
  createFileStorage,
} from "@denocol/filestorage";
import { bytesToHex, type Traces, traces } from "@denocol/pdata";
import { createDefaultConfig, createLoadBalancingExporter } from "./mod.ts";
import { HashRing } from "./ring.ts";
import { DnsServer, OtlpSink, portFreeOn, tracesBatch, waitUntil } from "./testutil_test.ts";

const ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
const NAME = "collectors.lb.test";

/** Trace ID → address of each span's backend, for the spans of `batch`. */
function placements(sinks: readonly OtlpSink[], batch: number): Map<string, Set<string>> {
  const placed = new Map<string, Set<string>>();
  sinks.forEach((sink, i) => {
    for (const data of sink.of<Traces>("traces")) {
      for (const span of data.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))) {
        if (!span.name.startsWith(`${batch}/`)) continue;
        const trace = bytesToHex(span.traceId);
        placed.set(trace, (placed.get(trace) ?? new Set()).add(ADDRESSES[i]));
      }
    }
  });
  return placed;
}

/** The trace ID of every span `tracesBatch(batch, …)` makes, as the test sends it. */
function traceIdsOf(batch: number): Uint8Array[] {
  const data = traces.decodeJson(JSON.stringify(tracesBatch(batch, 10, 6, 3)));
  return data.resourceSpans.flatMap((r) =>
    r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId))
  );
}

const toBytes = (trace: string) => Uint8Array.from(trace.match(/../g)!, (h) => parseInt(h, 16));

function spansOf(sinks: readonly OtlpSink[], batch: number): number {
  let count = 0;
  for (const sink of sinks) {
    for (const data of sink.of<Traces>("traces")) {
      for (const r of data.resourceSpans) {
        for (const s of r.scopeSpans) {
          count += s.spans.filter((x) => x.name.startsWith(`${batch}/`)).length;
        }
      }
    }
  }
  return count;
}

Deno.test("loadbalancing dns: backends join and leave; a removed backend's queue is routed again", async () => {
  const port = portFreeOn(ADDRESSES);
  const sinks = await Promise.all(ADDRESSES.map((address) => OtlpSink.start(address, port)));
  const dns = await DnsServer.start();
  dns.records.set(NAME, ADDRESSES.slice(0, 2));
  const { settings, registry, logger } = captureTelemetry("loadbalancing");
  const config = createDefaultConfig();
  config.resolver.dns = { hostname: NAME, port, interval: "100ms", timeout: "300ms" };
  config.protocol.otlp.tls.insecure = true;
  config.protocol.otlp.retry_on_failure = { ...FAST_RETRY, max_elapsed_time: "0s" };
  const exporter = createLoadBalancingExporter(settings, config, traces, {
    nameServer: { ipAddr: "127.0.0.1", port: dns.port },
    drainTimeoutMs: 2000,
  });
  const backends = () => registry.value("otelcol_loadbalancer_num_backends", { resolver: "dns" });
  const updates = () =>
    registry.value("otelcol_loadbalancer_num_backend_updates", { resolver: "dns" }) ?? 0;
  const send = async (batch: number) => {
    const data = traces.decodeJson(JSON.stringify(tracesBatch(batch, 10, 6, 3)));
    const count = traces.count(data);
    await exporter.consume(data);
    return count;
  };
  const endpointsOf = (addresses: string[]) => addresses.map((a) => `${a}:${port}`);
  await exporter.start(nopHost());
  try {
    // Resolved before start returned: two backends.
    assert.equal(backends(), 2);
    assert.equal(updates(), 1);
    const sent1 = await send(1);
    await waitUntil(() => spansOf(sinks, 1) === sent1, "batch 1");
    const ring2 = new HashRing(endpointsOf(ADDRESSES.slice(0, 2)));
    for (const [trace, at] of placements(sinks, 1)) {
      assert.deepEqual([...at].map((a) => `${a}:${port}`), [ring2.endpointFor(toBytes(trace))]);
    }
    assert.equal(sinks[2].received.length, 0);

    // A third backend joins: it takes a share, and only from the others' keys it now owns.
    dns.records.set(NAME, ADDRESSES);
    await waitUntil(() => updates() === 2, "the third backend to be seen");
    assert.equal(backends(), 3);
    const sent2 = await send(2);
    await waitUntil(() => spansOf(sinks, 2) === sent2, "batch 2");
    const ring3 = new HashRing(endpointsOf(ADDRESSES));
    let joined = 0;
    for (const [trace, at] of placements(sinks, 2)) {
      assert.equal(at.size, 1);
      const address = [...at][0];
      assert.equal(`${address}:${port}`, ring3.endpointFor(toBytes(trace)));
      if (address === ADDRESSES[2]) joined++;
      else assert.equal(`${address}:${port}`, ring2.endpointFor(toBytes(trace)));
    }
    assert.ok(joined > 0, "the new backend got traces");

    // The second backend fails, so its share of batch 3 waits in its queue; then it leaves.
    sinks[1].failing = true;
    const sent3 = await send(3);
    const second = `${ADDRESSES[1]}:${port}`;
    const forSecond = traceIdsOf(3).filter((id) => ring3.endpointFor(id) === second).length;
    assert.ok(forSecond > 0);
    await waitUntil(
      () => spansOf(sinks, 3) === sent3 - forSecond,
      "batch 3 without the second's share",
    );
    dns.records.set(NAME, [ADDRESSES[0], ADDRESSES[2]]);
    await waitUntil(() => updates() === 3, "the second backend to leave");
    await waitUntil(() => spansOf(sinks, 3) === sent3, "the second backend's share, routed again");
    const ringLeft = new HashRing(endpointsOf([ADDRESSES[0], ADDRESSES[2]]));
    for (const [trace, at] of placements(sinks, 3)) {
      assert.equal(at.size, 1, `trace ${trace} split`);
      // Where the ring of three put it, unless that was the second backend: then where the
      // ring without it puts it.
      const first = ring3.endpointFor(toBytes(trace));
      const expected = first === second ? ringLeft.endpointFor(toBytes(trace)) : first;
      assert.equal(`${[...at][0]}:${port}`, expected);
    }
    // The retired backend's exporter handed everything back and stopped.
    await waitUntil(
      () =>
        registry.value("otelcol_exporter_queue_size", {
          exporter: `otlp/loadbalancing_${second}`,
        }) === 0,
      "the retired queue to empty",
    );
    assert.ok(logger.records.some((r) => r.message.startsWith("Backend removed")));
    const sent4 = await send(4);
    await waitUntil(() => spansOf(sinks, 4) === sent4, "batch 4");
    for (const at of placements(sinks, 4).values()) assert.ok(!at.has(ADDRESSES[1]));

    // DNS stops answering, then forgets the name: the backends stay as they were.
    const failures = () =>
      registry.value("otelcol_loadbalancer_num_resolutions", { resolver: "dns", success: false }) ??
        0;
    dns.silent = true;
    await waitUntil(() => failures() >= 2, "failed resolutions");
    dns.silent = false;
    dns.records.delete(NAME);
    const before = failures();
    await waitUntil(() => failures() >= before + 2, "resolutions of an unknown name");
    assert.equal(backends(), 2);
    assert.equal(updates(), 3);
    const sent5 = await send(5);
    await waitUntil(() => spansOf(sinks, 5) === sent5, "batch 5");
  } finally {
    await exporter.shutdown();
    await dns.close();
    await Promise.all(sinks.map((s) => s.close()));
  }
});

Deno.test("loadbalancing dns: a removed backend's persistent queue is routed again too", async () => {
  const port = portFreeOn(ADDRESSES.slice(0, 2));
  const sinks = await Promise.all(ADDRESSES.slice(0, 2).map((a) => OtlpSink.start(a, port)));
  sinks[1].failing = true;
  const dns = await DnsServer.start();
  dns.records.set(NAME, ADDRESSES.slice(0, 2));
  const directory = await Deno.makeTempDir({ prefix: "denocol-lb-" });
  const storage = createFileStorage(nopSettings("extension", "file_storage"), {
    ...createStorageConfig(),
    directory,
  });
  const host = nopHost(new Map([["file_storage", storage]]));
  await storage.start(host);
  const { settings, registry } = captureTelemetry("loadbalancing");
  const config = createDefaultConfig();
  config.resolver.dns = { hostname: NAME, port, interval: "100ms", timeout: "300ms" };
  config.protocol.otlp.tls.insecure = true;
  config.protocol.otlp.retry_on_failure = { ...FAST_RETRY, max_elapsed_time: "0s" };
  config.protocol.otlp.sending_queue.storage = "file_storage";
  const exporter = createLoadBalancingExporter(settings, config, traces, {
    nameServer: { ipAddr: "127.0.0.1", port: dns.port },
    drainTimeoutMs: 2000,
  });
  await exporter.start(host);
  try {
    const data = traces.decodeJson(JSON.stringify(tracesBatch(7, 10, 6, 3)));
    const sent = traces.count(data);
    await exporter.consume(data);
    const second = `otlp/loadbalancing_${ADDRESSES[1]}:${port}`;
    // The second backend's share is stored, waiting for it.
    await waitUntil(
      () =>
        spansOf(sinks, 7) > 0 && spansOf(sinks, 7) < sent &&
        (registry.value("otelcol_exporter_queue_size", { exporter: second }) ?? 0) > 0,
      "the first backend's share sent and the second's stored",
    );
    dns.records.set(NAME, [ADDRESSES[0]]);
    await waitUntil(() => spansOf([sinks[0]], 7) === sent, "everything at the first backend");
    await waitUntil(
      () => registry.value("otelcol_exporter_queue_size", { exporter: second }) === 0,
      "the retired persistent queue to empty",
    );
    assert.equal(sinks[1].received.length, 0);
  } finally {
    await exporter.shutdown();
    await storage.shutdown();
    await dns.close();
    await Promise.all(sinks.map((s) => s.close()));
    await Deno.remove(directory, { recursive: true });
  }
});
