// The service's view of itself, as extensions read it through the host.

import assert from "node:assert/strict";
import { reportStatus } from "@denocol/component";
import { introspectionOf } from "@denocol/extension";
import * as extension from "@denocol/extension";
import { type Host, newComponent } from "@denocol/component";
import { redact, REDACTED } from "./introspection.ts";
import { newTestService, Recorder, testFactories, tracesWithSpans } from "./testutil_test.ts";

const CONFIG = {
  receivers: { push: null },
  processors: { rename: null },
  exporters: { sink: null },
  extensions: { watcher: null },
  service: {
    extensions: ["watcher"],
    telemetry: { metrics: { level: "none" } },
    pipelines: {
      traces: { receivers: ["push"], processors: ["rename"], exporters: ["sink"] },
      "traces/copy": { receivers: ["push"], exporters: ["sink"] },
    },
  },
};

/** An extension that keeps the host it was started with. */
function watcherFactory(hosts: Host[]) {
  return extension.newFactory("watcher", () => ({}), () =>
    newComponent({
      start: (host) => {
        hosts.push(host);
      },
    }), "development");
}

Deno.test("introspection: pipelines, status, feature gates and taps through the host", async () => {
  const recorder = new Recorder();
  const hosts: Host[] = [];
  const factories = testFactories(recorder);
  const service = await newTestService({
    factories: { ...factories, extensions: [watcherFactory(hosts)] },
    config: CONFIG,
    writeLog: () => {},
  });
  try {
    assert.equal(service.introspection.state(), "starting");
    await service.start();
    const view = introspectionOf(hosts[0]);
    assert.ok(view !== undefined, "the service's host gives its introspection");
    assert.equal(view.state(), "running");
    assert.deepEqual(view.pipelines().map((p) => [p.id, p.receivers, p.processors, p.exporters]), [
      ["traces", ["push"], ["rename"], ["sink"]],
      ["traces/copy", ["push"], [], ["sink"]],
    ]);
    assert.deepEqual(view.extensions(), ["watcher"]);
    const statuses = view.componentStatus();
    assert.ok(statuses.length >= 4);
    assert.ok(statuses.every((s) => s.status === "ok"), JSON.stringify(statuses));
    assert.ok(view.featureGates().some((g) => g.id === "service.profilesSupport"));

    // A status report through the host lands under the component that made it.
    reportStatus(hosts[0], { status: "recoverable_error", error: new Error("backend down") });
    reportStatus(hosts[0], { status: "recoverable_error", error: new Error("still down") });
    const failing = view.componentStatus().find((s) => s.kind === "extension")!;
    assert.equal(failing.status, "recoverable_error");
    assert.equal(failing.failures, 2);
    assert.equal(failing.error, "still down");
    assert.ok(failing.failingSinceMs !== undefined);
    reportStatus(hosts[0], { status: "ok" });
    const recovered = view.componentStatus().find((s) => s.kind === "extension")!;
    assert.equal(recovered.failures, 0);
    assert.equal(recovered.failingSinceMs, undefined);

    // A tap sees what enters its pipeline only, and nothing once closed.
    const seen: string[] = [];
    const tap = view.tapPipeline("traces/copy", (data, signal) => {
      seen.push(`${signal.name}:${signal.count(data)}`);
    });
    await recorder.receiver("receiver push traces").consume(tracesWithSpans("a", "b"));
    tap.close();
    await recorder.receiver("receiver push traces").consume(tracesWithSpans("c"));
    assert.deepEqual(seen, ["traces:2"]);
    assert.throws(() => view.tapPipeline("logs", () => {}), /no pipeline "logs"/);
  } finally {
    await service.shutdown(5000);
  }
  assert.equal(introspectionOf(hosts[0])!.state(), "stopping");
  assert.ok(introspectionOf(hosts[0])!.componentStatus().every((s) => s.status === "stopped"));
});

Deno.test("introspection: the effective configuration has defaults filled in and secrets redacted", async () => {
  const recorder = new Recorder();
  const service = await newTestService({
    factories: testFactories(recorder),
    config: {
      receivers: { push: { tag: "t" } },
      exporters: { sink: null },
      service: {
        telemetry: { metrics: { level: "none" } },
        pipelines: { traces: { receivers: ["push"], exporters: ["sink"] } },
      },
    },
    writeLog: () => {},
  });
  const config = service.introspection.effectiveConfig();
  assert.deepEqual((config.receivers as Record<string, unknown>).push, { tag: "t" });
  assert.deepEqual(
    config.processors as Record<string, unknown> | undefined,
    undefined,
    "sections without components are left out",
  );
  const service_ = config.service as { pipelines: Record<string, unknown> };
  assert.deepEqual(service_.pipelines.traces, {
    receivers: ["push"],
    processors: [],
    exporters: ["sink"],
  });
});

Deno.test("redact: secrets by key, header values, URL passwords; empty values stay", () => {
  assert.deepEqual(
    redact({
      endpoint: "https://user:hunter2@backend:4318/v1",
      headers: { authorization: "Bearer abc", "x-tenant": "acme" },
      headers_list: [{ name: "api-key", value: "k" }],
      auth: { authenticator: "bearertokenauth" },
      token: "s3cr3t",
      password: "",
      tls: { key_pem: "-----BEGIN", key_file: "/etc/key.pem", insecure: false },
      client_secret: "cs",
      nested: [{ api_key: "x", n: 1 }],
    }),
    {
      endpoint: `https://user:${REDACTED}@backend:4318/v1`,
      headers: { authorization: REDACTED, "x-tenant": REDACTED },
      headers_list: [{ name: "api-key", value: REDACTED }],
      auth: { authenticator: "bearertokenauth" },
      token: REDACTED,
      password: "",
      tls: { key_pem: REDACTED, key_file: "/etc/key.pem", insecure: false },
      client_secret: REDACTED,
      nested: [{ api_key: REDACTED, n: 1 }],
    },
  );
});
