// A collector running the Go README's tenant routing: OTLP/HTTP requests with an X-Tenant header
// sent to the otlp receiver on loopback reach the pipelines of their tenant (through the router
// the service builds for connectors); configuration errors point at the YAML.

import assert from "node:assert/strict";
import { newComponent } from "@denocol/component";
import { newConsumer } from "@denocol/consumer";
import { type Exporter, newFactory as newExporterFactory, withLogs } from "@denocol/exporter";
import { freePort } from "@denocol/exporter/exportertest";
import { factory as otlpReceiver } from "@denocol/otlpreceiver";
import { Collector } from "@denocol/otelcol";
import { type Logs, logs } from "@denocol/pdata";
import { factory as routing } from "@denocol/routingconnector";

/** An exporter that keeps, by its ID, the bodies of the log records it gets. */
function recordingExporter(received: Map<string, string[]>) {
  return newExporterFactory(
    "record",
    () => ({}),
    withLogs((settings): Exporter<Logs> => ({
      ...newComponent(),
      ...newConsumer<Logs>((data) => {
        const bodies = received.get(settings.id.toString()) ?? [];
        for (const rl of data.resourceLogs) {
          for (const sl of rl.scopeLogs) {
            for (const record of sl.logRecords) bodies.push(String(record.body?.value.value));
          }
        }
        received.set(settings.id.toString(), bodies);
      }),
    }), "development"),
  );
}

const yaml = (port: number, table: string) => `
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:${port}", include_metadata: true }
exporters:
  record/acme: {}
  record/ecorp: {}
  record/other: {}
connectors:
  routing:
    default_pipelines: [logs/other]
    table:
${table}
service:
  telemetry: { metrics: { level: none } }
  pipelines:
    logs/in: { receivers: [otlp], exporters: [routing] }
    logs/acme: { receivers: [routing], exporters: [record/acme] }
    logs/ecorp: { receivers: [routing], exporters: [record/ecorp] }
    logs/other: { receivers: [routing], exporters: [record/other] }
`;

const TENANTS = `      - context: request
        condition: request["X-Tenant"] == "acme"
        pipelines: [logs/acme]
      - context: request
        condition: request["X-Tenant"] == "ecorp"
        pipelines: [logs/ecorp]`;

Deno.test("tenants' requests reach their pipelines through a running collector", async () => {
  const received = new Map<string, string[]>();
  const port = freePort();
  const collector = new Collector({
    factories: {
      receivers: [otlpReceiver],
      exporters: [recordingExporter(received)],
      connectors: [routing],
    },
    config: yaml(port, TENANTS),
    writeLog: () => {},
  });
  await collector.start();
  try {
    for (const tenant of ["acme", "ecorp", "initech", "acme"]) {
      const body = logs.encodeJson(logs.decodeJson(JSON.stringify({
        resourceLogs: [{
          scopeLogs: [{ logRecords: [{ body: { stringValue: `from ${tenant}` } }] }],
        }],
      })));
      const response = await fetch(`http://127.0.0.1:${port}/v1/logs`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-tenant": tenant },
        body,
      });
      assert.equal(response.status, 200, await response.text());
    }
  } finally {
    await collector.shutdown(5000);
  }
  assert.deepEqual(Object.fromEntries(received), {
    "record/acme": ["from acme", "from acme"],
    "record/ecorp": ["from ecorp"],
    "record/other": ["from initech"],
  });
});

Deno.test("configuration errors point at the route in the file", async () => {
  const file = await Deno.makeTempFile({ suffix: ".yaml" });
  const errorOf = async (table: string) => {
    await Deno.writeTextFile(file, yaml(freePort(), table));
    const collector = new Collector({
      factories: {
        receivers: [otlpReceiver],
        exporters: [recordingExporter(new Map())],
        connectors: [routing],
      },
      configs: [file],
      writeLog: () => {},
    });
    return await collector.start().then(
      () => collector.shutdown(5000).then(() => "started"),
      (e) => String(e),
    );
  };
  try {
    assert.match(
      await errorOf(
        `      - context: log\n        condition: attributes["a"] == Nope(1)\n        pipelines: [logs/acme]`,
      ),
      /\.yaml:15:9: connectors\.routing\.table\[0\]\.condition: .*unknown converter "Nope".*\(column 20 of/,
    );
    assert.match(
      await errorOf(
        `      - context: request\n        statement: route()\n        pipelines: [logs/acme]`,
      ),
      /table\[0\]\.statement: .*the request context takes a condition/,
    );
    assert.match(
      await errorOf(
        `      - condition: "true"\n        statement: route()\n        pipelines: [logs/acme]`,
      ),
      /table\[0\]: .*both condition and statement provided/,
    );
    assert.match(
      await errorOf(`      - condition: "true"\n        pipelines: []`),
      /table\[0\]\.pipelines: .*no pipelines defined/,
    );
    assert.match(
      await errorOf(`      []`),
      /connectors\.routing\.table: .*the routing table is empty/,
    );
    assert.match(
      await errorOf(
        `      - context: span\n        condition: "true"\n        pipelines: [logs/acme]`,
      ),
      /context "span" does not apply to logs/,
    );
    assert.match(
      await errorOf(`      - condition: "true"\n        pipelines: [logs/nowhere]`),
      /pipelines logs\/nowhere are not fed by this connector/,
    );
  } finally {
    await Deno.remove(file);
  }
});
