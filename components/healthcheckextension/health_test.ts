// The health_check extension in a running service: a real otlp receiver, a real otlphttp
// exporter and a backend on loopback that the test turns on and off, probed over HTTP.

import assert from "node:assert/strict";
import { ID } from "@denocol/component";
import { nopHost, nopSettings } from "@denocol/component/componenttest";
import { factory as otlpHttpExporter } from "@denocol/otlphttpexporter";
import { factory as otlpReceiver } from "@denocol/otlpreceiver";
import { Service, validateCollectorConfig } from "@denocol/service";
import { createDefaultConfig, factory, HealthCheckExtension } from "./mod.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function probe(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await read();
    if (done(last)) return last;
    await new Promise((wake) => setTimeout(wake, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

/** An OTLP/HTTP backend answering 503 while `failing`, 200 otherwise. */
function startBackend() {
  const state = { failing: false, requests: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.arrayBuffer();
    state.requests++;
    return state.failing
      ? new Response("down", { status: 503 })
      : new Response(new Uint8Array(0), { headers: { "content-type": "application/x-protobuf" } });
  });
  return { state, port: server.addr.port, close: () => server.shutdown() };
}

const SPANS = JSON.stringify({
  resourceSpans: [{
    scopeSpans: [{
      spans: [{
        traceId: "0102030405060708090a0b0c0d0e0f10",
        spanId: "0102030405060708",
        name: "s",
      }],
    }],
  }],
});

Deno.test("health_check: ready after start, 503 naming a failing exporter, recovers, not ready while draining", async () => {
  const backend = startBackend();
  const receiverPort = freePort();
  const healthPort = freePort();
  const config = await validateCollectorConfig({
    factories: {
      receivers: [otlpReceiver],
      exporters: [otlpHttpExporter],
      extensions: [factory],
    },
    config: {
      receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${receiverPort}` } } } },
      exporters: {
        otlphttp: {
          endpoint: `http://127.0.0.1:${backend.port}`,
          retry_on_failure: { initial_interval: "20ms", max_interval: "50ms" },
        },
      },
      extensions: {
        health_check: {
          endpoint: `127.0.0.1:${healthPort}`,
          path: "/health/status",
          check_collector_pipeline: {
            enabled: true,
            interval: "200ms",
            exporter_failure_threshold: 2,
          },
        },
      },
      service: {
        extensions: ["health_check"],
        telemetry: { metrics: { level: "none" } },
        shutdown: { drain_timeout: "2s" },
        pipelines: { traces: { receivers: ["otlp"], exporters: ["otlphttp"] } },
      },
    },
  });
  const service = new Service({
    factories: { receivers: [otlpReceiver], exporters: [otlpHttpExporter], extensions: [factory] },
    config,
    buildInfo: { command: "test", description: "test", version: "0" },
    reportFatalError: () => {},
    writeLog: () => {},
  });
  const base = `http://127.0.0.1:${healthPort}`;
  const send = async () => {
    const response = await fetch(`http://127.0.0.1:${receiverPort}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: SPANS,
    });
    await response.body?.cancel();
  };
  let stopping: Promise<Error[]> | undefined;
  try {
    await service.start();
    const healthy = await probe(`${base}/health/status`);
    assert.equal(healthy.status, 200);
    assert.equal(healthy.body.status, "Server available");
    assert.deepEqual(healthy.body.failing, []);
    assert.equal((await probe(`${base}/readyz`)).status, 200);
    assert.equal((await probe(`${base}/livez`)).status, 200);

    backend.state.failing = true;
    await send();
    const unhealthy = await until(
      "the failing exporter to make the collector unhealthy",
      () => probe(`${base}/health/status`),
      (answer) => answer.status === 503,
    );
    const failing = unhealthy.body.failing as Record<string, unknown>[];
    assert.equal(failing.length, 1);
    assert.equal(failing[0].kind, "exporter");
    assert.equal(failing[0].id, "otlphttp");
    assert.equal(failing[0].signal, "traces");
    assert.match(String(failing[0].error), /503/);
    assert.ok(Number(failing[0].failures) >= 2);
    // The backend failing is no reason to take the collector out of service or restart it.
    assert.equal((await probe(`${base}/readyz`)).status, 200);
    assert.equal((await probe(`${base}/livez`)).status, 200);

    backend.state.failing = false;
    await until(
      "the exporter to recover",
      () => probe(`${base}/health/status`),
      (answer) => answer.status === 200,
    );

    // While the queue drains into a failing backend, readiness fails and liveness holds.
    backend.state.failing = true;
    await send();
    stopping = service.shutdown(10_000);
    const draining = await until(
      "readiness to fail during the shutdown",
      () => probe(`${base}/readyz`),
      (answer) => answer.status === 503,
    );
    assert.equal(draining.body.status, "not ready");
    assert.equal((await probe(`${base}/livez`)).status, 200);
    assert.equal((await probe(`${base}/health/status`)).status, 503);
  } finally {
    await (stopping ?? service.shutdown(10_000));
    await backend.close();
  }
});

Deno.test("health_check: exporters are not checked unless check_collector_pipeline is enabled", () => {
  const statuses = [{
    kind: "exporter" as const,
    id: "otlp",
    signal: "traces",
    status: "recoverable_error" as const,
    sinceMs: 0,
    failingSinceMs: 0,
    failures: 100,
    error: "down",
  }];
  const host = {
    ...nopHost(),
    introspection: { componentStatus: () => statuses },
  } as unknown as ReturnType<typeof nopHost>;
  const make = (enabled: boolean) =>
    new HealthCheckExtension(
      nopSettings("extension", ID.parse("health_check")),
      {
        ...createDefaultConfig(),
        endpoint: "127.0.0.1:0",
        check_collector_pipeline: { enabled, interval: "1s", exporter_failure_threshold: 5 },
      },
      () => 60_000,
    );
  return (async () => {
    for (const [enabled, expected] of [[false, 200], [true, 503]] as const) {
      const health = make(enabled);
      await health.start(host);
      health.ready();
      assert.equal(health.health().status, expected, `enabled: ${enabled}`);
      await health.shutdown();
    }
  })();
});

Deno.test("health_check: response_body, unknown paths and methods", async () => {
  const health = new HealthCheckExtension(
    nopSettings("extension", ID.parse("health_check")),
    {
      ...createDefaultConfig(),
      endpoint: "127.0.0.1:0",
      response_body: { healthy: "I'm OK", unhealthy: "I'm not well" },
      response_headers: { "x-served-by": "denocol" },
    },
  );
  await health.start(nopHost());
  const base = `http://127.0.0.1:${health.address!.port}`;
  try {
    let response = await fetch(base);
    assert.equal(response.status, 503);
    assert.equal(await response.text(), "I'm not well");
    health.ready();
    response = await fetch(base);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-served-by"), "denocol");
    assert.equal(await response.text(), "I'm OK");
    response = await fetch(`${base}/elsewhere`);
    assert.equal(response.status, 404);
    await response.body?.cancel();
    response = await fetch(base, { method: "POST", body: "x" });
    assert.equal(response.status, 405);
    await response.body?.cancel();
  } finally {
    await health.shutdown();
  }
});
